package dev.stationd.daemon.it.reliability;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.RawConnection;
import dev.stationd.protocol.Wire.CmdFrame;
import dev.stationd.protocol.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged daemon as a child process, like {@link DaemonProcess}, but with extra JVM flags
 * (faster start-up for the kill -9 loop), full control of the configuration (both socket
 * sections), a readiness check over a raw socket, and one log file per launch kept for
 * {@link #output()}.
 */
final class TestDaemon implements AutoCloseable {
    /** JVM flags that make a short-lived daemon start faster (C1 only, serial GC, CDS when available). */
    static final List<String> FAST_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
            "-XX:CICompilerCount=1", "-Xss512k");
    /**
     * {@link #FAST_JVM} plus an application class-data archive (AppCDS) made by one warm-up run
     * of the daemon in {@code scratch}: about a fifth less start-up time. Falls back to
     * {@link #FAST_JVM} when the archive cannot be made.
     *
     * @param scratch a private directory for the warm-up run and the archive
     * @return JVM flags
     */
    static List<String> fastJvmWithClassArchive(Path scratch) {
        Path archive = scratch.resolve("stationd.jsa");
        List<String> dump = new ArrayList<>(FAST_JVM);
        dump.add("-XX:ArchiveClassesAtExit=" + archive);
        try {
            Files.createDirectories(scratch);
            try (TestDaemon warm = start(scratch, writeConfig(scratch, "", "", ""), dump)) {
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

    /** How long start-up may take (the machine may be loaded). */
    static final Duration START_DEADLINE = Duration.ofSeconds(60);

    private final Path dir;
    private final Path config;
    private final List<String> jvmFlags;
    private final List<Path> logs = new ArrayList<>();
    private Process process;

    private TestDaemon(Path dir, Path config, List<String> jvmFlags) {
        this.dir = dir;
        this.config = config;
        this.jvmFlags = List.copyOf(jvmFlags);
    }

    /**
     * Writes {@code dir/stationd.yaml}: sockets {@code dir/stationd.sock} and {@code dir/events.sock},
     * state in {@code dir/state}.
     *
     * @param dir a private directory
     * @param serverExtra more {@code server:} keys, each line indented by two spaces
     * @param ingestExtra more {@code ingest:} keys, each line indented by two spaces
     * @param extraYaml more top-level sections (not server/ingest/state)
     * @return the config file
     * @throws IOException if writing fails
     */
    static Path writeConfig(Path dir, String serverExtra, String ingestExtra, String extraYaml) throws IOException {
        Path cfg = dir.resolve("stationd.yaml");
        String yaml = "server:\n  socket: stationd.sock\n" + serverExtra
                + "ingest:\n  socket: events.sock\n" + ingestExtra
                + "state:\n  directory: state\n"
                + extraYaml;
        Files.writeString(cfg, yaml, StandardCharsets.UTF_8);
        return cfg;
    }

    /**
     * Starts the daemon and waits until it answers PING on a raw connection.
     *
     * @param dir the directory of the config (and of the sockets)
     * @param config the config file
     * @param jvmFlags extra JVM flags
     * @return the running daemon
     * @throws Exception if it does not come up in time
     */
    static TestDaemon start(Path dir, Path config, List<String> jvmFlags) throws Exception {
        TestDaemon d = new TestDaemon(dir, config, jvmFlags);
        d.launch();
        d.awaitReady();
        return d;
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dio.netty.leakDetectionLevel=paranoid");
        cmd.addAll(jvmFlags);
        cmd.add("-jar");
        cmd.add(DaemonProcess.jar().toString());
        cmd.add("--config");
        cmd.add(config.toString());
        Path log = dir.resolve("daemon-" + logs.size() + ".log");
        logs.add(log);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    /** Restarts after a stop or kill. @throws Exception if it does not come up */
    void restart() throws Exception {
        if (process.isAlive()) {
            throw new IllegalStateException("still running");
        }
        launch();
        awaitReady();
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("daemon exited with " + process.exitValue() + " during start-up:\n" + output());
            }
            if (Files.exists(socket())) {
                try (RawConnection c = RawConnection.open(socket())) {
                    c.write(CmdFrame.cmd(Wire.PING).bytes());
                    c.expectAck("readiness PING");
                    return;
                } catch (IOException | AssertionError e) {
                    last = e;
                }
            }
            process.waitFor(10, TimeUnit.MILLISECONDS); // poll interval; the deadline decides
        }
        throw new IllegalStateException("daemon did not answer PING within " + START_DEADLINE + ": " + last + "\n" + output());
    }

    /** @return the stream socket */
    Path socket() {
        return dir.resolve("stationd.sock");
    }

    /** @return the ingest socket */
    Path events() {
        return dir.resolve("events.sock");
    }

    /** @return the state directory */
    Path stateDir() {
        return dir.resolve("state");
    }

    /** @return the process id */
    long pid() {
        return process.pid();
    }

    /** @return whether the process is running */
    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then wait until the process is gone. @throws Exception on timeout */
    void kill9() throws Exception {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("daemon survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM and wait. @return the exit code @throws Exception on timeout */
    int stop() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("daemon did not stop within 30 s:\n" + output());
        }
        return process.exitValue();
    }

    /** @return everything every launch printed, oldest first */
    String output() {
        StringBuilder sb = new StringBuilder();
        for (Path log : logs) {
            try {
                if (Files.exists(log)) {
                    sb.append(Files.readString(log));
                }
            } catch (IOException e) {
                sb.append("(cannot read ").append(log).append(": ").append(e).append(")\n");
            }
        }
        return sb.toString();
    }

    /** @return the output of the current launch only */
    String lastOutput() {
        try {
            Path log = logs.get(logs.size() - 1);
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read log: " + e + ")";
        }
    }

    /**
     * Runs a full GC in the daemon ({@code jcmd PID GC.run}) so that Netty's leak detector can see
     * buffers that were dropped without release; the next allocations report them.
     *
     * @throws Exception if jcmd fails
     */
    void gc() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.run")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd GC.run failed: " + out);
        }
    }

    @Override
    public void close() {
        DaemonProcess.killQuietly(process);
    }
}
