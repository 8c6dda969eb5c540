package dev.stationd.daemon.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the old generation from a timer task on an event loop shortly before a young
 * collection would have to.
 *
 * <p>With the serial collector of the shipped flags the old generation is collected when a young
 * collection cannot promote into it without growing it: that young collection becomes a full one
 * (about 10 ms for a table of 16,000 stations on a small machine), run by whatever allocates at
 * that moment. A query allocates more at once than anything else on a busy access point (a
 * snapshot of 16,000 records is 80 KB, a one-interface {@code STA_LIST} about 135 KB), so it is the
 * likeliest to be the one that waits, and the one that misses its latency. Here the old
 * generation's use is read every {@link #PERIOD}; when the room left in it would not take two of
 * the largest promotions seen lately, it is collected now, between two tasks of the loop: no
 * request on that loop is half answered, and the young collections after it find room again.
 * The collection is the one that was coming anyway, a little earlier.
 *
 * <p>A full collection stops every thread, so a client whose request or reply is on its way still
 * waits for it. The best moment is right after a reply went out with no other in flight: clients
 * that poll (a cloud agent, a monitoring script) are then furthest from their next request. So a
 * collection that would be due within about a second ({@link #PROMOTIONS_AHEAD_AFTER_REPLY} of the
 * largest promotions left) is made at such a moment, and the rule above remains for a daemon that
 * nobody queries.
 *
 * <p>It starts once the table has changed {@link #CHURN_PER_SECOND} times a second or more for
 * {@link #CHURN_SECONDS} seconds in a row (a busy access point, not the load of the table at
 * start): the JVM's management beans it reads cost a daemon about 1.7 MiB of memory, which a
 * quiet access point (a table that barely changes, no full collection to speak of) has no reason
 * to pay. Only for a generational collector whose young collections leave the old
 * generation to another collector (serial, parallel); with any other (G1, which has its own
 * periodic collection, ZGC, Shenandoah) it finds no such generation and does nothing, and
 * {@code -XX:+DisableExplicitGC} turns it off. Not thread-safe: one task calls {@link #tick()}.
 */
public final class CollectionPacer {
    /** How often the old generation's use is read (a read is a call into the JVM and one small object). */
    static final Duration PERIOD = Duration.ofMillis(100);
    /** Table changes a second from which pacing starts (W9's churn is 803, a re-read of 16,056 stations more). */
    static final long CHURN_PER_SECOND = 100;
    /** Seconds in a row of such churn before pacing starts. */
    static final int CHURN_SECONDS = 5;
    /** How many of the largest recent promotions the old generation must still have room for. */
    static final int PROMOTIONS_AHEAD = 2;
    /**
     * Right after a reply went out with none in flight: collecting is due with room for fewer
     * than this many (two more than {@link #PROMOTIONS_AHEAD}: about a second of promotions on a
     * busy access point, the time to the next request of a client polling every second).
     */
    static final int PROMOTIONS_AHEAD_AFTER_REPLY = 4;
    /**
     * The largest promotion is forgotten by this fraction per look (1/256: halved in about 18 s), so
     * that a burst (a re-read of every station) does not keep collections early long after it.
     */
    static final int DECAY_SHIFT = 8;
    /**
     * Looks between two of this pacer's collections at least: at most one a second, even where the
     * live data leaves the old generation less room than two promotions after every collection.
     */
    static final int MIN_LOOKS_BETWEEN = 10;
    private static final Logger LOG = LoggerFactory.getLogger(CollectionPacer.class);

    private final MemoryPoolMXBean old;
    private final Replies replies;
    /** {@link Replies#done()} at the last look. */
    private long lastDone;
    private long lastUsed = -1;
    private long largestPromotion;
    /** The old generation's use right after this pacer's last collection; {@code -1} before the first. */
    private long usedAfterOwn = -1;
    /** Looks since this pacer's last collection (as many as needed before the first). */
    private int looksSinceOwn = MIN_LOOKS_BETWEEN;

    /** The clients' replies, counted by the server. */
    public interface Replies {
        /** @return replies made so far (each is written, then done) */
        long made();

        /** @return replies whose write is over (sent, or failed with its connection) */
        long done();
    }

    private CollectionPacer(MemoryPoolMXBean old, Replies replies) {
        this.old = old;
        this.replies = replies;
        this.lastDone = replies.done();
    }

    /**
     * A pacer for this JVM's collector.
     *
     * @param replies the clients' replies
     * @return the pacer, or empty when the collector has no separately collected old generation
     *     or {@code -XX:+DisableExplicitGC} is set
     */
    public static Optional<CollectionPacer> forThisJvm(Replies replies) {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hotspot != null && Boolean.parseBoolean(hotspot.getVMOption("DisableExplicitGC").getValue())) {
            return Optional.empty();
        }
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        List<List<String>> managed = collectors.stream().map(c -> Arrays.asList(c.getMemoryPoolNames())).toList();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && isOldGeneration(pool.getName(), managed)) {
                return Optional.of(new CollectionPacer(pool, replies));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a heap pool is an old generation that young collections leave alone: of two or more
     * collectors, exactly one manages it (the serial collector's {@code Tenured Gen} is managed by
     * {@code MarkSweepCompact} and not by {@code Copy}; G1's {@code G1 Old Gen} by both of G1's
     * collectors; ZGC and Shenandoah have no second collector).
     *
     * @param pool a heap pool's name
     * @param managed each collector's pool names
     * @return whether it is such an old generation
     */
    static boolean isOldGeneration(String pool, List<List<String>> managed) {
        return managed.size() >= 2 && managed.stream().filter(names -> names.contains(pool)).count() == 1;
    }

    /**
     * Watches the table's changes once a second and starts pacing on {@code loop} once they have
     * come {@link #CHURN_PER_SECOND} times a second or more for {@link #CHURN_SECONDS} seconds in a row.
     *
     * @param loop an event loop (the watch and the looks run on it, between its other tasks)
     * @param changes the table's change count ({@code StationTable.version()})
     * @param replies the clients' replies
     */
    public static void startOnChurn(ScheduledExecutorService loop, LongSupplier changes, Replies replies) {
        new ChurnWatch(loop, changes, replies).start();
    }

    /**
     * @param perSecond table changes in the last second
     * @return whether that is churn enough to pace collections for
     */
    static boolean churning(long perSecond) {
        return perSecond >= CHURN_PER_SECOND;
    }

    /** The watch before pacing: one look a second at the change count, no management bean loaded. */
    private static final class ChurnWatch implements Runnable {
        private final ScheduledExecutorService loop;
        private final LongSupplier changes;
        private final Replies replies;
        private long last;
        private int busySeconds;
        private ScheduledFuture<?> task;

        ChurnWatch(ScheduledExecutorService loop, LongSupplier changes, Replies replies) {
            this.loop = loop;
            this.changes = changes;
            this.replies = replies;
        }

        void start() {
            last = changes.getAsLong();
            task = loop.scheduleAtFixedRate(this, 1, 1, TimeUnit.SECONDS);
        }

        @Override
        public void run() {
            long now = changes.getAsLong();
            long perSecond = now - last;
            busySeconds = churning(perSecond) ? busySeconds + 1 : 0;
            last = now;
            if (busySeconds < CHURN_SECONDS) {
                return;
            }
            task.cancel(false);
            Optional<CollectionPacer> pacer = forThisJvm(replies);
            if (pacer.isEmpty()) {
                LOG.info("the table changed {} times in the last second, {} or more a second for {} s; its old generation is left "
                        + "to the JVM (-XX:+DisableExplicitGC, or a collector without a separately collected old generation)",
                        perSecond, CHURN_PER_SECOND, CHURN_SECONDS);
                return;
            }
            CollectionPacer p = pacer.get();
            LOG.info("the table changed {} times in the last second, {} or more a second for {} s; old generation ({}): "
                    + "collected between event loop tasks when nearly full from now on (-XX:+DisableExplicitGC turns this off)",
                    perSecond, CHURN_PER_SECOND, CHURN_SECONDS, p.old.getName());
            long period = PERIOD.toMillis();
            loop.scheduleAtFixedRate(p::tick, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** One look at the old generation; collects it when it is nearly full. */
    void tick() {
        MemoryUsage u = old.getUsage();
        long used = u.getUsed();
        long committed = u.getCommitted();
        largestPromotion = nextLargest(largestPromotion, lastUsed < 0 ? 0 : used - lastUsed);
        lastUsed = used;
        // done before made: a reply is made before it is done, so equal counts mean none in flight
        long done = replies.done();
        boolean afterReply = replyJustOut(lastDone, done, replies.made());
        lastDone = done;
        if (looksSinceOwn < MIN_LOOKS_BETWEEN) {
            looksSinceOwn++;
            return;
        }
        if (!due(used, committed, largestPromotion, usedAfterOwn, afterReply)) {
            return;
        }
        System.gc();
        long after = old.getUsage().getUsed();
        LOG.debug("collected the {} ahead of a young collection{}: {} KiB used of {} KiB, {} KiB after; largest recent promotion {} KiB",
                old.getName(), afterReply ? ", after a reply" : "", used >> 10, committed >> 10, after >> 10,
                largestPromotion >> 10);
        usedAfterOwn = after;
        lastUsed = after;
        looksSinceOwn = 0;
    }

    /**
     * @param largest the largest promotion so far
     * @param grown how much the old generation's use grew since the last look (negative after a collection)
     * @return the largest promotion now: the new one if larger, else the old one a little forgotten
     */
    static long nextLargest(long largest, long grown) {
        return Math.max(grown, largest - (largest >> DECAY_SHIFT));
    }

    /**
     * @param lastDone replies done at the last look
     * @param done replies done now
     * @param made replies made, read after {@code done}
     * @return whether a reply went out since the last look and none is in flight
     */
    static boolean replyJustOut(long lastDone, long done, long made) {
        return done != lastDone && made == done;
    }

    /**
     * Whether to collect now.
     *
     * @param used the old generation's use
     * @param committed its size (collecting is due before a promotion would have to grow it)
     * @param largestPromotion the largest recent growth between two looks ({@code 0} = none seen)
     * @param usedAfterOwn its use right after this pacer's last collection, {@code -1} if none: at
     *     least one more such promotion must have come since, or a generation whose live data
     *     leaves less room than that would be collected at every look
     * @param afterReply whether a reply went out since the last look and none is in flight
     * @return whether to collect
     */
    static boolean due(long used, long committed, long largestPromotion, long usedAfterOwn, boolean afterReply) {
        int ahead = afterReply ? PROMOTIONS_AHEAD_AFTER_REPLY : PROMOTIONS_AHEAD;
        if (largestPromotion <= 0 || committed - used >= ahead * largestPromotion) {
            return false;
        }
        return usedAfterOwn < 0 || used - usedAfterOwn >= largestPromotion;
    }
}
