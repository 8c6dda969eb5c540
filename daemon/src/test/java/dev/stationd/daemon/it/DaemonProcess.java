package dev.stationd.daemon.it;

import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The packaged daemon ({@code daemon/target/stationd.jar}) run as a child process the way a
 * user runs it: {@code java -jar stationd.jar --config FILE}. Output goes to a log file in the
 * work directory, shown when an assertion needs it.
 */
public final class DaemonProcess implements AutoCloseable {
    /** How long start-up may take before a test fails. */
    public static final Duration START_DEADLINE = Duration.ofSeconds(30);
    /** How long a clean stop may take. */
    public static final Duration STOP_DEADLINE = Duration.ofSeconds(15);

    private final Path dir;
    private final Path config;
    private final Path log;
    private final List<String> jvmFlags;
    private Process process;

    private DaemonProcess(Path dir, Path config) {
        this(dir, config, List.of("-Djava.library.path=" + nativeDir()));   // as the README command and the unit
    }

    private DaemonProcess(Path dir, Path config, List<String> jvmFlags) {
        this.dir = dir;
        this.config = config;
        this.jvmFlags = List.copyOf(jvmFlags);
        this.log = dir.resolve("daemon-" + System.nanoTime() + ".log");
    }

    /** @return the packaged jar under test */
    public static Path jar() {
        String p = System.getProperty("stationd.jar");
        Path jar = p != null ? Path.of(p) : Path.of("target/stationd.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("packaged daemon not found at " + jar.toAbsolutePath()
                    + "; run the integration tests through 'mvn verify'");
        }
        return jar;
    }

    /** @return {@code native/} next to the packaged jar: Netty's epoll JNI library ({@code mvn package}) */
    public static Path nativeDir() {
        return jar().toAbsolutePath().resolveSibling("native");
    }

    /**
     * Writes a configuration in {@code dir} with sockets and state inside it, plus {@code extraYaml}
     * (sections that replace the defaults, e.g. {@code "table:\n  expire_after: 1s\n"}).
     *
     * @param dir a private temp directory
     * @param extraYaml more YAML sections (must not repeat server/ingest/state)
     * @return the config file
     * @throws IOException if writing fails
     */
    public static Path writeConfig(Path dir, String extraYaml) throws IOException {
        return writeConfig(dir, "", extraYaml);
    }

    /**
     * @param dir a private temp directory
     * @param serverExtra more keys of the {@code server:} section, each line indented by two spaces
     * @param extraYaml more top-level sections
     * @return the config file
     * @throws IOException if writing fails
     */
    public static Path writeConfig(Path dir, String serverExtra, String extraYaml) throws IOException {
        Path cfg = dir.resolve("stationd.yaml");
        String yaml = "server:\n  socket: stationd.sock\n" + serverExtra
                + "ingest:\n  socket: events.sock\n"
                + "state:\n  directory: state\n"
                + extraYaml;
        Files.writeString(cfg, yaml, StandardCharsets.UTF_8);
        return cfg;
    }

    /**
     * Starts the daemon on {@code config} and waits until its socket answers PING.
     *
     * @param dir the directory holding the config (sockets are {@code dir/stationd.sock} and {@code dir/events.sock})
     * @param config the config file
     * @return the running daemon
     * @throws Exception if it does not come up in time
     */
    public static DaemonProcess start(Path dir, Path config) throws Exception {
        return start(new DaemonProcess(dir, config));
    }

    /**
     * Like {@link #start(Path, Path)}, with these JVM flags instead of the usual
     * {@code -Djava.library.path=}{@link #nativeDir()}.
     *
     * @param dir the directory holding the config
     * @param config the config file
     * @param jvmFlags JVM flags before {@code -jar}
     * @return the running daemon
     * @throws Exception if it does not come up in time
     */
    public static DaemonProcess start(Path dir, Path config, List<String> jvmFlags) throws Exception {
        return start(new DaemonProcess(dir, config, jvmFlags));
    }

    private static DaemonProcess start(DaemonProcess d) throws Exception {
        d.launch();
        d.awaitReady();
        return d;
    }

    /**
     * Starts the daemon without waiting for readiness (for tests of failing start-ups).
     *
     * @param dir work directory for the log
     * @param args arguments after {@code -jar stationd.jar}
     * @return the process wrapper
     * @throws IOException if the JVM cannot be started
     */
    public static DaemonProcess launch(Path dir, String... args) throws IOException {
        DaemonProcess d = new DaemonProcess(dir, null);
        d.process = d.builder(args).start();
        return d;
    }

    private ProcessBuilder builder(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dio.netty.leakDetectionLevel=paranoid");
        cmd.addAll(jvmFlags);
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    private void launch() throws IOException {
        process = builder("--config", config.toString()).start();
    }

    /** Restarts the daemon on the same config after it stopped. @throws Exception on failure */
    public void restart() throws Exception {
        if (process.isAlive()) {
            throw new IllegalStateException("still running");
        }
        launch();
        awaitReady();
    }

    private void awaitReady() throws Exception {
        Path sock = socket();
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("daemon exited with " + process.exitValue() + " during start-up:\n" + output());
            }
            if (Files.exists(sock)) {
                try (StationClient c = StationClient.open(sock, Duration.ofSeconds(2))) {
                    c.ping();
                    return;
                } catch (RuntimeException e) {
                    last = e;
                }
            }
            process.waitFor(20, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("daemon did not answer PING within " + START_DEADLINE + ": " + last + "\n" + output());
    }

    /** @return the stream socket */
    public Path socket() {
        return dir.resolve("stationd.sock");
    }

    /** @return the ingest socket */
    public Path events() {
        return dir.resolve("events.sock");
    }

    /** @return the state directory */
    public Path stateDir() {
        return dir.resolve("state");
    }

    /** @return the OS process */
    public Process process() {
        return process;
    }

    /** @return everything the daemon printed so far */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /**
     * Waits for the process to exit.
     *
     * @param deadline at most this long
     * @return its exit code
     * @throws Exception if it does not exit in time
     */
    public int awaitExit(Duration deadline) throws Exception {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("daemon still running after " + deadline + ":\n" + output());
        }
        return process.exitValue();
    }

    /**
     * Sends SIGTERM and waits for the exit.
     *
     * @return the exit code
     * @throws Exception if it does not stop in time
     */
    public int stop() throws Exception {
        process.destroy(); // SIGTERM
        return awaitExit(STOP_DEADLINE);
    }

    /** Sends SIGKILL and waits for the process to be gone. @throws Exception on timeout */
    public void kill9() throws Exception {
        process.destroyForcibly();
        awaitExit(STOP_DEADLINE);
    }

    /**
     * Waits until a client of {@code socket} lists exactly {@code n} stations.
     *
     * @param socket the command socket
     * @param n the expected number of stations
     * @param deadline how long to wait
     * @throws Exception if the client cannot connect, a query fails, or the deadline passes
     */
    public static void awaitStations(Path socket, int n, Duration deadline) throws Exception {
        try (StationClient c = StationClient.open(socket, Duration.ofSeconds(5))) {
            await(deadline, n + " stations", () -> c.list(ListQuery.ALL).size() == n);
        }
    }

    /**
     * Polls {@code condition} until it holds or the deadline passes.
     *
     * @param deadline how long to wait
     * @param what description for the failure message
     * @param condition the condition
     * @throws InterruptedException if interrupted
     */
    public static void await(Duration deadline, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline + " waiting for " + what);
            }
            Thread.sleep(10); // polling interval only; the deadline decides
        }
    }

    @Override
    public void close() {
        killQuietly(process);
    }

    /**
     * Kills a daemon process that is still running (test clean-up) and waits briefly for it.
     *
     * @param process the process, may be {@code null}
     */
    public static void killQuietly(Process process) {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
