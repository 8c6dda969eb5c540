package dev.stationd.daemon.it.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.StationClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promtool} (Prometheus's own checker) on what the daemon serves and on the
 * documentation's examples: {@code check metrics} passes with no lint warning, the scrape
 * configuration and the alert rules are valid, and the alerts' unit test passes.
 */
class PromtoolIT {
    private static final Path ROOT = Path.of(System.getProperty("stationd.root", "..")).toAbsolutePath().normalize();
    private static final Path EXAMPLES = ROOT.resolve("docs/examples");

    @TempDir
    Path dir;

    /** What promtool printed and its exit code. */
    private record Result(int exit, String output) {
    }

    @BeforeEach
    void needsPromtool() {
        Assumptions.assumeTrue(Prometheus.program("promtool") != null,
                "promtool not installed in " + Prometheus.binDir() + " (Debian package prometheus)");
    }

    private Result promtool(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Prometheus.program("promtool").toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("promtool-" + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(cmd).directory(EXAMPLES.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool " + args[0] + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private static StaListAttr sta(int n, String ifname) {
        return StaListAttr.builder(new MacAddress(0x02_2E_00_00_00_00L + n)).ifname(ifname).ssid("caf\u00e9 \"net\"")
                .band(Band.GHZ_5).groupId(n % 3).signalDbm(-50).txRateKbps(866_000).txBytes(-1L) // u64 max
                .lastSeenMs(System.currentTimeMillis()).build();
    }

    /**
     * Every family the daemon serves, with stations, a permanent and a timed filter, per-station
     * series and a lease file.
     */
    @Test
    void checkMetricsFindsNothingToSayAboutTheDaemonsOutput() throws Exception {
        int port = Endpoint.freePort();
        // dnsmasq's format: expiry (2100-01-01), MAC, address, host name, client id
        Path leases = Files.writeString(dir.resolve("dnsmasq.leases"),
                "4102444800 02:2e:00:00:00:01 192.168.50.11 phone 01:02:2e:00:00:00:01\n");
        Path cfg = DaemonProcess.writeConfig(dir, "metrics:\n  listen: 127.0.0.1:" + port + "\n  per_station: true\n"
                + "hostapd:\n  - ctrl: " + dir.resolve("none/wlan9") + "\n"
                + "enrich:\n  neighbours: false\n  leases:\n    - { path: " + leases + ", format: dnsmasq }\n");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg)) {
            try (EventSender s = EventSender.connect(d.events())) {
                for (int i = 1; i <= 5; i++) {
                    s.send(StaEvent.upsert(i, sta(i, i < 3 ? "wlan0" : "wlan1")));
                }
            }
            DaemonProcess.awaitStations(d.socket(), 5, Duration.ofSeconds(30));
            try (StationClient c = StationClient.open(d.socket(), Duration.ofSeconds(5))) {
                c.filterAdd(1, new MacAddress(0x02_2E_00_00_00_01L));
                c.filterAdd(1, new MacAddress(0x02_2E_00_00_00_02L), Duration.ofHours(1));
            }
            String text = Endpoint.scrape(port);
            for (String sample : List.of("stationd_filters{kind=\"permanent\"} 1.0", "stationd_filters{kind=\"timed\"} 1.0",
                    "stationd_enrich_leases 1.0", "stationd_enrich_learned_macs 1.0", "stationd_commit_timeouts_total 0.0")) {
                assertTrue(text.contains("\n" + sample + "\n"), () -> sample + " missing in:\n" + text);
            }
            assertTrue(text.matches("(?s).*\nstationd_reply_budget_limit_bytes [1-9][0-9.E]*\n.*"), text);
            for (String family : List.of("stationd_stations{", "stationd_station_signal_dbm{",
                    "stationd_station_tx_bytes_total{", "stationd_filter_commit_duration_seconds_bucket{",
                    "stationd_hostapd_up{", "stationd_requests_total{", "process_start_time_seconds ")) {
                assertTrue(text.contains("\n" + family), () -> family + " missing in:\n" + text);
            }
            assertTrue(text.contains("stationd_filter_commit_duration_seconds_count 2\n"), text);
            assertTrue(text.contains("stationd_station_tx_bytes_total{ifname=\"wlan0\",mac=\"02:2e:00:00:00:01\"}"
                    + " 1.8446744073709552E19\n"), "a u64 counter is read unsigned:\n" + text);
            Result r = promtool(text, "check", "metrics");
            assertEquals(new Result(0, ""), r, "promtool check metrics on:\n" + text);
            assertEquals(0, d.stop());
        }
    }

    @Test
    void theDocumentedScrapeConfigAndAlertsAreValid() throws Exception {
        Result config = promtool("", "check", "config", "prometheus-stationd.yml");
        assertEquals(0, config.exit(), config.output());
        Result rules = promtool("", "check", "rules", "stationd-alerts.yml");
        assertEquals(0, rules.exit(), rules.output());
        assertTrue(rules.output().contains("SUCCESS: 2 rules found"), rules.output());
        Result test = promtool("", "test", "rules", "stationd-alerts.test.yml");
        assertEquals(0, test.exit(), test.output());
    }
}
