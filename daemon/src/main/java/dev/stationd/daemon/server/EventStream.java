package dev.stationd.daemon.server;

import dev.stationd.protocol.StaEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * A subscribed connection's event stream: writes the {@link EventHub}'s events from its own
 * position on, as far as the channel takes them, and disconnects a subscriber that falls more than
 * the hub keeps behind. Lives from {@code SUBSCRIBE} until the connection closes; runs on the
 * connection's event loop.
 */
final class EventStream implements EventHub.Subscriber {
    /**
     * A subscriber's write buffer: events beyond it wait in the {@link EventHub} (shared by all
     * subscribers) instead of as per-subscriber writes.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(8 * 1024, 16 * 1024);
    /** Events taken from the hub per read. */
    private static final int BATCH = 64;

    private final ChannelHandlerContext ctx;
    private final ServerContext server;
    private final ReplyWriter writer;
    /** Who subscribed, for the log. */
    private final Peer peer;
    /** Position of the next event in the hub. */
    private long cursor;
    /** The slices of one read from the hub: {@link #BATCH} events span this many pages at most. */
    private final List<ByteBuf> batch = new ArrayList<>(BATCH / EventHub.PAGE_EVENTS + 1);
    private boolean stopped;

    private EventStream(ChannelHandlerContext ctx, ServerContext server, ReplyWriter writer, Peer peer) {
        this.ctx = ctx;
        this.server = server;
        this.writer = writer;
        this.peer = peer;
    }

    /**
     * Subscribes a connection: it listens from the newest event on. Call it before acknowledging
     * {@code SUBSCRIBE}, so a client that lists after the ACK misses nothing.
     *
     * @param ctx the connection's handler context
     * @param server the shared daemon state
     * @param writer the connection's writes
     * @param peer who subscribed
     * @return the stream, listening
     */
    static EventStream start(ChannelHandlerContext ctx, ServerContext server, ReplyWriter writer, Peer peer) {
        EventStream s = new EventStream(ctx, server, writer, peer);
        server.stats().subscribers.incrementAndGet();
        s.cursor = server.events().subscribe(s);
        // Events beyond a small window wait in the shared hub, not as writes of this connection.
        ctx.channel().config().setWriteBufferWaterMark(WATER_MARK);
        return s;
    }

    /** Stops listening (the connection closed). Idempotent. */
    void stop() {
        if (!stopped) {
            stopped = true;
            server.events().unsubscribe(this);
            server.stats().subscribers.decrementAndGet();
        }
    }

    @Override
    public EventExecutor executor() {
        return ctx.executor();
    }

    @Override
    public void drainEvents() {
        if (stopped || !ctx.channel().isActive()) {
            return;
        }
        EventHub hub = server.events();
        boolean wrote = false;
        while (ctx.channel().isWritable() || hub.head() - cursor > hub.capacity()) {
            batch.clear();
            int n = hub.read(cursor, BATCH, batch);
            if (n < 0) {
                server.stats().subscribersDropped.increment();
                server.log(Noise.SUBSCRIBER_DROPPED).warn("subscriber {} fell more than {} events behind, disconnecting", peer,
                        hub.capacity());
                ctx.close();
                return;
            }
            if (n == 0) {
                break;
            }
            cursor += n;
            // One write for the batch (one slice of the hub's log, two across a page boundary). The bytes
            // are the hub's, shared by every subscriber, but a subscriber that does not read keeps them
            // alive after the hub lets go: charged as its own.
            int parts = batch.size();
            ByteBuf events = parts == 1 ? batch.get(0) : ctx.alloc().compositeDirectBuffer(parts).addComponents(true, batch);
            long bytes = (long) n * StaEvent.SIZE + PendingBudget.PER_WRITE;
            writer.writeEvents(events, server.budget().force(bytes), bytes);
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }
}
