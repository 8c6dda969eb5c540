package dev.stationd.daemon.it.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files in {@code systemd/}: units pass {@code systemd-analyze verify}, the service's
 * {@code systemd-analyze security --offline=yes} exposure is at most 2.0 and is the one the README
 * states, sysusers/tmpfiles snippets are accepted by their tools, the packaged YAML loads.
 */
class UnitFilesIT {
    @TempDir
    Path tmp;

    static Path systemdDir() {
        String root = System.getProperty("stationd.root");
        return (root != null ? Path.of(root) : Path.of("..")).resolve("systemd").toAbsolutePath().normalize();
    }

    record Result(int code, String output) {
    }

    static Result run(Path cwd, String stdin, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("SYSTEMD_COLORS", "0");
        pb.environment().put("SYSTEMD_PAGER", "");
        if (stdin == null) {
            pb.redirectInput(new File("/dev/null"));
        }
        Process p = pb.start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        return new Result(p.exitValue(), out);
    }

    static boolean have(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void unitsPassSystemdAnalyzeVerify() throws Exception {
        assumeTrue(have("systemd-analyze"), "systemd-analyze is not installed");
        Result r = run(systemdDir(), null, "systemd-analyze", "verify", "./stationd.socket", "./stationd-ingest.socket",
                "./stationd-netlink.socket", "./stationd-metrics.socket", "./stationd.service");
        // Accepted only: a machine where the package (its launcher /usr/sbin/stationd) is not installed.
        List<String> problems = new ArrayList<>();
        for (String line : r.output().lines().toList()) {
            if (!line.isBlank() && !line.contains("Command /usr/sbin/stationd is not executable")) {
                problems.add(line);
            }
        }
        assertEquals(List.of(), problems, r.output());
        assertTrue(r.code() == 0 || r.output().contains("/usr/sbin/stationd"), r.output());
    }

    @Test
    void securityExposureIsAtMostTwoAndDocumented() throws Exception {
        assumeTrue(have("systemd-analyze"), "systemd-analyze is not installed");
        Result r = run(systemdDir(), null, "systemd-analyze", "security", "--offline=yes", "./stationd.service");
        Matcher m = Pattern.compile("Overall exposure level for stationd.service: (\\d+\\.\\d)").matcher(r.output());
        assertTrue(m.find(), r.output());
        double exposure = Double.parseDouble(m.group(1));
        assertTrue(exposure <= 2.0, "exposure " + exposure + ":\n" + r.output());
        String readme = Files.readString(systemdDir().resolve("README.md"));
        assertTrue(readme.contains("exposure level for stationd.service: " + m.group(1)),
                "systemd/README.md should state the current exposure " + m.group(1));
    }

    @Test
    void sysusersAndTmpfilesSnippetsApply() throws Exception {
        assumeTrue(have("systemd-sysusers") && have("systemd-tmpfiles"), "systemd-sysusers/-tmpfiles missing");
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
        Result u = run(tmp, Files.readString(systemdDir().resolve("stationd.sysusers")),
                "systemd-sysusers", "--root=" + root, "-");
        assertEquals(0, u.code(), u.output());
        assertTrue(Files.readString(root.resolve("etc/passwd")).contains("stationd:"), u.output());
        assertTrue(Files.readString(root.resolve("etc/group")).contains("stationd:"), u.output());
        assertTrue(Files.readString(root.resolve("etc/group")).contains("stationd-ingest:"), u.output());
        Result t = run(tmp, Files.readString(systemdDir().resolve("stationd.tmpfiles")),
                "systemd-tmpfiles", "--root=" + root, "--create", "-");
        assertEquals(0, t.code(), t.output());
        assertTrue(Files.isDirectory(root.resolve("var/lib/stationd")));
        assertTrue(Files.isDirectory(root.resolve("run/stationd")));
    }

    @Test
    void packagedConfigurationIsValid() throws Exception {
        Result r = run(systemdDir(), null, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", dev.stationd.daemon.it.DaemonProcess.jar().toAbsolutePath().toString(),
                "--check-config", "--config", "stationd.yaml");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("/run/stationd/stationd.sock"), r.output());
        assertTrue(r.output().contains("/var/lib/stationd"), r.output());
    }

    @Test
    void unitMatchesTheDaemon() throws Exception {
        String service = Files.readString(systemdDir().resolve("stationd.service"));
        String socket = Files.readString(systemdDir().resolve("stationd.socket"));
        String ingest = Files.readString(systemdDir().resolve("stationd-ingest.socket"));
        assertTrue(service.contains("\nType=notify\n"), service);
        // the launcher execs java: the main PID systemd watches is the JVM
        assertTrue(service.contains("\nExecStart=/usr/sbin/stationd --config /etc/stationd/stationd.yaml\n"), service);
        assertTrue(service.contains("\nNotifyAccess=main\n"), service);
        // a broken configuration (78) or state file (65) does not get better by restarting
        assertTrue(service.contains("\nRestartPreventExitStatus=65 78\n"), service);
        assertTrue(service.contains("\nExecReload=kill -HUP $MAINPID\n"), service);
        assertTrue(service.contains("\nWatchdogSec="), service);
        assertTrue(!service.contains("MemoryDenyWriteExecute=yes"), "the JIT needs W+X memory");
        // FileDescriptorName= names every fd of a socket unit: one unit per socket.
        assertTrue(socket.contains("\nListenStream=/run/stationd/stationd.sock\n") && socket.contains("\nFileDescriptorName=command\n"), socket);
        assertTrue(ingest.contains("\nListenDatagram=/run/stationd/events.sock\n") && ingest.contains("\nFileDescriptorName=ingest\n"), ingest);
        // senders of station updates only: not every client of the command socket may rewrite the table
        assertTrue(ingest.contains("\nSocketGroup=stationd-ingest\n") && socket.contains("\nSocketGroup=stationd\n"), ingest);
        assertTrue(service.contains("\nSockets=stationd.socket stationd-ingest.socket\n"), service);
        // the optional netlink socket of address learning: route family, neighbour + link groups, passed by name
        String netlink = Files.readString(systemdDir().resolve("stationd-netlink.socket"));
        assertTrue(netlink.contains("\nListenNetlink=route 5\n") && netlink.contains("\nFileDescriptorName=netlink\n")
                && netlink.contains("\nService=stationd.service\n"), netlink);
        // optional: not pulled in by Sockets=, handed over through its Service=; the sandbox stays AF_UNIX-only
        String metrics = Files.readString(systemdDir().resolve("stationd-metrics.socket"));
        assertTrue(metrics.contains("\nListenStream=127.0.0.1:9089\n") && metrics.contains("\nFileDescriptorName=metrics\n")
                && metrics.contains("\nService=stationd.service\n"), metrics);
        assertTrue(service.contains("\nRestrictAddressFamilies=AF_UNIX\n") && service.contains("\nPrivateNetwork=yes\n"), service);
    }
}
