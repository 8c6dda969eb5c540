package dev.stationd.daemon.server;

import dev.stationd.daemon.config.AccessConfig;
import dev.stationd.daemon.table.TableListener;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.codec.CommandError;
import dev.stationd.protocol.codec.CommandFrameDecoder;
import dev.stationd.protocol.codec.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: answers its commands strictly in request order (a filter change that
 * waits for its fsync holds back the replies behind it), enforces the idle timeout, and turns
 * the connection into an event stream on {@code SUBSCRIBE}. Not shared: one per channel.
 */
public final class Connection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    /** Decoded commands queued while a filter change is in flight before reading stops. */
    static final int MAX_QUEUED_COMMANDS = 1024;

    private final ServerContext server;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private boolean refused;
    private boolean busy;
    private boolean untrusted;
    private boolean inputClosed;
    private boolean subscribed;
    private long lastRequestNanos;
    private ScheduledFuture<?> idleTimer;
    private TableListener subscription;
    private final AtomicInteger eventBacklog = new AtomicInteger();
    private boolean flushScheduled;
    private Peer peer;
    private boolean permLogged;
    private AccessConfig decidedFor;
    private boolean mayRead;
    private boolean mayAdmin;
    /** The channel's ALLOW_HALF_CLOSURE, as last set (the server bootstrap starts it true). */
    private boolean halfClosure = true;

    /** @param server the shared daemon state */
    public Connection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        int open = server.stats().connections.incrementAndGet();
        if (open > server.config().server().maxConnections() || server.isShuttingDown()) {
            refused = true;
            server.stats().refused(server.isShuttingDown() ? ServerStats.Refusal.SHUTTING_DOWN
                    : ServerStats.Refusal.MAX_CONNECTIONS);
            server.busyLog().warn("refusing connection: {} open, max_connections {}", open - 1,
                    server.config().server().maxConnections());
            ctx.writeAndFlush(Reply.error(ErrorCode.E_BUSY)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        lastRequestNanos = System.nanoTime();
        scheduleIdleCheck(server.config().server().idleTimeout().toNanos());
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        server.stats().connections.decrementAndGet();
        if (subscribed) {
            server.stats().subscribers.decrementAndGet();
        }
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        if (subscription != null) {
            server.table().removeListener(subscription);
        }
        releaseQueued();
        CommandFrameDecoder frames = ctx.pipeline().get(CommandFrameDecoder.class);
        if (frames != null && frames.trailingBytes() > 0) {
            server.stats().trailingBytes.add(frames.trailingBytes());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused || untrusted || subscribed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        lastRequestNanos = System.nanoTime();
        queue.add(msg);
        drain();
        if (queue.size() >= MAX_QUEUED_COMMANDS) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        halfCloseOnlyWhilePending();
    }

    /**
     * At a client's EOF Netty shuts the input down ({@code shutdown(SHUT_RD)}) and fires
     * {@link ChannelInputShutdownEvent} while half-closure is allowed, and closes the channel
     * otherwise; it decides right after {@link #channelReadComplete}. Half-closure is what lets a
     * client that shuts down its write side after pipelining still get every reply, so it stays on
     * while anything is pending (a queued command, a filter change in flight, reply bytes not yet
     * in the socket). When nothing is, closing at once is the same for the client and saves a
     * system call per one-shot connection.
     */
    private void halfCloseOnlyWhilePending() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        boolean pending = busy || !queue.isEmpty() || (out != null && out.totalPendingWriteBytes() > 0);
        if (pending != halfClosure) {
            halfClosure = pending;
            ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, pending);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Backpressure: a client that does not read its replies is not read from either.
        updateAutoRead();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            if (subscribed) {
                // A subscription lasts "until either side closes": a subscriber's EOF ends it now,
                // not at the next event write, so a quiet table does not keep dead subscribers.
                ctx.close();
            } else {
                closeIfDone();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        server.ioLog().warn("connection error, closing: {}", String.valueOf(cause));
        ctx.close();
    }

    private void drain() {
        while (!busy && !queue.isEmpty() && !untrusted && !subscribed) {
            Object msg = queue.poll();
            if (msg instanceof CloudCmdAttr cmd) {
                handle(cmd);
            } else if (msg instanceof CommandError err) {
                handleError(err);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
        updateAutoRead();
        closeIfDone();
    }

    private void handle(CloudCmdAttr cmd) {
        Command c = cmd.command();
        if (!permitted(c)) {
            reply(c, c.replyForm() == Command.ReplyForm.ACK ? Reply.nak(ErrorCode.E_PERM) : Reply.error(ErrorCode.E_PERM));
        } else if (c == Command.SUBSCRIBE) {
            startSubscription();
        } else if (c.isMutation()) {
            busy = true;
            server.processor().mutate(cmd).whenComplete((reply, failure) -> ctx.executor().execute(() -> {
                busy = false;
                if (failure != null) {
                    // E_BUSY closes the connection (protocol.md): nothing behind it is answered.
                    LOG.error("{} failed, answering E_BUSY: {}", cmd, String.valueOf(failure));
                    reply(c, Reply.nak(ErrorCode.E_BUSY));
                    closeAfterReplies();
                    return;
                }
                reply(c, reply);
                drain(); // the commands queued behind it, then one flush for all
                ctx.flush();
            }));
        } else {
            reply(c, server.processor().query(cmd, ctx.alloc()));
        }
    }

    private boolean permitted(Command c) {
        AccessConfig access = server.config().access();
        if (access != decidedFor) { // decide once per connection and configuration (reload)
            decidedFor = access;
            if (access.read().isOpen() && access.admin().isOpen()) {
                mayRead = true; // open rules: no need for the peer's credentials (saves a syscall per accept)
                mayAdmin = true;
                return true;
            }
            if (peer == null) {
                peer = Peer.of(ctx.channel());
            }
            mayAdmin = peer.isAdmin(access, server.selfUid());
            mayRead = mayAdmin || peer.isReader(access, server.selfUid());
        }
        boolean ok = c.isAdmin() ? mayAdmin : mayRead;
        if (!ok && !permLogged) {
            permLogged = true; // once per connection, and rate-limited across connections
            server.badInputLog().warn("denied {} to {} (not in access.{})", c, peer, c.isAdmin() ? "admin" : "read");
        }
        return ok;
    }

    private void handleError(CommandError err) {
        server.badInputLog().warn("bad command from {}: {} ({})", ctx.channel().remoteAddress(), err.code(), err.detail());
        reply(err.command(), err.reply());
        if (err.closesConnection()) {
            closeAfterReplies();
        }
    }

    /** Answers nothing more: drops what is queued and closes once the replies written so far are out. */
    private void closeAfterReplies() {
        untrusted = true;
        releaseQueued();
        flushThenClose();
    }

    private void releaseQueued() {
        while (!queue.isEmpty()) {
            ReferenceCountUtil.release(queue.poll());
        }
    }

    /** An empty write after everything queued: its completion means the replies are out. */
    private void flushThenClose() {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** @param command counted with the reply's result; {@code null} when the frame named none */
    private void reply(Command command, Object reply) {
        server.stats().requests.count(command, reply);
        ctx.write(reply, ctx.voidPromise());
    }

    private void startSubscription() {
        subscribed = true;
        server.stats().subscribers.incrementAndGet();
        int limit = server.config().server().subscriberBacklog();
        subscription = event -> {
            if (eventBacklog.incrementAndGet() > limit) {
                if (eventBacklog.getAndSet(Integer.MIN_VALUE / 2) > 0) {
                    server.stats().subscribersDropped.increment();
                    server.busyLog().warn("subscriber {} exceeded its backlog of {} events, disconnecting",
                            ctx.channel().remoteAddress(), limit);
                    ctx.channel().close();
                }
                return;
            }
            ctx.executor().execute(() -> writeEvent(event));
        };
        // Listen before acknowledging, so a client that lists after the ACK misses nothing; the
        // events are handed to this event loop, which writes the ACK first (this task).
        server.table().addListener(subscription);
        reply(Command.SUBSCRIBE, Reply.ack());
        ctx.flush();
        if (inputClosed) {
            ctx.close(); // the subscriber already half-closed while SUBSCRIBE waited in the queue
        }
    }

    private void writeEvent(StaEvent event) {
        if (!ctx.channel().isActive()) {
            return;
        }
        ByteBuf buf = ctx.alloc().ioBuffer(StaEvent.SIZE);
        event.encode(buf);
        ctx.write(buf).addListener(f -> eventBacklog.decrementAndGet());
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(() -> {
                flushScheduled = false;
                ctx.flush();
            });
        }
    }

    private void updateAutoRead() {
        boolean read = ctx.channel().isWritable() && queue.size() < MAX_QUEUED_COMMANDS;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void closeIfDone() {
        if (inputClosed && !busy && queue.isEmpty() && !subscribed && ctx.channel().isOpen()) {
            flushThenClose();
        }
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleTimer = ctx.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        long idleNanos = server.config().server().idleTimeout().toNanos();
        long quiet = System.nanoTime() - lastRequestNanos;
        if (subscribed || busy || !queue.isEmpty()) {
            scheduleIdleCheck(idleNanos);
        } else if (quiet >= idleNanos) {
            LOG.debug("closing idle connection {} after {} ms", ctx.channel().remoteAddress(), quiet / 1_000_000);
            ctx.close();
        } else {
            scheduleIdleCheck(idleNanos - quiet);
        }
    }
}
