package dev.stationd.daemon.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.RawConnection;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.Wire.CmdFrame;
import dev.stationd.protocol.client.EventSender;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of direct memory never leaves the daemon half-broken: with the shipped flags but
 * far too little direct memory for its table ({@code -XX:MaxDirectMemorySize=2m} against a
 * 1.76 MB reply of 10,000 stations), the first query that needs the table in a buffer (a page of
 * every station: a full list comes from a memory file, not from direct memory) makes it log why
 * and exit with 70 (so that systemd's {@code Restart=on-failure} starts a fresh one), instead of
 * going on with some replies failing. ({@code -XX:+ExitOnOutOfMemoryError} does not cover
 * direct memory.)
 */
class OutOfMemoryExitIT {
    @TempDir
    Path dir;

    @Test
    void outOfDirectMemoryExitsWith70() throws Exception {
        List<String> jvm = new ArrayList<>(MemoryBoundsIT.shippedJvm());
        jvm.add("-XX:MaxDirectMemorySize=2m"); // the last one counts
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""), jvm)) {
            try (EventSender s = EventSender.connect(d.events())) {
                for (int i = 0; i < MemoryBoundsIT.STATIONS && d.process().isAlive(); i++) {
                    s.sendRaw(Wire.upsert(i, MemoryBoundsIT.MAC_BASE + i));
                }
            } catch (IOException e) {
                // the daemon may already be gone: its ingest socket with it
            }
            DaemonProcess.await(Duration.ofSeconds(60), "the daemon to run out of memory and exit", () -> {
                if (!d.process().isAlive()) {
                    return true;
                }
                try (RawConnection c = RawConnection.open(d.socket())) {
                    c.write(CmdFrame.cmd(Wire.STA_LIST).maxEntries(MemoryBoundsIT.STATIONS).bytes());
                    c.readTable("STA_LIST");
                } catch (IOException | AssertionError e) {
                    // it is exiting
                }
                return false;
            });
            assertEquals(70, d.awaitExit(DaemonProcess.STOP_DEADLINE), d.output());
            d.output().lines().filter(l -> l.contains("out of memory")).forEach(System.out::println);
            assertTrue(d.output().contains("out of memory while"), d.output());
            assertTrue(d.output().contains("exiting with 70 so that systemd starts a fresh daemon"), d.output());
        }
    }
}
