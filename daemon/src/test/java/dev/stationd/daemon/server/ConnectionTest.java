package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.config.AccessConfig;
import dev.stationd.daemon.config.AccessRule;
import dev.stationd.daemon.config.ServerConfig;
import dev.stationd.daemon.config.StationdConfig;
import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.persist.FilterService;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.EventType;
import dev.stationd.protocol.HostOrder;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server-side connection handler over an {@link EmbeddedChannel} with a real table and filter file. */
class ConnectionTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    StationTable table;
    private FilterService filters;
    private CommandProcessor processor;
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    /** Closed after each test: their event logs hold buffers. */
    private final List<ServerContext> contexts = new ArrayList<>();

    @BeforeEach
    void setUp() {
        table = new StationTable(capacity(), clock::get);
        filters = new FilterService(new FilterFile(dir), FilterSet.empty(), 10, table::setFilters);
        processor = new CommandProcessor(table, filters);
    }

    /** @return the table's maximum number of stations */
    int capacity() {
        return 100;
    }

    @AfterEach
    void tearDown() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
        contexts.forEach(ServerContext::close);
        filters.close();
        processor.close();
    }

    private ServerContext context(ServerConfig server, AccessConfig access) {
        StationdConfig d = StationdConfig.defaults();
        StationdConfig cfg = new StationdConfig(null, server, d.ingest(), d.state(), d.table(), d.filters(), d.log(), access);
        return track(new ServerContext(cfg, table, processor));
    }

    private ServerContext track(ServerContext ctx) {
        contexts.add(ctx);
        return ctx;
    }

    ServerContext context() {
        return context(ServerConfig.defaults(), AccessConfig.defaults());
    }

    EmbeddedChannel channel(ServerContext ctx) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
                Connection.install(c.pipeline(), ctx); // the daemon's pipeline, before the channel is active
            }
        });
        channels.add(ch);
        return ch;
    }

    private static ServerConfig serverWith(int maxConnections, int subscriberBacklog) {
        ServerConfig d = ServerConfig.defaults();
        return new ServerConfig(d.socket(), d.socketMode(), d.socketGroup(), d.socketGid(), d.backlog(), maxConnections,
                d.maxConnectionsPerUid(), 0, d.idleTimeout(), d.ioThreads(), d.writeBufferHigh(), d.writeBufferLow(), subscriberBacklog,
                d.maxPendingBytes());
    }

    private static StaListAttr sta(int i, int group, String ifname) {
        return StaListAttr.builder(new MacAddress(0x020000000000L + i)).groupId(group).ifname(ifname)
                .ssid("net" + i).signalDbm(-40 - i).txBytes(1000L * i).lastSeenMs(1_700_000_000_000L).build();
    }

    static ByteBuf frame(CloudCmdAttr... cmds) {
        ByteBuf b = Unpooled.buffer();
        for (CloudCmdAttr c : cmds) {
            c.encode(b);
        }
        return b;
    }

    static CloudCmdAttr list(int group, String ifname, int flags, long offset, long max) {
        return new CloudCmdAttr(Command.STA_LIST, 0, group, MacAddress.ZERO, flags, offset, max, ifname);
    }

    /** Decodes a table reply and releases it. */
    private static List<StaListAttr> table(ByteBuf reply) {
        try {
            int num = HostOrder.readI32(reply);                    // int32 num
            assertEquals(num * StaListAttr.SIZE, reply.readableBytes(), "reply length matches num");
            List<StaListAttr> out = new ArrayList<>();
            for (int i = 0; i < num; i++) {
                out.add(StaListAttr.decode(reply));
            }
            return out;
        } finally {
            reply.release();
        }
    }

    static byte[] bytes(ByteBuf b) {
        try {
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    /** @return the next outbound buffer; a FILTER_ADD's reply comes from the filter service's thread */
    private static ByteBuf awaitOutbound(EmbeddedChannel ch) {
        return Awaitility.await("a reply").atMost(DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .pollInSameThread().until(() -> {
                    ch.runPendingTasks();
                    return ch.<ByteBuf>readOutbound();
                }, Objects::nonNull);
    }

    static final byte[] ACK = {'A', 'C', 'K', 0};

    @Test
    void fullListIsTheWholeTableSortedAndFollowsChanges() {
        table.apply(StaEvent.upsert(1, sta(3, 1, "wlan0")));
        table.apply(StaEvent.upsert(2, sta(1, 2, "wlan1")));
        EmbeddedChannel ch = channel(context());
        ch.writeInbound(frame(list(0, "", 0, 0, 0)));
        assertEquals(List.of(sta(1, 2, "wlan1"), sta(3, 1, "wlan0")), table(ch.readOutbound()));

        table.apply(StaEvent.upsert(3, sta(2, 1, "wlan0")));
        ch.writeInbound(frame(list(0, "", 0, 0, 0)));
        assertEquals(3, table(ch.readOutbound()).size(), "a change is visible to the next query");
    }

    @Test
    void selectorsAndPagingCopyOnlyMatchingRecords() {
        for (int i = 1; i <= 6; i++) {
            table.apply(StaEvent.upsert(i, sta(i, i % 2 + 1, i <= 3 ? "wlan0" : "wlan1")));
        }
        EmbeddedChannel ch = channel(context());
        ch.writeInbound(frame(list(2, "", 0, 0, 0), list(0, "wlan1", 0, 1, 1), list(0, "", 0, 10, 0)));
        assertEquals(List.of(sta(1, 2, "wlan0"), sta(3, 2, "wlan0"), sta(5, 2, "wlan1")), table(ch.readOutbound()));
        assertEquals(List.of(sta(5, 2, "wlan1")), table(ch.readOutbound()));
        assertEquals(List.of(), table(ch.readOutbound()), "offset past the end");
    }

    @Test
    void staGetHitAndMiss() {
        table.apply(StaEvent.upsert(1, sta(7, 1, "wlan0")));
        EmbeddedChannel ch = channel(context());
        ch.writeInbound(frame(CloudCmdAttr.forMac(Command.STA_GET, new MacAddress(0x020000000007L), 0),
                CloudCmdAttr.forMac(Command.STA_GET, new MacAddress(0x020000000008L), 0)));
        assertEquals(List.of(sta(7, 1, "wlan0")), table(ch.readOutbound()));
        assertEquals(List.of(), table(ch.readOutbound()));
    }

    @Test
    void filterAddHoldsBackTheRepliesBehindItUntilDurable() throws Exception {
        table.apply(StaEvent.upsert(1, sta(7, 1, "wlan0")));
        EmbeddedChannel ch = channel(context());
        MacAddress mac = new MacAddress(0x020000000007L);
        ch.writeInbound(frame(CloudCmdAttr.forMac(Command.FILTER_ADD, mac, 1), CloudCmdAttr.of(Command.PING),
                list(0, "", 0, 0, 0)));
        assertNull(ch.readOutbound(), "nothing may overtake the FILTER_ADD reply");
        assertEquals(ACK.length, ACK.length);
        org.junit.jupiter.api.Assertions.assertArrayEquals(ACK, bytes(awaitOutbound(ch)), "FILTER_ADD acked");
        org.junit.jupiter.api.Assertions.assertArrayEquals(ACK, bytes(awaitOutbound(ch)), "then PING");
        List<StaListAttr> rows = table(awaitOutbound(ch));
        assertTrue((rows.get(0).flags() & StaFlags.FILTERED) != 0, "the list after the ACK shows FILTERED");
        assertEquals(FilterSet.empty().with(1, mac).sorted(), new FilterFile(dir).load().sorted(), "durable before the ACK");
    }

    @Test
    void failedSaveIsNakEBusyAndClosesWithoutAnsweringTheRest() {
        filters.close();
        FilterFile broken = new FilterFile(dir) {
            @Override
            public void save(FilterSet set) throws java.io.IOException {
                throw new java.io.IOException("disk on fire (test)");
            }
        };
        filters = new FilterService(broken, FilterSet.empty(), 10, table::setFilters);
        processor.close();
        processor = new CommandProcessor(table, filters);
        EmbeddedChannel ch = channel(context());
        ch.writeInbound(frame(CloudCmdAttr.forMac(Command.FILTER_ADD, new MacAddress(5), 0),
                CloudCmdAttr.of(Command.PING)));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {'N', 'A', 'K', 0, -8, -1, -1, -1},
                bytes(awaitOutbound(ch)), "nothing durable: no ACK");
        ch.runPendingTasks();
        ByteBuf rest = ch.readOutbound();
        if (rest != null) {
            assertEquals(0, rest.readableBytes(), "the PING behind it is not answered");
            rest.release();
        }
        assertFalse(ch.isOpen(), "E_BUSY closes the connection");
        assertEquals(0, filters.current().size());
    }

    /** The disk does not answer (a save that blocks): after filters.commit_timeout, NAK E_BUSY, never an ACK. */
    @Test
    void aChangeTheDiskDoesNotTakeInTimeIsNakEBusyNeverAck() throws Exception {
        filters.close();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        FilterFile stuck = new FilterFile(dir) {
            @Override
            public void save(FilterSet set) throws java.io.IOException {
                try {
                    release.await(); // as fsync on a frozen file system
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.save(set);
            }
        };
        filters = new FilterService(stuck, FilterSet.empty(), 10, table::setFilters);
        processor.close();
        processor = new CommandProcessor(table, filters);
        StationdConfig d = StationdConfig.defaults();
        StationdConfig cfg = new StationdConfig(null, d.server(), d.ingest(), d.state(), d.table(),
                new dev.stationd.daemon.config.FiltersConfig(10, java.time.Duration.ofMillis(200)), d.log(), d.access());
        ServerContext ctx = track(new ServerContext(cfg, table, processor));
        EmbeddedChannel ch = channel(ctx);
        try {
            ch.writeInbound(frame(CloudCmdAttr.forMac(Command.FILTER_ADD, new MacAddress(5), 0), CloudCmdAttr.of(Command.PING)));
            org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {'N', 'A', 'K', 0, -8, -1, -1, -1},
                    bytes(awaitOutbound(ch)), "not on disk after 200 ms: E_BUSY");
            assertTrue(filters.stall(java.time.Duration.ofMillis(1)).isPresent(), "the watchdog sees the writer stuck");
        } finally {
            release.countDown();
        }
        awaitWriterIdle();
        ch.runPendingTasks();
        for (ByteBuf rest = ch.readOutbound(); rest != null; rest = ch.readOutbound()) {
            assertEquals(0, rest.readableBytes(), "no ACK once the save is done, and no answer to the PING");
            rest.release();
        }
        assertFalse(ch.isOpen(), "E_BUSY closes the connection");
        assertEquals(1, ctx.stats().commitTimeouts.sum());
        assertTrue(filters.current().contains(0, new MacAddress(5)),
                "the change landed later: E_BUSY says it is not known to be on disk, not that it never will be");
    }

    private void awaitWriterIdle() {
        Awaitility.await("the writer to finish").atMost(DEADLINE).pollInterval(Duration.ofMillis(1))
                .until(() -> filters.stall(Duration.ZERO).isEmpty() && filters.current().size() == 1);
    }

    @Test
    void filterDelOfMissingFilterIsNakNoent() {
        EmbeddedChannel ch = channel(context());
        ch.writeInbound(frame(CloudCmdAttr.forMac(Command.FILTER_DEL, new MacAddress(5), 0)));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {'N', 'A', 'K', 0, -6, -1, -1, -1},
                bytes(awaitOutbound(ch)));
        assertTrue(ch.isOpen());
    }

    @Test
    void peerOutsideReadGetsOneEPermInItsCommandsFormThenTheConnectionCloses() {
        AccessConfig restricted = new AccessConfig(new AccessRule(Set.of(4242), Set.of()), AccessRule.ANYONE);
        EmbeddedChannel table = channel(context(ServerConfig.defaults(), restricted));
        table.writeInbound(frame(list(0, "", 0, 0, 0), CloudCmdAttr.of(Command.PING)));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {-5, -1, -1, -1}, bytes(table.readOutbound()), "table form");
        assertNothingMoreAndClosed(table);

        EmbeddedChannel ack = channel(context(ServerConfig.defaults(), restricted));
        ack.writeInbound(frame(CloudCmdAttr.forMac(Command.FILTER_ADD, new MacAddress(5), 0), CloudCmdAttr.of(Command.PING)));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {'N', 'A', 'K', 0, -5, -1, -1, -1},
                bytes(ack.readOutbound()), "ack form");
        assertNothingMoreAndClosed(ack);
        assertEquals(0, filters.current().size());
    }

    /** Only the empty flush marker may follow the last reply, and the channel is closed. */
    static void assertNothingMoreAndClosed(EmbeddedChannel ch) {
        ch.runPendingTasks();
        for (ByteBuf rest = ch.readOutbound(); rest != null; rest = ch.readOutbound()) {
            assertEquals(0, rest.readableBytes(), "nothing after the last reply but the empty flush marker");
            rest.release();
        }
        assertFalse(ch.isOpen(), "closed after its last reply");
    }


    @Test
    void wrongMagicAnswersThenClosesAndIgnoresTheRest() {
        EmbeddedChannel ch = channel(context());
        ByteBuf in = Unpooled.buffer();
        in.writeZero(CloudCmdAttr.SIZE);                 // magic 0
        CloudCmdAttr.of(Command.PING).encode(in);       // must not be answered
        ch.writeInbound(in);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {-1, -1, -1, -1}, bytes(ch.readOutbound()));
        ByteBuf rest = ch.readOutbound();
        if (rest != null) {
            assertEquals(0, rest.readableBytes(), "only an empty flush marker may follow");
            rest.release();
        }
        assertNull(ch.readOutbound());
        assertFalse(ch.isOpen());
    }

    @Test
    void connectionBeyondMaxConnectionsGetsEBusyAndIsClosed() {
        ServerContext ctx = context(serverWith(1, 16), AccessConfig.defaults());
        EmbeddedChannel first = channel(ctx);
        EmbeddedChannel second = channel(ctx);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {-8, -1, -1, -1}, bytes(second.readOutbound()));
        assertFalse(second.isOpen());
        assertTrue(first.isOpen());
        first.writeInbound(frame(CloudCmdAttr.of(Command.PING)));
        org.junit.jupiter.api.Assertions.assertArrayEquals(ACK, bytes(first.readOutbound()));
        assertEquals(1, ctx.stats().refusedCount(ServerStats.Refusal.MAX_CONNECTIONS));
    }

    @Test
    void subscriberGetsEventsInOrderAndIsDroppedPastItsBacklog() {
        ServerContext ctx = context(serverWith(10, 3), AccessConfig.defaults());
        EmbeddedChannel ch = channel(ctx);
        ch.writeInbound(frame(CloudCmdAttr.of(Command.SUBSCRIBE)));
        org.junit.jupiter.api.Assertions.assertArrayEquals(ACK, bytes(ch.readOutbound()));
        table.apply(StaEvent.upsert(1, sta(1, 1, "wlan0")));
        table.apply(StaEvent.remove(2, new MacAddress(0x020000000001L)));
        ch.runPendingTasks();
        ByteBuf batch = ch.readOutbound();
        assertEquals(2 * StaEvent.SIZE, batch.readableBytes(), "what arrived before the drain goes in one write");
        assertEquals(EventType.UPSERT, StaEvent.decode(batch).type());
        assertEquals(EventType.REMOVE, StaEvent.decode(batch).type());
        batch.release();
        for (int i = 0; i < 5; i++) { // not drained: the backlog of 3 overflows
            table.apply(StaEvent.upsert(10 + i, sta(20 + i, 1, "wlan0")));
        }
        ch.advanceTimeBy(EventHub.MAX_WINDOW_NANOS, TimeUnit.NANOSECONDS); // past the coalescing window
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "a subscriber past its backlog is disconnected");
        assertEquals(1, ctx.stats().subscribersDropped.sum());
        assertEquals(0, ctx.stats().subscribers.get(), "the dropped subscriber is no longer counted");
    }

    @Test
    void subscribersAreCountedWhileConnected() {
        ServerContext ctx = context();
        EmbeddedChannel ch = channel(ctx);
        ch.writeInbound(frame(CloudCmdAttr.of(Command.SUBSCRIBE)));
        org.junit.jupiter.api.Assertions.assertArrayEquals(ACK, bytes(ch.readOutbound()));
        assertEquals(1, ctx.stats().subscribers.get());
        ch.close();
        assertEquals(0, ctx.stats().subscribers.get());
    }

    /** Each answer is counted once, under its command and its result code; bad frames under "unknown". */
    @Test
    void answersAreCountedByCommandAndResult() {
        ServerContext ctx = context();
        EmbeddedChannel ch = channel(ctx);
        ch.writeInbound(frame(CloudCmdAttr.of(Command.PING), CloudCmdAttr.of(Command.PING),
                list(0, "", 0, 0, 0)));
        ch.writeInbound(frame(new CloudCmdAttr(Command.FILTER_DEL, 0, 1, new MacAddress(0x020000000001L), 0, 0, 0, "")));
        bytes(awaitOutbound(ch));
        bytes(awaitOutbound(ch));
        table(awaitOutbound(ch));
        bytes(awaitOutbound(ch)); // NAK E_NOENT
        ByteBuf badMagic = Unpooled.buffer();
        CloudCmdAttr.of(Command.PING).encode(badMagic);
        badMagic.setByte(0, 0);                                 // magic's first byte wrong: E_MAGIC, then closed
        ch.writeInbound(badMagic);
        bytes(awaitOutbound(ch));
        RequestCounts r = ctx.stats().requests;
        int noent = 1 + dev.stationd.protocol.ErrorCode.E_NOENT.ordinal();
        int magic = 1 + dev.stationd.protocol.ErrorCode.E_MAGIC.ordinal();
        assertEquals(2, r.get(Command.PING.ordinal(), RequestCounts.OK));
        assertEquals(1, r.get(Command.STA_LIST.ordinal(), RequestCounts.OK));
        assertEquals(1, r.get(Command.FILTER_DEL.ordinal(), noent));
        assertEquals(0, r.get(Command.FILTER_DEL.ordinal(), RequestCounts.OK));
        assertEquals(1, r.get(RequestCounts.UNKNOWN_COMMAND, magic));
        assertEquals(5, r.total());
        assertEquals(2, r.errors());
        assertEquals("E_NOENT", RequestCounts.resultName(noent));
        assertEquals("unknown", RequestCounts.commandName(RequestCounts.UNKNOWN_COMMAND));
    }
}
