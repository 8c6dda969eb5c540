package dev.stationd.daemon.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval; occurrences in between are counted and reported
 * with the next line that gets through. Thread-safe and cheap when suppressed.
 */
public final class RateLimitedLog {
    /** Default interval: one line per second. */
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextAllowed;
    private final AtomicLong suppressed = new AtomicLong();

    /** @param log the destination */
    public RateLimitedLog(Logger log) {
        this(log, DEFAULT_INTERVAL_NANOS, System::nanoTime);
    }

    /**
     * @param log the destination
     * @param intervalNanos minimum time between two lines
     * @param nanoClock monotonic clock
     */
    public RateLimitedLog(Logger log, long intervalNanos, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
        this.nextAllowed = new AtomicLong(nanoClock.getAsLong());
    }

    /**
     * @param format slf4j format
     * @param args arguments
     * @return whether the line was logged (false = suppressed and counted)
     */
    public boolean warn(String format, Object... args) {
        long now = nanoClock.getAsLong();
        long next = nextAllowed.get();
        if (now - next < 0 || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return false;
        }
        long skipped = suppressed.getAndSet(0);
        if (skipped > 0) {
            log.warn(format + " (" + skipped + " similar suppressed)", args);
        } else {
            log.warn(format, args);
        }
        return true;
    }
}
