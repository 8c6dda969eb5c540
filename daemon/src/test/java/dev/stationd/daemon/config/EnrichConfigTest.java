package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.enrich.LeaseFile;
import dev.stationd.daemon.enrich.LeaseFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code enrich:} section: the documented example, defaults, the round trip, and one error per case. */
class EnrichConfigTest {
    private static final Path SOURCE = Path.of("/etc/stationd/stationd.yaml");

    private static StationdConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, SOURCE, ConfigLoaderTest.IDS);
    }

    private static List<String> errors(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).errors();
    }

    /** @return the ```yaml blocks of a Markdown file */
    static List<String> yamlBlocks(Path markdown) throws Exception {
        List<String> blocks = new ArrayList<>();
        StringBuilder b = null;
        for (String line : Files.readAllLines(markdown)) {
            if (b == null && line.equals("```yaml")) {
                b = new StringBuilder();
            } else if (b != null && line.equals("```")) {
                blocks.add(b.toString());
                b = null;
            } else if (b != null) {
                b.append(line).append('\n');
            }
        }
        return blocks;
    }

    @Test
    void theDocumentedExampleIsValid() throws Exception {
        List<String> blocks = yamlBlocks(Path.of("../docs/enrichment.md"));
        assertEquals(1, blocks.size(), "docs/enrichment.md shows one configuration");
        EnrichConfig e = parse(blocks.get(0)).enrich();
        assertTrue(e.neighbours());
        assertEquals(List.of("br-lan"), e.interfaces());
        assertEquals(List.of(new LeaseFile(Path.of("/var/lib/misc/dnsmasq.leases"), LeaseFormat.DNSMASQ),
                new LeaseFile(Path.of("/var/lib/kea/kea-leases4.csv"), LeaseFormat.KEA),
                new LeaseFile(Path.of("/var/lib/dhcp/dhcpd.leases"), LeaseFormat.ISC)), e.leases());
    }

    @Test
    void theCommentedExamplesOfThePackagedAndTheExampleConfigurationAreValid() throws Exception {
        for (Path file : List.of(Path.of("../config/stationd.yaml"), Path.of("../systemd/stationd.yaml"))) {
            StringBuilder yaml = new StringBuilder();
            boolean in = false;
            for (String line : Files.readAllLines(file)) {
                in |= line.equals("#enrich:");
                if (in && !line.startsWith("#")) {
                    break; // the commented example ends at the first line that is not a comment
                }
                if (in) {
                    yaml.append(line.substring(1)).append('\n');
                }
            }
            EnrichConfig e = parse(yaml.toString()).enrich();
            assertTrue(e.neighbours() && e.interfaces().equals(List.of("br-lan")) && !e.leases().isEmpty(), file + ": " + e);
        }
    }

    @Test
    void offByDefaultAndRelativePathsResolveAgainstTheFile() throws Exception {
        assertEquals(EnrichConfig.defaults(), parse("").enrich());
        assertEquals(EnrichConfig.defaults(), parse("enrich:\n").enrich());
        EnrichConfig e = parse("enrich:\n  leases:\n    - path: leases/dhcp.leases\n      format: dnsmasq\n").enrich();
        assertEquals(Path.of("/etc/stationd/leases/dhcp.leases"), e.leases().get(0).path());
        assertTrue(e.enabled());
    }

    @Test
    void checkConfigPrintsItBackUnchanged() throws Exception {
        StationdConfig c = parse(yamlBlocks(Path.of("../docs/enrichment.md")).get(0));
        assertEquals(c, parse(c.toYaml()).withSource(c.source()));
        assertTrue(c.toYaml().contains("enrich:\n  neighbours: true\n  interfaces: [\"br-lan\"]\n  leases:\n"
                + "    - path: \"/var/lib/misc/dnsmasq.leases\"\n      format: dnsmasq\n"), c.toYaml());
    }

    @Test
    void unknownFormat() {
        assertEquals(List.of("/etc/stationd/stationd.yaml:3:38: enrich.leases[0].format: unknown value 'udhcpd'"
                + " (expected one of: dnsmasq, isc, kea)"), errors("enrich:\n  leases:\n    - { path: /tmp/x.leases, format: udhcpd }\n"));
    }

    @Test
    void leaseWithoutFormat() {
        assertEquals(List.of("/etc/stationd/stationd.yaml:3:7: enrich.leases[0].format: missing; each lease file needs a path"
                + " and a format (dnsmasq, isc or kea)"), errors("enrich:\n  leases:\n    - { path: /tmp/x.leases }\n"));
    }

    @Test
    void unknownKeyInALeaseEntry() {
        List<String> e = errors("enrich:\n  leases:\n    - { path: /tmp/x, format: isc, fromat: kea }\n");
        assertTrue(e.get(0).equals("/etc/stationd/stationd.yaml:3:36: unknown key 'fromat' in enrich.leases[0] (did you mean 'format'?)"), e.toString());
    }

    @Test
    void neighboursNotABoolean() {
        List<String> e = errors("enrich:\n  neighbours: maybe\n");
        assertTrue(e.get(0).startsWith("/etc/stationd/stationd.yaml:2:15: enrich.neighbours: "), e.toString());
    }

    @Test
    void interfacesNotAList() {
        assertEquals(List.of("/etc/stationd/stationd.yaml:2:15: enrich.interfaces: expected a list, e.g. [a, b],"
                + " got 'br-lan'"), errors("enrich:\n  interfaces: br-lan\n"));
    }

    @Test
    void badInterfaceNames() {
        List<String> e = errors("enrich:\n  interfaces: [a-name-far-too-long, br/lan, wlan0, \"br lan\"]\n");
        assertEquals(List.of(
                "/etc/stationd/stationd.yaml:2:16: enrich.interfaces[0]: not an interface name (1..15 bytes, no '/' or"
                        + " blanks): 'a-name-far-too-long'",
                "/etc/stationd/stationd.yaml:2:37: enrich.interfaces[1]: not an interface name (1..15 bytes, no '/' or"
                        + " blanks): 'br/lan'",
                "/etc/stationd/stationd.yaml:2:52: enrich.interfaces[3]: not an interface name (1..15 bytes, no '/' or"
                        + " blanks): 'br lan'"), e);
    }

    @Test
    void sameFileTwice() {
        List<String> e = errors("enrich:\n  leases:\n    - { path: /a, format: isc }\n    - { path: /a, format: kea }\n");
        assertEquals(List.of("/etc/stationd/stationd.yaml:4:7: enrich.leases[1].path: /a is listed twice (first at line 3)"), e);
    }

    @Test
    void unknownKeyInTheSection() {
        List<String> e = errors("enrich:\n  neighbors: true\n");
        assertTrue(e.get(0).contains("unknown key 'neighbors' in enrich (did you mean 'neighbours'?)"), e.toString());
    }
}
