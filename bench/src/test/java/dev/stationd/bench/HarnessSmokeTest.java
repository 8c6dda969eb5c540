package dev.stationd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * answered with well-formed replies. Skipped where there is no C compiler.
 */
class HarnessSmokeTest {
    private static final Path TOOLS = Path.of("target", "c");
    private final List<Process> servers = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void buildTools() throws Exception {
        assumeTrue(onPath("cc") || onPath("gcc"), "no C compiler: harness smoke test skipped");
        assumeTrue(onPath("make"), "no make: harness smoke test skipped");
        Process make = new ProcessBuilder("make", "-s", "-C", "c").redirectErrorStream(true).start();
        String out = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(make.waitFor(120, TimeUnit.SECONDS), "make timed out");
        assertEquals(0, make.exitValue(), "make -C bench/c failed:\n" + out);
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process p : servers) {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Path start(String server, int stations) throws Exception {
        Path sock = dir.resolve(server + ".sock");
        Process p = new ProcessBuilder(TOOLS.resolve(server).toString(), sock.toString(), Integer.toString(stations))
                .redirectErrorStream(true).redirectOutput(dir.resolve(server + ".log").toFile()).start();
        servers.add(p);
        Awaitility.await(server + " to create " + sock).atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).until(() -> Files.exists(sock));
        return sock;
    }

    /** Runs loadgen; returns the key=value pairs of its RESULT line. */
    private static Map<String, String> loadgen(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(TOOLS.resolve("loadgen").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "loadgen hung");
        assertEquals(0, p.exitValue(), "loadgen " + String.join(" ", args) + " failed: " + out);
        Map<String, String> kv = new HashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("RESULT ")) {
                for (String f : line.substring(7).split(" ")) {
                    int eq = f.indexOf('=');
                    kv.put(f.substring(0, eq), f.substring(eq + 1));
                }
            }
        }
        assertTrue(kv.containsKey("qps"), "no RESULT line in: " + out);
        return kv;
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

    @Test
    void wrongTableSizeIsCountedAsMalformed() throws Exception {
        Path sock = start("epoll_server", 16);
        Map<String, String> r = loadgen("-m", "persistent", "-s", sock.toString(), "-c", "1", "-t", "0.3", "-w", "0", "-e", "15");
        assertTrue(Long.parseLong(r.get("malformed")) > 0, "a reply of 16 records when 15 are expected is malformed: " + r);
    }

    @Test
    void reportRendersTablesAndCharts() throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        StringBuilder req = new StringBuilder("workload,server,mode,stations,conns,depth,requests,seconds,qps,p50_us,p99_us,p999_us,max_us,errors,malformed\n");
        for (String s : new String[] {"seed", "epoll", "stationd"}) {
            req.append("W1,").append(s).append(",oneshot,256,4,1,100,1,100,10,20,30,40,0,0\n");
            for (String n : new String[] {"256", "4096", "65536"}) {
                req.append("W7t,").append(s).append(",persistent,").append(n).append(",4,1,100,1,").append(1_000_000 / Integer.parseInt(n))
                        .append(",10,20,30,40,0,0\n");
            }
        }
        Files.writeString(out.resolve("requests.csv"), req);
        Report.main(new String[] {out.toString(), dir.toString()});
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| W1 one-shot, 4 clients | qps | 100 | 100 | 100 | 1.00× |"), md);
        assertTrue(Files.size(dir.resolve("w7-table-p99.png")) > 1000, "chart written");
    }
}
