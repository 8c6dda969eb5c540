package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket files: a second daemon on a live socket refuses to start, stale socket files are
 * replaced, a regular file is never replaced, modes follow the configuration, and SIGTERM
 * removes the files.
 */
class SocketLifecycleIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static boolean isSocket(Path p) throws Exception {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0140000;
    }

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void secondDaemonOnALiveSocketRefusesAndTheFirstKeepsServing(@TempDir Path dir) throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        try (DaemonProcess first = DaemonProcess.start(dir, cfg);
             StationClient c = StationClient.open(first.socket())) {
            // default modes
            assertEquals("rw-rw----", perms(first.socket()), "server.socket_mode default 0660");
            assertEquals("rw--w----", perms(first.events()), "ingest.socket_mode default 0620");

            try (DaemonProcess second = DaemonProcess.launch(dir, "--config", cfg.toString())) {
                int code = second.awaitExit(DaemonProcess.START_DEADLINE);
                String out = second.output();
                assertNotEquals(0, code, out);
                assertTrue(out.contains(first.socket().toString()), () -> "message does not name the socket:\n" + out);
                assertTrue(out.contains("already running"), out);
            }
            // the first daemon still owns both sockets and answers on both
            assertTrue(isSocket(first.socket()));
            assertTrue(isSocket(first.events()));
            c.ping();
            try (StationClient fresh = StationClient.open(first.socket())) {
                fresh.ping(); // a new connection, so the listening socket is still the first's
            }
            StaListAttr sta = Stations.make(1, System.currentTimeMillis());
            Stations.send(first.events(), List.of(sta));
            DaemonProcess.await(DEADLINE, "the station on the first daemon", () -> c.get(sta.mac()) != null);
            assertTrue(first.process().isAlive());

            // a daemon whose stream socket is free but whose ingest socket is the first daemon's
            // refuses too, leaves no stream socket behind and does not touch the ingest socket
            Path dir2 = Files.createDirectory(dir.resolve("b"));
            Path cfg2 = Files.writeString(dir2.resolve("stationd.yaml"),
                    "server:\n  socket: stationd.sock\ningest:\n  socket: " + first.events() + "\n"
                            + "state:\n  directory: state\n");
            try (DaemonProcess third = DaemonProcess.launch(dir2, "--config", cfg2.toString())) {
                int code = third.awaitExit(DaemonProcess.START_DEADLINE);
                String out = third.output();
                assertNotEquals(0, code, out);
                assertTrue(out.contains(first.events().toString()), out);
            }
            assertFalse(Files.exists(dir2.resolve("stationd.sock"), LinkOption.NOFOLLOW_LINKS),
                    "the refused daemon left its stream socket file behind");
            assertTrue(isSocket(first.events()), "the first daemon's ingest socket file was removed");
            StaListAttr sta2 = Stations.make(2, System.currentTimeMillis());
            Stations.send(first.events(), List.of(sta2));
            DaemonProcess.await(DEADLINE, "a second station on the first daemon", () -> c.get(sta2.mac()) != null);
            assertEquals(2, c.list(ListQuery.ALL).size());

            assertEquals(0, first.stop(), first::output);
            assertFalse(Files.exists(first.socket(), LinkOption.NOFOLLOW_LINKS), "stream socket file left behind");
            assertFalse(Files.exists(first.events(), LinkOption.NOFOLLOW_LINKS), "ingest socket file left behind");
        }
    }

    @Test
    void socketHeldByAnotherProgramIsNotTakenOver(@TempDir Path dir) throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        Path sock = dir.resolve("stationd.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(sock));
            try (DaemonProcess d = DaemonProcess.launch(dir, "--config", cfg.toString())) {
                int code = d.awaitExit(DaemonProcess.START_DEADLINE);
                assertNotEquals(0, code, d.output());
                assertTrue(d.output().contains(sock.toString()), d.output());
            }
            // still ours: a connection reaches this listener
            assertTrue(isSocket(sock));
            other.configureBlocking(false);
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                 SocketChannel accepted = other.accept()) {
                assertTrue(ch.isConnected());
                assertTrue(accepted != null, "the connection went to another listener");
            }
        }
    }

    @Test
    void staleSocketFilesAreReplacedWithTheConfiguredModes(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("stationd.sock");
        Path events = dir.resolve("events.sock");
        // a stream socket file nobody listens on any more (close() does not unlink it)
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(sock));
        }
        // and a stale datagram socket file
        Epoll.ensureAvailability();
        Socket dgram = Socket.newSocketDomainDgram();
        dgram.bind(new DomainSocketAddress(events.toString()));
        dgram.close();
        assertTrue(isSocket(sock), "stale stream socket file");
        assertTrue(isSocket(events), "stale datagram socket file");

        // configured modes that differ from the defaults (0660 / 0620)
        Path cfg = Files.writeString(dir.resolve("stationd.yaml"),
                "server:\n  socket: stationd.sock\n  socket_mode: \"0600\"\n"
                        + "ingest:\n  socket: events.sock\n  socket_mode: \"0640\"\n"
                        + "state:\n  directory: state\n");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg);
             StationClient c = StationClient.open(d.socket());
             EventSender s = EventSender.connect(d.events())) {
            c.ping();
            assertTrue(isSocket(sock) && isSocket(events));
            assertEquals("rw-------", perms(sock), "server.socket_mode 0600");
            assertEquals("rw-r-----", perms(events), "ingest.socket_mode 0640");
            // no temporary bind directories left next to the sockets
            try (var files = Files.list(dir)) {
                List<String> names = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith(".stationd")).toList();
                assertEquals(List.of(), names);
            }
            StaListAttr sta = Stations.make(2, System.currentTimeMillis());
            s.send(StaEvent.upsert(1, sta));
            DaemonProcess.await(DEADLINE, "a station through the new ingest socket", () -> c.get(sta.mac()) != null);
            assertTrue(d.output().contains("stale"), d::output);
            assertEquals(0, d.stop(), d::output);
            assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(events, LinkOption.NOFOLLOW_LINKS));
        }
    }

    @Test
    void regularFileAtTheSocketPathIsNeverReplaced(@TempDir Path dir) throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        Path sock = Files.writeString(dir.resolve("stationd.sock"), "precious data\n");
        try (DaemonProcess d = DaemonProcess.launch(dir, "--config", cfg.toString())) {
            int code = d.awaitExit(DaemonProcess.START_DEADLINE);
            String out = d.output();
            assertNotEquals(0, code, out);
            assertTrue(out.contains(sock.toString()) && out.contains("not a socket"), out);
        }
        assertEquals("precious data\n", Files.readString(sock));
        assertFalse(Files.exists(dir.resolve("events.sock")), "ingest socket left behind by a failed start");

        // the same for the ingest socket path
        Files.delete(sock);
        Path events = Files.writeString(dir.resolve("events.sock"), "more data\n");
        try (DaemonProcess d = DaemonProcess.launch(dir, "--config", cfg.toString())) {
            int code = d.awaitExit(DaemonProcess.START_DEADLINE);
            String out = d.output();
            assertNotEquals(0, code, out);
            assertTrue(out.contains(events.toString()) && out.contains("not a socket"), out);
        }
        assertEquals("more data\n", Files.readString(events));
        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS), "stream socket left behind by a failed start");
    }
}
