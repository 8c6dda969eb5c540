package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a reload applies and what it keeps, derived from the reload column of {@link ConfigKeys}. */
class ReloadRulesTest {
    /** {@link ConfigLoaderTest#FULL} plus the hostapd, enrich and metrics keys: every key differs from its default. */
    private static final String EVERY_KEY_CHANGED = ConfigLoaderTest.FULL + """
            hostapd:
              - ctrl: /run/hostapd/wlan0
            hostapd_resync: 2m
            hostapd_resync_rate: 250
            enrich:
              neighbours: true
              interfaces: [br-lan]
              leases:
                - { path: /var/lib/misc/dnsmasq.leases, format: dnsmasq }
            metrics:
              listen: 127.0.0.1:9089
              per_station: true
            """;

    private static StationdConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, Path.of("/etc/stationd/stationd.yaml"), ConfigLoaderTest.IDS);
    }

    @Test
    void everyKeyDiffersInTheSample() throws Exception {
        StationdConfig changed = parse(EVERY_KEY_CHANGED);
        StationdConfig defaults = StationdConfig.defaults();
        for (Key<StationdConfig, ?> k : ConfigKeys.FILE.keys()) {
            assertTrue(!k.get(defaults).equals(k.get(changed)), () -> k + " has its default in the sample");
        }
    }

    @Test
    void restartOnlyKeysAreTheSocketsStateWriteBuffersHostapdEnrichAndMetricsListen() throws Exception {
        List<String> restart = ConfigKeys.restartOnlyChanges(StationdConfig.defaults(), parse(EVERY_KEY_CHANGED));
        assertEquals(List.of("server.socket", "server.socket_mode", "server.socket_group", "server.backlog",
                "server.io_threads", "server.write_buffer_high", "server.write_buffer_low",
                "ingest.socket", "ingest.socket_mode", "ingest.socket_group", "state.directory",
                "hostapd", "hostapd_resync", "hostapd_resync_rate", "enrich.neighbours", "enrich.interfaces",
                "enrich.leases", "metrics.listen"), restart);
    }

    @Test
    void keepRestartOnlyTakesLiveValuesAndKeepsTheRest() throws Exception {
        StationdConfig running = StationdConfig.defaults();
        StationdConfig next = parse(EVERY_KEY_CHANGED);
        StationdConfig applied = ConfigKeys.keepRestartOnly(running, next);
        assertEquals(next.source(), applied.source());
        for (Key<StationdConfig, ?> k : ConfigKeys.FILE.keys()) {
            StationdConfig expected = k.reload() == Reload.LIVE ? next : running;
            assertEquals(k.get(expected), k.get(applied), k::path);
        }
        assertEquals(List.of(), ConfigKeys.restartOnlyChanges(running, applied));
        assertEquals(List.of(), ConfigKeys.liveChanges(applied, next));
    }

    @Test
    void liveChangesNameKeyOldAndNewValue() throws Exception {
        StationdConfig running = parse("server:\n  idle_timeout: 60s\n");
        StationdConfig next = parse("server:\n  idle_timeout: 1s\n  socket: /run/other.sock\nlog:\n  level: debug\n");
        assertEquals(List.of("server.idle_timeout: 1m -> 1s", "log.level: info -> debug"),
                ConfigKeys.liveChanges(running, ConfigKeys.keepRestartOnly(running, next)));
        assertEquals(List.of("server.socket"), ConfigKeys.restartOnlyChanges(running, next));
        StationdConfig applied = ConfigKeys.keepRestartOnly(running, next);
        assertEquals(Duration.ofSeconds(1), applied.server().idleTimeout());
        assertEquals(running.server().socket(), applied.server().socket());
    }

    @Test
    void unchangedFileChangesNothing() throws Exception {
        StationdConfig a = parse(EVERY_KEY_CHANGED);
        StationdConfig b = parse(EVERY_KEY_CHANGED);
        assertEquals(List.of(), ConfigKeys.restartOnlyChanges(a, b));
        assertEquals(List.of(), ConfigKeys.liveChanges(a, b));
        assertEquals(a, ConfigKeys.keepRestartOnly(a, b));
    }
}
