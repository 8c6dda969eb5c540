package dev.stationd.daemon.it.reliability;

import static dev.stationd.protocol.Wire.E_BUSY;
import static dev.stationd.protocol.Wire.E_FULL;
import static dev.stationd.protocol.Wire.FILTER_ADD;
import static dev.stationd.protocol.Wire.FILTER_DEL;
import static dev.stationd.protocol.Wire.PING;
import static dev.stationd.protocol.Wire.STA_LIST;
import static dev.stationd.protocol.Wire.SUBSCRIBE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.RawConnection;
import dev.stationd.daemon.it.TableReplySkipper;
import dev.stationd.protocol.Wire.CmdFrame;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.client.EventSender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits and backpressure against the real daemon: {@code max_connections} (E_BUSY then close),
 * {@code idle_timeout}, a slow reader that pipelines 100,000 requests without reading,
 * {@code max_filters} (NAK E_FULL), and clients that vanish mid-reply or mid-frame (nothing
 * leaks; the daemon runs with Netty's paranoid leak detector and is made to collect garbage).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LimitsIT {
    static final int MAX_CONNECTIONS = 50;
    static final int MAX_FILTERS = 10;
    static final int STATIONS = 200;
    static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static DaemonProcess daemon;

    @BeforeAll
    static void start() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "  max_connections: " + MAX_CONNECTIONS + "\n", "",
                "filters:\n  max_filters: " + MAX_FILTERS + "\n");
        daemon = DaemonProcess.start(dir, cfg, DaemonProcess.FAST_JVM);
        try (EventSender s = EventSender.connect(daemon.events())) {
            for (int i = 0; i < STATIONS; i++) {
                s.sendRaw(Wire.upsert(i + 1, 0x02_11_00_00_00_00L + i * 0x10001L + 1));
            }
        }
        DaemonProcess.poll("all " + STATIONS + " stations to land", DEADLINE).until(() -> countStations(daemon.socket()) == STATIONS);
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static int countStations(Path socket) throws IOException {
        try (RawConnection c = RawConnection.open(socket)) {
            c.write(CmdFrame.cmd(STA_LIST).bytes());
            return c.readTable("STA_LIST").length / Wire.RECORD_SIZE;
        }
    }

    private static void assertServes(String when) throws Exception {
        assertTrue(daemon.isAlive(), "daemon died " + when + ":\n" + daemon.output());
        // connections the test closed a moment ago may still be counted: openAccepted retries E_BUSY
        try (RawConnection c = openAccepted("PING " + when)) {
            c.write(CmdFrame.cmd(STA_LIST).bytes());
            c.expectTable(STATIONS, "STA_LIST " + when);
        }
    }

    /** Opens a connection the daemon accepts (a slot freed a moment ago may still be counted: retry until the deadline). */
    private static RawConnection openAccepted(String what) {
        return DaemonProcess.poll(what + ": a connection slot (E_BUSY until then)", DEADLINE)
                .until(() -> tryOpen(what), Objects::nonNull);
    }

    /** @return a connection whose PING was answered, or {@code null} after E_BUSY (anything else fails) */
    private static RawConnection tryOpen(String what) throws IOException {
        RawConnection c = RawConnection.open(daemon.socket());
        try {
            c.write(CmdFrame.cmd(PING).bytes());
        } catch (IOException e) {
            // EPIPE: refused and closed before the PING went out; the E_BUSY is still readable
        }
        byte[] r = c.read(4, what);
        if (Arrays.equals(r, Wire.ACK)) {
            return c;
        }
        c.close();
        assertEquals(RawConnection.hex(Wire.int32(E_BUSY)), RawConnection.hex(r), what + ": neither ACK nor E_BUSY");
        return null;
    }

    @Test
    @Order(1)
    void connectionStormExcessGetsBusyFirstOnesKeepWorking() throws Exception {
        List<RawConnection> accepted = new ArrayList<>();
        List<RawConnection> excess = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                accepted.add(openAccepted("connection " + i));
            }
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                excess.add(RawConnection.open(daemon.socket())); // the storm: all at once, nothing read yet
            }
            for (int i = 0; i < excess.size(); i++) {
                RawConnection c = excess.get(i);
                c.expectBare(E_BUSY, "excess connection " + i);
                c.expectEof(DEADLINE, "excess connection " + i + " after E_BUSY");
            }
            for (int i = 0; i < accepted.size(); i++) {
                RawConnection c = accepted.get(i);
                c.write(Wire.concat(CmdFrame.cmd(STA_LIST).bytes(), CmdFrame.cmd(PING).bytes()));
                c.expectTable(STATIONS, "accepted connection " + i + " after the storm");
                c.expectAck("accepted connection " + i + " PING");
            }
            System.out.println("connection storm: " + accepted.size() + " accepted and still served, "
                    + excess.size() + " refused with E_BUSY then closed");
        } finally {
            for (RawConnection c : accepted) {
                c.close();
            }
            for (RawConnection c : excess) {
                c.close();
            }
        }
        // every slot comes back
        List<RawConnection> again = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                again.add(openAccepted("connection " + i + " after the storm"));
            }
        } finally {
            for (RawConnection c : again) {
                c.close();
            }
        }
        assertServes("after the connection storm");
    }

    @Test
    @Order(2)
    void maxFiltersGivesNakFullAndReAddStillAcks() throws Exception {
        long base = 0x02_F1_00_00_00_00L;
        try (RawConnection c = RawConnection.open(daemon.socket())) {
            for (int i = 0; i < MAX_FILTERS; i++) {
                c.write(CmdFrame.cmd(FILTER_ADD).groupId(1).mac(base + i).bytes());
                c.expectAck("FILTER_ADD " + i);
            }
            c.write(CmdFrame.cmd(FILTER_ADD).groupId(1).mac(base + MAX_FILTERS).bytes());
            c.expectNak(E_FULL, "FILTER_ADD beyond max_filters");
            c.write(CmdFrame.cmd(FILTER_ADD).groupId(2).mac(base).bytes());
            c.expectNak(E_FULL, "same MAC in another group is a new filter");
            c.write(CmdFrame.cmd(FILTER_ADD).groupId(1).mac(base + 3).bytes());
            c.expectAck("re-adding an existing filter at the limit (idempotent)");
            c.write(CmdFrame.cmd(FILTER_DEL).groupId(1).mac(base).bytes());
            c.expectAck("FILTER_DEL frees a slot");
            c.write(CmdFrame.cmd(FILTER_ADD).groupId(1).mac(base + MAX_FILTERS).bytes());
            c.expectAck("FILTER_ADD after a DEL");
            c.write(CmdFrame.cmd(Wire.FILTER_LIST).bytes());
            c.expectTable(MAX_FILTERS, "FILTER_LIST at the limit");
            c.write(CmdFrame.cmd(Wire.FILTER_FLUSH).bytes());
            c.expectAck("FILTER_FLUSH");
        }
        assertServes("after max_filters");
    }

    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    private static int expectedRecords(int request) {
        return request < 5_000 ? STATIONS - request % STATIONS : 1 + request % 7;
    }

    @Test
    @Order(3)
    void slowReaderIsNotReadFromAndDrainsInOrder() throws Exception {
        int n = 100_000;
        byte[] all = new byte[n * Wire.CMD_SIZE];
        for (int i = 0; i < n; i++) {
            // max_entries tells the replies apart, so order is checked; the first 5,000 ask for up to
            // the whole table (~35 KB), the rest for up to 7 records, to keep the drain short
            System.arraycopy(CmdFrame.cmd(STA_LIST).seq(i).maxEntries(expectedRecords(i)).bytes(), 0, all, i * Wire.CMD_SIZE, Wire.CMD_SIZE);
        }
        long rssBefore = rssKiB(daemon.pid());
        ByteBuffer out = ByteBuffer.wrap(all);
        try (RawConnection slow = RawConnection.open(daemon.socket()); Selector sel = Selector.open()) {
            slow.channel().register(sel, SelectionKey.OP_WRITE);
            // phase 1: write without reading until the daemon stops taking requests for a full second
            long lastProgress = System.nanoTime();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.hasRemaining() && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(1)) {
                assertTrue(System.nanoTime() < end, "the slow reader never stalled");
                if (slow.tryWrite(out) > 0) {
                    lastProgress = System.nanoTime();
                } else {
                    sel.select(100);
                    sel.selectedKeys().clear();
                }
            }
            long written = out.position();
            long rssStalled = rssKiB(daemon.pid());
            System.out.printf("slow reader: wrote %,d of %,d request bytes (%,d requests) before the daemon stopped reading; "
                    + "daemon VmRSS %,d KiB -> %,d KiB (+%,d KiB)%n", written, all.length, written / Wire.CMD_SIZE,
                    rssBefore, rssStalled, rssStalled - rssBefore);
            assertTrue(out.hasRemaining(), "the daemon read all 100,000 requests without the client reading a byte");
            assertTrue(written < all.length / 4, "the daemon kept reading from a client that does not read: " + written);
            assertTrue(rssStalled - rssBefore < 256 * 1024, "daemon memory grew by " + (rssStalled - rssBefore) + " KiB");
            // the daemon still serves everyone else
            assertServes("while a slow reader is stalled");
            // phase 2: drain; every reply arrives, in request order
            sel.keys().iterator().next().interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            ByteBuffer in = ByteBuffer.allocate(1 << 20);
            int replies = 0;
            int[] headers = {0};
            TableReplySkipper skipper = new TableReplySkipper();
            long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            long bytes = 0;
            while (replies < n) {
                assertTrue(System.nanoTime() < drainEnd, "drain stalled at reply " + replies);
                if (out.hasRemaining()) {
                    slow.tryWrite(out);
                }
                int r = slow.channel().read(in);
                assertTrue(r >= 0, "EOF at reply " + replies);
                if (r == 0) {
                    sel.select(100);
                    sel.selectedKeys().clear();
                    continue;
                }
                bytes += r;
                in.flip();
                replies += skipper.feed(in, num -> {
                    int i = headers[0]++;
                    int expected = expectedRecords(i);
                    if (num != expected) {
                        throw new AssertionError("reply " + i + ": " + num + " records, expected " + expected
                                + " (replies out of order?)");
                    }
                });
                in.compact();
            }
            assertFalse(out.hasRemaining(), "requests left unsent");
            System.out.printf("slow reader: drained %,d replies (%,d MB) in order%n", replies, bytes >> 20);
        }
        assertServes("after the slow reader drained");
    }

    @Test
    @Order(4)
    void clientsVanishingMidReplyOrMidFrameCostNothing() throws Exception {
        for (int i = 0; i < 200; i++) {
            RawConnection c = openAccepted("vanishing client " + i); // PING answered: the daemon counts it
            switch (i % 4) {
                case 0: // mid-reply: 20 x 35 KB requested, nothing read
                    byte[] many = new byte[20 * Wire.CMD_SIZE];
                    for (int k = 0; k < 20; k++) {
                        System.arraycopy(CmdFrame.cmd(STA_LIST).bytes(), 0, many, k * Wire.CMD_SIZE, Wire.CMD_SIZE);
                    }
                    c.write(many);
                    break;
                case 1: // mid-reply after reading part of the first reply
                    c.write(Wire.concat(CmdFrame.cmd(STA_LIST).bytes(), CmdFrame.cmd(STA_LIST).bytes()));
                    c.read(1000, "part of a reply");
                    break;
                case 2: // mid-frame
                    c.write(Arrays.copyOf(CmdFrame.cmd(PING).bytes(), 1 + i % 63));
                    break;
                default: // a FILTER_ADD in flight (waiting for its fsync) when the client goes away
                    c.write(CmdFrame.cmd(FILTER_ADD).groupId(9).mac(0x02_F9_00_00_00_00L + i).bytes());
                    break;
            }
            c.close();
        }
        // every connection slot is free again
        List<RawConnection> again = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                again.add(openAccepted("connection " + i + " after the vanishing clients"));
            }
        } finally {
            for (RawConnection c : again) {
                c.close();
            }
        }
        // let the leak detector see anything dropped: collect garbage, then allocate
        daemon.gc();
        try (EventSender s = EventSender.connect(daemon.events())) {
            for (int i = 0; i < 50; i++) {
                s.sendRaw(Wire.upsert(1000 + i, 0x02_11_00_00_00_00L + i * 0x10001L + 1)); // same stations again
            }
        }
        for (int i = 0; i < 20; i++) {
            assertServes("after the vanishing clients (" + i + ")");
        }
        String out = daemon.output();
        assertFalse(out.contains("LEAK:"), "Netty reported a buffer leak:\n" + out);
        assertFalse(out.contains("OutOfMemoryError"), "daemon ran out of memory:\n" + out);
    }

    /**
     * A subscriber that closes its socket is gone: the daemon must close its side and free the
     * connection slot at once, not only when the next table change makes a write fail (the
     * connection allows half-closure, and subscribers are exempt from idle_timeout, so on a quiet
     * table a vanished subscriber holds its slot forever).
     */
    @Test
    @Order(5)
    void vanishedSubscribersFreeTheirConnectionSlots() throws Exception {
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            try (RawConnection c = openAccepted("subscriber " + i)) {
                c.write(CmdFrame.cmd(SUBSCRIBE).bytes());
                c.expectAck("SUBSCRIBE " + i);
            } // closed by the client, no table change follows
        }
        try (RawConnection c = openAccepted("a new client after " + MAX_CONNECTIONS + " subscribers went away")) {
            c.write(CmdFrame.cmd(STA_LIST).bytes());
            c.expectTable(STATIONS, "STA_LIST");
        }
    }

    /**
     * The write-buffer watermarks must bound what the daemon holds for a client that does not
     * read, whatever the size of one reply: here 3,000 stations (528 KB per STA_LIST reply) and
     * 2,000 pipelined STA_LIST requests that are never read. Neither reading nor answering goes on
     * while the channel is not writable, so the daemon holds at most one reply beyond the write
     * buffer; the daemon gets {@code -XX:MaxDirectMemorySize=256m} so that a pile-up would show
     * as failures, not swap.
     */
    @Test
    @Order(6)
    void slowReaderWithLargeRepliesKeepsDaemonMemoryBounded(@TempDir Path bigDir) throws Exception {
        int stations = 3_000;
        int requests = 2_000;
        List<String> jvm = new ArrayList<>(DaemonProcess.FAST_JVM);
        jvm.add("-XX:MaxDirectMemorySize=256m");
        jvm.add("-Xmx256m");
        try (DaemonProcess big = DaemonProcess.start(bigDir, DaemonProcess.writeConfig(bigDir, ""), jvm)) {
            sendStations(big, 0x02_22_00_00_00_00L, 0, stations);
            DaemonProcess.poll("all " + stations + " stations to land", DEADLINE).until(() -> countStations(big.socket()) == stations);
            long rssBefore = rssKiB(big.pid());
            byte[] all = new byte[requests * Wire.CMD_SIZE];
            for (int i = 0; i < requests; i++) {
                System.arraycopy(CmdFrame.cmd(STA_LIST).bytes(), 0, all, i * Wire.CMD_SIZE, Wire.CMD_SIZE);
            }
            ByteBuffer out = ByteBuffer.wrap(all);
            try (RawConnection slow = RawConnection.open(big.socket()); Selector sel = Selector.open()) {
                slow.channel().register(sel, SelectionKey.OP_WRITE);
                long lastProgress = System.nanoTime();
                while (out.hasRemaining() && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(2)) {
                    if (slow.tryWrite(out) > 0) {
                        lastProgress = System.nanoTime();
                    } else {
                        sel.select(100);
                        sel.selectedKeys().clear();
                    }
                }
                long rssStalled = rssKiB(big.pid());
                System.out.printf("slow reader, 528 KB replies: wrote %,d requests; daemon VmRSS %,d KiB -> %,d KiB (+%,d KiB)%n",
                        out.position() / Wire.CMD_SIZE, rssBefore, rssStalled, rssStalled - rssBefore);
                try (RawConnection c = RawConnection.open(big.socket())) {
                    c.write(CmdFrame.cmd(PING).bytes());
                    c.expectAck("PING while the slow reader is stalled");
                }
                String log = big.output();
                assertFalse(log.contains("OutOfMemoryError"), "daemon ran out of memory:\n" + log);
                assertTrue(rssStalled - rssBefore < 128 * 1024,
                        "daemon memory grew by " + (rssStalled - rssBefore) + " KiB for one client that does not read");
            }
        }
    }

    /**
     * The encoding of the table kept for the next query is charged to the reply budget. A table
     * that grew so that it and its new encoding do not fit under the ceiling together (1.5 times
     * {@code server.max_pending_bytes}) must still be listed: the kept one, used by no reply, gives
     * way. Here 1,200 stations (211 KB) are listed, then 2,000 (352 KB); the ceiling of a 256 KiB
     * budget is 384 KiB.
     */
    @Test
    @Order(8)
    void aTableThatOutgrowsHalfTheReplyBudgetIsStillListed(@TempDir Path growDir) throws Exception {
        Path cfg = DaemonProcess.writeConfig(growDir, "  max_pending_bytes: 262144\n", "", "");
        try (DaemonProcess grow = DaemonProcess.start(growDir, cfg, DaemonProcess.FAST_JVM)) {
            sendStations(grow, 0x02_33_00_00_00_00L, 0, 1_200);
            DaemonProcess.poll("1,200 stations listed", DEADLINE).until(() -> listed(grow.socket()) == 1_200);
            sendStations(grow, 0x02_33_00_00_00_00L, 1_200, 2_000);
            DaemonProcess.poll("2,000 stations listed (not E_BUSY for ever)", DEADLINE)
                    .until(() -> listed(grow.socket()) == 2_000);
        }
    }

    /** Sends UPSERTs of stations {@code from..to-1} (MACs spread from {@code macBase}) to {@code d}'s ingest socket. */
    private static void sendStations(DaemonProcess d, long macBase, int from, int to) throws IOException {
        try (EventSender s = EventSender.connect(d.events())) {
            for (int i = from; i < to; i++) {
                s.sendRaw(Wire.upsert(i + 1, macBase + i * 0x10001L + 1));
            }
        }
    }

    /** @return the stations a full STA_LIST returns, or -1 when it is refused with E_BUSY */
    private static int listed(Path socket) throws IOException {
        try (RawConnection c = RawConnection.open(socket)) {
            c.write(CmdFrame.cmd(STA_LIST).bytes());
            int num = c.readInt("STA_LIST");
            if (num == E_BUSY) {
                return -1;
            }
            c.read(num * Wire.RECORD_SIZE, "STA_LIST records");
            return num;
        }
    }

    /** idle_timeout gets its own daemon (1 s), so the other tests are not raced by it. */
    @Test
    @Order(7)
    void idleTimeoutClosesSilentAndHalfFrameConnectionsButNotActiveOnes(@TempDir Path idleDir) throws Exception {
        Path cfg = DaemonProcess.writeConfig(idleDir, "  idle_timeout: 1s\n", "", "");
        try (DaemonProcess idle = DaemonProcess.start(idleDir, cfg, DaemonProcess.FAST_JVM);
             RawConnection silent = RawConnection.open(idle.socket());
             RawConnection half = RawConnection.open(idle.socket());
             RawConnection active = RawConnection.open(idle.socket())) {
            long t0 = System.nanoTime();
            half.write(Arrays.copyOf(CmdFrame.cmd(PING).bytes(), 40));
            // the active one sends a request every 300 ms for 3 s, and is answered every time
            for (int i = 0; i < 10; i++) {
                active.write(CmdFrame.cmd(PING).bytes());
                active.expectAck("active PING " + i);
                assertTrue(active.staysQuiet(Duration.ofMillis(300)), "active connection closed after " + (i + 1) + " requests");
            }
            silent.expectEof(Duration.ofSeconds(10), "silent connection");
            half.expectEof(Duration.ofSeconds(10), "half-frame connection");
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(elapsedMs >= 900, "closed before idle_timeout: " + elapsedMs + " ms");
            active.write(CmdFrame.cmd(PING).bytes());
            active.expectAck("active connection after 3 s");
            // an idle-closed client can reconnect at once
            try (RawConnection c = RawConnection.open(idle.socket())) {
                c.write(CmdFrame.cmd(PING).bytes());
                c.expectAck("new connection after the idle closes");
            }
        }
    }
}
