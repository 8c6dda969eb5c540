package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.TableSnapshot;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.FileRegion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link EncodedTableTest}'s cases with the daemon's JNI library loaded (the failsafe JVM has it on
 * its library path), so that tables from {@link ReplyFile#FROM_BYTES} up are sealed files; and which
 * way a reply goes by its size.
 */
class EncodedTableFileIT extends EncodedTableTest {
    @BeforeAll
    static void libraryLoaded() {
        assertTrue(ReplyFile.available(), "the JNI library built by mvn package is on java.library.path");
    }

    @Test
    void fromFourKilobytesToAMegabyteAFullReplyIsASealedFileOtherwiseABuffer() {
        PendingBudget budget = new PendingBudget(8 << 20, new ServerStats());
        int below = (ReplyFile.FROM_BYTES - 4) / StaListAttr.SIZE;   // 23 stations: 4,052 bytes
        try (EncodedTable table = new EncodedTable(UnpooledByteBufAllocator.DEFAULT)) {
            EncodedTable.Lease small = table.acquire(stations(1, below), budget);
            Object reply = small.fullReply();
            assertInstanceOf(ByteBuf.class, reply, below + " stations");
            bytes(reply).release();
            small.done();
            EncodedTable.Lease large = table.acquire(stations(2, below + 1), budget);
            reply = large.fullReply();
            FileRegion region = assertInstanceOf(FileRegion.class, reply, (below + 1) + " stations");
            assertEquals(EncodedTable.replySize(below + 1), region.count());
            bytes(reply).release();
            large.done();
            int most = (ReplyFile.TO_BYTES - 4) / StaListAttr.SIZE;   // 5,957 stations: 1,048,436 bytes
            EncodedTable.Lease largest = table.acquire(stations(3, most), budget);
            reply = largest.fullReply();
            assertInstanceOf(FileRegion.class, reply, most + " stations");
            bytes(reply).release();
            largest.done();
            EncodedTable.Lease over = table.acquire(stations(4, most + 1), budget);
            reply = over.fullReply();
            assertInstanceOf(ByteBuf.class, reply, (most + 1) + " stations");
            bytes(reply).release();
            over.done();
        }
        assertEquals(0, budget.used());
    }

    private static TableSnapshot stations(long version, int n) {
        List<StaListAttr> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(StaListAttr.builder(new MacAddress(0x020000000000L + i)).ifname("wlan0").build());
        }
        return TableSnapshot.of(version, all, FilterSet.empty());
    }
}
