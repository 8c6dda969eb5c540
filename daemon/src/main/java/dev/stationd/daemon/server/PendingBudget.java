package dev.stationd.daemon.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * The one meter of memory held for clients: bytes of replies written and not yet taken by the
 * kernel, and the encoded table versions they keep alive, over all connections
 * ({@code server.max_pending_bytes}).
 *
 * <p>A reply is charged before its buffer is allocated ({@link Grant#take}). It fits when the
 * total stays within {@link #limit()}. Beyond that, a connection that holds little of its own (less
 * than a sixteenth of the limit: it reads its replies) may use a reserve of a quarter of the limit
 * for a reply of up to a sixteenth of the limit, so it keeps being answered while the offenders
 * are removed. A new encoding of the table ({@link #tryVersion}) may go up to the ceiling, one and
 * a half times the limit: every query needs it, and the old versions that slow clients keep are
 * what the disconnections free. What does not fit is refused (the connection answers
 * {@code E_BUSY}); when nothing at all is held, one reply or version of any size fits, so a table
 * larger than the limit is still served.
 *
 * <p>When a small reply or a new encoding does not fit in the limit (it took the reserve or was
 * refused), room is made: the connections that read their replies the slowest (clients that do not
 * read at all first), among those that hold at least {@link #EVICT_MIN_HELD} and have had replies
 * waiting for at least {@link #JUDGE_AFTER_MILLIS}, are disconnected until what they hold covers
 * the shortfall. A large reply that does not fit is only refused.
 *
 * <p>Error replies before a close and the writes of events are charged without a check
 * ({@link #force}): they are small, and bounded by the connections and the configuration. So the
 * total never exceeds the ceiling plus those small writes, whatever the clients do.
 *
 * <p>Each write also costs {@link #PER_WRITE} bytes for Netty's bookkeeping on the heap (the
 * outbound entry, its promise, the buffer object), so thousands of small replies count too.
 */
public final class PendingBudget {
    /** Heap bytes charged per write on top of its payload. */
    public static final int PER_WRITE = 256;
    /** How long a connection must have had replies waiting before its reading speed is judged. */
    static final long JUDGE_AFTER_MILLIS = 1000;
    /**
     * Least a connection must hold to be disconnected for the budget: a subscriber's few events or
     * a handful of small replies are not worth it (subscribers have their own backlog limit).
     */
    static final long EVICT_MIN_HELD = 64 * 1024;

    /** A connection as the budget sees it: how much it holds, and a way to disconnect it. */
    interface Holder {
        /**
         * @return bytes that disconnecting it would free: what it charged and has not sent, and
         *     the old table versions that only its unsent replies keep
         */
        long held();

        /** @return since when (System.nanoTime) it has had replies to send without a break */
        long holdingSince();

        /** @return bytes of its replies the kernel took since {@link #holdingSince()} */
        long taken();

        /** Disconnects at once, dropping what it holds. */
        void evict();
    }

    /** The bytes of one reply, taken from the limit and, for a connection that may, the reserve. Not thread-safe. */
    public final class Grant {
        private final boolean reserveAllowed;
        private long fromLimit;
        private long fromReserve;

        private Grant(boolean reserveAllowed) {
            this.reserveAllowed = reserveAllowed;
        }

        /**
         * @param bytes more bytes for this reply
         * @return whether they fit (then they are charged); a refusal also starts removing offenders
         */
        public boolean take(long bytes) {
            if (tryAdd(used, bytes, limit) || tryFirst(bytes)) {
                fromLimit += bytes;
                return true;
            }
            if (reserveAllowed && fromReserve + bytes <= limit / 16 && tryAdd(reserveUsed, bytes, limit / 4)) {
                fromReserve += bytes;
                evictIfOver(used.get() + bytes);
                return true;
            }
            stats.budgetRefusals.increment();
            if (bytes <= limit / 16) {
                // a cheap reply that does not fit: make room; a large one is just refused (no
                // client is disconnected for another one's large reply)
                evictIfOver(used.get() + bytes);
            }
            return false;
        }

        /** @return the budget it charges */
        public PendingBudget budget() {
            return PendingBudget.this;
        }

        /** @return bytes charged by this grant */
        public long bytes() {
            return fromLimit + fromReserve;
        }

        /** Gives every byte back. Idempotent. */
        public void release() {
            if (fromLimit != 0) {
                used.addAndGet(-fromLimit);
                fromLimit = 0;
            }
            if (fromReserve != 0) {
                reserveUsed.addAndGet(-fromReserve);
                fromReserve = 0;
            }
        }
    }

    private final AtomicLong used = new AtomicLong();
    private final AtomicLong reserveUsed = new AtomicLong();
    private final Set<Holder> holders = ConcurrentHashMap.newKeySet();
    /** Connections told to go and not gone yet: no new ones are told before they are gone. */
    private final Set<Holder> leavingBy = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean evicting = new AtomicBoolean();
    private volatile long limit;
    private final ServerStats stats;
    private final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon.Overload"));

    /**
     * @param limit bytes
     * @param stats where refusals and evictions are counted
     */
    public PendingBudget(long limit, ServerStats stats) {
        this.stats = stats;
        limit(limit);
    }

    /** @param bytes the new limit (reload) */
    public void limit(long bytes) {
        if (bytes < 16) {
            throw new IllegalArgumentException("limit must be at least 16 bytes: " + bytes);
        }
        this.limit = bytes;
    }

    /** @return the limit in bytes */
    public long limit() {
        return limit;
    }

    /** @return bytes charged now, the reserve included */
    public long used() {
        return used.get() + reserveUsed.get();
    }

    /**
     * @param charged bytes the asking connection has charged and not released
     * @return an empty grant for one reply; it may use the reserve when {@code charged} is below a
     *     sixteenth of the limit
     */
    public Grant grant(long charged) {
        return new Grant(charged < limit / 16);
    }

    /**
     * @param bytes the daemon's own bytes, charged without a check
     * @return the grant holding them
     */
    public Grant force(long bytes) {
        Grant g = new Grant(false);
        g.fromLimit = bytes;
        charge(bytes);
        return g;
    }

    /** Whether a new encoding of the table was charged, and beside or instead of the older one. */
    enum Room {
        /** Charged beside everything held. */
        BESIDE,
        /** Charged only by counting the older encoding no reply uses as free: the caller drops it now. */
        INSTEAD,
        /** Not charged. */
        NONE
    }

    /**
     * Charges a new encoding of the table if it fits under the ceiling (or nothing is held),
     * else, if the older encoding is used by no reply, in its place. Without the second chance
     * the encoding kept for the next query would keep a table that grew past half the ceiling
     * from ever being encoded again (every full list refused, with nothing to disconnect).
     *
     * @param bytes its size
     * @param unused bytes of the older encoding when no reply uses it, else 0
     * @return where it was charged (release it with {@link #release(long)})
     */
    Room tryVersion(long bytes, long unused) {
        if (tryAdd(used, bytes, ceiling()) || tryFirst(bytes)) {
            return Room.BESIDE;
        }
        if (unused > 0 && tryInstead(bytes, unused)) {
            return Room.INSTEAD;
        }
        stats.budgetRefusals.increment();
        evictIfOver(used.get() + bytes);
        return Room.NONE;
    }

    /** As {@link #tryVersion}'s first try, with {@code unused} of what is held counted as free. */
    private boolean tryInstead(long bytes, long unused) {
        return tryAdd(used, bytes, ceiling() + unused) || (reserveUsed.get() == 0 && used.compareAndSet(unused, unused + bytes));
    }

    /** @return the most a new encoding of the table may bring the total to */
    private long ceiling() {
        return limit + limit / 2;
    }

    /** One reply of any size when nothing at all is held: the daemon always makes progress. */
    private boolean tryFirst(long bytes) {
        return reserveUsed.get() == 0 && used.compareAndSet(0, bytes);
    }

    /** @param bytes charged without a check; see {@link #release(long)} */
    void charge(long bytes) {
        used.addAndGet(bytes);
    }

    /** @param bytes charged earlier by {@link #charge(long)}, now free */
    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    private static boolean tryAdd(AtomicLong counter, long bytes, long max) {
        while (true) {
            long now = counter.get();
            if (now + bytes > max) {
                return false;
            }
            if (counter.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** @param h a connection that may hold replies */
    void register(Holder h) {
        holders.add(h);
    }

    /** @param h a connection that is gone (its bytes are released by its writes' completion) */
    void unregister(Holder h) {
        holders.remove(h);
        leavingBy.remove(h);
    }

    /**
     * Disconnects the slowest readers until what they hold covers the excess over the limit. One
     * wave at a time: the next only once the connections of the last are gone and their bytes
     * released (what they hold may be shared, so it is known only then).
     */
    private void evictIfOver(long wanted) {
        if (!leavingBy.isEmpty() || !evicting.compareAndSet(false, true)) {
            return; // the last ones told to go are not gone yet: see what that freed first
        }
        try {
            long excess = wanted - limit;
            if (excess <= 0) {
                return;
            }
            List<Holder> heaviest = new ArrayList<>(holders);
            List<long[]> weights = new ArrayList<>(heaviest.size());
            long now = System.nanoTime();
            for (int i = 0; i < heaviest.size(); i++) {
                Holder h = heaviest.get(i);
                long held = h.held();
                long millis = (now - h.holdingSince()) / 1_000_000;
                if (held >= EVICT_MIN_HELD && millis >= JUDGE_AFTER_MILLIS) {
                    weights.add(new long[] {held, h.taken() * 1000 / millis, i}); // bytes per second
                }
            }
            // the slowest readers first (a client that does not read takes nothing at all)
            weights.sort(Comparator.comparingLong((long[] w) -> w[1]));
            long covered = 0;
            int evicted = 0;
            for (long[] w : weights) {
                if (covered >= excess) {
                    break;
                }
                Holder h = heaviest.get((int) w[2]);
                // marked as leaving before it may unregister itself, so the two never miss each other
                leavingBy.add(h);
                if (!holders.remove(h)) { // gone meanwhile
                    leavingBy.remove(h);
                    continue;
                }
                covered += w[0];
                evicted++;
                h.evict();
            }
            if (evicted > 0) {
                stats.budgetEvictions.add(evicted);
                log.warn("pending replies and events need {} of {} bytes: disconnected the {} connection(s) "
                        + "whose readers were slowest (holding {} bytes)", wanted, limit, evicted, covered);
            }
        } finally {
            evicting.set(false);
        }
    }
}
