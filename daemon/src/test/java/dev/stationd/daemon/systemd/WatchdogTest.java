package dev.stationd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatchdogTest {
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

    @Test
    void pingsAtHalfTheTimeoutOnlyWhileEveryLoopRuns() throws Exception {
        var group = new io.netty.channel.MultiThreadIoEventLoopGroup(3, io.netty.channel.epoll.EpollIoHandler.newFactory());
        var release = new java.util.concurrent.CountDownLatch(1);
        try (Watchdog w = new Watchdog(group, SdNotify.disabled(), Duration.ofMillis(100))) {
            assertEquals(Duration.ofMillis(50), w.period());
            w.start();
            Thread.sleep(1000);
            long pings = w.pings();
            assertTrue(pings >= 10 && pings <= 25, "about 20 pings in 1 s at 50 ms: " + pings);
            Watchdog.blockOneLoop(group, release);
            Thread.sleep(150);
            long blocked = w.pings();
            Thread.sleep(500);
            assertEquals(blocked, w.pings(), "no pings while a loop is blocked");
            release.countDown();
            Thread.sleep(300);
            assertTrue(w.pings() > blocked, "pings resume when the loop runs again");
        } finally {
            release.countDown();
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
