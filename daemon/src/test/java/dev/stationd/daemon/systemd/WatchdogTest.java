package dev.stationd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class WatchdogTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Test
    void timeoutFromEnvironment() {
        assertEquals(Optional.empty(), Watchdog.timeout(Map.of(), 7));
        assertEquals(Optional.of(Duration.ofMillis(200)), Watchdog.timeout(Map.of("WATCHDOG_USEC", "200000"), 7));
        assertEquals(Optional.of(Duration.ofSeconds(30)),
                Watchdog.timeout(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "7"), 7));
        assertEquals(Optional.empty(), Watchdog.timeout(Map.of("WATCHDOG_USEC", "200000", "WATCHDOG_PID", "8"), 7));
        assertEquals(Optional.empty(), Watchdog.timeout(Map.of("WATCHDOG_USEC", "0"), 7));
        assertEquals(Optional.empty(), Watchdog.timeout(Map.of("WATCHDOG_USEC", "soon"), 7));
    }

    /** On an event loop whose clock the test moves: one ping at start, then exactly one per half timeout. */
    @Test
    void pingsAtOnceThenEveryHalfTheTimeout() {
        MockTicker clock = Ticker.newMockTicker();
        EmbeddedChannel ch = EmbeddedChannel.builder().ticker(clock).build();
        try (Watchdog w = new Watchdog(ch.eventLoop(), SdNotify.disabled(), Duration.ofMillis(100))) {
            assertEquals(Duration.ofMillis(50), w.period());
            w.start();
            ch.runScheduledPendingTasks();
            assertEquals(1, w.pings(), "the first ping at once");
            clock.advance(50_000_000 - 1, TimeUnit.NANOSECONDS);
            ch.runScheduledPendingTasks();
            assertEquals(1, w.pings(), "none before the period is over");
            clock.advance(1, TimeUnit.NANOSECONDS);
            ch.runScheduledPendingTasks();
            assertEquals(2, w.pings(), "the second one period later");
            clock.advance(500, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertEquals(12, w.pings(), "one per period, at a fixed rate");
            w.close();
            clock.advance(500, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertEquals(12, w.pings(), "none after close()");
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** A part of the daemon that reports a problem (the filter writer stuck in fsync) withholds the pings. */
    @Test
    void aStalledPartWithholdsThePingsUntilItRecovers() {
        MockTicker clock = Ticker.newMockTicker();
        EmbeddedChannel ch = EmbeddedChannel.builder().ticker(clock).build();
        java.util.concurrent.atomic.AtomicReference<String> problem = new java.util.concurrent.atomic.AtomicReference<>();
        List<Duration> asked = new ArrayList<>();
        Watchdog.Liveness part = timeout -> {
            asked.add(timeout);
            return Optional.ofNullable(problem.get());
        };
        try (Watchdog w = new Watchdog(ch.eventLoop(), SdNotify.disabled(), Duration.ofMillis(100), List.of(part))) {
            w.start();
            ch.runScheduledPendingTasks();
            assertEquals(1, w.pings(), "a healthy part: the first ping at once");
            assertEquals(Duration.ofMillis(100), asked.get(0), "the part is told the watchdog timeout");
            problem.set("the filter writer has been saving one batch for 200 ms");
            clock.advance(500, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertEquals(1, w.pings(), "no ping while the part is stalled, though the loop runs");
            problem.set(null);
            clock.advance(50, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertEquals(2, w.pings(), "the pings resume with the part");
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /**
     * On real epoll event loops: a loop that does not run its tasks withholds every ping while the
     * other loops keep checking in, and the pings resume once it runs again. Nothing here depends
     * on how fast the machine is: the test waits until the running loops have passed a point in
     * their own schedules, not for an amount of wall time.
     */
    @Test
    void aBlockedLoopWithholdsThePingsUntilItRunsAgain() throws Exception {
        var group = new MultiThreadIoEventLoopGroup(3, EpollIoHandler.newFactory());
        var release = new CountDownLatch(1);
        try (Watchdog w = new Watchdog(group, SdNotify.disabled(), Duration.ofMillis(100))) {
            w.start();
            awaitPings(w, 3, "pings while every loop runs");

            List<EventExecutor> loops = new ArrayList<>();
            group.forEach(loops::add);
            var blocked = new CountDownLatch(1);
            loops.get(0).execute(() -> {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(blocked.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the loop to block");
            List<EventExecutor> running = loops.subList(1, loops.size());
            // The round under way may still end in a ping (the blocked loop may have checked in
            // before it blocked); after a few periods of the running loops, no round can end.
            awaitSchedulesPast(running, w.period().multipliedBy(3));
            long withheld = w.pings();
            awaitSchedulesPast(running, w.period().multipliedBy(3));
            assertEquals(withheld, w.pings(), "no ping while a loop is blocked, though the others kept checking in");

            release.countDown();
            awaitPings(w, withheld + 1, "pings to resume when the loop runs again");
        } finally {
            release.countDown();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void awaitPings(Watchdog w, long n, String what) {
        Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(10)).until(() -> w.pings() >= n);
    }

    /**
     * Waits until each loop has run a task scheduled {@code delay} from now. A loop runs its
     * scheduled tasks in deadline order, so its check-ins due before then have run as well.
     */
    private static void awaitSchedulesPast(List<EventExecutor> loops, Duration delay) throws InterruptedException {
        var ran = new CountDownLatch(loops.size());
        for (EventExecutor loop : loops) {
            loop.schedule(ran::countDown, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
        assertTrue(ran.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the running loops to pass " + delay);
    }
}
