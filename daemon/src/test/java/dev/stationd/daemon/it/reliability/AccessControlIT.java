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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
        return runAs(probeRoot, socket, uid, gid, groups,
                Stream.of(frames).map(HexFormat.of()::formatHex).toArray(String[]::new));
    }

    /** The probe's command line as another user. */
    private static List<String> probeCommand(Path probeRoot, Path socket, int uid, int gid, String groups, String... args) {
        List<String> cmd = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid));
        cmd.add(groups.isEmpty() ? "--clear-groups" : "--groups=" + groups);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto",
                "-cp", probeRoot.toString(), AclProbe.class.getName(), socket.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static List<String> runAs(Path probeRoot, Path socket, int uid, int gid, String groups, String... args)
            throws Exception {
        Process p = new ProcessBuilder(probeCommand(probeRoot, socket, uid, gid, groups, args)).redirectErrorStream(true)
                .start();
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

            // an outsider (uid 23456, no passwd entry): one E_PERM in its first command's form, then closed
            assertEquals(List.of("NAK -5", "EOF"),
                    runAs(probe, d.socket(), 23456, 23456, "", f(PING), f(STA_LIST), mac(FILTER_ADD, MAC)),
                    "outsider 23456, an ack command first");
            assertEquals(List.of("ERR -5", "EOF"),
                    runAs(probe, d.socket(), 23456, 23456, "", f(STA_LIST), f(PING)), "outsider 23456, a table command first");
            assertEquals(List.of("ERR -5", "EOF"),
                    runAs(probe, d.socket(), 23456, 23456, "", CmdFrame.cmd(12).bytes(), f(PING)),
                    "outsider 23456, an unknown command: E_PERM, bare");
            // an outsider that sends nothing is closed after a short grace, not after idle_timeout (60 s)
            long t0 = System.nanoTime();
            assertEquals(List.of("EOF"), runAs(probe, d.socket(), 23456, 23456, "", "WAIT_EOF"), "silent outsider");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 20_000, "a silent outsider stayed " + ms + " ms");

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

    /** A probe holding connections as another user until {@link #close()}. */
    private static final class Held implements AutoCloseable {
        final Process process;
        final String result;

        Held(Path probeRoot, Path socket, int uid, int n, byte[] frame) throws Exception {
            process = new ProcessBuilder(probeCommand(probeRoot, socket, uid, uid, "", "--hold", Integer.toString(n),
                    HexFormat.of().formatHex(frame))).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("uid=" + uid + " gid=" + uid, out.readLine(), "the probe runs as the intended user");
            result = out.readLine();
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close(); // the probe closes its connections and exits
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "held probe did not exit");
        }
    }

    /**
     * No class of peer can lock out another: outsiders never take a slot (each is closed after its
     * one E_PERM), readers with idle subscriptions fill only their share (per uid, and all but the
     * admins' reserve), and then root and a listed admin still get in.
     */
    @Test
    void outsidersAndIdleSubscribersCannotLockOutAdmins(@TempDir Path dir) throws Exception {
        Path probe = prepare(dir);
        Path cfg = DaemonProcess.writeConfig(dir, "  socket_mode: \"0666\"\n  max_connections: 20\n"
                        + "  admin_reserve: 4\n  max_connections_per_uid: 8\n", "",
                "access:\n  read:  { uids: [nobody, 23460, 23461], gids: [] }\n  admin: { uids: [daemon], gids: [] }\n");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg, DaemonProcess.FAST_JVM)) {
            // 50 outsiders, each kept open by its client: every one is answered E_PERM and closed
            try (Held outsiders = new Held(probe, d.socket(), 23456, 50, f(PING))) {
                assertEquals("HOLD ack=0 busy=0 perm=50 eof=0", outsiders.result, "outsiders");
                // readers subscribe and never read: 8 per uid, 16 in all (20 minus the 4 kept for admins)
                try (Held a = new Held(probe, d.socket(), NOBODY, 10, f(SUBSCRIBE));
                     Held b = new Held(probe, d.socket(), 23460, 10, f(SUBSCRIBE));
                     Held c = new Held(probe, d.socket(), 23461, 10, f(SUBSCRIBE))) {
                    assertEquals("HOLD ack=8 busy=2 perm=0 eof=0", a.result, "reader nobody: its uid's 8");
                    assertEquals("HOLD ack=8 busy=2 perm=0 eof=0", b.result, "reader 23460: its uid's 8");
                    assertEquals("HOLD ack=0 busy=10 perm=0 eof=0", c.result, "reader 23461: the readers' share is taken");
                    // the admins still get in: the listed admin 'daemon' and root
                    assertEquals(List.of("ACK", "ACK"), runAs(probe, d.socket(), 1, 1, "", f(PING), mac(FILTER_FLUSH, 0)),
                            "admin daemon while readers hold their share");
                    try (RawConnection r1 = RawConnection.open(d.socket());
                         RawConnection r2 = RawConnection.open(d.socket())) {
                        r1.write(f(PING));
                        r1.expectAck("root while readers hold their share");
                        r2.write(f(FILTER_LIST));
                        r2.expectTable(0, "root, a second connection");
                    }
                }
                // the readers' connections are gone: their slots are free again
                assertEquals(List.of("TABLE 0"), runAs(probe, d.socket(), 23461, 23461, "", f(STA_LIST)),
                        "reader 23461 once the subscribers left");
            }
            String log = d.output();
            assertTrue(log.contains("denied PING to uid=23456"), "outsiders are logged with their uid:\n" + log);
            assertTrue(log.contains("refusing connection of uid=65534") && log.contains("max_connections_per_uid 8"),
                    "the per-uid cap is logged:\n" + log);
            assertTrue(log.contains("16 open, max_connections 20 (4 kept for admins)"), "the reserve is logged:\n" + log);
        }
    }

    /** The daemon's user in the tests that run it as another user than root. */
    static final int DAEMON_UID = 4321;

    /**
     * @param hideProc whether to mount a {@code /proc} that hides other users' processes, as the
     *     unit's {@code ProtectProc=invisible} does (in a mount namespace of the daemon's own)
     * @return the command that runs the rest of the command line as {@link #DAEMON_UID}
     */
    private static String[] asDaemonUser(boolean hideProc) {
        List<String> cmd = new ArrayList<>();
        if (hideProc) {
            cmd.addAll(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                    "mount -t proc -o hidepid=invisible proc /proc && exec \"$@\"", "sh"));
        }
        cmd.addAll(List.of(setpriv.toString(), "--reuid=" + DAEMON_UID, "--regid=" + DAEMON_UID, "--clear-groups"));
        return cmd.toArray(String[]::new);
    }

    /**
     * Supplementary groups come from the socket ({@code SO_PEERGROUPS}): with {@code /proc} hidden
     * as under the unit's {@code ProtectProc=invisible}, a client whose admin group is
     * supplementary is still an admin. Without the JNI library the daemon falls back to
     * {@code /proc/PID/status}: that works while {@code /proc} is visible, and with it hidden such
     * a client is known by its primary group alone (the documented limit).
     */
    @Test
    void supplementaryGroupsComeFromTheSocketEvenWithProcHidden(@TempDir Path dir) throws Exception {
        Path probe = prepare(dir);
        Files.setAttribute(dir, "unix:uid", DAEMON_UID);
        Files.setAttribute(dir, "unix:gid", DAEMON_UID);
        Path cfg = DaemonProcess.writeConfig(dir, "  socket_mode: \"0666\"\n", "",
                "access:\n  read:  { uids: [], gids: [4242] }\n  admin: { uids: [], gids: [4243] }\n");
        Path nettyOnly = Files.createDirectory(dir.resolve("netty-only")); // Netty's library, not the daemon's
        try (Stream<Path> libs = Files.list(DaemonProcess.nativeDir())) {
            for (Path lib : libs.filter(p -> p.getFileName().toString().startsWith("libnetty")).toList()) {
                Files.copy(lib, nettyOnly.resolve(lib.getFileName()));
            }
        }
        try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).wrap(asDaemonUser(true)).start()) {
            assertEquals(List.of("ACK", "ACK"),
                    runAs(probe, d.socket(), 23470, 23470, "4243", mac(FILTER_ADD, MAC), mac(FILTER_DEL, MAC)),
                    "an admin by its supplementary group, /proc hidden");
            assertEquals(List.of("TABLE 0", "NAK -5"),
                    runAs(probe, d.socket(), 23471, 23471, "4242", f(STA_LIST), mac(FILTER_ADD, MAC)),
                    "a reader by its supplementary group, /proc hidden");
            assertEquals(List.of("ERR -5", "EOF"), runAs(probe, d.socket(), 23472, 23472, "", f(STA_LIST), f(PING)),
                    "in neither group");
            assertEquals(0, d.stop(), d.output());
        }
        List<String> withoutLibrary = List.of("-Djava.library.path=" + nettyOnly);
        try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(withoutLibrary).wrap(asDaemonUser(true))
                .start()) {
            assertEquals(List.of("ERR -5", "EOF"), runAs(probe, d.socket(), 23470, 23470, "4243", f(STA_LIST), f(PING)),
                    "without SO_PEERGROUPS and with /proc hidden, a supplementary group is not known");
            assertEquals(List.of("TABLE 0"), runAs(probe, d.socket(), 23473, 4242, "", f(STA_LIST)),
                    "the primary group still is");
            assertEquals(0, d.stop(), d.output());
        }
        try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(withoutLibrary).wrap(asDaemonUser(false))
                .start()) {
            assertEquals(List.of("ACK", "ACK"),
                    runAs(probe, d.socket(), 23470, 23470, "4243", mac(FILTER_ADD, MAC), mac(FILTER_DEL, MAC)),
                    "without SO_PEERGROUPS, /proc visible: the fallback reads the group there");
            assertEquals(0, d.stop(), d.output());
        }
    }
}
