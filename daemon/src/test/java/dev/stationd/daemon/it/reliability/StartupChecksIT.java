package dev.stationd.daemon.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.RawConnection;
import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.Wire.CmdFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the daemon checks as it starts: a state file that exists but cannot be read stops the
 * start-up with 65 (only a missing file means "no filters yet"), and a socket that systemd made
 * with a looser mode than configured is logged at warning.
 */
class StartupChecksIT {
    /** The daemon's user where the test runs it as another user than root. */
    static final int DAEMON_UID = 4321;

    @TempDir
    Path dir;

    private static void saveOneFilter(Path state) throws Exception {
        new FilterFile(state).save(FilterSet.empty().with(1, new MacAddress(0x02_5F_00_00_00_01L)));
    }

    private static int exitOfStart(DaemonProcess d) throws Exception {
        return d.awaitExit(DaemonProcess.START_DEADLINE);
    }

    /** EACCES: the daemon's user cannot enter the state directory (as with a wrong owner after a restore). */
    @Test
    void aStateFileThatCannotBeReadStopsTheStartNotAFirstStart() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Path setpriv = Stream.of("/usr/bin/setpriv", "/bin/setpriv").map(Path::of).filter(Files::isExecutable).findFirst()
                .orElse(null);
        assumeTrue(uid == 0 && setpriv != null, "needs root and setpriv to run the daemon as another user");
        Files.setAttribute(dir, "unix:uid", DAEMON_UID); // its sockets go here
        Path cfg = DaemonProcess.writeConfig(dir, "");
        Path state = dir.resolve("state");
        saveOneFilter(state);
        Files.setAttribute(state, "unix:uid", 0); // root's, 0700: the daemon's user gets EACCES inside
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg)
                .wrap(setpriv.toString(), "--reuid=" + DAEMON_UID, "--regid=" + DAEMON_UID, "--clear-groups").launch()) {
            assertEquals(65, exitOfStart(d), d.output());
            assertTrue(d.output().contains("cannot start: cannot read state in " + state), d.output());
            assertTrue(d.output().contains("AccessDeniedException"), d.output());
            assertFalse(d.output().contains("first start"), "a file it cannot read is not a missing file:\n" + d.output());
        }
    }

    /** EIO, and a directory where the file should be: the same. */
    @Test
    void aStateFileThatFailsToReadStopsTheStart() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        Path state = Files.createDirectories(dir.resolve("state"));
        // reading /proc/self/mem at offset 0 (nothing mapped there) fails with EIO
        Files.createSymbolicLink(state.resolve(FilterFile.FILE_NAME), Path.of("/proc/self/mem"));
        try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).launch()) {
            assertEquals(65, exitOfStart(d), d.output());
            assertTrue(d.output().contains("Input/output error"), d.output());
        }
        Files.delete(state.resolve(FilterFile.FILE_NAME));
        Files.createDirectory(state.resolve(FilterFile.FILE_NAME));
        try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).launch()) {
            assertEquals(65, exitOfStart(d), d.output());
            assertTrue(d.output().contains("cannot start: cannot read state"), d.output());
        }
        // only a file that is not there means "no filters yet"
        Files.delete(state.resolve(FilterFile.FILE_NAME));
        try (DaemonProcess d = DaemonProcess.start(dir, cfg)) {
            assertTrue(d.output().contains("does not exist (first start)"), d.output());
            assertEquals(0, d.stop(), d.output());
        }
    }

    /** A socket systemd made with SocketMode=0666 where the configuration says 0660: logged at warning. */
    @Test
    void aSocketFromSystemdLooserThanConfiguredIsLogged() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        String[] activation = {"--stream", dir.resolve("stationd.sock").toString(), "--dgram",
                dir.resolve("events.sock").toString(), "--names", "command:ingest"};
        try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).activate(activation).activate("--mode", "0666")
                .start()) {
            assertTrue(d.output().contains(dir.resolve("stationd.sock") + " (made by systemd) has mode 0666: every user"
                    + " may connect, but server.socket_mode is 0660"), d.output());
            assertTrue(d.output().contains(dir.resolve("events.sock") + " (made by systemd) has mode 0666: every user"
                    + " may connect, but ingest.socket_mode is 0620"), d.output());
            assertTrue(d.output().contains(" WARN "), d.output());
            try (RawConnection c = RawConnection.open(d.socket())) {
                c.write(CmdFrame.cmd(Wire.PING).bytes());
                c.expectAck("the daemon serves anyway");
            }
            assertEquals(0, d.stop(), d.output());
        }
        Files.delete(dir.resolve("stationd.sock")); // systemd's files: the daemon leaves them
        Files.delete(dir.resolve("events.sock"));
        try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).activate(activation).activate("--mode", "0620")
                .start()) {
            assertFalse(d.output().contains("(made by systemd) has mode"), "as strict as configured:\n" + d.output());
            assertEquals(0, d.stop(), d.output());
        }
    }
}
