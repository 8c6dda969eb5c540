package dev.stationd.daemon.server;

import dev.stationd.protocol.codec.Reply;
import dev.stationd.protocol.codec.ReplyEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * The writes of one connection as the {@link PendingBudget} sees them: each write carries its
 * charge, released (and its table version's lease ended) once the kernel took it or it failed,
 * and the connection's weight for choosing whom to disconnect: what it holds and how fast its
 * reader takes it. Written on the connection's event loop; the budget's evictor reads the
 * {@code volatile} fields from any thread.
 */
final class ReplyWriter implements PendingBudget.Holder {
    /**
     * Writes from this size up report the kernel's progress as it takes them, so a reader that
     * takes a large reply slowly still counts as reading. A smaller one is nearly always taken in
     * one system call, and its completion says as much; a plain promise spares each reply the
     * progress notification and its clock read.
     */
    static final long PROGRESS_FROM = PendingBudget.EVICT_MIN_HELD;
    private final ChannelHandlerContext ctx;
    /**
     * Where encoded bytes (a table's buffer or file, a subscriber's events) are written: past the
     * reply encoder, which has nothing to do with them. Writes from either context go out in the
     * order made, since the encoder passes each reply on before it returns.
     */
    private final ChannelHandlerContext encodedCtx;
    private final PendingBudget budget;
    /** Counts the replies (not the subscriber's events) whose write is over. */
    private final LongAdder repliesDone;
    /** Bytes of replies and events written and not yet taken by the kernel, shared ones included. */
    private long held;
    /** Of {@link #held}, what is charged to the budget by this connection alone. */
    private volatile long charged;
    /** When {@link #held} last went from zero to more. */
    private volatile long holdingSince;
    /** Reply bytes the kernel took since {@link #holdingSince}. */
    private volatile long taken;
    /** Last request read or reply bytes taken by the kernel. */
    private volatile long lastActivityNanos = System.nanoTime();
    /** While requests are being read and answered: the clock when that read began, which the replies written and sent meanwhile use too. */
    private boolean reading;
    private long readNanos;
    /** Table versions its unsent full-table replies keep alive. */
    private final ConcurrentLinkedQueue<EncodedTable.Lease> leases = new ConcurrentLinkedQueue<>();
    /** Full-table replies answered and not written yet, to go out in one write. */
    private final Run run = new Run();

    /**
     * @param ctx the connection's handler context
     * @param budget the shared budget
     * @param repliesDone counts the replies whose write is over
     */
    ReplyWriter(ChannelHandlerContext ctx, PendingBudget budget, LongAdder repliesDone) {
        this.ctx = ctx;
        ChannelHandlerContext encoder = ctx.pipeline().context(ReplyEncoder.class);
        this.encodedCtx = encoder != null ? encoder : ctx;
        this.budget = budget;
        this.repliesDone = repliesDone;
    }

    /** @return an empty grant for the next reply, with the reserve if this connection holds little */
    PendingBudget.Grant grant() {
        return budget.grant(charged);
    }

    /**
     * Writes (without flushing) a reply whose bytes are charged. A full-table reply from a file that
     * holds the table more than once is held back instead, until something else is written or
     * {@link #flush()}: the same reply right after it is then one more copy in the same write.
     *
     * @param msg the reply
     * @param grant its charge
     * @param weight the bytes it keeps alive until sent, shared ones included, plus {@link PendingBudget#PER_WRITE}
     * @param lease the table version it shares, or {@code null}
     */
    void write(Object msg, PendingBudget.Grant grant, long weight, EncodedTable.Lease lease) {
        if (msg instanceof ReplyFile.Region region && region.file().copies() > 1) {
            if (!run.join(region, grant, weight, lease)) {
                run.write();
                run.start(region, grant, weight, lease);
            }
            return;
        }
        run.write();
        write(msg, grant, weight, lease, 1);
    }

    /**
     * Writes (without flushing) a subscriber's events whose bytes are charged.
     *
     * @param events the encoded events
     * @param grant their charge
     * @param weight the bytes they keep alive until sent, shared ones included, plus {@link PendingBudget#PER_WRITE}
     */
    void writeEvents(ByteBuf events, PendingBudget.Grant grant, long weight) {
        run.write();
        write(events, grant, weight, null, 0);
    }

    /** Writes what is held back, then flushes. */
    void flush() {
        run.write();
        ctx.flush();
    }

    /**
     * Writes (without flushing) what is held back; on a closed channel the write fails, which
     * releases what it held.
     */
    void writeHeldBack() {
        run.write();
    }

    private void write(Object msg, PendingBudget.Grant grant, long weight, EncodedTable.Lease lease, int replies) {
        if (held == 0) {
            long now = now();
            lastActivityNanos = now; // a reply to send: waiting for the kernel starts now
            holdingSince = now;
            taken = 0;
        }
        held += weight;
        charged += grant.bytes();
        if (lease != null) {
            leases.add(lease);
        }
        Sent sent = new Sent(grant, weight, lease, replies);
        ChannelPromise promise;
        if (weight >= PROGRESS_FROM) {
            ChannelProgressivePromise progressive = ctx.newProgressivePromise();
            progressive.addListener(new Progress(sent));
            promise = progressive;
        } else {
            promise = ctx.newPromise();
        }
        (msg instanceof Reply ? ctx : encodedCtx).write(msg, promise).addListener(sent);
    }

    /**
     * A request was read; the first of a read from the socket reads the clock, for the read and
     * the replies written and sent until {@link #readDone}, not once per request and reply.
     */
    void readStarted() {
        if (!reading) {
            readNanos = System.nanoTime();
            reading = true;
            lastActivityNanos = readNanos;
        }
    }

    /** The read and the flush of its replies are over: what completes later reads the clock itself. */
    void readDone() {
        reading = false;
    }

    private long now() {
        return reading ? readNanos : System.nanoTime();
    }

    /** @return when a request was last read or the kernel last took reply bytes (System.nanoTime) */
    long lastActivity() {
        return lastActivityNanos;
    }

    /**
     * Consecutive full-table replies from one file, as one write of as many copies of the table
     * ({@link ReplyFile#region}): what a client that pipelines the same full list gets, as a copying
     * server would gather them into one {@code writev}. The first reply's charge, weight and lease
     * stand for the run (the same table version); the others give theirs back as they join, since
     * no write of their own is made. Empty while {@link #first} is {@code null}.
     */
    private final class Run {
        private ReplyFile.Region first;
        private int replies;
        private PendingBudget.Grant grant;
        private long weight;
        private EncodedTable.Lease lease;

        void start(ReplyFile.Region region, PendingBudget.Grant g, long w, EncodedTable.Lease l) {
            first = region;
            replies = 1;
            grant = g;
            weight = w;
            lease = l;
        }

        /** @return whether the reply joined the run (then what it held is given back); else the run is left as it was */
        boolean join(ReplyFile.Region region, PendingBudget.Grant g, long w, EncodedTable.Lease l) {
            if (first == null || region.file() != first.file() || replies == first.file().copies()) {
                return false;
            }
            replies++;
            weight += w - PendingBudget.PER_WRITE;
            region.release();
            g.release();
            if (l != null) {
                l.done();
            }
            return true;
        }

        void write() {
            if (first == null) {
                return;
            }
            Object msg = first;
            if (replies > 1) {
                msg = first.file().region(replies);
                first.release();
            }
            first = null;
            ReplyWriter.this.write(msg, grant, weight, lease, replies);
            grant = null;
            lease = null;
        }
    }

    /** Passes the kernel's progress through a large write on to its {@link Sent}. */
    private static final class Progress implements ChannelProgressiveFutureListener {
        private final Sent sent;

        Progress(Sent sent) {
            this.sent = sent;
        }

        @Override
        public void operationProgressed(ChannelProgressiveFuture f, long progress, long total) {
            sent.progressed(progress);
        }

        @Override
        public void operationComplete(ChannelProgressiveFuture f) {
            // the write's Sent listener settles it
        }
    }

    /**
     * Releases a write's charge when it completes, and notes the progress of a large one (the
     * kernel took some of it). Listens to either kind of promise, so it takes any channel future.
     */
    private final class Sent implements ChannelFutureListener {
        private final PendingBudget.Grant grant;
        private final long bytes;
        private final long weight;
        private final EncodedTable.Lease lease;
        /** Replies it carries (0 for a subscriber's events). */
        private final int replies;
        /** Of this write, bytes the kernel has taken so far. */
        private long progressed;

        Sent(PendingBudget.Grant grant, long weight, EncodedTable.Lease lease, int replies) {
            this.grant = grant;
            this.bytes = grant.bytes();
            this.weight = weight;
            this.lease = lease;
            this.replies = replies;
        }

        void progressed(long progress) {
            lastActivityNanos = System.nanoTime();
            taken += progress - progressed;
            progressed = progress;
        }

        @Override
        public void operationComplete(ChannelFuture f) {
            grant.release();
            held -= weight;
            charged -= bytes;
            if (lease != null) {
                leases.remove(lease);
                lease.done();
            }
            if (replies > 0) {
                repliesDone.add(replies);
            }
            if (f.isSuccess()) {
                lastActivityNanos = now();
                taken += weight - PendingBudget.PER_WRITE - progressed; // the rest of the message's bytes
            } else {
                Fatal.exitIfOutOfMemory("writing to a client", f.cause());
            }
        }
    }

    /** What disconnecting it would free: its own charged bytes and its share of the old table versions its replies keep. */
    @Override
    public long held() {
        long stale = 0;
        for (EncodedTable.Lease l : leases) {
            stale += l.staleBytes();
        }
        return charged + stale;
    }

    @Override
    public long holdingSince() {
        return holdingSince;
    }

    @Override
    public long taken() {
        return taken;
    }

    @Override
    public void evict() {
        ctx.channel().close();
    }

    @Override
    public String toString() {
        return "ReplyWriter[" + ctx.channel().id() + "]";
    }
}
