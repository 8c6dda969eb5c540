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
    public static final Duration PERIOD = Duration.ofMillis(100);
    /** Table changes a second from which pacing starts (W9's churn is 803, a re-read of 16,056 stations more). */
    static final long CHURN_PER_SECOND = 100;
    /** Seconds in a row of such churn before pacing starts. */
    static final int CHURN_SECONDS = 5;
    /** How many of the largest recent promotions the old generation must still have room for. */
    static final int PROMOTIONS_AHEAD = 2;
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
    private long lastUsed = -1;
    private long largestPromotion;
    /** The old generation's use right after this pacer's last collection; {@code -1} before the first. */
    private long usedAfterOwn = -1;
    /** Looks since this pacer's last collection (as many as needed before the first). */
    private int looksSinceOwn = MIN_LOOKS_BETWEEN;

    private CollectionPacer(MemoryPoolMXBean old) {
        this.old = old;
    }

    /**
     * A pacer for this JVM's collector.
     *
     * @return the pacer, or empty when the collector has no separately collected old generation
     *     or {@code -XX:+DisableExplicitGC} is set
     */
    public static Optional<CollectionPacer> forThisJvm() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (hotspot != null && Boolean.parseBoolean(hotspot.getVMOption("DisableExplicitGC").getValue())) {
            return Optional.empty();
        }
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        List<List<String>> managed = collectors.stream().map(c -> Arrays.asList(c.getMemoryPoolNames())).toList();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && isOldGeneration(pool.getName(), managed)) {
                return Optional.of(new CollectionPacer(pool));
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
     */
    public static void startOnChurn(ScheduledExecutorService loop, LongSupplier changes) {
        new ChurnWatch(loop, changes).start();
    }

    /**
     * @param before the change count a second ago
     * @param now the change count now
     * @return whether that is churn enough to pace collections for
     */
    static boolean churning(long before, long now) {
        return now - before >= CHURN_PER_SECOND;
    }

    /** The watch before pacing: one look a second at the change count, no management bean loaded. */
    private static final class ChurnWatch implements Runnable {
        private final ScheduledExecutorService loop;
        private final LongSupplier changes;
        private long last;
        private int busySeconds;
        private ScheduledFuture<?> task;

        ChurnWatch(ScheduledExecutorService loop, LongSupplier changes) {
            this.loop = loop;
            this.changes = changes;
        }

        void start() {
            last = changes.getAsLong();
            task = loop.scheduleAtFixedRate(this, 1, 1, TimeUnit.SECONDS);
        }

        @Override
        public void run() {
            long now = changes.getAsLong();
            long perSecond = now - last;
            busySeconds = churning(last, now) ? busySeconds + 1 : 0;
            last = now;
            if (busySeconds < CHURN_SECONDS) {
                return;
            }
            task.cancel(false);
            Optional<CollectionPacer> pacer = forThisJvm();
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

    /**
     * One look at the old generation; collects it when it is nearly full.
     *
     * @return whether it collected
     */
    public boolean tick() {
        MemoryUsage u = old.getUsage();
        long used = u.getUsed();
        long committed = u.getCommitted();
        largestPromotion = nextLargest(largestPromotion, lastUsed < 0 ? 0 : used - lastUsed);
        lastUsed = used;
        if (looksSinceOwn < MIN_LOOKS_BETWEEN) {
            looksSinceOwn++;
            return false;
        }
        if (!due(used, committed, largestPromotion, usedAfterOwn)) {
            return false;
        }
        System.gc();
        long after = old.getUsage().getUsed();
        LOG.debug("collected the {} ahead of a young collection: {} KiB used of {} KiB, {} KiB after; largest recent promotion {} KiB",
                old.getName(), used >> 10, committed >> 10, after >> 10, largestPromotion >> 10);
        usedAfterOwn = after;
        lastUsed = after;
        looksSinceOwn = 0;
        return true;
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
     * Whether to collect now.
     *
     * @param used the old generation's use
     * @param committed its size (collecting is due before a promotion would have to grow it)
     * @param largestPromotion the largest recent growth between two looks ({@code 0} = none seen)
     * @param usedAfterOwn its use right after this pacer's last collection, {@code -1} if none: at
     *     least one more such promotion must have come since, or a generation whose live data
     *     leaves less room than that would be collected at every look
     * @return whether to collect
     */
    static boolean due(long used, long committed, long largestPromotion, long usedAfterOwn) {
        if (largestPromotion <= 0 || committed - used >= PROMOTIONS_AHEAD * largestPromotion) {
            return false;
        }
        return usedAfterOwn < 0 || used - usedAfterOwn >= largestPromotion;
    }
}
