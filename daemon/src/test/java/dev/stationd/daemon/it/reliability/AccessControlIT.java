package dev.stationd.daemon.it.reliability;

import static dev.stationd.protocol.Wire.FILTER_ADD;
import static dev.stationd.protocol.Wire.FILTER_DEL;
import static dev.stationd.protocol.Wire.FILTER_DUMP;
import static dev.stationd.protocol.Wire.FILTER_FLUSH;
import static dev.stationd.protocol.Wire.FILTER_LIST;
import static dev.stationd.protocol.Wire.PING;
import static dev.stationd.protocol.Wire.STA_GET;
import static dev.stationd.protocol.Wire.STA_KICK;
import static dev.stationd.protocol.Wire.STA_LIST;
import static dev.stationd.protocol.Wire.SUBSCRIBE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.RawConnection;
import dev.stationd.protocol.Wire.CmdFrame;
import dev.stationd.protocol.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control by peer credentials, with real clients running under other uids: the tests
 * run as root (as CI does) and start {@link AclProbe} through {@code setpriv} as {@code nobody}
 * and as numeric uids that have no passwd entry. Skipped (with a message) when not root or
 * without {@code setpriv}.
 */
class AccessControlIT {
    static final int NOBODY = 65534;
    static final int NOGROUP = 65534;
    static final long MAC = 0x02_AC_00_00_00_01L;

    private static Path setpriv;

    @BeforeAll
    static void requireRootAndSetpriv() throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assumeTrue(uid == 0, "AccessControlIT needs root to run clients as other users (running as uid " + uid + ")");
        setpriv = Stream.of("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(setpriv != null, "AccessControlIT needs setpriv (util-linux) to run clients as other users");
    }

