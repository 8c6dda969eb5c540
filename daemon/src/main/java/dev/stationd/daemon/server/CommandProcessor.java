package dev.stationd.daemon.server;

import dev.stationd.daemon.hostapd.StationKicker;
import dev.stationd.daemon.persist.FilterResult;
import dev.stationd.daemon.persist.FilterService;
import dev.stationd.daemon.table.StationTable;
import dev.stationd.daemon.table.TableSnapshot;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.codec.Reply;
import dev.stationd.protocol.codec.ReplyEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Answers decoded commands from the station table and the filter service; {@code SUBSCRIBE} is
 * handled by the connection itself. Shared by every connection: its one piece of state is the
 * {@link EncodedTable} cache of the newest table reply (thread-safe), whose buffer {@link #close()}
 * releases once the event loops are gone.
 */
public final class CommandProcessor implements AutoCloseable {
    /**
     * Replies from this size up get a buffer of their own (freed back to the system when sent)
     * instead of one from the channel's pool, whose chunks would keep the holes they leave.
     */
    static final int LARGE = 64 * 1024;
    /** {@link #encodeAhead} works while a full {@code STA_LIST} was answered this recently. */
    static final long AHEAD_WHILE_ASKED_NANOS = 60_000_000_000L;
    /** ... and once this many changes (or a quarter of the table, if more) wait to be encoded. */
    static final int AHEAD_MIN_CHANGES = 1024;
    private final StationTable table;
    private final FilterService filters;
    private final StaKick kicks;
    private final EncodedTable encoded = new EncodedTable(UnpooledByteBufAllocator.DEFAULT);
    /**
     * A full {@code STA_LIST} was answered since {@link #encodeAhead} last looked. A flag rather than
     * a time: a query then pays a load, not a clock read and a store to a line every event loop shares.
     */
    private volatile boolean fullListAsked;
    /** When {@link #encodeAhead} last found {@link #fullListAsked} ({@link System#nanoTime}); at first, too long ago to count. */
    private volatile long lastFullList = System.nanoTime() - AHEAD_WHILE_ASKED_NANOS - 1;

    /**
     * A processor that follows no hostapd ({@code STA_KICK} finds no station).
     *
     * @param table the live station table
     * @param filters the durable filter set
     */
    public CommandProcessor(StationTable table, FilterService filters) {
        this(table, filters, StationKicker.NONE);
    }

    /**
     * @param table the live station table
     * @param filters the durable filter set
     * @param kicker disconnects stations from the followed hostapd BSSs ({@code STA_KICK})
     */
    public CommandProcessor(StationTable table, FilterService filters, StationKicker kicker) {
        this.table = table;
        this.filters = filters;
        this.kicks = new StaKick(kicker, filters);
    }

    /**
     * A query's reply; what it copies or encodes was charged to the budget before its buffer existed.
     *
     * @param message a {@link Reply} or an encoded {@link ByteBuf} (the caller owns it)
     * @param held bytes it keeps alive until sent, shared ones included (the connection's weight)
     * @param lease the table version it shares, ended once it is sent; {@code null} if none
     */
    public record Answer(Object message, long held, EncodedTable.Lease lease) {
    }

    /**
     * Answers a query at once. A full {@code STA_LIST} is the {@link EncodedTable}'s buffer (encoded
     * again only after a change); a selection or {@code STA_GET} copies its records from that buffer
     * while it holds the current table, and encodes just them otherwise. What a reply copies or
     * encodes is charged to {@code grant} (and a new table encoding to its budget) first.
     *
     * @param cmd a {@code STA_LIST}, {@code STA_GET}, {@code FILTER_LIST}, {@code FILTER_DUMP} or {@code PING}
     * @param alloc allocator for small reply buffers
     * @param grant the reply's charge
     * @return the reply, or {@code null} when the budget had no room for it
     */
    public Answer query(CloudCmdAttr cmd, ByteBufAllocator alloc, PendingBudget.Grant grant) {
        switch (cmd.command()) {
            case STA_LIST: {
                TableSnapshot snapshot = table.snapshot();
                if (cmd.groupId() == 0 && cmd.ifname().isEmpty() && cmd.flags() == 0 && cmd.offset() == 0
                        && cmd.maxEntries() == 0) {
                    if (!fullListAsked) {
                        fullListAsked = true;
                    }
                    EncodedTable.Lease lease = encoded.acquire(snapshot, grant.budget());
                    if (lease == null) {
                        return null;
                    }
                    return new Answer(lease.fullReply(), lease.size(), lease); // the common poll: no copy at all
                }
                EncodedTable.Lease lease = encoded.acquireIfEncoded(snapshot);
                if (lease == null) {
                    // the table changed since it was last encoded: encode just the selected records, not
                    // every station for a few (an agent listing one BSS of a busy access point)
                    return encodedOnTheWay(Reply.table(snapshot.query(cmd.groupId(), cmd.ifname(), cmd.flags(),
                            cmd.offset(), cmd.maxEntries())), grant);
                }
                return select(lease, lease.snapshot().query(cmd.groupId(), cmd.ifname(), cmd.flags(), cmd.offset(),
                        cmd.maxEntries()), alloc, grant);
            }
            case STA_GET: {
                TableSnapshot snapshot = table.snapshot();
                EncodedTable.Lease lease = encoded.acquireIfEncoded(snapshot);
                if (lease == null) {
                    StaListAttr sta = snapshot.get(cmd.mac());
                    return encodedOnTheWay(Reply.table(sta == null ? List.of() : List.of(sta)), grant);
                }
                StaListAttr sta = lease.snapshot().get(cmd.mac());
                return select(lease, sta == null ? List.of() : List.of(sta), alloc, grant);
            }
            case FILTER_LIST:
                return encodedOnTheWay(Reply.table(table.snapshot().filterList(filters.current())), grant);
            case PING:
                return encodedOnTheWay(Reply.ack(), grant);
            case FILTER_DUMP:
                return encodedOnTheWay(Reply.filterTable(table.snapshot().filterDump(filters.current(), cmd.groupId(), cmd.offset(),
                        cmd.maxEntries())), grant);
            default:
                throw new IllegalArgumentException("not a query: " + cmd.command());
        }
    }

    /**
     * Encodes the table ahead of the next full {@code STA_LIST} once a large part of it changed,
     * while such lists are being asked for. A re-read of a large access point changes every station
     * at once, and the query that came next paid for encoding all of them (about 5 ms for 16,056 on
     * a small machine); now it finds most of them encoded and pays for what changed since. Nothing
     * is done while no full list was asked for within {@link #AHEAD_WHILE_ASKED_NANOS}, or while
     * the budget has no room for another version. Call it periodically, one call at a time (the
     * time a full list was last asked for is taken here, from a flag the queries set).
     *
     * @param budget where a new encoding is charged
     * @return whether it encoded
     */
    public boolean encodeAhead(PendingBudget budget) {
        long now = System.nanoTime();
        if (fullListAsked) {
            fullListAsked = false;
            lastFullList = now;
        }
        if (now - lastFullList > AHEAD_WHILE_ASKED_NANOS) {
            return false;
        }
        long behind = table.version() - encoded.version();
        if (behind < Math.max(AHEAD_MIN_CHANGES, table.size() / 4)) {
            return false;
        }
        EncodedTable.Lease lease = encoded.acquire(table.snapshot(), budget);
        if (lease == null) {
            return false;
        }
        lease.done();
        return true;
    }

    private static Answer select(EncodedTable.Lease lease, List<StaListAttr> records, ByteBufAllocator alloc,
                                 PendingBudget.Grant grant) {
        int size = EncodedTable.replySize(records.size());
        if (!grant.take(size)) {
            lease.done();
            return null;
        }
        try {
            return new Answer(lease.select(records, size >= LARGE ? UnpooledByteBufAllocator.DEFAULT : alloc), size, null);
        } catch (OutOfMemoryError e) {
            throw Fatal.outOfMemory("copying a table reply", e);
        }
    }

    /** A reply the encoder writes (its buffer is allocated on the way out: charged here first). */
    private static Answer encodedOnTheWay(Reply reply, PendingBudget.Grant grant) {
        int size = ReplyEncoder.size(reply);
        return grant.take(size) ? new Answer(reply, size, null) : null;
    }

    /**
     * Starts a filter change or a kick; the future completes once the change is durable and the
     * kick confirmed (never on an event loop thread's time: callers hop back to their loop).
     *
     * @param cmd {@code FILTER_ADD}, {@code FILTER_DEL}, {@code FILTER_FLUSH} or {@code STA_KICK}
     * @return the reply, when durable
     */
    public CompletableFuture<Reply> mutate(CloudCmdAttr cmd) {
        CompletableFuture<FilterResult> result;
        switch (cmd.command()) {
            case FILTER_ADD:
                result = filters.add(cmd.groupId(), cmd.mac(), Duration.ofSeconds(cmd.lifetimeS()));
                break;
            case FILTER_DEL:
                result = filters.del(cmd.groupId(), cmd.mac());
                break;
            case FILTER_FLUSH:
                result = filters.flush(cmd.groupId());
                break;
            case STA_KICK:
                return kicks.run(cmd);
            default:
                throw new IllegalArgumentException("not a mutation: " + cmd.command());
        }
        return result.thenApply(CommandProcessor::toReply);
    }

    private static Reply toReply(FilterResult r) {
        switch (r) {
            case OK:
                return Reply.ack();
            case NOENT:
                return Reply.nak(ErrorCode.E_NOENT);
            case FULL:
                return Reply.nak(ErrorCode.E_FULL);
            default:
                throw new IllegalStateException("unexpected " + r);
        }
    }

    /** Releases the cached table reply; call it after the last query (replies already handed out stay valid). */
    @Override
    public void close() {
        encoded.close();
    }
}
