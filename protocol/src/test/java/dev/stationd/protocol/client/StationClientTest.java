package dev.stationd.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.EventType;
import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.codec.CommandDecoder;
import dev.stationd.protocol.codec.CommandError;
import dev.stationd.protocol.codec.CommandFrameDecoder;
import dev.stationd.protocol.codec.Reply;
import dev.stationd.protocol.codec.ReplyEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client against small servers over a real epoll Unix socket: a persistent server,
 * a one-shot (seed-style) server that closes after each reply, a silent server and one that
 * answers garbage.
 */
class StationClientTest {
    private enum Mode { PERSISTENT, ONE_SHOT, SILENT, GARBAGE }

    @TempDir
    Path dir;
    private EventLoopGroup group;
    private Channel server;
    private Mode mode;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<CloudCmdAttr> received = new CopyOnWriteArrayList<>();
    private final List<Channel> children = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Path serve(Mode m) throws InterruptedException {
        this.mode = m;
        Path sock = dir.resolve("s.sock");
        server = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        children.add(ch);
                        ch.pipeline().addLast(new CommandFrameDecoder(), CommandDecoder.INSTANCE, ReplyEncoder.INSTANCE,
                                new TestServerHandler());
                    }
                }).bind(new DomainSocketAddress(sock.toString())).sync().channel();
        return sock;
    }

    static StaListAttr sta(long mac) {
        return StaListAttr.builder(new MacAddress(mac)).ssid("s" + mac).build();
    }

    private final class TestServerHandler extends SimpleChannelInboundHandler<Object> {
        private boolean answered;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof CommandError e) {
                ctx.writeAndFlush(e.reply());
                return;
            }
            CloudCmdAttr cmd = (CloudCmdAttr) msg;
            received.add(cmd);
            if (mode == Mode.SILENT || (mode == Mode.ONE_SHOT && answered)) {
                return; // a seed server reads one command per connection
            }
            answered = true;
            Object reply;
            if (mode == Mode.GARBAGE) {
                reply = ctx.alloc().buffer(4).writeInt(0x7F7F7F7F); // 2139062143 records: rejected before allocating
            } else if (cmd.command() == Command.STA_LIST) {
                reply = Reply.table(List.of(sta(1), sta(cmd.seq() + 2L)));
            } else if (cmd.command() == Command.STA_GET) {
                reply = Reply.table(cmd.mac().value() == 9 ? List.of(sta(9)) : List.of());
            } else if (cmd.command() == Command.FILTER_DEL) {
                reply = Reply.nak(ErrorCode.E_NOENT);
            } else if (cmd.command() == Command.FILTER_LIST) {
                reply = Reply.error(ErrorCode.E_PERM);
            } else if (cmd.command() == Command.FILTER_DUMP) {
                reply = Reply.filterTable(List.of(FilterAttr.of(new MacAddress(7), cmd.groupId(), true, 1000, 61_000)));
            } else if (cmd.command() == Command.STA_KICK && cmd.mac().value() == 0xdead) {
                reply = Reply.nak(ErrorCode.E_NOENT);
            } else if (cmd.command() == Command.SUBSCRIBE) {
                ctx.write(Reply.ack());
                ByteBuf ev = ctx.alloc().buffer(StaEvent.SIZE * 2);
                StaEvent.upsert(1, sta(5)).encode(ev);
                StaEvent.remove(2, new MacAddress(5)).encode(ev);
                ctx.writeAndFlush(ev);
                return;
            } else {
                reply = Reply.ack();
            }
            var f = ctx.writeAndFlush(reply);
            if (mode == Mode.ONE_SHOT) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    @Test
    void persistentPipelinedRequestsAreMatchedInOrderOnOneConnection() throws Exception {
        Path sock = serve(Mode.PERSISTENT);
        try (StationClient c = StationClient.open(sock)) {
            List<CompletableFuture<Reply>> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                futures.add(c.send(new CloudCmdAttr(Command.STA_LIST, i, 0, MacAddress.ZERO, 0, 0, 0, "")));
            }
            for (int i = 0; i < 500; i++) {
                Reply.Table t = (Reply.Table) futures.get(i).get(10, TimeUnit.SECONDS);
                assertEquals(new MacAddress(i + 2L), t.records().get(1).mac(), "reply " + i + " matches request " + i);
            }
            assertEquals(1, connections.get(), "one connection carried all requests");
        }
    }

    @Test
    void blockingApiMapsRepliesAndErrorCodes() throws Exception {
        Path sock = serve(Mode.PERSISTENT);
        try (StationClient c = StationClient.open(sock)) {
            c.ping();
            c.filterAdd(3, new MacAddress(7));
            assertEquals(sta(9), c.get(new MacAddress(9)));
            assertNull(c.get(new MacAddress(8)));
            StationdException nak = assertThrows(StationdException.class, () -> c.filterDel(3, new MacAddress(7)));
            assertEquals(ErrorCode.E_NOENT, nak.errorCode());
            assertEquals(StationdException.Kind.PROTOCOL, nak.kind());
            StationdException perm = assertThrows(StationdException.class, c::filterList);
            assertEquals(ErrorCode.E_PERM, perm.errorCode(), "negative num in a table reply");
            assertEquals(new CloudCmdAttr(Command.FILTER_ADD, 0, 3, new MacAddress(7), 0, 0, 0, ""), received.get(1));
        }
    }

    @Test
    void policyApiSendsLifetimesAndDecodesTheFilterDump() throws Exception {
        Path sock = serve(Mode.PERSISTENT);
        try (StationClient c = StationClient.open(sock)) {
            c.filterAdd(3, new MacAddress(7), Duration.ofMinutes(10));
            c.filterAdd(3, new MacAddress(7), Duration.ofMillis(1500)); // rounded up: never shorter than asked
            assertEquals(List.of(FilterAttr.of(new MacAddress(7), 4, true, 1000, 61_000)), c.filterDump(4, 0, 0));
            c.kick(new MacAddress(8), Duration.ofSeconds(30));
            c.kick(new MacAddress(9));
            c.kickAll(3, "", Duration.ZERO);
            StationdException noent = assertThrows(StationdException.class, () -> c.kick(new MacAddress(0xdead)));
            assertEquals(ErrorCode.E_NOENT, noent.errorCode());
            assertEquals(List.of(
                    CloudCmdAttr.forMac(Command.FILTER_ADD, new MacAddress(7), 3).withLifetime(600),
                    CloudCmdAttr.forMac(Command.FILTER_ADD, new MacAddress(7), 3).withLifetime(2),
                    new CloudCmdAttr(Command.FILTER_DUMP, 0, 4, MacAddress.ZERO, 0, 0, 0, ""),
                    CloudCmdAttr.forMac(Command.STA_KICK, new MacAddress(8), 0).withLifetime(30),
                    CloudCmdAttr.forMac(Command.STA_KICK, new MacAddress(9), 0),
                    new CloudCmdAttr(Command.STA_KICK, 0, 3, MacAddress.ZERO, 0, 0, 0, ""),
                    CloudCmdAttr.forMac(Command.STA_KICK, new MacAddress(0xdead), 0)),
                    received.stream().map(x -> x.withSeq(0)).toList());
        }
    }

    @Test
    void lifetimesOutsideU32SecondsAreRefusedBeforeSending() {
        assertEquals(0, StationClient.seconds(Duration.ZERO));
        assertEquals(1, StationClient.seconds(Duration.ofNanos(1)));
        assertEquals(CloudCmdAttr.U32_MAX, StationClient.seconds(Duration.ofSeconds(CloudCmdAttr.U32_MAX)));
        assertThrows(IllegalArgumentException.class, () -> StationClient.seconds(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class,
                () -> StationClient.seconds(Duration.ofSeconds(CloudCmdAttr.U32_MAX).plusNanos(1)));
        assertThrows(IllegalArgumentException.class, () -> StationClient.seconds(Duration.ofSeconds(Long.MAX_VALUE)));
    }

    @Test
    void oneShotServerThatClosesAfterEveryReplyStillAnswersEveryPipelinedRequest() throws Exception {
        Path sock = serve(Mode.ONE_SHOT);
        try (StationClient c = StationClient.open(sock)) {
            List<CompletableFuture<Void>> pings = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pings.add(c.pingAsync());
            }
            for (CompletableFuture<Void> p : pings) {
                p.get(10, TimeUnit.SECONDS);
            }
            assertEquals(2, c.list(ListQuery.ALL).size());
            assertTrue(connections.get() >= 21, "a new connection per reply, got " + connections.get());
        }
    }

    @Test
    void silentServerTimesOutWithTimeoutKind() throws Exception {
        Path sock = serve(Mode.SILENT);
        try (StationClient c = StationClient.open(sock, Duration.ofMillis(300))) {
            StationdException e = assertThrows(StationdException.class, c::ping);
            assertEquals(StationdException.Kind.TIMEOUT, e.kind());
        }
    }

    @Test
    void malformedReplyFailsTheRequestAsMalformed() throws Exception {
        Path sock = serve(Mode.GARBAGE);
        try (StationClient c = StationClient.open(sock)) {
            StationdException e = assertThrows(StationdException.class, () -> c.list(ListQuery.ALL));
            assertEquals(StationdException.Kind.MALFORMED, e.kind());
        }
    }

    @Test
    void noServerFailsWithIoKindNamingThePath() {
        try (StationClient c = StationClient.open(dir.resolve("missing.sock"))) {
            StationdException e = assertThrows(StationdException.class, c::ping);
            assertEquals(StationdException.Kind.IO, e.kind());
            assertTrue(e.getMessage().contains("missing.sock"), e.getMessage());
        }
    }

    @Test
    void subscriptionDeliversAckThenEventsInOrder() throws Exception {
        Path sock = serve(Mode.PERSISTENT);
        List<StaEvent> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> two = new CompletableFuture<>();
        try (StationClient c = StationClient.open(sock);
             StationClient.Subscription s = c.subscribe(e -> {
                 events.add(e);
                 if (events.size() == 2) {
                     two.complete(null);
                 }
             })) {
            s.acked().get(10, TimeUnit.SECONDS);
            two.get(10, TimeUnit.SECONDS);
            assertEquals(EventType.UPSERT, events.get(0).type());
            assertEquals(EventType.REMOVE, events.get(1).type());
            assertEquals(new MacAddress(5), events.get(1).sta().mac());
        }
    }

    @Test
    void blockingCallFromAListenerIsRefusedInsteadOfHanging() throws Exception {
        Path sock = serve(Mode.PERSISTENT);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        try (StationClient c = StationClient.open(sock);
             StationClient.Subscription s = c.subscribe(e -> { // listeners always run on the client's loop
                 try {
                     c.ping(); // would wait for itself
                     outcome.complete("blocked and returned");
                 } catch (IllegalStateException ex) {
                     outcome.complete("refused");
                 }
             })) {
            s.acked().get(10, TimeUnit.SECONDS);
            assertEquals("refused", outcome.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void closedClientRejectsNewRequests() throws Exception {
        Path sock = serve(Mode.PERSISTENT);
        StationClient c = StationClient.open(sock);
        c.ping();
        c.close();
        StationdException e = assertThrows(StationdException.class, c::ping);
        assertEquals(StationdException.Kind.CLOSED, e.kind());
    }
}
