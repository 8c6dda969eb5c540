package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.TableSnapshot;
import dev.stationd.protocol.HostOrder;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.FileRegion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Encoded table versions and what they cost in the budget. Without the daemon's JNI library (unit
 * tests) every version is a buffer; {@code EncodedTableFileIT} runs the same cases with it, where
 * tables from {@link ReplyFile#FROM_BYTES} up are sealed files.
 */
class EncodedTableTest {
    private static final int TEN = EncodedTable.replySize(10);
    private final ServerStats stats = new ServerStats();

    private static TableSnapshot snapshot(long version, FilterSet filters) {
        return snapshot(version, 10, filters);
    }

    private static TableSnapshot snapshot(long version, int n, FilterSet filters) {
        List<StaListAttr> stations = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            stations.add(StaListAttr.builder(new MacAddress(0x020000000000L + i)).ifname("wlan0").build());
        }
        return TableSnapshot.of(version, stations, filters);
    }

    @Test
    void aVersionIsChargedOnceAndGoesWithItsLastReply() {
        PendingBudget budget = new PendingBudget(100 * TEN, stats);
        try (EncodedTable table = new EncodedTable(UnpooledByteBufAllocator.DEFAULT)) {
            EncodedTable.Lease a = table.acquire(snapshot(1, FilterSet.empty()), budget);
            EncodedTable.Lease b = table.acquire(snapshot(1, FilterSet.empty()), budget);
            assertEquals(TEN, budget.used(), "one version, however many replies share it");
            ByteBuf reply = bytes(a.fullReply());
            assertEquals(TEN, reply.readableBytes());
            assertEquals(0, a.staleBytes());
            EncodedTable.Lease c = table.acquire(snapshot(2, FilterSet.empty()), budget);
            assertEquals(2 * TEN, budget.used(), "the old one lives while its replies are unsent");
            assertEquals(TEN / 2, a.staleBytes(), "a's share of the old version");
            reply.release();
            a.done();
            b.done();
            assertEquals(TEN, budget.used(), "gone with its last reply");
            c.done();
        }
        assertEquals(0, budget.used(), "and the newest when the table closes");
    }

    @Test
    void withoutRoomARecentVersionWithTheSameFiltersAnswers() {
        PendingBudget budget = new PendingBudget(TEN, stats); // ceiling: 1.5 versions
        FilterSet filters = FilterSet.empty();
        try (EncodedTable table = new EncodedTable(UnpooledByteBufAllocator.DEFAULT)) {
            EncodedTable.Lease first = table.acquire(snapshot(1, filters), budget);
            EncodedTable.Lease pinned = table.acquire(snapshot(2, filters), budget); // fits: the first goes
            first.done();
            PendingBudget.Grant other = budget.grant(0);
            other.take(TEN / 2); // no room for a third version now
            EncodedTable.Lease stale = table.acquire(snapshot(3, filters), budget);
            assertSame(pinned.snapshot(), stale.snapshot(), "version 2 answers for version 3");
            stale.done();
            assertNull(table.acquire(snapshot(4, filters.with(1, new MacAddress(5))), budget),
                    "a filter change is never answered from an older version");
            pinned.done();
            other.release();
        }
    }

    @Test
    void aTableThatGrewPastHalfTheCeilingIsStillListed() {
        int hundred = ReplyFile.footprint(EncodedTable.replySize(100)); // a file's copies included, when it is one
        PendingBudget budget = new PendingBudget(hundred, stats); // ceiling: 1.5 encodings of 100 stations
        TableSnapshot grown = snapshot(2, 100, FilterSet.empty());
        try (EncodedTable table = new EncodedTable(UnpooledByteBufAllocator.DEFAULT)) {
            table.acquire(snapshot(1, 60, FilterSet.empty()), budget).done(); // kept for the next query
            // 60 + 100 stations are over the ceiling, and only the kept encoding is held: refused,
            // it would stay the newest, and every full list would be refused from then on
            EncodedTable.Lease lease = table.acquire(grown, budget);
            assertSame(grown, lease.snapshot(), "encoded in place of the older one no reply uses");
            assertEquals(hundred, budget.used(), "which is gone");
            ByteBuf reply = bytes(lease.fullReply());
            ByteBuf expected = oneByOne(grown);
            assertEquals(expected, reply, "encoded whole, byte for byte");
            reply.release();
            expected.release();
            lease.done();
        }
        assertEquals(0, budget.used());
    }

    /**
     * @param reply a full reply as written to a connection: a buffer or a file's region (released here)
     * @return its bytes, as the client reads them
     */
    static ByteBuf bytes(Object reply) {
        if (reply instanceof FileRegion region) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                WritableByteChannel sink = Channels.newChannel(out);
                while (region.transferred() < region.count()) {
                    region.transferTo(sink, region.transferred());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                region.release();
            }
            return Unpooled.wrappedBuffer(out.toByteArray());
        }
        ByteBuf buf = (ByteBuf) reply;
        try {
            return Unpooled.copiedBuffer(buf);
        } finally {
            buf.release();
        }
    }

    /** The reply as the protocol defines it, record by record: what the encoded table must equal. */
    private static ByteBuf oneByOne(TableSnapshot snap) {
        ByteBuf out = UnpooledByteBufAllocator.DEFAULT.heapBuffer();
        HostOrder.writeI32(out, snap.size());
        for (StaListAttr r : snap.all()) {
            r.encode(out);
        }
        return out;
    }

    /**
     * Tables past {@link ReplyFile#TO_BYTES} are buffers of their own; the buffer of a version no
     * reply uses any more is kept for the next one (no new megabytes to fault in and zero), which
     * must still be exactly the table, although the buffer holds the older one's bytes.
     */
    @Test
    void aLargeVersionIsEncodedIntoTheBufferOfTheOneBeforeTheLastAndIsTheSameBytes() {
        int n = ReplyFile.TO_BYTES / StaListAttr.SIZE + 100; // past the size of memory files
        // one station fewer and other names: every byte that is not overwritten would show
        assertTheThirdVersionIsEncodedIntoTheFirstsBuffer(n,
                snapshot(3, n - 1, FilterSet.empty().with(0, new MacAddress(0x020000000005L))));
    }

    /**
     * A version dropped while a reply still holds its buffer (a slow reader) is kept as a spare
     * too, but its memory is encoded into only once that reply is out: until then the reply's
     * bytes stay the old version's.
     */
    @Test
    void aBufferAReplyStillHoldsIsReusedOnlyOnceTheReplyIsOut() {
        PendingBudget budget = new PendingBudget(1L << 30, stats);
        int n = ReplyFile.TO_BYTES / StaListAttr.SIZE + 100;
        try (EncodedTable table = new EncodedTable(UnpooledByteBufAllocator.DEFAULT)) {
            TableSnapshot firstSnapshot = snapshot(1, n, FilterSet.empty());
            EncodedTable.Lease first = table.acquire(firstSnapshot, budget);
            ByteBuf slowReply = (ByteBuf) first.fullReply(); // a reader that has not read it yet
            long firstAddress = slowReply.memoryAddress();
            first.done();
            table.acquire(snapshot(2, n, FilterSet.empty()), budget).done(); // the first is dropped, still held
            EncodedTable.Lease third = table.acquire(snapshot(3, n - 1, FilterSet.empty()), budget);
            ByteBuf thirdReply = (ByteBuf) third.fullReply();
            assertNotEquals(firstAddress, thirdReply.memoryAddress(), "not into a buffer a reply still holds");
            ByteBuf want = oneByOne(firstSnapshot);
            ByteBuf got = bytes(slowReply.retainedDuplicate());
            assertEquals(want, got, "the held reply is still the first version");
            got.release();
            want.release();
            slowReply.release(); // the reply is out
            thirdReply.release();
            third.done();
            TableSnapshot fourth = snapshot(4, n, FilterSet.empty().with(0, new MacAddress(0x020000000007L)));
            EncodedTable.Lease lease = table.acquire(fourth, budget);
            ByteBuf reply = (ByteBuf) lease.fullReply();
            assertEquals(firstAddress, reply.memoryAddress(), "now the first version's memory is reused");
            want = oneByOne(fourth);
            got = bytes(reply);
            assertEquals(want, got);
            got.release();
            want.release();
            lease.done();
            for (int v = 5; v < 12; v++) {
                table.acquire(snapshot(v, n - v % 2, FilterSet.empty()), budget).done();
                assertTrue(table.spares() <= EncodedTable.SPARES, "spares: " + table.spares());
            }
        }
        assertEquals(0, budget.used());
    }

    /** A table a few stations larger than the one before still fits that one's buffer. */
    @Test
    void aSpareHasRoomForAFewMoreStations() {
        int n = ReplyFile.TO_BYTES / StaListAttr.SIZE + 100;
        assertTheThirdVersionIsEncodedIntoTheFirstsBuffer(n, snapshot(3, n + 8, FilterSet.empty()));
    }

    /**
     * Versions 1 and 2 of {@code n} stations, no reply left of the first when the second drops it:
     * {@code third} is encoded into the first one's memory and is exactly its table.
     */
    private void assertTheThirdVersionIsEncodedIntoTheFirstsBuffer(int n, TableSnapshot third) {
        PendingBudget budget = new PendingBudget(1L << 30, stats);
        try (EncodedTable table = new EncodedTable(UnpooledByteBufAllocator.DEFAULT)) {
            EncodedTable.Lease first = table.acquire(snapshot(1, n, FilterSet.empty()), budget);
            ByteBuf firstReply = (ByteBuf) first.fullReply();
            long firstAddress = firstReply.memoryAddress();
            firstReply.release();
            first.done();
            table.acquire(snapshot(2, n, FilterSet.empty()), budget).done(); // the first is dropped: now a spare
            EncodedTable.Lease lease = table.acquire(third, budget);
            ByteBuf reply = (ByteBuf) lease.fullReply();
            assertEquals(firstAddress, reply.memoryAddress(), "the third version reuses the first one's memory");
            ByteBuf got = bytes(reply);
            ByteBuf want = oneByOne(third);
            assertEquals(want, got);
            got.release();
            want.release();
            lease.done();
        }
        assertEquals(0, budget.used());
    }

    @Test
    void aNewVersionCopiedInPartFromTheLastIsTheSameBytesAsOneEncodedAfresh() {
        PendingBudget budget = new PendingBudget(1L << 30, stats);
        Random rnd = new Random(7);
        TreeMap<Long, StaListAttr> stations = new TreeMap<>();
        try (EncodedTable incremental = new EncodedTable(UnpooledByteBufAllocator.DEFAULT)) {
            for (int version = 1; version <= 200; version++) {
                // a few changes per version: new stations, replaced ones (a new instance), removed ones,
                // at the start, middle and end of the MAC order alike
                int puts = 0;
                for (int c = rnd.nextInt(8); c >= 0; c--) {
                    long key = 0x020000000000L + rnd.nextInt(400);
                    if (rnd.nextInt(4) == 0) {
                        stations.remove(key);
                    } else {
                        puts++;
                        stations.put(key, StaListAttr.builder(new MacAddress(key)).ifname("wlan" + rnd.nextInt(3))
                                .txBytes(rnd.nextInt(1_000_000)).hostname("h" + version).build());
                    }
                }
                if (version % 10 == 0) {
                    // a re-read: a run of consecutive stations all replaced, longer than a group of records
                    long from = 0x020000000000L + rnd.nextInt(400);
                    for (StaListAttr old : List.copyOf(stations.subMap(from, from + 3 * StaListAttr.Writer.GROUP).values())) {
                        stations.put(old.mac().value(), old.toBuilder().txBytes(old.txBytes() + 1).build());
                        puts++;
                    }
                }
                TableSnapshot snap = TableSnapshot.of(version, stations.values(), FilterSet.empty());
                // unchanged records must be the same instances for the copy to apply, as the table's are
                EncodedTable.Lease got = incremental.acquire(snap, budget);
                if (version > 1) { // every record the version before had and this one shares is copied
                    assertTrue(incremental.encodedLast() <= puts,
                            "version " + version + ": " + incremental.encodedLast() + " records encoded, " + puts + " changed");
                }
                try (EncodedTable fresh = new EncodedTable(UnpooledByteBufAllocator.DEFAULT)) {
                    EncodedTable.Lease want = fresh.acquire(snap, budget);
                    ByteBuf a = bytes(got.fullReply());
                    ByteBuf b = bytes(want.fullReply());
                    ByteBuf one = oneByOne(snap);
                    assertEquals(one, b, "version " + version + " encoded afresh");
                    assertEquals(b, a, "version " + version + " (" + stations.size() + " stations)");
                    a.release();
                    b.release();
                    one.release();
                    want.done();
                }
                got.done();
            }
        }
        assertEquals(0, budget.used());
    }
}
