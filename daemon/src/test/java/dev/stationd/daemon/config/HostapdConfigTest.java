package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code hostapd:} list and {@code hostapd_resync}. */
class HostapdConfigTest {
    @TempDir
    Path dir;

    private StationdConfig load(String yaml) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("h.yaml"), yaml), ConfigLoaderTest.IDS);
    }

    private List<String> errors(String yaml) throws IOException {
        Path f = Files.writeString(dir.resolve("bad.yaml"), yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(f, ConfigLoaderTest.IDS)).errors();
    }

    private static void assertOneError(List<String> errors, String position, String text) {
        assertEquals(1, errors.size(), () -> "errors: " + errors);
        assertTrue(errors.get(0).contains(position + ": "), () -> "expected " + position + " in " + errors.get(0));
        assertTrue(errors.get(0).contains(text), () -> "expected '" + text + "' in " + errors.get(0));
    }

    @Test
    void defaultsAreNoInterfacesAnd30s() throws Exception {
        StationdConfig c = load("log:\n  level: info\n");
        assertTrue(c.hostapd().interfaces().isEmpty());
        assertEquals(Duration.ofSeconds(30), c.hostapd().resync());
        assertEquals(HostapdSettings.defaults(), StationdConfig.defaults().hostapd());
    }

    @Test
    void issueExample() throws Exception {
        StationdConfig c = load("""
                hostapd:
                  - ctrl: /run/hostapd/wlan0     # one entry per BSS control socket
                    group_id: 1                  # optional; default 0
                    enforce_filters: true        # default true
                  - ctrl: /run/hostapd/wlan1
                  - ctrl: sockets/guest
                    group_id: 4294967295
                    enforce_filters: false
                hostapd_resync: 30s
                """);
        List<HostapdConfig> list = c.hostapd().interfaces();
        assertEquals(3, list.size());
        assertEquals(new HostapdConfig(Path.of("/run/hostapd/wlan0"), 1, true), list.get(0));
        assertEquals("wlan0", list.get(0).ifname());
        assertEquals(new HostapdConfig(Path.of("/run/hostapd/wlan1"), 0, true), list.get(1));
        assertEquals(dir.resolve("sockets/guest"), list.get(2).ctrl(), "relative to the file's directory");
        assertEquals(-1, list.get(2).groupId(), "u32 4294967295");
        assertFalse(list.get(2).enforceFilters());
        assertEquals(Duration.ofSeconds(30), c.hostapd().resync());
    }

    @Test
    void roundTripsThroughToYaml() throws Exception {
        StationdConfig first = load("""
                hostapd:
                  - ctrl: /run/hostapd/wlan0
                    group_id: 3000000000
                  - ctrl: "/run/host apd/wl\\"an1"
                    enforce_filters: false
                hostapd_resync: 2m
                """);
        String yaml = first.toYaml();
        assertTrue(yaml.contains("hostapd:\n  - ctrl: \"/run/hostapd/wlan0\"\n    group_id: 3000000000\n"), yaml);
        assertTrue(yaml.contains("hostapd_resync: 2m\n"), yaml);
        Path other = Files.writeString(dir.resolve("again.yaml"), yaml);
        StationdConfig second = ConfigLoader.load(other, ConfigLoaderTest.IDS);
        assertEquals(first.withSource(null), second.withSource(null));
        assertTrue(StationdConfig.defaults().toYaml().contains("hostapd: []\nhostapd_resync: 30s\n"));
    }

    @Test
    void emptyListIsNone() throws Exception {
        assertTrue(load("hostapd: []\n").hostapd().isEmpty());
        assertTrue(load("hostapd:\n").hostapd().isEmpty());
    }

    @Test
    void missingCtrl() throws IOException {
        assertOneError(errors("hostapd:\n  - group_id: 1\n"), ":2:5", "hostapd[0].ctrl: missing");
    }

    @Test
    void notAList() throws IOException {
        assertOneError(errors("hostapd:\n  ctrl: /run/hostapd/wlan0\n"), ":2:3", "hostapd: expected a list");
    }

    @Test
    void itemNotAMapping() throws IOException {
        assertOneError(errors("hostapd:\n  - /run/hostapd/wlan0\n"), ":2:5", "hostapd[0]: expected a mapping");
    }

    @Test
    void unknownKeyInEntry() throws IOException {
        assertOneError(errors("hostapd:\n  - ctrl: /run/hostapd/wlan0\n    group: 1\n"), ":3:5",
                "unknown key 'group' in hostapd[0]");
    }

    @Test
    void badValues() throws IOException {
        List<String> e = errors("""
                hostapd:
                  - ctrl: /run/hostapd/wlan0
                    group_id: -1
                    enforce_filters: yes
                hostapd_resync: 500ms
                """);
        assertEquals(3, e.size(), () -> "errors: " + e);
        assertTrue(e.get(0).contains(":3:15: hostapd[0].group_id: must be between 0 and 4294967295"), e.get(0));
        assertTrue(e.get(1).contains(":4:22: hostapd[0].enforce_filters: expected true or false"), e.get(1));
        assertTrue(e.get(2).contains(":5:17: hostapd_resync: must be between 1s and 1h, got 500ms"), e.get(2));
        assertOneError(errors("hostapd:\n  - ctrl: /x/y\n    group_id: 4294967296\n"), ":3:15", "4294967295");
        assertOneError(errors("hostapd:\n  - ctrl: /x/y\n    enforce_filters: \"true\"\n"), ":3:22", "true or false");
    }

    @Test
    void interfaceNameTooLong() throws IOException {
        assertOneError(errors("hostapd:\n  - ctrl: /run/hostapd/wlan0-guest-5ghz\n"), ":2:11",
                "must be 1..15 bytes");
    }

    @Test
    void duplicates() throws IOException {
        assertOneError(errors("hostapd:\n  - ctrl: /run/hostapd/wlan0\n  - ctrl: /run/hostapd/wlan0\n"), ":3:5",
                "listed twice");
        assertOneError(errors("hostapd:\n  - ctrl: /run/a/wlan0\n  - ctrl: /run/b/wlan0\n"), ":3:5",
                "also named 'wlan0'");
    }

    @Test
    void recordInvariants() {
        assertThrows(IllegalArgumentException.class, () -> new HostapdConfig(Path.of("rel/wlan0"), 0, true));
        assertThrows(IllegalArgumentException.class,
                () -> new HostapdConfig(Path.of("/run/hostapd/sixteen-bytes-ab"), 0, true));
        HostapdConfig a = new HostapdConfig(Path.of("/a/wlan0"), 0, true);
        HostapdConfig b = new HostapdConfig(Path.of("/b/wlan0"), 0, true);
        assertThrows(IllegalArgumentException.class, () -> new HostapdSettings(List.of(a, b), Duration.ofSeconds(30)));
        assertThrows(IllegalArgumentException.class, () -> new HostapdSettings(List.of(a), Duration.ofMillis(999)));
    }
}
