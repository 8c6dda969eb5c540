package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.persist.FilterService;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encoding the table ahead of full lists: when it happens, and that queries then find it done. */
class CommandProcessorTest {
    private static final int STATIONS = 8_000; // a quarter of them (2,000) is more than AHEAD_MIN_CHANGES

    @TempDir
    Path dir;
    private StationTable table;
    private FilterService filters;
    private CommandProcessor processor;
    private final PendingBudget budget = new PendingBudget(1L << 30, new ServerStats());
    private int seq;

    @BeforeEach
    void setUp() {
        table = new StationTable(100_000, () -> 1_700_000_000_000L);
        filters = new FilterService(new FilterFile(dir), FilterSet.empty(), 10, table::setFilters);
        processor = new CommandProcessor(table, filters);
        change(0, STATIONS, 0);
    }

    @AfterEach
    void tearDown() {
        filters.close();
        processor.close();
        assertEquals(0, budget.used(), "every version and reply released");
    }

    /** Upserts stations [from, to) with a new byte count each. */
    private void change(int from, int to, long txBytes) {
        for (int i = from; i < to; i++) {
            table.apply(StaEvent.upsert(++seq, StaListAttr.builder(new MacAddress(0x020000000000L + i)).ifname("wlan0")
                    .txBytes(txBytes).lastSeenMs(1_700_000_000_000L).build()));
        }
    }

    /** A full STA_LIST, answered and sent: returns how many stations it held. */
    private int listAll() {
        PendingBudget.Grant grant = budget.grant(0);
        CommandProcessor.Answer a = processor.query(CloudCmdAttr.of(Command.STA_LIST), UnpooledByteBufAllocator.DEFAULT,
                grant);
        ByteBuf reply = (ByteBuf) a.message();
        int num = reply.getIntLE(0);
        reply.release();
        a.lease().done();
        grant.release();
        return num;
    }

    @Test
    void nothingIsEncodedAheadBeforeAFullListWasAsked() {
        change(0, STATIONS, 1);
        assertFalse(processor.encodeAhead(budget), "nobody lists the whole table: no work for nobody");
    }

    @Test
    void aLargeChangeIsEncodedAheadOfTheNextFullList() {
        assertEquals(STATIONS, listAll());
        assertFalse(processor.encodeAhead(budget), "nothing changed since");
        change(0, STATIONS / 4 - 1, 1);
        assertFalse(processor.encodeAhead(budget), "less than a quarter of the table changed: the query pays for it");
        change(0, STATIONS, 2); // a re-read: every station
        assertFalse(listOneBssIsCopied(), "the table changed since it was encoded: a selection encodes its records");
        assertTrue(processor.encodeAhead(budget));
        assertFalse(processor.encodeAhead(budget), "up to date");
        assertTrue(listOneBssIsCopied(), "now the current table is encoded: a selection copies from it");
        assertEquals(STATIONS, listAll());
    }

    /** A STA_LIST of wlan0: whether its reply was copied out of the encoded table (else it is encoded on the way). */
    private boolean listOneBssIsCopied() {
        PendingBudget.Grant grant = budget.grant(0);
        CommandProcessor.Answer a = processor.query(new CloudCmdAttr(Command.STA_LIST, 0, 0, MacAddress.ZERO, 0, 0, 0, "wlan0"),
                UnpooledByteBufAllocator.DEFAULT, grant);
        boolean copied = a.message() instanceof ByteBuf;
        if (copied) {
            ((ByteBuf) a.message()).release();
        }
        grant.release();
        return copied;
    }
}