    /** Makes {@code dir} reachable for other users and puts the probe class there. */
    private static Path prepare(Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path classes = Path.of(AclProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String rel = AclProbe.class.getName().replace('.', '/') + ".class";
        Path probeRoot = dir.resolve("probe");
        Path target = probeRoot.resolve(rel);
        Files.createDirectories(target.getParent());
        Files.copy(classes.resolve(rel), target);
        for (Path p = target.getParent(); p.startsWith(probeRoot); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        return probeRoot;
    }

    /**
     * Runs the probe as another user.
     *
     * @param probeRoot class path of the probe
     * @param socket the daemon's socket
     * @param uid user id
     * @param gid primary group id
     * @param groups supplementary groups ("" = none)
     * @param frames the frames to send
     * @return its output lines after the uid line, which is checked
     */
    private static List<String> runAs(Path probeRoot, Path socket, int uid, int gid, String groups, byte[]... frames)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid));
        cmd.add(groups.isEmpty() ? "--clear-groups" : "--groups=" + groups);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto",
                "-cp", probeRoot.toString(), AclProbe.class.getName(), socket.toString()));
        for (byte[] f : frames) {
            cmd.add(HexFormat.of().formatHex(f));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe hung");
        assertEquals(0, p.exitValue(), "probe failed: " + out);
        List<String> lines = out.lines().collect(Collectors.toList());
        assertEquals("uid=" + uid + " gid=" + gid, lines.get(0), "the probe runs as the intended user: " + out);
        return lines.subList(1, lines.size());
    }

    private static byte[] f(int cmd) {
        return CmdFrame.cmd(cmd).bytes();
    }

    private static byte[] mac(int cmd, long mac) {
        return CmdFrame.cmd(cmd).groupId(1).mac(mac).bytes();
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static void assertNoBindLeftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".stationd-bind"))
                    .collect(Collectors.toList());
            assertTrue(left.isEmpty(), "temporary bind directories left next to the sockets: " + left);
        }
    }

    @Test
    void readersQueryOnlyOutsidersGetEpermRootAndAdminsMutate(@TempDir Path dir) throws Exception {
        Path probe = prepare(dir);
        Path cfg = DaemonProcess.writeConfig(dir, "  socket_mode: \"0666\"\n", "",
                "access:\n  read:  { uids: [nobody], gids: [4242] }\n  admin: { uids: [daemon], gids: [] }\n");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg, DaemonProcess.FAST_JVM)) {
            // final socket modes, and nothing left of the private bind directory
            assertEquals("rw-rw-rw-", mode(d.socket()), "server.socket_mode");
            assertEquals("rw--w----", mode(d.events()), "ingest.socket_mode default 0620");
            assertNoBindLeftovers(dir);

            // a reader (access.read lists nobody by name): queries work, mutations and kicks get NAK E_PERM, kept
            assertEquals(List.of("ACK", "TABLE 0", "TABLE 0", "TABLE 0", "TABLE 0", "NAK -5", "NAK -5", "NAK -5", "NAK -5",
                    "ACK", "ERR -2", "ACK"),
                    runAs(probe, d.socket(), NOBODY, NOGROUP, "", f(PING), f(STA_LIST), mac(STA_GET, MAC), f(FILTER_LIST),
                            f(FILTER_DUMP), mac(FILTER_ADD, MAC), mac(FILTER_DEL, MAC), f(FILTER_FLUSH), mac(STA_KICK, MAC),
                            f(PING), CmdFrame.cmd(PING).version(2).bytes(), f(SUBSCRIBE)),
                    "reader nobody");

            // an outsider (uid 23456, no passwd entry): E_PERM on every command in the command's form, kept
            assertEquals(List.of("NAK -5", "ERR -5", "ERR -5", "ERR -5", "ERR -5", "NAK -5", "NAK -5", "NAK -5", "NAK -5",
                    "NAK -5", "ERR -3", "NAK -5"),
                    runAs(probe, d.socket(), 23456, 23456, "", f(PING), f(STA_LIST), mac(STA_GET, MAC), f(FILTER_LIST),
                            f(FILTER_DUMP), mac(FILTER_ADD, MAC), mac(FILTER_DEL, MAC), f(FILTER_FLUSH), mac(STA_KICK, MAC),
                            f(SUBSCRIBE), CmdFrame.cmd(12).bytes(), f(PING)),
                    "outsider 23456");

            // readers by group: supplementary group 4242, and primary group 4242
            assertEquals(List.of("TABLE 0", "NAK -5"),
                    runAs(probe, d.socket(), 23457, 23457, "4242", f(STA_LIST), mac(FILTER_ADD, MAC)), "supplementary gid 4242");
            assertEquals(List.of("TABLE 0", "NAK -5"),
                    runAs(probe, d.socket(), 23458, 4242, "", f(STA_LIST), mac(FILTER_ADD, MAC)), "primary gid 4242");

            // access.admin lists 'daemon' (uid 1) by name: it may mutate, and admin implies read
            // (no hostapd is followed here, so its STA_KICK finds no station: NAK E_NOENT, not E_PERM)
            assertEquals(List.of("ACK", "TABLE 1", "ACK", "NAK -6"),
                    runAs(probe, d.socket(), 1, 1, "", mac(FILTER_ADD, MAC), f(FILTER_LIST), mac(FILTER_DEL, MAC),
                            mac(STA_KICK, MAC)), "admin daemon");

            // root always may, though not listed
            try (RawConnection c = RawConnection.open(d.socket())) {
                c.write(Wire.concat(mac(FILTER_ADD, MAC + 1), f(FILTER_LIST), f(FILTER_FLUSH)));
                c.expectAck("root FILTER_ADD");
                c.expectTable(1, "root FILTER_LIST");
                c.expectAck("root FILTER_FLUSH");
            }
            String log = d.output();
            assertTrue(log.contains("uid=23456") || log.contains("uid=65534"),
                    "a refused peer is logged with its uid:\n" + log);
        }
    }

    @Test
    void adminListsNobodySocketGroupLetsOnlyTheGroupIn(@TempDir Path dir) throws Exception {
        Path probe = prepare(dir);
        Path cfg = DaemonProcess.writeConfig(dir, "  socket_mode: \"0660\"\n  socket_group: nogroup\n",
                "  socket_mode: \"0660\"\n  socket_group: \"" + NOGROUP + "\"\n",
                "access:\n  read:  { uids: [12345], gids: [] }\n  admin: { uids: [nobody], gids: [] }\n");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg, DaemonProcess.FAST_JVM)) {
            assertEquals("rw-rw----", mode(d.socket()), "server.socket_mode");
            assertEquals("rw-rw----", mode(d.events()), "ingest.socket_mode");
            assertEquals(NOGROUP, Files.getAttribute(d.socket(), "unix:gid", LinkOption.NOFOLLOW_LINKS), "server.socket_group by name");
            assertEquals(NOGROUP, Files.getAttribute(d.events(), "unix:gid", LinkOption.NOFOLLOW_LINKS), "ingest.socket_group by number");
            assertNoBindLeftovers(dir);

            // access.admin lists nobody: FILTER_ADD is allowed, and admin implies read
            assertEquals(List.of("ACK", "TABLE 1", "ACK", "TABLE 0"),
                    runAs(probe, d.socket(), NOBODY, NOGROUP, "", mac(FILTER_ADD, MAC), f(FILTER_LIST), mac(FILTER_DEL, MAC),
                            f(FILTER_LIST)), "admin nobody");
            // a reader that reaches the socket through its group
            assertEquals(List.of("TABLE 0", "NAK -5"),
                    runAs(probe, d.socket(), 12345, NOGROUP, "", f(STA_LIST), mac(FILTER_ADD, MAC)), "reader 12345");
            // not in the socket's group, not the owner: the socket file itself keeps it out
            List<String> out = runAs(probe, d.socket(), 23456, 23456, "", f(PING));
            assertEquals(1, out.size(), "outsider: " + out);
            assertTrue(out.get(0).startsWith("CONNECT_FAILED"), "outsider connected to a 0660 socket: " + out);
        }
    }
}
