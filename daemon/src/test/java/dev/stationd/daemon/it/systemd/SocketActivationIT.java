package dev.stationd.daemon.it.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.Stations;
import dev.stationd.protocol.client.StationClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon started the way systemd starts it: sockets inherited at fds 3 and 4, a
 * {@code NOTIFY_SOCKET} listening for READY/STATUS/STOPPING.
 */
class SocketActivationIT {
    private static final Duration START = DaemonProcess.START_DEADLINE;

    @TempDir
    Path dir;

    /** As the unit starts it (library path set): the batched reader takes the inherited ingest fd. */
    @Test
    void batchedIngestReaderReadsTheInheritedSocket() throws Exception {
        dev.stationd.daemon.it.NativeIngestIT.requireLibrary();
        Path cfg = DaemonProcess.writeConfig(dir, "");
        try (NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"));
             DaemonProcess d = DaemonProcess.builder(dir).config(cfg).activateBoth() // default JVM flags: the library path
                     .env("NOTIFY_SOCKET", notify.notifySocket()).launch()) {
            notify.await("READY=1", START);
            assertTrue(d.output().contains("using the ingest socket passed in by systemd (fd 4)"), d.output());
            assertTrue(d.output().contains("ingest socket read in batches"), d.output());
            for (int n = 1; n <= 3; n++) {
                Stations.sendOne(d.events(), n);
            }
            DaemonProcess.awaitStations(dir.resolve("stationd.sock"), 3, Duration.ofSeconds(10));
            d.signal("TERM");
            assertEquals(0, d.awaitExit(DaemonProcess.STOP_DEADLINE), d.output());
            assertFalse(d.output().contains("ingest reader did not stop"), d.output());
        }
    }

