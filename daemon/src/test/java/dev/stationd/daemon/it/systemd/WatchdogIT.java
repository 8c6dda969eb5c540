package dev.stationd.daemon.it.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code WATCHDOG=1} at {@code WATCHDOG_USEC/2}, and none once an event loop is stuck. */
class WatchdogIT {
    @TempDir
    Path dir;

    @Test
    void pingsAtHalfTheTimeoutAndStopWhenAnEventLoopIsBlocked() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "  io_threads: 3\n", "");
        SystemdLaunch launch = new SystemdLaunch(dir).activateBoth().env("WATCHDOG_USEC", "200000")
                .jvm("-Dstationd.test.blockEventLoop=true");
        Process p = null;
        try (NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"))) {
            launch.env("NOTIFY_SOCKET", notify.notifySocket());
            p = launch.start(cfg);
            launch.env("WATCHDOG_PID", Long.toString(p.pid()));
            notify.await("READY=1", DaemonProcess.START_DEADLINE);
            notify.await("WATCHDOG=1", Duration.ofSeconds(10));
            Thread.sleep(3000);
            List<NotifyListener.Message> pings = notify.with("WATCHDOG=1");
            // Skip the first second (JIT warm-up), then look at the cadence.
            long from = pings.get(0).nanos() + 1_000_000_000L;
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < pings.size(); i++) {
                if (pings.get(i - 1).nanos() >= from) {
                    gaps.add((pings.get(i).nanos() - pings.get(i - 1).nanos()) / 1_000_000);
                }
            }
            assertTrue(gaps.size() >= 10, "too few pings in 2 s: " + gaps);
            Collections.sort(gaps);
            long median = gaps.get(gaps.size() / 2);
            assertTrue(median >= 70 && median <= 140, "median ping interval should be ~100 ms: " + gaps);

            SystemdLaunch.signal(p, "USR2");
            DaemonProcess.await(Duration.ofSeconds(10), "the test hook to block a loop",
                    () -> launch.output().contains("test hook: blocking event loop"));
            Thread.sleep(400); // pings in flight land; at most one round was under way
            int before = notify.with("WATCHDOG=1").size();
            Thread.sleep(1500);
            int after = notify.with("WATCHDOG=1").size();
            assertEquals(before, after, "pings must stop while an event loop is blocked");
            DaemonProcess.await(Duration.ofSeconds(5), "the stall to be logged",
                    () -> launch.output().contains("withholding pings"));

            int n = notify.size();
            SystemdLaunch.signal(p, "TERM");
            notify.await(n, m -> m.has("STOPPING=1"), Duration.ofSeconds(15), "STOPPING=1");
            assertEquals(0, SystemdLaunch.awaitExit(p, DaemonProcess.STOP_DEADLINE, launch), launch.output());
        } finally {
            SystemdLaunch.kill(p);
        }
    }

    @Test
    void noPingsForAnotherWatchdogPid() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        SystemdLaunch launch = new SystemdLaunch(dir).env("WATCHDOG_USEC", "200000").env("WATCHDOG_PID", "1");
        Process p = null;
        try (NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"))) {
            launch.env("NOTIFY_SOCKET", notify.notifySocket());
            p = launch.start(cfg);
            notify.await("READY=1", DaemonProcess.START_DEADLINE);
            Thread.sleep(1000);
            assertEquals(List.of(), notify.with("WATCHDOG=1"));
            SystemdLaunch.signal(p, "TERM");
            assertEquals(0, SystemdLaunch.awaitExit(p, DaemonProcess.STOP_DEADLINE, launch), launch.output());
        } finally {
            SystemdLaunch.kill(p);
        }
    }
}
