package dev.stationd.daemon.server;

/**
 * Whether table changes come fast enough to call the access point busy: the rate over the last
 * full second (or the longer span since the change before, after a quiet spell), updated as
 * changes arrive. Not thread-safe: the {@link EventHub} calls it under its lock.
 */
final class ChangeRate {
    private static final long SECOND_NANOS = 1_000_000_000L;
    private final int busyPerSecond;
    /** When the current span began ({@link System#nanoTime}), and the count then; no span yet at first. */
    private boolean started;
    private long since;
    private long countAtStart;
    private boolean busy;

    /** @param busyPerSecond changes a second from which the rate counts as busy */
    ChangeRate(int busyPerSecond) {
        this.busyPerSecond = busyPerSecond;
    }

    /**
     * @param now the time of a change ({@link System#nanoTime})
     * @param count changes so far, this one included
     * @return whether the last span of a second or more had at least {@code busyPerSecond} a second
     */
    boolean update(long now, long count) {
        if (!started) {
            started = true;
            since = now;
            countAtStart = count;
            return busy;
        }
        long elapsed = now - since;
        if (elapsed >= SECOND_NANOS) {
            // a quiet spell is one long span with few changes: the first change after it is not busy
            busy = (double) (count - countAtStart) * SECOND_NANOS / elapsed >= busyPerSecond;
            since = now;
            countAtStart = count;
        }
        return busy;
    }

    /** @return the verdict of the last {@link #update} */
    boolean busy() {
        return busy;
    }
}
