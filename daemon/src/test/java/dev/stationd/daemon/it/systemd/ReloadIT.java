package dev.stationd.daemon.it.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.RawConnection;
import dev.stationd.daemon.it.Stations;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP ({@code systemctl reload}): RELOADING=1 / READY=1, live changes, invalid files kept out. */
class ReloadIT {
    @TempDir
    Path dir;

    @Test
    void appliesValidChangesAndKeepsRunningOnInvalidYaml() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "  idle_timeout: 60s\n", "log:\n  level: info\n");
        try (NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"));
             DaemonProcess d = startWithOneStation(notify, cfg)) {
            assertFalse(d.output().contains("DEBUG"), d.output());

            // 1. A valid change: debug logging, 1 s idle timeout, and a socket path (needs a restart).
            Files.writeString(cfg, "server:\n  socket: other.sock\n  idle_timeout: 1s\ningest:\n  socket: events.sock\n"
                    + "state:\n  directory: state\nlog:\n  level: debug\n");
            NotifyListener.Message reloading = reload(d, notify);
            assertNotNull(reloading.value("MONOTONIC_USEC"), reloading.text());
            assertTrue(Long.parseLong(reloading.value("MONOTONIC_USEC")) > 0);
            DaemonProcess.await(Duration.ofSeconds(5), "the debug line", () -> d.output().contains("reload: log level is now debug"));
            assertTrue(Pattern.compile("DEBUG .*reload: log level is now debug").matcher(d.output()).find(), d.output());
            // exactly the one restart-only key that changed is named, as a warning
            assertTrue(Pattern.compile("WARN .*reload: server\\.socket change\\(s\\) only on restart; keeping the running values")
                    .matcher(d.output()).find(), d.output());
            assertTrue(d.output().contains("server.idle_timeout: 1m -> 1s, log.level: info -> debug"), d.output());
            assertFalse(Files.exists(dir.resolve("other.sock")), "socket path changes need a restart");
            // The new idle timeout applies to a new connection: it is closed after ~1 s of silence.
            assertIdleCloseWithin(dir.resolve("stationd.sock"));

            // 2. Invalid YAML: logged with file:line:column, the running configuration stays.
            Files.writeString(cfg, "server:\n  socket: stationd.sock\n  idle_timeout: [1s\nlog:\n  level: info\n");
            reload(d, notify);
            DaemonProcess.await(Duration.ofSeconds(5), "the reload error", () -> d.output().contains("reload failed"));
            assertTrue(Pattern.compile(Pattern.quote(cfg.toString()) + ":\\d+:\\d+: ").matcher(d.output()).find(),
                    d.output());
            try (StationClient c = StationClient.open(dir.resolve("stationd.sock"), Duration.ofSeconds(5))) {
                c.ping();
                assertEquals(1, c.list(ListQuery.ALL).size(), "the table is untouched");
            }
            // The running configuration (1 s idle timeout from the first reload) is still in force.
            assertIdleCloseWithin(dir.resolve("stationd.sock"));

            stop(d, notify);
        }
    }

    @Test
    void outOfRangeValuesAreRejectedAndTheRunningConfigurationStays() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "  idle_timeout: 1s\n", "log:\n  level: info\n");
        Path socket = dir.resolve("stationd.sock");
        try (NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"));
             DaemonProcess d = startWithOneStation(notify, cfg)) {

            // Valid YAML with two values out of range (200000d would overflow Duration.toNanos() in
            // every new connection) next to a change that is valid on its own (log.level).
            Files.writeString(cfg, """
                    server:
                      socket: stationd.sock
                      idle_timeout: 200000d
                    ingest:
                      socket: events.sock
                    state:
                      directory: state
                    table:
                      max_stations: 1000001
                    log:
                      level: debug
                    """);
            reload(d, notify);
            DaemonProcess.await(Duration.ofSeconds(5), "the reload error", () -> d.output().contains("reload failed"));
            String out = d.output();
            assertTrue(out.contains(cfg + ":3:17: server.idle_timeout: must be between 100ms and 1d, got 200000d"), out);
            assertTrue(out.contains(cfg + ":9:17: table.max_stations: must be between 1 and 1000000, got 1000001"), out);
            assertFalse(out.contains("configuration reloaded"), out);
            assertFalse(out.contains("log level is now debug"), "log.level of a rejected file was applied:\n" + out);
            // The running values stay: new connections are served, and closed after the old 1 s.
            try (StationClient c = StationClient.open(socket, Duration.ofSeconds(5))) {
                c.ping();
                assertEquals(1, c.list(ListQuery.ALL).size(), "the table is untouched");
            }
            assertIdleCloseWithin(socket);

            // Fixed, the file is applied by the next reload.
            Files.writeString(cfg, Files.readString(cfg).replace("200000d", "1d").replace("1000001", "1000000"));
            reload(d, notify);
            DaemonProcess.await(Duration.ofSeconds(5), "the applied reload",
                    () -> d.output().contains("configuration reloaded"));
            assertTrue(d.output().contains("server.idle_timeout: 1s -> 1d"), d.output());
            assertTrue(d.output().contains("table.max_stations: 65536 -> 1000000"), d.output());

            stop(d, notify);
        }
    }

    /** Starts the daemon on {@code cfg}, waits for READY=1 and for one ingested station. @return it */
    private DaemonProcess startWithOneStation(NotifyListener notify, Path cfg) throws Exception {
        DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(List.of()).activateBoth()
                .env("NOTIFY_SOCKET", notify.notifySocket()).launch();
        try {
            notify.await("READY=1", DaemonProcess.START_DEADLINE);
            Stations.sendOne(d.events(), 3);
            DaemonProcess.awaitStations(d.socket(), 1, Duration.ofSeconds(10));
            return d;
        } catch (Exception | Error e) {
            d.close();
            throw e;
        }
    }

    /** SIGTERM: STOPPING=1, then exit 0. */
    private static void stop(DaemonProcess d, NotifyListener notify) throws Exception {
        int n = notify.size();
        d.signal("TERM");
        notify.await(n, m -> m.has("STOPPING=1"), Duration.ofSeconds(15), "STOPPING=1");
        assertEquals(0, d.awaitExit(DaemonProcess.STOP_DEADLINE), d.output());
    }

    /** Sends SIGHUP and waits for {@code RELOADING=1} and the {@code READY=1} after it. @return the first */
    private static NotifyListener.Message reload(DaemonProcess d, NotifyListener notify) throws Exception {
        int n = notify.size();
        d.signal("HUP");
        NotifyListener.Message reloading = notify.await(n, m -> m.has("RELOADING=1"), Duration.ofSeconds(10), "RELOADING=1");
        notify.await(notify.messages().indexOf(reloading) + 1, m -> m.has("READY=1"), Duration.ofSeconds(10),
                "READY=1 after RELOADING=1");
        return reloading;
    }

    private static void assertIdleCloseWithin(Path socket) throws Exception {
        try (RawConnection c = RawConnection.open(socket)) {
            long t0 = System.nanoTime();
            c.expectEof(Duration.ofSeconds(10), "an idle connection (idle_timeout 1s)"); // no byte, then EOF
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 500, "idle connection closed after " + ms + " ms (idle_timeout 1s)");
        }
    }
}
