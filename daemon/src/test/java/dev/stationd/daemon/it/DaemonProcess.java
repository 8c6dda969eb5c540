package dev.stationd.daemon.it;

import dev.stationd.protocol.Wire;
import dev.stationd.protocol.Wire.CmdFrame;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The one launcher of the packaged daemon ({@code daemon/target/stationd.jar}) for integration
 * tests: a child process run the way a user runs it, {@code java -jar stationd.jar --config FILE},
 * or the way systemd runs it (sockets inherited through {@code activate.py}, {@code NOTIFY_SOCKET},
 * {@code WATCHDOG_USEC} or {@code JOURNAL_STREAM} in the environment). Each launch writes its
 * output to a log file of its own in the work directory, shown when an assertion needs it.
 *
 * <pre>{@code
 * try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""))) { ... }
 * try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(DaemonProcess.FAST_JVM).start()) { ... }
 * try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).activateBoth()
 *         .env("NOTIFY_SOCKET", notify.notifySocket()).launch()) { ... }   // launch(): no wait for PING
 * }</pre>
 */
public final class DaemonProcess implements AutoCloseable {
    /** How long start-up may take before a test fails (the machine may be loaded). */
    public static final Duration START_DEADLINE = Duration.ofSeconds(60);
    /** How long a clean stop, or the end of a killed process, may take. */
    public static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
    /** JVM flags that make a short-lived daemon start faster (C1 only, serial GC, CDS when available). */
    public static final List<String> FAST_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
            "-XX:CICompilerCount=1", "-Xss512k");
    /** Variables of the test JVM's environment that would make the daemon talk to a real systemd. */
    private static final List<String> SYSTEMD_VARIABLES = List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
            "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "JOURNAL_STREAM");

    private final Builder spec;
    private final List<Path> logs = new ArrayList<>();
    private Process process;

    private DaemonProcess(Builder spec) {
        this.spec = spec.copy();
    }

    /**
     * How to start a daemon; {@link #launch()} or {@link #start()} run it.
     *
     * @param dir the work directory: log files, and where {@link #socket()}, {@link #events()} and
     *            {@link #stateDir()} are (the layout {@link #writeConfig} writes)
     * @return a builder with {@code -Djava.library.path=}{@link #nativeDir()} as its JVM flags
     */
    public static Builder builder(Path dir) {
        return new Builder(dir);
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
     * {@link #FAST_JVM} plus an application class-data archive (AppCDS) made by one warm-up run
     * of the daemon in {@code scratch}: about a fifth less start-up time, for tests that start it
     * hundreds of times. Falls back to {@link #FAST_JVM} when the archive cannot be made.
     *
     * @param scratch a private directory for the warm-up run and the archive
     * @return JVM flags
     */
    public static List<String> fastJvmWithClassArchive(Path scratch) {
        Path archive = scratch.resolve("stationd.jsa");
        List<String> dump = new ArrayList<>(FAST_JVM);
        dump.add("-XX:ArchiveClassesAtExit=" + archive);
        try {
            Files.createDirectories(scratch);
            try (DaemonProcess warm = builder(scratch).config(writeConfig(scratch, "")).jvmFlags(dump).start()) {
                try (RawConnection c = RawConnection.open(warm.socket())) {
                    c.write(Wire.concat(CmdFrame.cmd(Wire.FILTER_ADD).mac(0x02_00_00_00_00_01L).bytes(),
                            CmdFrame.cmd(Wire.FILTER_LIST).bytes(), CmdFrame.cmd(Wire.STA_LIST).bytes()));
                    c.expectAck("warm-up FILTER_ADD");
                    c.readTable("warm-up FILTER_LIST");
                    c.readTable("warm-up STA_LIST");
                }
                warm.stop();
            }
        } catch (Exception | AssertionError e) {
            System.out.println("no class-data archive (" + e + "); starting without");
        }
        if (!Files.isRegularFile(archive)) {
            return FAST_JVM;
        }
        List<String> flags = new ArrayList<>(FAST_JVM);
        flags.add("-XX:SharedArchiveFile=" + archive);
        return flags;
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
        return writeConfig(dir, "", "", extraYaml);
    }

    /**
     * @param dir a private temp directory
     * @param serverExtra more keys of the {@code server:} section, each line indented by two spaces
     * @param extraYaml more top-level sections
     * @return the config file
     * @throws IOException if writing fails
     */
    public static Path writeConfig(Path dir, String serverExtra, String extraYaml) throws IOException {
        return writeConfig(dir, serverExtra, "", extraYaml);
    }

    /**
     * Writes {@code dir/stationd.yaml}: sockets {@code dir/stationd.sock} and {@code dir/events.sock},
     * state in {@code dir/state}.
     *
     * @param dir a private temp directory
     * @param serverExtra more keys of the {@code server:} section, each line indented by two spaces
     * @param ingestExtra more keys of the {@code ingest:} section, each line indented by two spaces
     * @param extraYaml more top-level sections (not server/ingest/state)
     * @return the config file
     * @throws IOException if writing fails
     */
    public static Path writeConfig(Path dir, String serverExtra, String ingestExtra, String extraYaml) throws IOException {
        Path cfg = dir.resolve("stationd.yaml");
        String yaml = "server:\n  socket: stationd.sock\n" + serverExtra
                + "ingest:\n  socket: events.sock\n" + ingestExtra
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
        return builder(dir).config(config).start();
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
        return builder(dir).config(config).jvmFlags(jvmFlags).start();
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
        return builder(dir).args(args).launch();
    }

    private void run() throws IOException {
        List<String> cmd = new ArrayList<>();
        if (spec.netns != null) { // ip netns exec execs the next command: the process is still the daemon
            cmd.addAll(List.of(Files.isExecutable(Path.of("/usr/sbin/ip")) ? "/usr/sbin/ip" : "ip", "netns", "exec",
                    spec.netns));
        }
        cmd.addAll(spec.wrapper);
        if (!spec.activation.isEmpty()) {
            cmd.add("python3");
            cmd.add(activateScript().toString());
            cmd.addAll(spec.activation);
            cmd.add("--");
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dio.netty.leakDetectionLevel=paranoid");
        cmd.addAll(spec.jvmFlags);
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(spec.args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        SYSTEMD_VARIABLES.forEach(env::remove);
        env.putAll(spec.env);
        Path log;
        if (spec.stderr != null) {
            log = spec.stderr;
            pb.redirectError(log.toFile()).redirectOutput(spec.dir.resolve("stdout-" + System.nanoTime() + ".log").toFile());
        } else {
            log = spec.dir.resolve("daemon-" + System.nanoTime() + ".log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
        }
        logs.add(log);
        process = pb.start();
    }

    /** {@code activate.py} from the test resources, copied once per test JVM to a file python3 can run. */
    private static synchronized Path activateScript() {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "stationd-activate-" + ProcessHandle.current().pid() + ".py");
        if (Files.isRegularFile(target)) {
            return target;
        }
        try (InputStream in = DaemonProcess.class.getResourceAsStream("/systemd/activate.py")) {
            if (in == null) {
                throw new IllegalStateException("test resource /systemd/activate.py is missing");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            target.toFile().deleteOnExit();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Restarts the daemon the same way after it stopped. @throws Exception on failure */
    public void restart() throws Exception {
        if (process.isAlive()) {
            throw new IllegalStateException("still running");
        }
        run();
        awaitReady();
    }

    private void awaitReady() throws Exception {
        Path sock = socket();
        Throwable[] last = {null};
        try {
            await(START_DEADLINE, "PING answered", () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("daemon exited with " + process.exitValue() + " during start-up:\n" + output());
                }
                if (!Files.exists(sock)) {
                    return false;
                }
                try (RawConnection c = RawConnection.open(sock)) {
                    c.write(CmdFrame.cmd(Wire.PING).bytes());
                    c.expectAck("readiness PING");
                    return true;
                } catch (IOException | AssertionError e) {
                    last[0] = e;
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new IllegalStateException("daemon did not answer PING within " + START_DEADLINE + ": " + last[0]
                    + "\n" + output(), e);
        }
    }

    /** @return the stream socket */
    public Path socket() {
        return spec.dir.resolve("stationd.sock");
    }

    /** @return the ingest socket */
    public Path events() {
        return spec.dir.resolve("events.sock");
    }

    /** @return the state directory */
    public Path stateDir() {
        return spec.dir.resolve("state");
    }

    /** @return the OS process of the current launch */
    public Process process() {
        return process;
    }

    /** @return the process id of the current launch */
    public long pid() {
        return process.pid();
    }

    /** @return whether the current launch is running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return everything the current launch printed so far (only stderr after {@link Builder#stderrTo}) */
    public String output() {
        return read(logs.get(logs.size() - 1));
    }

    /** @return everything every launch printed, oldest first (see {@link #restart()}) */
    public String allOutput() {
        StringBuilder sb = new StringBuilder();
        logs.forEach(log -> sb.append(read(log)));
        return sb.toString();
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")\n";
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
     * Sends a signal with {@code kill(1)}.
     *
     * @param sig its name without {@code SIG}: {@code HUP}, {@code USR2}, {@code TERM}, ...
     * @throws Exception if kill fails
     */
    public void signal(String sig) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
        }
    }

    /**
     * Runs a full GC in the daemon ({@code jcmd PID GC.run}) so that Netty's leak detector can see
     * buffers that were dropped without release; the next allocations report them.
     *
     * @throws Exception if jcmd fails
     */
    public void gc() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.run").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd GC.run failed: " + out);
        }
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
     * Polls {@code condition} (every 10 ms, in the calling thread) until it holds or the deadline
     * passes; an exception from the condition fails at once.
     *
     * @param deadline how long to wait
     * @param what description for the failure message
     * @param condition the condition
     * @throws InterruptedException if interrupted
     */
    public static void await(Duration deadline, String what, BooleanSupplier condition) throws InterruptedException {
        try {
            poll(what, deadline).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out after " + deadline + " waiting for " + what, e);
        }
    }

    /**
     * The tests' way to wait: an {@link Awaitility} wait that polls every 10 ms in the calling
     * thread (a condition may use a connection or a selector of the test), from at once until
     * {@code deadline}. An exception from the condition fails at once, checked ones included;
     * the deadline fails with a {@link ConditionTimeoutException} naming {@code what}.
     *
     * <pre>{@code
     * DaemonProcess.poll("the marker station", Duration.ofSeconds(20)).until(() -> staGet(mac) == 1);
     * RawConnection c = DaemonProcess.poll("a free slot", d).until(() -> tryOpen(), Objects::nonNull);
     * }</pre>
     *
     * @param what what is awaited, for the failure message
     * @param deadline how long at most
     * @return the wait, to finish with {@code until(...)} or {@code untilAsserted(...)}
     */
    public static ConditionFactory poll(String what, Duration deadline) {
        return Awaitility.await(what).atMost(deadline).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .pollInSameThread();
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

    /** How to run the daemon: arguments, JVM flags, environment, socket activation, output. */
    public static final class Builder {
        private final Path dir;
        private List<String> args = List.of();
        private List<String> jvmFlags;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> activation = new ArrayList<>();
        private Path stderr;
        private String netns;
        private final List<String> wrapper = new ArrayList<>();

        private Builder(Path dir) {
            this.dir = dir;
        }

        private Builder copy() {
            Builder b = new Builder(dir);
            b.args = List.copyOf(args);
            b.jvmFlags = jvmFlags == null ? List.of("-Djava.library.path=" + nativeDir()) : List.copyOf(jvmFlags);
            b.env.putAll(env);
            b.activation.addAll(activation);
            b.stderr = stderr;
            b.netns = netns;
            b.wrapper.addAll(wrapper);
            return b;
        }

        /** {@code --config FILE}. */
        public Builder config(Path config) {
            return args("--config", config.toString());
        }

        /** The arguments after {@code -jar stationd.jar} (replacing {@link #config}). */
        public Builder args(String... arguments) {
            args = List.of(arguments);
            return this;
        }

        /**
         * JVM flags before {@code -jar}, instead of the default {@code -Djava.library.path=}{@link #nativeDir()}
         * (the README command's and the unit's: Netty's epoll library and the batched ingest reader
         * load from there). {@code -Dio.netty.leakDetectionLevel=paranoid} is always set.
         */
        public Builder jvmFlags(List<String> flags) {
            jvmFlags = new ArrayList<>(flags);
            return this;
        }

        /** One more JVM flag, after the default or the {@link #jvmFlags} given. */
        public Builder jvm(String flag) {
            if (jvmFlags == null) {
                jvmFlags = new ArrayList<>(List.of("-Djava.library.path=" + nativeDir()));
            }
            jvmFlags.add(flag);
            return this;
        }

        /** An environment variable (the test JVM's systemd variables are never passed on). */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /**
         * Socket activation: {@code activate.py ARGS -- java ...} binds the sockets, places them at
         * fds 3, 4, ..., sets {@code LISTEN_*} and execs the daemon, as systemd does
         * (e.g. {@code "--stream", PATH, "--dgram", PATH, "--names", "command:ingest", "--reverse"}).
         */
        public Builder activate(String... launcherArgs) {
            activation.addAll(List.of(launcherArgs));
            return this;
        }

        /** Activation of both sockets, named {@code command}/{@code ingest}, at their paths in the work directory. */
        public Builder activateBoth() {
            return activate("--stream", dir.resolve("stationd.sock").toString(), "--dgram",
                    dir.resolve("events.sock").toString(), "--names", "command:ingest");
        }

        /**
         * Runs the daemon inside a network namespace ({@code ip netns exec NETNS ...}): it sees that
         * namespace's interfaces and neighbour table; its sockets are files, reachable from everywhere.
         */
        public Builder netns(String name) {
            netns = name;
            return this;
        }

        /**
         * A command that execs the rest of the command line (for example {@code unshare} and
         * {@code setpriv}, to run the daemon in a mount namespace as another user); it comes after
         * {@link #netns} and before {@link #activate}.
         */
        public Builder wrap(String... command) {
            wrapper.addAll(List.of(command));
            return this;
        }

        /** stderr alone to {@code file} ({@link #output()} reads it), stdout to a file of its own. */
        public Builder stderrTo(Path file) {
            stderr = file;
            return this;
        }

        /**
         * Starts the process and returns at once (for failing start-ups, or to wait for {@code READY=1}).
         *
         * @return the process wrapper
         * @throws IOException if the process cannot be started
         */
        public DaemonProcess launch() throws IOException {
            DaemonProcess d = new DaemonProcess(this);
            d.run();
            return d;
        }

        /**
         * Starts the process and waits until its command socket answers PING.
         *
         * @return the running daemon
         * @throws Exception if it does not come up in time (the process is killed then)
         */
        public DaemonProcess start() throws Exception {
            DaemonProcess d = launch();
            try {
                d.awaitReady();
            } catch (Exception | Error e) {
                d.close();
                throw e;
            }
            return d;
        }
    }
}
