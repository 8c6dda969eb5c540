package dev.stationd.daemon.systemd;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The systemd watchdog ({@code WatchdogSec=}): {@code WATCHDOG=1} every {@code WATCHDOG_USEC/2},
 * sent only while every event loop of the server group still runs its tasks and every other part
 * the daemon vouches for (a {@link Liveness}: the filter writer) does its job.
 *
 * <p>Each event loop runs a check-in task every {@code WATCHDOG_USEC/2}. The loop whose check-in
 * completes the round (every loop has checked in since the last ping) sends the ping and starts a
 * new round. A loop that is stuck (a handler that blocks, a busy spin) never checks in, so the
 * pings stop and systemd restarts the service after {@code WatchdogSec=}. A round also ends without
 * a ping while a {@link Liveness} reports a problem (a filter writer stuck in {@code fsync}, or dead).
 */
public final class Watchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    /** The environment variable with the watchdog timeout in microseconds. */
    public static final String WATCHDOG_USEC = "WATCHDOG_USEC";
    /** The environment variable naming the process that must send the pings. */
    public static final String WATCHDOG_PID = "WATCHDOG_PID";
    /**
     * Test-only: with {@code -Dstationd.test.blockEventLoop=true} the daemon blocks one event loop
     * on {@code SIGUSR2}, to prove that a stuck loop stops the pings. Never set in production.
     */
    public static final String TEST_BLOCK_PROPERTY = "stationd.test.blockEventLoop";

    /** Another part of the daemon whose health the pings vouch for. */
    @FunctionalInterface
    public interface Liveness {
        /**
         * @param timeout the watchdog timeout: how long the part may be stuck before it counts as dead
         * @return empty while it does its job, else what is wrong (logged once when the pings stop)
         */
        Optional<String> problem(Duration timeout);
    }

    private final EventLoopGroup group;
    private final SdNotify notify;
    private final List<Liveness> parts;
    private final Duration period;
    private final Duration timeout;
    private final List<EventExecutor> loops = new ArrayList<>();
    private final boolean[] checkedIn;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private int pending;
    private long lastPingNanos;
    private boolean stallLogged;
    private boolean partStalled;
    private long pings;

    /**
     * @param group the event loops that must all be alive for a ping
     * @param notify where the pings go
     * @param timeout {@code WATCHDOG_USEC}; pings are sent every half of it
     */
    public Watchdog(EventLoopGroup group, SdNotify notify, Duration timeout) {
        this(group, notify, timeout, List.of());
    }

    /**
     * @param group the event loops that must all be alive for a ping
     * @param notify where the pings go
     * @param timeout {@code WATCHDOG_USEC}; pings are sent every half of it
     * @param parts the other parts that must be alive for a ping
     */
    public Watchdog(EventLoopGroup group, SdNotify notify, Duration timeout, List<Liveness> parts) {
        this.parts = List.copyOf(parts);
        this.group = group;
        this.notify = notify;
        this.timeout = timeout;
        this.period = timeout.dividedBy(2);
        group.forEach(loops::add);
        this.checkedIn = new boolean[loops.size()];
        this.pending = loops.size();
    }

    /**
     * Reads the watchdog timeout from the environment as {@code sd_watchdog_enabled()} does.
     *
     * @param env the process environment
     * @param pid this process's id
     * @return the timeout, empty when the watchdog is off, for another process, or malformed
     */
    public static Optional<Duration> timeout(Map<String, String> env, long pid) {
        String usec = env.get(WATCHDOG_USEC);
        if (usec == null || usec.isEmpty()) {
            return Optional.empty();
        }
        String wpid = env.get(WATCHDOG_PID);
        if (wpid != null && !wpid.isEmpty()) {
            try {
                if (Long.parseLong(wpid.trim()) != pid) {
                    return Optional.empty();
                }
            } catch (NumberFormatException e) {
                LOG.warn("ignoring malformed WATCHDOG_PID={}", wpid);
                return Optional.empty();
            }
        }
        try {
            long value = Long.parseLong(usec.trim());
            if (value <= 0) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos(Math.multiplyExact(value, 1000L)));
        } catch (NumberFormatException | ArithmeticException e) {
            LOG.warn("ignoring malformed WATCHDOG_USEC={}", usec);
            return Optional.empty();
        }
    }

    /** @return the ping interval, half the timeout */
    public Duration period() {
        return period;
    }

    /** Schedules the check-in task on every event loop; the first ping follows at once. */
    public synchronized void start() {
        lastPingNanos = System.nanoTime();
        for (int i = 0; i < loops.size(); i++) {
            int index = i;
            tasks.add(loops.get(i).scheduleAtFixedRate(() -> checkIn(index), 0, period.toNanos(), TimeUnit.NANOSECONDS));
        }
        LOG.info("watchdog: ping every {} ms while all {} event loops answer", period.toMillis(), loops.size());
    }

    private synchronized void checkIn(int index) {
        long now = System.nanoTime();
        if (!checkedIn[index]) {
            checkedIn[index] = true;
            pending--;
        }
        if (pending == 0 && partsStalled()) {
            java.util.Arrays.fill(checkedIn, false); // the loops run: a new round, but no ping
            pending = loops.size();
        } else if (pending == 0) {
            java.util.Arrays.fill(checkedIn, false);
            pending = loops.size();
            lastPingNanos = now;
            if (partStalled) {
                LOG.warn("watchdog: every part of the daemon answers again; pings resumed");
                partStalled = false;
            }
            pings++;
            if (stallLogged) {
                LOG.warn("watchdog: all event loops answer again; pings resumed");
                stallLogged = false;
            }
            notify.watchdog();
        } else if (!stallLogged && pings > 0 && now - lastPingNanos > timeout.toNanos()) {
            stallLogged = true;
            LOG.error("watchdog: {} of {} event loops have not run for {} ms; withholding pings, systemd will restart the service",
                    pending, loops.size(), (now - lastPingNanos) / 1_000_000);
        }
    }

    /** @return whether a part reports a problem (logged once until it is gone) */
    private boolean partsStalled() {
        for (Liveness part : parts) {
            Optional<String> problem = part.problem(timeout);
            if (problem.isPresent()) {
                if (!partStalled) {
                    partStalled = true;
                    LOG.error("watchdog: {}; withholding pings, systemd will restart the service", problem.get());
                }
                return true;
            }
        }
        return false;
    }

    /** @return pings sent so far */
    public synchronized long pings() {
        return pings;
    }

    /**
     * Test-only hook: blocks one event loop of {@code group} until {@code release} opens.
     *
     * @param group the group
     * @param release opened at shutdown
     */
    public static void blockOneLoop(EventLoopGroup group, CountDownLatch release) {
        EventExecutor loop = group.next();
        LOG.warn("test hook: blocking event loop {}", loop);
        loop.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Stops the pings. */
    @Override
    public synchronized void close() {
        tasks.forEach(t -> t.cancel(false));
        tasks.clear();
    }
}
