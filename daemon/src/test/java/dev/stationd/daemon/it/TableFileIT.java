package dev.stationd.daemon.it;

import static dev.stationd.daemon.it.Stations.assertSameStations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.Wire.CmdFrame;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full lists go out of sealed memory files whose pages the socket holds instead of a copy: a client
 * that reads its list slowly gets the table as it was when it asked, byte for byte, after the daemon
 * has encoded newer tables and closed the file that list came from.
 */
class TableFileIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** Stations: a 352,004-byte reply, more than a socket holds. */
    private static final int N = 2_000;
    /** What the slow reader leaves unread until the old file is gone (less than a socket holds). */
    private static final int LEFT = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void aSlowReaderGetsTheTableAsItWasAfterItsFileIsClosed() throws Exception {
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""));
             StationClient other = StationClient.open(d.socket());
             RawConnection slow = RawConnection.open(d.socket())) {
            List<StaListAttr> before = Stations.makeAll(N, System.currentTimeMillis());
            Stations.send(d.events(), before);
            DaemonProcess.awaitStations(d.socket(), N, DEADLINE);
            slow.write(CmdFrame.cmd(Wire.STA_LIST).bytes());
            assertEquals(N, slow.readInt("the slow reader's STA_LIST"));

            // every station changes, and another client's list encodes the new table
            List<StaListAttr> after = new ArrayList<>();
            for (StaListAttr s : before) {
                after.add(s.toBuilder().txBytes(s.txBytes() + 1).hostname("moved-on").build());
            }
            Stations.send(d.events(), after);
            DaemonProcess.poll("the changed table listed", DEADLINE)
                    .until(() -> other.list(ListQuery.ALL).stream().allMatch(s -> s.hostname().equals("moved-on")));
            assertEquals(2, tableFiles(d), "the old table's file while the slow reader's list is unsent, and the new one's");

            // the slow reader takes all but what its socket holds: the daemon's write completes, the
            // old table has no reply left and its file closes, with the rest of the list still queued
            byte[] head = slow.read(N * StaListAttr.SIZE - LEFT, DEADLINE, "most of the old list");
            DaemonProcess.poll("the old table's file closed", DEADLINE).until(() -> tableFiles(d) == 1);
            byte[] tail = slow.read(LEFT, DEADLINE, "the rest, sent from the closed file's pages");

            ByteBuf records = Unpooled.wrappedBuffer(head, tail);
            List<StaListAttr> got = new ArrayList<>();
            while (records.isReadable()) {
                got.add(StaListAttr.decode(records));
            }
            assertSameStations(Stations.sorted(before), got);
            assertSameStations(Stations.sorted(after), other.list(ListQuery.ALL));

            // versions that no reply holds give way at once: 50 more, one file
            for (int v = 1; v <= 50; v++) {
                StaListAttr changed = after.get(v).toBuilder().hostname("v" + v).build();
                Stations.send(d.events(), List.of(changed));
                DaemonProcess.poll("version " + v + " listed", DEADLINE)
                        .until(() -> other.list(ListQuery.ALL).stream().anyMatch(s -> s.hostname().equals(changed.hostname())));
            }
            assertEquals(1, tableFiles(d), "only the newest table's file");
            assertEquals(0, d.stop(), d::output);
        }
    }

    /**
     * A small table is in its file several times over, and full lists asked for back to back go out
     * as one {@code sendfile} of several copies, which the socket takes in pieces: each reply must
     * still come whole, in order, between the other replies.
     */
    @Test
    void pipelinedFullListsOfASmallTableComeBackWholeAndInOrder() throws Exception {
        int n = 256;                                              // 45,060-byte replies: 4 in the file
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""));
             RawConnection c = RawConnection.open(d.socket())) {
            List<StaListAttr> stations = Stations.makeAll(n, System.currentTimeMillis());
            Stations.send(d.events(), stations);
            DaemonProcess.awaitStations(d.socket(), n, DEADLINE);
            assertEquals(List.of(4L * (4 + n * StaListAttr.SIZE)), tableFileSizes(d), "the table's file: 4 copies");
            List<byte[]> requests = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                requests.add(CmdFrame.cmd(i % 7 == 6 ? Wire.PING : Wire.STA_LIST).bytes());
            }
            c.write(Wire.concat(requests.toArray(byte[][]::new)));  // one write: the daemon reads them in pages
            List<StaListAttr> expected = Stations.sorted(stations);
            for (int i = 0; i < 300; i++) {
                if (i % 7 == 6) {
                    c.expectAck("reply " + i + " (PING)");
                    continue;
                }
                ByteBuf records = Unpooled.wrappedBuffer(c.readTable("reply " + i));
                List<StaListAttr> got = new ArrayList<>();
                while (records.isReadable()) {
                    got.add(StaListAttr.decode(records));
                }
                assertSameStations(expected, got);
            }
            assertTrue(c.staysQuiet(Duration.ofMillis(200)), "nothing after the last reply");
            assertEquals(0, d.stop(), d::output);
        }
    }

    /** @return the daemon's open table files (memory files named {@code stationd-table}) */
    private static long tableFiles(DaemonProcess d) throws IOException {
        return tableFileSizes(d).size();
    }

    /** @return the sizes of the daemon's open table files */
    private static List<Long> tableFileSizes(DaemonProcess d) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(d.pid()), "fd"))) {
            List<Long> sizes = new ArrayList<>();
            fds.forEach(fd -> {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("/memfd:stationd-table")) {
                        sizes.add(Files.size(fd));
                    }
                } catch (IOException e) {
                    // closed while listed
                }
            });
            return sizes;
        }
    }
}
