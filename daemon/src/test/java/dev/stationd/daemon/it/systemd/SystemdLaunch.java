package dev.stationd.daemon.it.systemd;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the packaged daemon the way systemd does: optionally through {@code activate.py} (binds
 * the sockets in a launcher, places them at fds 3 and 4, sets {@code LISTEN_*}, execs
 * {@code sh -c 'LISTEN_PID=$$ exec java ...'}), with an environment ({@code NOTIFY_SOCKET},
 * {@code WATCHDOG_USEC}, ...) and output to a file.
 */
final class SystemdLaunch {
    private final Path dir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> activation = new ArrayList<>();
    private Path stderr;
    private boolean mergeOutput = true;

    SystemdLaunch(Path dir) {
        this.dir = dir;
        this.stderr = dir.resolve("daemon-" + System.nanoTime() + ".log");
    }

    /** Activation of both sockets, named command/ingest, at their default paths in dir. */
    SystemdLaunch activateBoth() {
        return activate("--stream", dir.resolve("stationd.sock").toString(), "--dgram",
                dir.resolve("events.sock").toString(), "--names", "command:ingest");
    }

    SystemdLaunch activate(String... launcherArgs) {
        activation.addAll(List.of(launcherArgs));
        return this;
    }

    SystemdLaunch env(String key, String value) {
        env.put(key, value);
        return this;
    }

    SystemdLaunch jvm(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    /** stdout and stderr to separate files; stderr to {@code file}. */
    SystemdLaunch stderrTo(Path file) {
        stderr = file;
        mergeOutput = false;
        return this;
    }

    Path log() {
        return stderr;
    }

    static Path launcher() {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "stationd-activate-" + ProcessHandle.current().pid() + ".py");
        try (InputStream in = SystemdLaunch.class.getResourceAsStream("/systemd/activate.py")) {
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

    Process start(Path config) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (!activation.isEmpty()) {
            cmd.add("python3");
            cmd.add(launcher().toString());
            cmd.addAll(activation);
            cmd.add("--");
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dio.netty.leakDetectionLevel=paranoid");
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(DaemonProcess.jar().toString());
        cmd.add("--config");
        cmd.add(config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        for (String k : List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_PID", "LISTEN_FDS",
                "LISTEN_FDNAMES", "JOURNAL_STREAM")) {
            e.remove(k);
        }
        e.putAll(env);
        if (mergeOutput) {
            pb.redirectErrorStream(true).redirectOutput(stderr.toFile());
        } else {
            pb.redirectError(stderr.toFile()).redirectOutput(dir.resolve("stdout-" + System.nanoTime() + ".log").toFile());
        }
        return pb.start();
    }

    String output() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            return "(cannot read " + stderr + ": " + e + ")";
        }
    }

    /** Sends a signal with kill(1). */
    static void signal(Process p, String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new IllegalStateException("kill -" + sig + " " + p.pid() + " failed");
        }
    }

    static void kill(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int awaitExit(Process p, Duration d, SystemdLaunch l) throws InterruptedException {
        if (!p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("daemon still running after " + d + ":\n" + l.output());
        }
        return p.exitValue();
    }

    /** One UPSERT for station 02:00:00:00:00:NN. */
    static void ingest(Path events, int n) throws IOException {
        long now = System.currentTimeMillis();
        StaListAttr sta = StaListAttr.builder(MacAddress.parse(String.format("02:00:00:00:00:%02x", n)))
                .ifname("wlan0").ssid("test").groupId(1).assocTimeMs(now).lastSeenMs(now).hostname("h" + n).build();
        try (EventSender s = EventSender.connect(events)) {
            s.send(StaEvent.upsert(n, sta));
        }
    }

    static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
    }
}