    @Test
    void adoptsInheritedSocketsNotifiesAndLeavesTheSocketFiles() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        try (NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"));
             DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(List.of("-Dstationd.statusSeconds=1"))
                     .activateBoth()
                     .env("NOTIFY_SOCKET", notify.notifySocket()).launch()) {
            NotifyListener.Message ready = notify.await("READY=1", START);
            // READY=1 means a query is answered right now: no retry, short timeout.
            try (StationClient c = StationClient.open(dir.resolve("stationd.sock"), Duration.ofSeconds(2))) {
                c.ping();
            }
            assertNotNull(ready.value("STATUS"), ready.text());
            assertTrue(ready.value("STATUS").contains("0 stations"), ready.text());
            Path stream = dir.resolve("stationd.sock");
            Path events = dir.resolve("events.sock");
            long streamIno = inode(stream);
            long eventsIno = inode(events);
            // The files are the very ones the launcher bound (it printed their inodes before exec).
            assertTrue(d.output().contains("activate: " + stream + " inode " + streamIno + "\n"), d.output());
            assertTrue(d.output().contains("activate: " + events + " inode " + eventsIno + "\n"), d.output());
            // The daemon holds exactly the two inherited path sockets and bound none of its own. (The
            // PING's accepted connection shows the command socket's path too until the daemon has
            // seen its EOF: wait for it to go.)
            long pid = d.pid();
            DaemonProcess.await(Duration.ofSeconds(5), "the PING connection to be closed by the daemon", () -> {
                try {
                    return boundUnixSockets(pid).size() <= 2;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Map<Long, String> bound = boundUnixSockets(pid);
            assertEquals(Set.of(stream.toString(), events.toString()), Set.copyOf(bound.values()), d.output());
            assertEquals(2, bound.size(), "bound sockets: " + bound);
            assertTrue(d.output().contains("using the command socket passed in by systemd (fd 3)"), d.output());
            assertTrue(d.output().contains("using the ingest socket passed in by systemd (fd 4)"), d.output());
            assertEquals(Set.of("events.sock", "notify.sock", "stationd.sock"), socketFiles(dir), "socket files in " + dir);

            Stations.sendOne(events, 7);
            DaemonProcess.awaitStations(stream, 1, Duration.ofSeconds(10));
            notify.await(0, m -> m.value("STATUS") != null && m.value("STATUS").contains("1 stations"),
                    Duration.ofSeconds(10), "a refreshed STATUS with 1 station");

            int before = notify.size();
            d.signal("TERM");
            NotifyListener.Message stopping = notify.await(before, m -> m.has("STOPPING=1"), Duration.ofSeconds(15), "STOPPING=1");
            assertNotNull(stopping);
            assertEquals(0, d.awaitExit(DaemonProcess.STOP_DEADLINE), d.output());
            // systemd's sockets stay: same files, same inodes, not unlinked at exit.
            assertEquals(streamIno, inode(stream));
            assertEquals(eventsIno, inode(events));
        }
    }

    @Test
    void matchesByTypeWithoutNamesInAnyOrder() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        try (NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"));
             DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(List.of())
                     .activate("--stream", dir.resolve("stationd.sock").toString(), "--dgram", dir.resolve("events.sock").toString(),
                             "--reverse")
                     .env("NOTIFY_SOCKET", notify.notifySocket()).launch()) {
            notify.await("READY=1", START);
            assertTrue(d.output().contains("using the ingest socket passed in by systemd (fd 3)"), d.output());
            assertTrue(d.output().contains("using the command socket passed in by systemd (fd 4)"), d.output());
            Stations.sendOne(d.events(), 1);
            DaemonProcess.awaitStations(dir.resolve("stationd.sock"), 1, Duration.ofSeconds(10));
            d.signal("TERM");
            assertEquals(0, d.awaitExit(DaemonProcess.STOP_DEADLINE), d.output());
        }
    }

    @Test
    void streamOnlyActivationBindsTheIngestSocketItself() throws Exception {
        // What `systemd-socket-activate -l PATH` gives: one stream socket, named by --fdname or not at all.
        Path cfg = DaemonProcess.writeConfig(dir, "");
        try (NotifyListener notify = NotifyListener.atPath(dir.resolve("notify.sock"));
             DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(List.of()).activate("--stream", dir.resolve("stationd.sock").toString())
                     .env("NOTIFY_SOCKET", notify.notifySocket()).launch()) {
            notify.await("READY=1", START);
            assertTrue(d.output().contains("using the command socket passed in by systemd (fd 3)"), d.output());
            assertFalse(d.output().contains("ingest socket passed in"), d.output());
            Stations.sendOne(d.events(), 2);
            DaemonProcess.awaitStations(dir.resolve("stationd.sock"), 1, Duration.ofSeconds(10));
            d.signal("TERM");
            assertEquals(0, d.awaitExit(DaemonProcess.STOP_DEADLINE), d.output());
            assertTrue(Files.exists(dir.resolve("stationd.sock")), "inherited socket file stays");
            assertFalse(Files.exists(dir.resolve("events.sock")), "own socket file is removed as before");
        }
    }

    @Test
    void abstractNotifySocketAndVariablesForAnotherPidAreIgnored() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        String name = "stationd-test-" + UUID.randomUUID();
        // LISTEN_* meant for another process (pid 1): the daemon must bind its own sockets.
        try (NotifyListener notify = NotifyListener.abstractName(name);
             DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(List.of()).env("LISTEN_PID", "1")
                     .env("LISTEN_FDS", "2").env("LISTEN_FDNAMES", "command:ingest")
                     .env("NOTIFY_SOCKET", notify.notifySocket()).launch()) {
            assertEquals("@" + name, notify.notifySocket());
            NotifyListener.Message ready = notify.await("READY=1", START);
            assertNotNull(ready.value("STATUS"));
            try (StationClient c = StationClient.open(dir.resolve("stationd.sock"), Duration.ofSeconds(2))) {
                c.ping();
            }
            assertFalse(d.output().contains("passed in by systemd"), d.output());
            int before = notify.size();
            d.signal("TERM");
            notify.await(before, m -> m.has("STOPPING=1"), Duration.ofSeconds(15), "STOPPING=1");
            assertEquals(0, d.awaitExit(DaemonProcess.STOP_DEADLINE), d.output());
            assertFalse(Files.exists(dir.resolve("stationd.sock")), "its own socket files are removed as before");
        }
    }

    @Test
    void withoutNotifySocketNothingChanges() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg)) {
            assertEquals(0, d.stop(), d.output());
            assertFalse(d.output().contains("sd_notify"), d.output());
        }
    }

    /** @return inode → path of every path-bound Unix socket the process has open */
    static Map<Long, String> boundUnixSockets(long pid) throws IOException {
        Set<Long> inodes;
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            inodes = fds.map(f -> {
                try {
                    return Files.readSymbolicLink(f).toString();
                } catch (IOException e) {
                    return "";
                }
            }).filter(l -> l.startsWith("socket:[")).map(l -> Long.parseLong(l.substring(8, l.length() - 1)))
                    .collect(Collectors.toSet());
        }
        Map<Long, String> bound = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/net/unix")).subList(1, Files.readAllLines(Path.of("/proc/net/unix")).size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && inodes.contains(Long.parseLong(f[6]))) {
                bound.put(Long.parseLong(f[6]), f[7]);
            }
        }
        return bound;
    }

    private static long inode(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    private static Set<String> socketFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> {
                try {
                    return dev.stationd.daemon.server.SocketFiles.isSocket(f);
                } catch (IOException e) {
                    return false;
                }
            }).map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
