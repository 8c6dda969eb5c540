package dev.stationd.daemon.it.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stationd.daemon.it.DaemonProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the daemon says when it cannot reach a hostapd control socket, run as an unprivileged
 * user ({@code nobody}, through {@code setpriv}) against a real hostapd whose control directory
 * is root's: permission denied ({@code EACCES}) with the fix, a socket that does not exist
 * ({@code ENOENT}), and the link coming up once the socket's group lets it in.
 */
class HostapdConnectErrorsIT {
    static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }

    @Test
    void anUnreachableControlSocketIsExplainedAndTheLinkComesUpOnceAllowed() throws Exception {
        String setpriv = HostapdLab.find("setpriv");
        assumeTrue(setpriv != null, "needs setpriv (util-linux) to run the daemon as nobody");
        try (HostapdLab lab = HostapdLab.start(Files.createDirectories(tmp.resolve("lab")))) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path run = Files.createDirectories(tmp.resolve("d"));
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path missing = tmp.resolve("nothing").resolve("wlan9");
            Path cfg = DaemonProcess.writeConfig(run, "hostapd:\n  - ctrl: " + lab.ctrl() + "\n  - ctrl: " + missing
                    + "\nlog:\n  level: info\n");
            Path log = run.resolve("daemon.log");
            Process p = new ProcessBuilder(setpriv, "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dio.netty.leakDetectionLevel=paranoid", "-Djava.library.path=" + DaemonProcess.nativeDir(),
                    "-jar", DaemonProcess.jar().toAbsolutePath().toString(), "--config", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                String denied = "hostapd wlan0: permission denied on hostapd control socket " + lab.ctrl()
                        + " (stationd's user must be in hostapd's ctrl_interface_group)";
                String absent = "hostapd wlan9: hostapd control socket " + missing + " does not exist (hostapd not running?)";
                await(log, p, Duration.ofSeconds(30), denied);
                await(log, p, Duration.ofSeconds(5), absent);

                // what the hint says: give the socket (and its directory) a group stationd's user is in
                for (Path path : List.of(lab.ctrl().getParent(), lab.ctrl())) {
                    assertEquals(0, HostapdLab.run("chgrp", Integer.toString(NOBODY), path.toString()).code());
                }
                await(log, p, Duration.ofSeconds(10), "hostapd wlan0: attached to " + lab.ctrl());
            } finally {
                p.destroy(); // SIGTERM
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            assertEquals(0, p.exitValue(), read(log));
            read(log).lines().filter(l -> l.contains("hostapd wlan"))
                    .forEach(l -> System.out.println("[hostapd-it] daemon as nobody: " + l));
        }
    }

    private static void await(Path log, Process p, Duration deadline, String line) throws InterruptedException {
        try {
            DaemonProcess.await(deadline, "'" + line + "' in the log", () -> read(log).contains(line) || !p.isAlive());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + read(log), e);
        }
        if (!read(log).contains(line)) {
            throw new AssertionError("daemon exited with " + p.exitValue() + ":\n" + read(log));
        }
    }
}
