package dev.stationd.daemon.it.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.FrozenDisk;
import dev.stationd.daemon.it.RawConnection;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.Wire.CmdFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that stops answering: the state directory is on a loop-mounted file system that the
 * test freezes ({@code fsfreeze -f}), so the filter writer's {@code fsync} hangs. A filter change
 * then gets {@code NAK E_BUSY} after {@code filters.commit_timeout} (never an ACK), queries and
 * PINGs are still answered, the watchdog withholds {@code WATCHDOG=1} (systemd would restart the
 * service) while the event loops keep running, and after the thaw the pings resume and the
 * change is saved after all. Needs root and the loop device tools ({@link FrozenDisk}).
 */
class StuckDiskIT {
    static final long MAC = 0x02_D1_00_00_00_01L;

    @TempDir
    Path dir;

    private static byte[] add(long mac) {
        return CmdFrame.cmd(Wire.FILTER_ADD).groupId(1).mac(mac).bytes();
    }

    private static Set<Long> filters(Path socket) throws Exception {
        Set<Long> out = new HashSet<>();
        try (RawConnection c = RawConnection.open(socket)) {
            c.write(CmdFrame.cmd(Wire.FILTER_LIST).bytes());
            byte[] t = c.readTable("FILTER_LIST");
            for (int at = 0; at < t.length; at += Wire.RECORD_SIZE) {
                out.add(Wire.mac48(t, at));
            }
        }
        return out;
    }

    @Test
    void aFrozenDiskGetsEBusyAndStopsTheWatchdogNeverAnAck() throws Exception {
        assumeTrue(FrozenDisk.available(), "needs root, losetup, mkfs.ext4 and fsfreeze");
        try (FrozenDisk disk = FrozenDisk.create(dir);
             NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"))) {
            // the layout of DaemonProcess.writeConfig, with the state on the file system that freezes
            Path cfg = java.nio.file.Files.writeString(dir.resolve("stationd.yaml"), "server:\n  socket: stationd.sock\n"
                    + "ingest:\n  socket: events.sock\nstate:\n  directory: " + disk.mountPoint().resolve("state") + "\n"
                    + "filters:\n  commit_timeout: 1s\n");
            try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).env("WATCHDOG_USEC", "2000000")
                    .env("NOTIFY_SOCKET", notify.notifySocket()).launch()) {
                notify.await("READY=1", DaemonProcess.START_DEADLINE);
                notify.await("WATCHDOG=1", Duration.ofSeconds(10));
                try (RawConnection c = RawConnection.open(d.socket())) {
                    c.write(add(MAC));
                    c.expectAck("FILTER_ADD on a healthy disk");
                }

                disk.freeze();
                long t0 = System.nanoTime();
                try (RawConnection c = RawConnection.open(d.socket())) {
                    c.write(Wire.concat(add(MAC + 1), CmdFrame.cmd(Wire.PING).bytes()));
                    c.expectNak(Wire.E_BUSY, "FILTER_ADD while the disk is frozen");
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(ms >= 900, "E_BUSY before filters.commit_timeout: " + ms + " ms");
                    c.expectEof("E_BUSY closes the connection; the PING behind it is not answered");
                }
                try (RawConnection c = RawConnection.open(d.socket())) {
                    c.write(CmdFrame.cmd(Wire.PING).bytes());
                    c.expectAck("PING while the disk is frozen");
                }
                assertFalse(filters(d.socket()).contains(MAC + 1), "a change that is not on disk is not shown");

                DaemonProcess.await(Duration.ofSeconds(10), "the stuck writer to be logged",
                        () -> d.output().contains("watchdog: the filter writer has been saving one batch for"));
                int before = notify.with("WATCHDOG=1").size();
                DaemonProcess.poll("no WATCHDOG=1 while the writer is stuck", Duration.ofSeconds(10))
                        .during(Duration.ofMillis(2500)).until(() -> notify.with("WATCHDOG=1").size() == before);

                disk.thaw();
                notify.await(before, m -> m.has("WATCHDOG=1"), Duration.ofSeconds(10), "WATCHDOG=1 after the thaw");
                DaemonProcess.await(Duration.ofSeconds(10), "the pings to resume",
                        () -> d.output().contains("pings resumed"));
                DaemonProcess.poll("the change refused with E_BUSY to land after the thaw", Duration.ofSeconds(10))
                        .until(() -> filters(d.socket()).contains(MAC + 1));
                assertEquals(0, d.stop(), d.output());
                assertTrue(d.output().contains("not done within filters.commit_timeout"), d.output());
            }
        }
    }
}
