package dev.stationd.daemon.hostapd;

import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pace of the periodic re-reads: how many stations a second the walks of all interfaces may
 * ask hostapd about together ({@code hostapd_resync_rate}). hostapd is single-threaded and each
 * {@code STA-NEXT} is a driver round trip on real hardware, so on an access point with thousands
 * of stations a re-read in one burst holds up what hostapd does for the air, and stationd's own
 * table changes to subscribers come in the same burst.
 *
 * <p>The pace gives way to the table's expiry: a station that is not re-read within
 * {@code table.expire_after} would be removed while connected. A walk may therefore last at most
 * {@link #window} (four fifths of {@code expire_after}, less the pause between two walks), and
 * when the stations known over all interfaces are more than that allows at the configured rate,
 * the rate is raised to what they need. That is logged once when it starts and once when the
 * stations need less than nine tenths of the configured rate again (so that a count hovering at
 * the limit does not log on every station).
 *
 * <p>Each batch reserves its place in one timeline shared by all walks (the earliest moment the
 * next station may be asked): the walks of several interfaces take turns instead of adding up.
 * Only re-reads are paced; the first read after (re)connecting and the one after hostapd enables
 * the interface repair the table and go at once. Used on the links' event loop only.
 */
final class ResyncPace {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Below this share of the configured rate, a raised rate is logged as back to normal. */
    private static final double BACK_BELOW = 0.9;
    private static final Logger LOG = LoggerFactory.getLogger(ResyncPace.class);

    private final int perSecond;
    private final IntSupplier stations;
    private final Supplier<Duration> expireAfter;
    private final Supplier<Duration> pause;
    /** The earliest {@link System#nanoTime} at which the next station may be asked (once {@link #started}). */
    private long next;
    /** Whether any place was reserved yet ({@code nanoTime} has no value that could mean "never"). */
    private boolean started;
    /** Whether the rate is raised above the configured one for expiry's sake (as last logged). */
    private boolean raised;

    /**
     * @param perSecond {@code hostapd_resync_rate}
     * @param stations the stations known over all interfaces
     * @param expireAfter the current {@code table.expire_after}
     * @param pause the resync period: the longest from the end of one walk of an interface to the
     *     start of its next
     */
    ResyncPace(int perSecond, IntSupplier stations, Supplier<Duration> expireAfter, Supplier<Duration> pause) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("perSecond: must be positive, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.stations = stations;
        this.expireAfter = expireAfter;
        this.pause = pause;
    }

    /**
     * @return the longest a walk may last so that, with the pause after it, every station is read
     *     again within four fifths of {@code table.expire_after} (the pause is at most half of it,
     *     so this is at least three tenths)
     */
    Duration window() {
        return expireAfter.get().multipliedBy(4).dividedBy(5).minus(pause.get());
    }

    /**
     * @return the stations a second the walks may ask about now: the configured rate or what expiry
     *     needs; logs when that starts or stops being more than the configured rate
     */
    double perSecond() {
        Duration window = window();
        int n = stations.getAsInt();
        double needed = needed(n, window);
        if (!raised && needed > perSecond) {
            raised = true;
            LOG.info("hostapd: {} stations must each be re-read within {} s (4/5 of table.expire_after less"
                    + " hostapd_resync): re-reading {} a second, more than hostapd_resync_rate {}", n,
                    window.toSeconds(), Math.round(needed), perSecond);
        } else if (raised && needed < perSecond * BACK_BELOW) {
            raised = false;
            LOG.info("hostapd: {} stations: re-reading at hostapd_resync_rate {} a second again", n, perSecond);
        }
        return Math.max(perSecond, needed);
    }

    /**
     * @return what {@link #perSecond} would return, without logging: only reads, so any thread may
     *     ask (the metrics endpoint does)
     */
    double rate() {
        return Math.max(perSecond, needed(stations.getAsInt(), window()));
    }

    /** @return stations a second that read {@code n} stations within {@code window} */
    private static double needed(int n, Duration window) {
        return n / (window.toNanos() / (double) NANOS_PER_SECOND);
    }

    /** @return whether the rate is raised above {@code hostapd_resync_rate} for the table's expiry */
    boolean raised() {
        return raised;
    }

    /**
     * Reserves the next {@code n} stations' place in the shared timeline.
     *
     * @param n stations about to be asked
     * @param nowNanos {@link System#nanoTime()}
     * @return nanoseconds to wait before asking them (0 = now)
     */
    long reserve(int n, long nowNanos) {
        long start = started && next - nowNanos > 0 ? next : nowNanos; // a timeline never runs ahead by saving up
        started = true;
        next = start + (long) (n * NANOS_PER_SECOND / perSecond());
        return start - nowNanos;
    }
}
