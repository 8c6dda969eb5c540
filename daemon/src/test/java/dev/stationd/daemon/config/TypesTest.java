package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The value types of {@link Types} that the shipped table does not use yet, on a sample schema
 * shaped like a section with a list of names and a list of mappings with an enum field.
 */
class TypesTest {
    enum Format { DNSMASQ, KEA, ISC }

    record Lease(Path path, Format format) {
    }

    record Sample(boolean neighbours, List<String> interfaces, List<Lease> leases, Duration timeout) {
    }

    private static final Schema<Lease> LEASE = Schema.fields(v -> new Lease(v.get(Fields.PATH), v.get(Fields.FORMAT)));
    private static final Schema<Sample> SAMPLE = Schema.file(v -> new Sample(v.get(Fields.NEIGHBOURS),
            v.get(Fields.INTERFACES), v.get(Fields.LEASES), v.get(Fields.TIMEOUT)));

    /** Declared in a holder, as ConfigKeys declares its keys, so the schemas exist first. */
    private static final class Fields {
        static final Key<Lease, Path> PATH = LEASE.key("path", Types.PATH).required("a lease file is needed")
                .doc("Lease file.").of(Lease::path);
        static final Key<Lease, Format> FORMAT = LEASE.key("format", Types.oneOf(Format.class))
                .byDefault(Format.DNSMASQ).doc("Its format.").of(Lease::format);
        static final Key<Sample, Boolean> NEIGHBOURS = SAMPLE.key("enrich.neighbours", Types.BOOL).byDefault(false)
                .live().doc("Read neighbours.").of(Sample::neighbours);
        static final Key<Sample, List<String>> INTERFACES = SAMPLE.key("enrich.interfaces", Types.listOf(Types.STRING))
                .byDefault(List.of()).live().doc("Interfaces.").of(Sample::interfaces);
        static final Key<Sample, List<Lease>> LEASES = SAMPLE.key("enrich.leases", Types.listOf(LEASE, "lease files"))
                .byDefault(List.of()).restart().doc("Lease files.").of(Sample::leases);
        static final Key<Sample, Duration> TIMEOUT = SAMPLE.key("filters.commit_timeout", Types.DURATION)
                .byDefault(Duration.ofSeconds(5)).range(Duration.ofMillis(100), Duration.ofMinutes(1)).live()
                .doc("Commit timeout.").of(Sample::timeout);

        static void init() {
        }
    }

    private static Sample load(String yaml) throws ConfigException {
        Fields.init();
        Problems problems = new Problems("s.yaml");
        return new ConfigBinder(problems, Path.of("/etc/stationd"), ConfigLoaderTest.IDS)
                .bindFile(SAMPLE, new Yaml().compose(new StringReader(yaml)));
    }

    private static List<String> errors(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).errors();
    }

    @Test
    void readsListsOfNamesAndOfMappingsWithEnums() throws Exception {
        Sample s = load("""
                enrich:
                  neighbours: true
                  interfaces: [br-lan, wlan0]
                  leases:
                    - path: /tmp/dhcp.leases
                    - path: kea.csv
                      format: kea
                filters:
                  commit_timeout: 2s
                """);
        assertEquals(new Sample(true, List.of("br-lan", "wlan0"), List.of(
                new Lease(Path.of("/tmp/dhcp.leases"), Format.DNSMASQ), new Lease(Path.of("/etc/stationd/kea.csv"), Format.KEA)),
                Duration.ofSeconds(2)), s);
        assertEquals(new Sample(false, List.of(), List.of(), Duration.ofSeconds(5)), load(""));
    }

    @Test
    void writesWhatItReads() throws Exception {
        Sample s = load("enrich:\n  interfaces: [wlan0]\n  leases: [{path: /l, format: isc}]\n");
        YamlOut out = new YamlOut();
        ConfigWriter.fields(SAMPLE, s, out);
        assertEquals("""
                enrich:
                  neighbours: false
                  interfaces: ["wlan0"]
                  leases:
                    - path: "/l"
                      format: isc
                filters:
                  commit_timeout: 5s
                """, out.toString());
        assertEquals(s, load(out.toString()));
    }

    @Test
    void reportsEachBadValueWithItsPosition() {
        List<String> e = errors("""
                enrich:
                  interfaces: [wlan0, "", {a: 1}]
                  leases:
                    - format: kea
                    - path: /x
                      format: csv
                filters:
                  commit_timeout: 2m
                """);
        assertEquals(List.of(
                "s.yaml:2:23: enrich.interfaces[1]: must not be empty",
                "s.yaml:2:27: enrich.interfaces[2]: expected a string, got a mapping",
                "s.yaml:4:7: enrich.leases[0].path: missing; a lease file is needed",
                "s.yaml:6:15: enrich.leases[1].format: unknown value 'csv' (expected one of: dnsmasq, kea, isc)",
                "s.yaml:8:19: filters.commit_timeout: must be between 100ms and 1m, got 2m"), e);
        assertTrue(errors("enrich:\n  interfaces: wlan0\n").get(0)
                .endsWith("enrich.interfaces: expected a list, e.g. [a, b], got 'wlan0'"));
    }

    @Test
    void listsOfOrderedValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Types.listOf(Types.DURATION));
    }
}
