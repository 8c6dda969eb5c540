package dev.stationd.daemon.it.metrics;

import dev.stationd.daemon.it.DaemonProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Prometheus server and promtool (Debian's {@code prometheus} package), found in
 * {@code $STATIOND_PROMETHEUS_BIN} or {@code /usr/bin}; {@code .ci/run} unpacks the package there
 * when apt cannot install it. A server started here listens on a free loopback port, keeps its
 * data in the test's directory and is killed at the end.
 */
final class Prometheus implements AutoCloseable {
    private static final Duration READY_DEADLINE = Duration.ofSeconds(60);
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[-0-9.e+]+,\"([^\"]*)\"]");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;
    private final int port;

    private Prometheus(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** @return the directory holding {@code prometheus} and {@code promtool} */
    static Path binDir() {
        String dir = System.getenv("STATIOND_PROMETHEUS_BIN");
        return Path.of(dir == null || dir.isEmpty() ? "/usr/bin" : dir);
    }

    /** @return the program, or {@code null} when it is not installed */
    static Path program(String name) {
        Path p = binDir().resolve(name);
        return Files.isExecutable(p) ? p : null;
    }

    /**
     * Starts {@code prometheus} on {@code config} and waits until it is ready.
     *
     * @param dir a private directory (configuration, data, log)
     * @param configYaml the whole {@code prometheus.yml}
     * @return the running server
     * @throws Exception if it does not become ready in time
     */
    static Prometheus start(Path dir, String configYaml) throws Exception {
        Path config = Files.writeString(dir.resolve("prometheus.yml"), configYaml);
        int port = Endpoint.freePort();
        Path log = dir.resolve("prometheus.log");
        List<String> cmd = new ArrayList<>(List.of(program("prometheus").toString(),
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Prometheus prometheus = new Prometheus(p, log, port);
        try {
            DaemonProcess.await(READY_DEADLINE, "prometheus to be ready", () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("prometheus exited with " + p.exitValue() + ":\n" + prometheus.output());
                }
                return prometheus.status("/-/ready") == 200;
            });
        } catch (RuntimeException | AssertionError | InterruptedException e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    private int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Runs an instant query through Prometheus's HTTP API ({@code /api/v1/query}).
     *
     * @param promql the query; it must select at most one series
     * @return the value, or {@code null} when the query selects nothing (yet)
     * @throws Exception if the API fails or the query selects more than one series
     */
    String query(String promql) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        if (!body.startsWith("{\"status\":\"success\"")) {
            throw new AssertionError("query " + promql + " failed: " + body);
        }
        Matcher m = VALUE.matcher(body);
        if (!m.find()) {
            return null;
        }
        String value = m.group(1);
        if (m.find()) {
            throw new AssertionError("query " + promql + " selects more than one series: " + body);
        }
        return value;
    }

    /**
     * Waits until {@code promql} reads {@code expected}.
     *
     * @param promql a query selecting one series
     * @param expected its value as Prometheus prints it, e.g. {@code 2}
     * @param deadline how long to wait
     * @throws Exception if it does not in time (the message has the last value and the log)
     */
    void awaitValue(String promql, String expected, Duration deadline) throws Exception {
        String[] last = {null};
        try {
            DaemonProcess.await(deadline, promql + " == " + expected, () -> {
                try {
                    last[0] = query(promql);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return expected.equals(last[0]);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last value " + last[0] + "\n" + output(), e);
        }
    }

    /** @return what Prometheus logged */
    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
