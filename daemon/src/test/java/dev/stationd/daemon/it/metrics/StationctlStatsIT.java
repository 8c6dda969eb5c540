package dev.stationd.daemon.it.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.StationClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stationctl stats} (the C client, built with ASan/UBSan) against the packaged daemon's
 * metrics endpoint: the table, the JSON, and the errors a newcomer meets.
 */
class StationctlStatsIT {
    private static final Path BUILD = Path.of(System.getProperty("stationd.root", "..")).toAbsolutePath().normalize()
            .resolve("src/build");
    @TempDir
    static Path dir;
    private static DaemonProcess daemon;
    private static int port;
    private static String asanOptions;

    /** Exit code and output of one run. */
    private record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        assertTrue(Files.isExecutable(BUILD.resolve("stationctl")), "C build missing in " + BUILD);
        port = Endpoint.freePort();
        daemon = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, "metrics:\n  listen: 127.0.0.1:" + port + "\n"));
        asanOptions = "detect_leaks=1:exitcode=86:halt_on_error=1";
        if (run("--help").err().contains("LeakSanitizer")) {
            asanOptions = "detect_leaks=0:exitcode=86:halt_on_error=1"; // LSan cannot run here (ptrace)
        }
        try (EventSender s = EventSender.connect(daemon.events())) {
            s.send(StaEvent.upsert(1, sta(1, "wlan0", "home", Band.GHZ_5, 1)));
            s.send(StaEvent.upsert(2, sta(2, "wlan0", "home", Band.GHZ_5, 1)));
            s.send(StaEvent.upsert(3, sta(3, "wlan1", "guest", Band.GHZ_2_4, 2)));
            s.sendRaw(new byte[3]);
        }
        DaemonProcess.awaitStations(daemon.socket(), 3, Duration.ofSeconds(30));
        try (StationClient c = StationClient.open(daemon.socket(), Duration.ofSeconds(5))) {
            c.filterAdd(1, new MacAddress(0x02_3E_00_00_00_01L));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            assertEquals(0, daemon.stop());
        }
    }

    private static StaListAttr sta(int n, String ifname, String ssid, Band band, int group) {
        return StaListAttr.builder(new MacAddress(0x02_3E_00_00_00_00L + n)).ifname(ifname).ssid(ssid).band(band)
                .groupId(group).lastSeenMs(System.currentTimeMillis()).build();
    }

    private static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BUILD.resolve("stationctl").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("STATIOND_METRICS");
        pb.environment().put("ASAN_OPTIONS", asanOptions == null ? "exitcode=86" : asanOptions);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("stationctl " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void printsTheCountersAsATable() throws Exception {
        Result r = run("stats", "--metrics", "127.0.0.1:" + port);
        assertEquals(0, r.code(), r.toString());
        String out = r.out();
        assertTrue(out.startsWith("stationd 0.1.0 at 127.0.0.1:" + port + ", up 0h 0"), out);
        assertTrue(out.contains("\nstations            3 (max 65536)\n"), out);
        assertTrue(out.contains("\n  wlan0  home   5GHz    group 1  2\n"), out);
        assertTrue(out.contains("\n  wlan1  guest  2.4GHz  group 2  1\n"), out);
        assertTrue(out.contains("\nfilters             permanent 1, timed 0 (max 65536)\n"), out);
        assertTrue(out.contains("\nfilter commits      1, failed 0, fsync mean "), out);
        assertTrue(out.contains("\ningest datagrams    applied 3, denied 0, invalid_mac 0, malformed 1, table_full 0;"
                + " sequence gaps 0\n"), out);
        assertTrue(out.contains("FILTER_ADD OK 1"), out);
        assertTrue(out.contains("; timeouts 0\n"), out);
        assertTrue(out.contains("shutting_down 0; outsiders dropped 0\n"), out);
        assertTrue(out.matches("(?s).*\nreply budget        [0-9]+ of 8388608 bytes used, refusals 0, evictions 0\n.*"), out);
        assertFalse(out.contains("address learning"), "enrich: is off:\n" + out);
        assertTrue(out.endsWith("\nhostapd             not followed\n"), out);
        assertEquals("", r.err());
    }

    @Test
    void jsonHasEverySampleByFamily() throws Exception {
        Result r = run("--json", "stats", "--metrics", "127.0.0.1:" + port);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("\n  \"stationd_stations\": [\n    {\"labels\": {\"band\": \"2.4GHz\", \"group\": \"2\","
                + " \"ifname\": \"wlan1\", \"ssid\": \"guest\"}, \"value\": 1}"), r.out());
        assertTrue(r.out().contains("{\"labels\": {\"result\": \"malformed\"}, \"value\": 1}"), r.out());
        assertTrue(r.out().startsWith("{\n") && r.out().endsWith("\n  ]\n}\n"), r.out());
    }

    @Test
    void globalOptionsAfterTheCommand() throws Exception {
        Result before = run("--json", "stats", "--metrics", "127.0.0.1:" + port);
        // as after every other command: --json and -t after stats and after its own option
        Result after = run("stats", "--json", "--metrics", "127.0.0.1:" + port, "-t", "5000");
        assertEquals(0, after.code(), after.toString());
        assertEquals("", after.err());
        assertTrue(after.out().startsWith("{\n") && after.out().endsWith("\n  ]\n}\n"), after.out());
        assertTrue(families(after.out()).contains("stationd_stations"), after.out());
        assertEquals(families(before.out()), families(after.out()));
        Result table = run("stats", "--metrics", "127.0.0.1:" + port, "--timeout", "5000");
        assertEquals(0, table.code(), table.toString());
        assertTrue(table.out().startsWith("stationd 0.1.0 at 127.0.0.1:" + port), table.out());
        assertEquals(2, run("stats", "--metrics", "127.0.0.1:" + port, "-t", "0").code(), "a timeout of 0 is refused");
    }

    /** @return the metric family names of a {@code stats --json} output, in order */
    private static List<String> families(String json) {
        return json.lines().filter(l -> l.startsWith("  \"")).map(l -> l.substring(3, l.indexOf('"', 3))).toList();
    }

    @Test
    void theEnvironmentNamesTheEndpoint() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(BUILD.resolve("stationctl").toString(), "stats");
        pb.environment().put("STATIOND_METRICS", "127.0.0.1:" + port);
        pb.environment().put("ASAN_OPTIONS", asanOptions);
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.startsWith("stationd 0.1.0 at 127.0.0.1:" + port), out);
    }

    @Test
    void nothingListeningExits3AndSaysWhatToCheck() throws Exception {
        int free = Endpoint.freePort();
        Result r = run("stats", "--metrics", "127.0.0.1:" + free);
        assertEquals(3, r.code(), r.toString());
        assertEquals("stationctl: cannot connect to the metrics endpoint 127.0.0.1:" + free + ": Connection refused\n"
                + "  (metrics on? metrics.listen in the configuration, or stationd-metrics.socket under systemd)\n",
                r.err());
    }

    @Test
    void badUsageExits2() throws Exception {
        assertEquals(2, run("stats", "--metrics", "no-port").code());
        assertEquals(2, run("stats", "extra").code());
        assertEquals(2, run("stats", "--bogus").code());
    }
}
