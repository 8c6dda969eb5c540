package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code metrics.listen} (an IP:PORT, never a host name) and {@code metrics.per_station}. */
class MetricsConfigTest {
    private static final Path FILE = Path.of("/etc/stationd/stationd.yaml");

    private static StationdConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, FILE, ConfigLoaderTest.IDS);
    }

    private static List<String> errors(String listen) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("metrics:\n  listen: " + listen + "\n"));
        return e.errors();
    }

    @Test
    void offByDefault() {
        MetricsConfig m = StationdConfig.defaults().metrics();
        assertTrue(m.listen().isOff());
        assertFalse(m.perStation());
        assertEquals("", m.listen().toString());
    }

    @Test
    void ipv4AndIpv6Addresses() throws ConfigException {
        MetricsConfig m = parse("metrics:\n  listen: 127.0.0.1:9089\n  per_station: true\n").metrics();
        assertEquals(new ListenAddress("127.0.0.1", 9089), m.listen());
        assertEquals(new InetSocketAddress("127.0.0.1", 9089), m.listen().socketAddress());
        assertTrue(m.perStation());
        ListenAddress v6 = parse("metrics:\n  listen: \"[::1]:9089\"\n").metrics().listen();
        assertEquals("[::1]:9089", v6.toString());
        assertEquals(9089, v6.socketAddress().getPort());
        assertTrue(v6.socketAddress().getAddress().isLoopbackAddress());
        assertTrue(parse("metrics:\n  listen: \"\"\n").metrics().listen().isOff());
        assertEquals(new ListenAddress("0.0.0.0", 1), parse("metrics:\n  listen: 0.0.0.0:1\n").metrics().listen());
    }

    @Test
    void checkConfigPrintsWhatLoadsBack() throws ConfigException {
        StationdConfig c = parse("metrics:\n  listen: \"[fe80::1]:65535\"\n");
        String yaml = c.toYaml();
        assertTrue(yaml.contains("listen: \"[fe80::1]:65535\""), yaml);
        assertEquals(c.metrics(), parse(yaml).metrics());
        assertTrue(StationdConfig.defaults().toYaml().contains("listen: \"\""));
    }

    /** One case per mistake, each with its position and what is expected. */
    @Test
    void badAddressesSayWhatIsExpected() {
        String form = "metrics.listen: expected IP:PORT such as 127.0.0.1:9089 or [::1]:9089, or \"\" for off, got '";
        assertEquals(List.of(FILE + ":2:11: " + form + "localhost:9089' (a host name is not accepted: no name lookup"
                + " at start-up)"), errors("localhost:9089"));
        assertEquals(List.of(FILE + ":2:11: " + form + "127.0.0.1' (a host name is not accepted: no name lookup"
                + " at start-up)"), errors("127.0.0.1"));
        assertEquals(List.of(FILE + ":2:11: metrics.listen: port must be between 1 and 65535, got 0"), errors("127.0.0.1:0"));
        assertEquals(List.of(FILE + ":2:11: metrics.listen: port must be between 1 and 65535, got 65536"),
                errors("127.0.0.1:65536"));
        assertEquals(List.of(FILE + ":2:11: metrics.listen: '1.2.3.256' is not an IPv4 address (four numbers 0..255)"),
                errors("1.2.3.256:80"));
        assertEquals(List.of(FILE + ":2:11: metrics.listen: '[1.2.3.4]' is not an IPv6 address (an IPv4 address needs"
                + " no brackets)"), errors("\"[1.2.3.4]:80\""));
        assertEquals(List.of(FILE + ":2:11: metrics.listen: '1:2:3:4:5:6:7:8:9' is not an IP address"),
                errors("\"[1:2:3:4:5:6:7:8:9]:80\""));
        assertEquals(List.of(FILE + ":2:11: metrics.listen: expected an address such as 127.0.0.1:9089, got a list"),
                errors("[a, b]"));
    }

    @Test
    void theRecordChecksItsInvariants() {
        assertThrows(IllegalArgumentException.class, () -> new ListenAddress("127.0.0.1", 0));
        assertThrows(IllegalArgumentException.class, () -> new ListenAddress("", 80));
        assertThrows(IllegalArgumentException.class, () -> new ListenAddress("127.0.0.1", 65536));
        assertThrows(IllegalStateException.class, ListenAddress.OFF::socketAddress);
        assertThrows(NullPointerException.class, () -> new MetricsConfig(null, false));
    }
}
