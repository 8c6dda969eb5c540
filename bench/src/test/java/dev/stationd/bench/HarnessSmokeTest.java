package dev.stationd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.bench.report.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fast check that the benchmark harness works (not a benchmark): builds the C tools, runs the
 * load generator for about a second against each C baseline, and checks that requests were
 * answered with well-formed replies; and that the report turns rounds into medians and per-round
 * ratios. Skipped where there is no C compiler.
 */
class HarnessSmokeTest {
    private final List<Process> servers = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void buildTools() throws Exception {
        CTools.build();
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process p : servers) {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Path start(String server, int stations, String... options) throws Exception {
        Path sock = dir.resolve(server + ".sock");
        List<String> cmd = new ArrayList<>(List.of(CTools.DIR.resolve(server).toString()));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(sock.toString(), Integer.toString(stations)));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(dir.resolve(server + ".log").toFile()).start();
        servers.add(p);
        Awaitility.await(server + " to create " + sock).atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).until(() -> Files.exists(sock));
        return sock;
    }

    /** Runs loadgen; returns the key=value pairs of its RESULT line. */
    private static Map<String, String> loadgen(String... args) throws Exception {
        List<Map<String, String>> r = CTools.lines(CTools.run(30, "loadgen", args), "RESULT");
        assertEquals(1, r.size(), "one RESULT line from loadgen " + String.join(" ", args));
        assertTrue(r.get(0).containsKey("qps"), "no qps in " + r);
        return r.get(0);
    }

    private static void assertHealthy(Map<String, String> r) {
        assertTrue(Double.parseDouble(r.get("qps")) > 0, "qps > 0: " + r);
        assertEquals("0", r.get("malformed"), "malformed replies: " + r);
        assertEquals("0", r.get("errors"), "errors: " + r);
    }

    @Test
    void seedServerAnswersOneShotClients() throws Exception {
        Path sock = start("seed_server", 16);
        assertHealthy(loadgen("-m", "oneshot", "-s", sock.toString(), "-c", "2", "-t", "1", "-w", "0.2", "-e", "16"));
    }

    @Test
    void epollServerAnswersEveryMode() throws Exception {
        Path sock = start("epoll_server", 16);
        assertHealthy(loadgen("-m", "oneshot", "-s", sock.toString(), "-c", "2", "-t", "0.5", "-w", "0.1", "-e", "16"));
        assertHealthy(loadgen("-m", "persistent", "-s", sock.toString(), "-c", "2", "-t", "0.5", "-w", "0.1", "-e", "16"));
        assertHealthy(loadgen("-m", "pipeline", "-d", "8", "-s", sock.toString(), "-c", "2", "-t", "0.5", "-w", "0.1", "-e", "16"));
        assertHealthy(loadgen("-m", "persistent", "-P", "-s", sock.toString(), "-c", "1", "-t", "0.3", "-w", "0.1"));
    }

    /** -z: table replies by sendfile from a memory file; 300 stations are 52,804 bytes, 13 pages. */
    @Test
    void epollServerWithSendfileAnswersEveryMode() throws Exception {
        Path sock = start("epoll_server", 300, "-z");
        assertHealthy(loadgen("-m", "oneshot", "-s", sock.toString(), "-c", "2", "-t", "0.5", "-w", "0.1", "-e", "300"));
        assertHealthy(loadgen("-m", "persistent", "-s", sock.toString(), "-c", "2", "-t", "0.5", "-w", "0.1", "-e", "300"));
        assertHealthy(loadgen("-m", "pipeline", "-d", "8", "-s", sock.toString(), "-c", "2", "-t", "0.5", "-w", "0.1", "-e", "300"));
        assertHealthy(loadgen("-m", "persistent", "-P", "-s", sock.toString(), "-c", "1", "-t", "0.3", "-w", "0.1"));
    }

    @Test
    void wrongTableSizeIsCountedAsMalformed() throws Exception {
        Path sock = start("epoll_server", 16);
        Map<String, String> r = loadgen("-m", "persistent", "-s", sock.toString(), "-c", "1", "-t", "0.3", "-w", "0", "-e", "15");
        assertTrue(Long.parseLong(r.get("malformed")) > 0, "a reply of 16 records when 15 are expected is malformed: " + r);
    }

    /**
     * Three rounds: stationd / seed = 0.9, 1.0 and 1.2 in rounds 1..3, so the per-round median
     * is 1.00× with a spread of 0.90×–1.20× and the target (≥ 1.0×) is met; the medians of the
     * servers' own qps are 100 and 90 (a ratio of medians would be 0.90×: not met).
     */
    @Test
    void reportTakesTheMedianOfPerRoundRatios() throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        StringBuilder req = new StringBuilder("workload,server,round,mode,stations,conns,depth,requests,seconds,qps,p50_us,p99_us,p999_us,max_us,errors,malformed\n");
        int[][] qps = {{100, 90}, {120, 120}, {50, 60}};  // per round: seed, stationd
        for (int r = 0; r < 3; r++) {
            req.append("W1,seed,").append(r + 1).append(",oneshot,256,4,1,100,1,").append(qps[r][0]).append(",10,20,30,40,0,0\n");
            req.append("W1,stationd,").append(r + 1).append(",oneshot,256,4,1,100,1,").append(qps[r][1]).append(",10,20,30,40,0,0\n");
            for (String s : new String[] {"seed", "epoll", "stationd"}) {
                for (String n : new String[] {"256", "4096"}) {
                    req.append("W7t,").append(s).append(',').append(r + 1).append(",persistent,").append(n).append(",4,1,100,1,")
                            .append(1_000_000 / Integer.parseInt(n)).append(",10,20,30,40,0,0\n");
                }
            }
            req.append("W11,stationd,").append(r + 1).append(",persistent,256,4,1,100,1,500,10,20,30,40,0,0\n");
        }
        Files.writeString(out.resolve("requests.csv"), req);
        Report.main(new String[] {out.toString(), dir.toString()});
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| W1 one-shot qps, stationd / seed | ≥ 1.0× | 1.00× (0.90×–1.20×) over 3 rounds | **met** |"), md);
        assertTrue(md.contains("| W1 one-shot, 4 clients | qps | 100 (50–120) | — | 90 (60–120) | 1.00× (0.90×–1.20×) | — |"), md);
        assertTrue(md.contains("| W11 | persistent | 256 | 4 | 1 | stationd | 500 (500–500) |"), "a workload the report does not know is listed: " + md);
        assertTrue(Files.size(dir.resolve("w7-table-p99.png")) > 1000, "chart written");
    }
}
