package dev.stationd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * apsim against the packaged daemon, briefly (not a benchmark): its fake hostapd control socket
 * is followed by stationd (attach, station walk, AP-STA-* events, STA requests) and its
 * subscribers time and count what they read. Skipped without a C compiler or the daemon jar.
 */
class ApsimSmokeTest {
    private static final Path JAR = Path.of("..", "daemon", "target", "stationd.jar");
    private final List<Process> procs = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void buildTools() throws Exception {
        CTools.build();
        assumeTrue(Files.exists(JAR), "no " + JAR + " (mvn package builds it): apsim test skipped");
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : procs) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts stationd with its sockets in {@code dir/d}, following the fake BSSes {@code dir/wlan0..}. */
    private Path daemon(int bss) throws IOException {
        Path d = Files.createDirectories(dir.resolve("d"));
        StringBuilder yaml = new StringBuilder("server:\n  socket: stationd.sock\ningest:\n  socket: events.sock\n"
                + "state:\n  directory: state\ntable:\n  expire_after: 1h\nlog:\n  level: warn\nhostapd:\n");
        for (int i = 0; i < bss; i++) {
            yaml.append("  - ctrl: ").append(dir.resolve("wlan" + i).toAbsolutePath()).append('\n');
        }
        Files.writeString(d.resolve("stationd.yaml"), yaml);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        procs.add(new ProcessBuilder(java.toString(), "-jar", JAR.toString(), "--config", d.resolve("stationd.yaml").toString())
                .redirectErrorStream(true).redirectOutput(d.resolve("daemon.log").toFile()).start());
        return d.resolve("stationd.sock");
    }

    /** Runs apsim against a daemon started next to it; returns its stdout. */
    private String apsim(int bss, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CTools.DIR.resolve("apsim").toString(), "-d", dir.toString(),
                "-s", dir.resolve("d").resolve("stationd.sock").toString()));
        cmd.addAll(List.of(args));
        Process ap = new ProcessBuilder(cmd).redirectError(dir.resolve("apsim.log").toFile()).start();
        procs.add(ap);
        daemon(bss);
        String out = new String(ap.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ap.waitFor(90, TimeUnit.SECONDS), "apsim hung");
        assertEquals(0, ap.exitValue(), "apsim failed: " + Files.readString(dir.resolve("apsim.log"))
                + "\ndaemon: " + Files.readString(dir.resolve("d").resolve("daemon.log")));
        return out;
    }

    @Test
    void everyHostapdEventReachesTheSubscriber() throws Exception {
        List<Map<String, String>> r = CTools.lines(apsim(1, "-m", "hostapd", "-n", "50", "-r", "200", "-t", "1.5", "-w", "0.5"), "RESULT");
        assertEquals(1, r.size(), "one phase: " + r);
        Map<String, String> p = r.get(0);
        long events = Long.parseLong(p.get("events"));
        assertTrue(events >= 150, "about 300 events at 200/s for 1.5 s: " + p);
        assertEquals("0", p.get("lost"), "every join and leave read as UPSERT / REMOVE: " + p);
        assertEquals(p.get("events"), p.get("matched"), p.toString());
        assertTrue(Double.parseDouble(p.get("p50_us")) > 0, p.toString());
    }

    @Test
    void aSmallAccessPointKeepsEverySubscribersView() throws Exception {
        String out = apsim(2, "-m", "ap", "-b", "2", "-n", "40", "-r", "100", "-S", "3", "-D", "1", "-P", "-t", "2.5", "-w", "0.5", "-i", "1");
        Map<String, String> ap = CTools.lines(out, "RESULT").get(0);
        assertEquals("3", ap.get("views_ok"), "subscribe-then-list views equal the table: " + ap);
        assertEquals("0", ap.get("lost_fast"), ap.toString());
        assertEquals("0", ap.get("q_errors"), "agent's lists have the expected size: " + ap);
        long n = Long.parseLong(ap.get("final_stations"));
        assertTrue(n >= 80 && n <= 82, "2 BSS x 40 stations, each one more mid-churn: " + ap);
        assertTrue(Long.parseLong(ap.get("q_bss")) >= 1, ap.toString());
        assertTrue(Double.parseDouble(ap.get("cpu_pct")) >= 0 && Long.parseLong(ap.get("rss_kib")) > 0, "daemon sampled: " + ap);
        List<Map<String, String>> subs = CTools.lines(out, "SUB");
        assertEquals(3, subs.size(), out);
        assertTrue(Long.parseLong(subs.get(2).get("records")) > 0, "the slow reader reads too: " + subs);
    }
}
