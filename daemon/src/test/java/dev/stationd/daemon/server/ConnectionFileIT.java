package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionTest}'s cases with the daemon's JNI library loaded (the failsafe JVM has it on
 * its library path), and how full lists asked for back to back go out: a table of 256 stations
 * (45,060 bytes) is in its memory file 4 times, so up to 4 such replies in a row are one write.
 */
class ConnectionFileIT extends ConnectionTest {
    private static final int STATIONS = 256;
    private static final int REPLY = EncodedTable.replySize(STATIONS);
    private static final CloudCmdAttr FULL = list(0, "", 0, 0, 0);

    @BeforeAll
    static void libraryLoaded() {
        assertTrue(ReplyFile.available(), "the JNI library built by mvn package is on java.library.path");
        assertEquals(4, ReplyFile.copiesFor(REPLY));
    }

    @Override
    int capacity() {
        return 1_000;
    }

    /** The run cases' table; ConnectionTest's own cases add their few stations to it and list them with others'. */
    private void fill() {
        for (int i = 1; i <= STATIONS; i++) {
            table.apply(StaEvent.upsert(i, station(i)));
        }
    }

    private static StaListAttr station(int i) {
        return StaListAttr.builder(new MacAddress(0x020000000000L + i)).ifname("wlan0").ssid("net").build();
    }

    /** @return the bytes of the next outbound message, a file region of {@code replies} replies */
    private static byte[] region(EmbeddedChannel ch, int replies) {
        FileRegion region = assertInstanceOf(FileRegion.class, ch.readOutbound(), "a reply from the table's file");
        assertEquals((long) REPLY * replies, region.count(), replies + " replies in one write");
        return ByteBufUtil.getBytes(EncodedTableTest.bytes(region));
    }

    /** @return one full reply's bytes, read through a single request */
    private byte[] oneReply(ServerContext ctx) {
        EmbeddedChannel ch = channel(ctx);
        ch.writeInbound(frame(FULL));
        byte[] one = region(ch, 1);
        assertEquals(REPLY, one.length);
        ch.close();
        return one;
    }

    private static byte[] times(byte[] reply, int n) {
        byte[] out = new byte[reply.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(reply, 0, out, i * reply.length, reply.length);
        }
        return out;
    }

    @Test
    void fullListsAskedBackToBackGoOutAsOneWriteUpToTheCopiesInTheFile() {
        fill();
        ServerContext ctx = context();
        byte[] one = oneReply(ctx);
        EmbeddedChannel ch = channel(ctx);
        ch.writeInbound(frame(FULL, FULL, FULL, FULL, FULL, FULL));   // six in one read
        assertArrayEquals(times(one, 4), region(ch, 4), "the first four: every copy of the file");
        assertArrayEquals(times(one, 2), region(ch, 2), "the other two");
        assertNull(ch.readOutbound());
        assertEquals(7, ctx.stats().requests.get(Command.STA_LIST.ordinal(), RequestCounts.OK), "every request counted");
        assertEquals(7, ctx.stats().repliesDone.sum(), "every reply done");
        ch.close();
        assertEquals(ReplyFile.footprint(REPLY), ctx.budget().used(), "only the table's encoding is charged");
    }

    @Test
    void anotherReplyBetweenThemEndsTheWriteAndKeepsTheOrder() {
        fill();
        ServerContext ctx = context();
        byte[] one = oneReply(ctx);
        EmbeddedChannel ch = channel(ctx);
        ch.writeInbound(frame(FULL, FULL, CloudCmdAttr.of(Command.PING), FULL));
        assertArrayEquals(times(one, 2), region(ch, 2));
        assertArrayEquals(ACK, bytes(ch.readOutbound()), "the PING's ACK after them");
        assertArrayEquals(one, region(ch, 1), "then the last list, on its own");
        assertNull(ch.readOutbound());
    }

    @Test
    void separateReadsAreSeparateWrites() {
        fill();
        ServerContext ctx = context();
        EmbeddedChannel ch = channel(ctx);
        ch.writeInbound(frame(FULL));
        region(ch, 1);
        ch.writeInbound(frame(FULL));
        region(ch, 1);
        assertNull(ch.readOutbound(), "a reply is not held back past its read");
    }

    /** Runs {@code action} when the connection is handed its {@code n}th request, before it sees it. */
    private static void before(EmbeddedChannel ch, int n, Runnable action) {
        ch.pipeline().addBefore("connection", "before", new ChannelInboundHandlerAdapter() {
            private int seen;

            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (++seen == n) {
                    action.run();
                }
                c.fireChannelRead(msg);
            }
        });
    }

    @Test
    void aTableChangeBetweenThemStartsANewWrite() {
        fill();
        EmbeddedChannel ch = channel(context());
        // a change between two requests of one read (in the daemon, an ingest on another thread)
        before(ch, 2, () -> table.apply(StaEvent.upsert(1_000, station(1_000))));
        ch.writeInbound(frame(FULL, FULL, FULL));
        region(ch, 1);
        FileRegion after = assertInstanceOf(FileRegion.class, ch.readOutbound(), "the new table's two replies");
        assertEquals(2L * EncodedTable.replySize(STATIONS + 1), after.count());
        EncodedTableTest.bytes(after).release();
        assertNull(ch.readOutbound());
    }

    @Test
    void anErrorAfterThemComesAfterThem() {
        fill();
        ServerContext ctx = context();
        EmbeddedChannel ch = channel(ctx);
        ByteBuf in = frame(FULL, FULL);
        in.writeZero(CloudCmdAttr.SIZE);                              // magic 0: E_MAGIC, then closed
        ch.writeInbound(in);
        region(ch, 2);
        assertArrayEquals(new byte[] {-1, -1, -1, -1}, bytes(ch.readOutbound()), "E_MAGIC after the lists");
        assertNothingMoreAndClosed(ch);
        assertEquals(ReplyFile.footprint(REPLY), ctx.budget().used(), "only the table's encoding is charged");
    }

    @Test
    void aConnectionClosedWhileRepliesAreHeldBackGivesBackWhatTheyHeld() {
        fill();
        ServerContext ctx = context();
        EmbeddedChannel ch = channel(ctx);
        before(ch, 3, ch::close);                                     // closed after two lists were answered
        ch.writeInbound(frame(FULL, FULL, FULL));
        assertNull(ch.readOutbound(), "nothing sent");
        assertFalse(ch.isOpen());
        assertEquals(2, ctx.stats().requests.get(Command.STA_LIST.ordinal(), RequestCounts.OK), "two answered");
        assertEquals(2, ctx.stats().repliesDone.sum(), "and their write over (failed)");
        assertEquals(ReplyFile.footprint(REPLY), ctx.budget().used(), "only the table's encoding is charged");
    }
}
