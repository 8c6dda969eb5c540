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
        try (NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"));
             DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(List.of("-Dstationd.test.blockEventLoop=true"))
                     .activateBoth().env("WATCHDOG_USEC", "200000").env("NOTIFY_SOCKET", notify.notifySocket()).launch()) {
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

            d.signal("USR2");
            DaemonProcess.await(Duration.ofSeconds(10), "the test hook to block a loop",
                    () -> d.output().contains("test hook: blocking event loop"));
            Thread.sleep(400); // pings in flight land; at most one round was under way
            int before = notify.with("WATCHDOG=1").size();
            Thread.sleep(1500);
            int after = notify.with("WATCHDOG=1").size();
            assertEquals(before, after, "pings must stop while an event loop is blocked");
            DaemonProcess.await(Duration.ofSeconds(5), "the stall to be logged",
                    () -> d.output().contains("withholding pings"));

            int n = notify.size();
            d.signal("TERM");
            notify.await(n, m -> m.has("STOPPING=1"), Duration.ofSeconds(15), "STOPPING=1");
            assertEquals(0, d.awaitExit(DaemonProcess.STOP_DEADLINE), d.output());
        }
    }

    @Test
    void noPingsForAnotherWatchdogPid() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        try (NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"));
             DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(List.of()).env("WATCHDOG_USEC", "200000")
                     .env("WATCHDOG_PID", "1").env("NOTIFY_SOCKET", notify.notifySocket()).launch()) {
            notify.await("READY=1", DaemonProcess.START_DEADLINE);
            Thread.sleep(1000);
            assertEquals(List.of(), notify.with("WATCHDOG=1"));
            d.signal("TERM");
            assertEquals(0, d.awaitExit(DaemonProcess.STOP_DEADLINE), d.output());
        }
    }
}
