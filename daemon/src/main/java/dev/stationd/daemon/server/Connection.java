package dev.stationd.daemon.server;

import dev.stationd.daemon.config.AccessConfig;
import dev.stationd.daemon.config.ServerConfig;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.codec.CommandDecoder;
import dev.stationd.protocol.codec.CommandError;
import dev.stationd.protocol.codec.CommandFrameDecoder;
import dev.stationd.protocol.codec.Reply;
import dev.stationd.protocol.codec.ReplyEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: answers its commands strictly in request order (a filter change that
 * waits for its fsync holds back the replies behind it), enforces the idle timeout, and turns
 * the connection into an {@link EventStream} on {@code SUBSCRIBE}. Not shared: one per channel.
 *
 * <p>Memory: a command is answered only while the channel is writable, so the requests of a
 * client that does not read wait in its socket, not as replies here; every reply is charged to
 * the {@link PendingBudget} before its buffer exists and released once the kernel took it.
 */
public final class Connection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    /** Decoded commands queued (while a filter change is in flight, or the channel is not writable) before reading stops. */
    static final int MAX_QUEUED_COMMANDS = 256;

    /** What the connection does with the commands that arrive. */
    enum State {
        /** Answers commands in order. */
        SERVING,
        /** A filter change waits for its fsync; the commands behind it wait too. */
        MUTATING,
        /** An event stream: nothing more is read or answered. */
        SUBSCRIBED,
        /** Answers nothing more; closes once the replies written so far are out. */
        CLOSING
    }

    private final ServerContext server;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private State state = State.SERVING;
    /** The peer shut down its sending side: a fact about the socket, independent of {@link #state}. */
    private boolean inputClosed;
    private ScheduledFuture<?> idleTimer;
    /** This connection's writes, charged to the budget. */
    private ReplyWriter writer;
    /** The event stream, while {@link State#SUBSCRIBED}. */
    private EventStream events;
    /** The process on the other end, from its credentials at accept. */
    private Peer peer;
    /** What it may do under {@link #decidedFor}, the access rules in force when last decided. */
    private Rights rights;
    private AccessConfig decidedFor;
    /** The place it got at accept. */
    private Admission.Outcome admission;
    private boolean permLogged;
    /** The channel's ALLOW_HALF_CLOSURE, as last set (the server bootstrap starts it true). */
    private boolean halfClosure = true;

    /** @param server the shared daemon state */
    public Connection(ServerContext server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        server.stats().connections.incrementAndGet();
        if (server.isShuttingDown()) {
            refuse(ServerStats.Refusal.SHUTTING_DOWN, "shutting down");
            return;
        }
        // Rights and a place are decided here, once: an outsider never takes a reader's slot, a
        // reader never an admin's.
        decidedFor = server.config().access();
        peer = Peer.of(ctx.channel(), decidedFor);
        rights = Rights.of(peer, decidedFor, server.selfUid());
        boolean privileged = peer.isPrivileged(server.selfUid());
        ServerConfig limits = server.config().server();
        admission = server.admission().admit(peer, rights, privileged || peer.isListedAdmin(decidedFor), !privileged,
                limits);
        switch (admission) {
            case FULL:
                refuse(ServerStats.Refusal.MAX_CONNECTIONS, server.admission().admitted() + " open, max_connections "
                        + limits.maxConnections() + " (" + limits.effectiveAdminReserve() + " kept for admins)");
                return;
            case UID_FULL:
                refuse(ServerStats.Refusal.MAX_CONNECTIONS_PER_UID, "max_connections_per_uid "
                        + limits.maxConnectionsPerUid());
                return;
            case OUTSIDERS_FULL:
                state = State.CLOSING;
                server.stats().outsidersDropped.increment();
                server.log(Noise.DENIED).warn("denied a connection to {} (not in access.read; {} others waiting), closed",
                        peer, Admission.OUTSIDERS);
                ctx.close();
                return;
            default: // ADMITTED, or OUTSIDER: one E_PERM, within a short grace
                break;
        }
        writer = new ReplyWriter(ctx, server.budget(), server.stats().repliesDone);
        server.budget().register(writer);
        scheduleIdleCheck(idleNanos());
        ctx.fireChannelActive();
    }

    /** Refuses the connection with {@code E_BUSY} and closes it. */
    private void refuse(ServerStats.Refusal why, String detail) {
        state = State.CLOSING;
        server.stats().refused(why);
        server.log(why).warn("refusing connection of {}: {}", peer == null ? "a client" : peer, detail);
        ctx.writeAndFlush(Reply.error(ErrorCode.E_BUSY)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        server.stats().connections.decrementAndGet();
        if (admission != null) {
            server.admission().release(peer, admission);
        }
        if (writer != null) {
            writer.writeHeldBack(); // fails on the closed channel: gives back what it held
            server.budget().unregister(writer);
        }
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        if (events != null) {
            events.stop();
        }
        state = State.CLOSING;
        releaseQueued();
        CommandFrameDecoder frames = ctx.pipeline().get(CommandFrameDecoder.class);
        if (frames != null && frames.trailingBytes() > 0) {
            server.stats().trailingBytes.add(frames.trailingBytes());
        }
        ctx.fireChannelInactive();
    }

    /**
     * Sets up a client channel's pipeline: 64-byte frames in, replies out, this handler between.
     *
     * @param pipeline the new channel's pipeline
     * @param server the shared daemon state
     */
    public static void install(ChannelPipeline pipeline, ServerContext server) {
        pipeline.addLast("frames", new CommandFrameDecoder())
                .addLast("replies", ReplyEncoder.INSTANCE)
                .addLast("connection", new Connection(server));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSING || state == State.SUBSCRIBED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        writer.readStarted();
        queue.add(parsed(msg));
        drain();
    }

    /**
     * A frame parsed into a {@link CloudCmdAttr} or a {@link CommandError} here, by the same code as
     * {@link CommandDecoder}, rather than by a decoder stage of its own: a request then passes one
     * handler less, which with C1-compiled code is a measurable part of a short reply's cost.
     */
    private static Object parsed(Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            return msg;
        }
        try {
            return CommandDecoder.decodeFrame(frame);
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
        if (writer != null) {
            writer.readDone();
        }
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
        boolean pending = state == State.MUTATING || !queue.isEmpty() || (out != null && out.totalPendingWriteBytes() > 0);
        if (pending != halfClosure) {
            halfClosure = pending;
            ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, pending);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Backpressure: a client that does not read its replies is neither answered nor read from.
        if (ctx.channel().isWritable()) {
            if (state == State.SUBSCRIBED) {
                events.drainEvents();
            } else {
                drain();
                flush();
            }
        } else {
            updateAutoRead();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            if (state == State.SUBSCRIBED) {
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
        Fatal.exitIfOutOfMemory("reading from a client", cause);
        server.log(Noise.IO_ERROR).warn("connection error, closing: {}", String.valueOf(cause));
        ctx.close();
    }

    /** Answers queued commands in order while the channel takes replies. */
    private void drain() {
        while (state == State.SERVING && !queue.isEmpty() && ctx.channel().isWritable()) {
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
            if (rights == Rights.NONE) {
                closeAfterReplies(); // an outsider gets one reply
            }
        } else if (c == Command.SUBSCRIBE) {
            startSubscription();
        } else if (c.isMutation()) {
            state = State.MUTATING;
            // Never an ACK for what is not on disk, and never a wait without end: a change the disk
            // has not taken within filters.commit_timeout is answered E_BUSY (it may still land later).
            ScheduledFuture<?> timeout = ctx.executor().schedule(() -> {
                if (state == State.MUTATING) {
                    server.stats().commitTimeouts.increment();
                    server.log(Noise.COMMIT_TIMEOUT).warn("{} from {} not done within filters.commit_timeout ({}): answering"
                            + " E_BUSY (the disk or hostapd does not answer)", c, peer,
                            server.config().filters().commitTimeout());
                    refuse(c);
                }
            }, server.config().filters().commitTimeout().toNanos(), TimeUnit.NANOSECONDS);
            server.processor().mutate(cmd).whenComplete((reply, failure) -> ctx.executor().execute(() -> {
                timeout.cancel(false);
                if (state != State.MUTATING) {
                    return; // timed out, or closed meanwhile: nothing more is said
                }
                state = State.SERVING;
                if (failure != null) {
                    LOG.error("{} failed, answering E_BUSY: {}", cmd, String.valueOf(failure));
                    refuse(c);
                    return;
                }
                reply(c, reply);
                drain(); // the commands queued behind it, then one flush for all
                flush();
            }));
        } else {
            answer(cmd);
        }
    }

    /** A query: charged to the budget first; refused with {@code E_BUSY} when it does not fit. */
    private void answer(CloudCmdAttr cmd) {
        PendingBudget.Grant grant = writer.grant();
        if (!grant.take(PendingBudget.PER_WRITE)) {
            overloaded(cmd.command());
            return;
        }
        CommandProcessor.Answer a = server.processor().query(cmd, ctx.alloc(), grant);
        if (a == null) {
            grant.release();
            overloaded(cmd.command());
            return;
        }
        server.stats().requests.count(cmd.command(), a.message());
        writer.write(a.message(), grant, a.held() + PendingBudget.PER_WRITE, a.lease());
    }

    private void overloaded(Command c) {
        server.log(Noise.OVERLOADED).warn("answering E_BUSY to {} ({}): {} bytes of pending replies in use, limit {}", peer, c,
                server.budget().used(), server.budget().limit());
        refuse(c);
    }

    /** {@code E_BUSY} in the command's form; it closes the connection, so nothing behind it is answered. */
    private void refuse(Command c) {
        reply(c, c.replyForm() == Command.ReplyForm.ACK ? Reply.nak(ErrorCode.E_BUSY) : Reply.error(ErrorCode.E_BUSY));
        closeAfterReplies();
    }

    private boolean permitted(Command c) {
        AccessConfig access = server.config().access();
        if (access != decidedFor) { // the rules changed (reload): the same credentials, decided again
            decidedFor = access;
            rights = Rights.of(peer, access, server.selfUid());
        }
        boolean ok = rights.allow(c);
        if (!ok && !permLogged) {
            permLogged = true; // once per connection, and at least once a second across connections
            server.log(Noise.DENIED).warn("denied {} to {} (not in access.{}){}", c, peer, c.isAdmin() ? "admin" : "read",
                    rights == Rights.NONE ? "; closing" : "");
        }
        return ok;
    }

    private void handleError(CommandError err) {
        if (rights == Rights.NONE) { // an outsider's frame is not looked at: E_PERM, in its command's form if known
            Command c = err.command();
            reply(c, c != null && c.replyForm() == Command.ReplyForm.ACK ? Reply.nak(ErrorCode.E_PERM)
                    : Reply.error(ErrorCode.E_PERM));
            permitted(c == null ? Command.PING : c);
            closeAfterReplies();
            return;
        }
        server.log(Noise.BAD_COMMAND).warn("bad command from {}: {} ({})", peer, err.code(), err.detail());
        reply(err.command(), err.reply());
        if (err.closesConnection()) {
            closeAfterReplies();
        }
    }

    /** Answers nothing more: drops what is queued and closes once the replies written so far are out. */
    private void closeAfterReplies() {
        state = State.CLOSING;
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
        if (writer != null) {
            writer.writeHeldBack();
        }
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Flushes the replies written, and those the writer holds back to send together. */
    private void flush() {
        if (writer != null) { // null on a connection refused at accept
            writer.flush();
        } else {
            ctx.flush();
        }
    }

    /**
     * A small reply that must go out (an error, the result of a durable change): charged without a check.
     *
     * @param command counted with the reply's result; {@code null} when the frame named none
     * @param reply the reply
     */
    private void reply(Command command, Reply reply) {
        server.stats().requests.count(command, reply);
        long bytes = ReplyEncoder.size(reply) + PendingBudget.PER_WRITE;
        writer.write(reply, server.budget().force(bytes), bytes, null);
    }

    private void startSubscription() {
        state = State.SUBSCRIBED;
        events = EventStream.start(ctx, server, writer, peer); // listening before the ACK
        reply(Command.SUBSCRIBE, Reply.ack());
        releaseQueued();
        events.drainEvents();
        flush();
        if (inputClosed) {
            ctx.close(); // the subscriber already half-closed while SUBSCRIBE waited in the queue
        }
    }

    private void updateAutoRead() {
        // a subscriber is read (and its input dropped) so that its EOF is seen at once
        boolean read = state == State.SUBSCRIBED
                || (state != State.CLOSING && ctx.channel().isWritable() && queue.size() < MAX_QUEUED_COMMANDS);
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void closeIfDone() {
        if (inputClosed && state == State.SERVING && queue.isEmpty() && ctx.channel().isOpen()) {
            flushThenClose();
        }
    }

    /** @return how long it may stay without a request: an outsider only a short grace for its one command */
    private long idleNanos() {
        long idle = server.config().server().idleTimeout().toNanos();
        return admission == Admission.Outcome.OUTSIDER ? Math.min(idle, Admission.OUTSIDER_GRACE_NANOS) : idle;
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleTimer = ctx.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        long idleNanos = idleNanos();
        long quiet = System.nanoTime() - writer.lastActivity();
        if (state == State.SUBSCRIBED || state == State.MUTATING) {
            scheduleIdleCheck(idleNanos);
        } else if (quiet >= idleNanos) {
            // nothing read and nothing taken by the kernel for that long (also a client that stopped reading)
            LOG.debug("closing idle connection {} after {} ms", ctx.channel().remoteAddress(), quiet / 1_000_000);
            ctx.close();
        } else {
            scheduleIdleCheck(idleNanos - quiet);
        }
    }
}
