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
            NotifyListener.Message first = notify.await("WATCHDOG=1", Duration.ofSeconds(10));
            // Skip the first second (JIT warm-up), then look at the cadence of the next pings.
            long from = first.nanos() + 1_000_000_000L;
            DaemonProcess.await(Duration.ofSeconds(20), "11 pings after the first second",
                    () -> notify.with("WATCHDOG=1").stream().filter(m -> m.nanos() >= from).count() >= 11);
            List<NotifyListener.Message> pings = notify.with("WATCHDOG=1");
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < pings.size(); i++) {
                if (pings.get(i - 1).nanos() >= from) {
                    gaps.add((pings.get(i).nanos() - pings.get(i - 1).nanos()) / 1_000_000);
                }
            }
            assertTrue(gaps.size() >= 10, "gaps between the pings after the first second: " + gaps);
            Collections.sort(gaps);
            long median = gaps.get(gaps.size() / 2);
            assertTrue(median >= 70 && median <= 140, "median ping interval should be ~100 ms: " + gaps);

            d.signal("USR2");
            DaemonProcess.await(Duration.ofSeconds(10), "the test hook to block a loop",
                    () -> d.output().contains("test hook: blocking event loop"));
            // Logged once the running loops see no ping for longer than the timeout: the round that
            // was under way when the loop blocked has ended by then.
            DaemonProcess.await(Duration.ofSeconds(5), "the stall to be logged",
                    () -> d.output().contains("withholding pings"));
            int before = notify.with("WATCHDOG=1").size();
            DaemonProcess.poll("no WATCHDOG=1 while an event loop is blocked", Duration.ofSeconds(5))
                    .during(Duration.ofMillis(1500)).until(() -> notify.with("WATCHDOG=1").size() == before);

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
            DaemonProcess.poll("no WATCHDOG=1 for another WATCHDOG_PID", Duration.ofSeconds(5))
                    .during(Duration.ofSeconds(1)).until(() -> notify.with("WATCHDOG=1").isEmpty());
            d.signal("TERM");
            assertEquals(0, d.awaitExit(DaemonProcess.STOP_DEADLINE), d.output());
        }
    }
}
