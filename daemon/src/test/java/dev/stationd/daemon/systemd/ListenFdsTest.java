package dev.stationd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ListenFdsTest {
    /** fd 3 = stream, 4 = datagram, 5 = not a unix socket, 6 = a listening TCP socket. */
    private static final ListenFds.Probe PROBE = new ListenFds.Probe() {
        @Override
        public int unixSocketType(int fd) {
            return switch (fd) {
                case 3 -> ListenFds.SOCK_STREAM;
                case 4 -> ListenFds.SOCK_DGRAM;
                default -> -1;
            };
        }

        @Override
        public boolean listening(int fd) {
            return fd == 3 || fd == 6;
        }

        @Override
        public boolean tcpListener(int fd) {
            return fd == 6;
        }
    };

    @Test
    void ignoredWithoutVariablesOrForAnotherPid() {
        assertEquals(List.of(), ListenFds.parse(Map.of(), 42));
        assertEquals(List.of(), ListenFds.parse(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "2"), 42));
        assertEquals(List.of(), ListenFds.parse(Map.of("LISTEN_FDS", "2"), 42));
        assertFalse(ListenFds.fromEnvironment(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "2"), 42, PROBE).any());
    }

    @Test
    void parsesCountAndNames() {
        assertEquals(List.of(new ListenFds.Fd(3, "command"), new ListenFds.Fd(4, "ingest")),
                ListenFds.parse(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "command:ingest"), 42));
        assertEquals(List.of(new ListenFds.Fd(3, "")),
                ListenFds.parse(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "1"), 42));
        // A name count that does not match is dropped: matching falls back to the socket type.
        assertEquals(List.of(new ListenFds.Fd(3, ""), new ListenFds.Fd(4, "")),
                ListenFds.parse(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "x"), 42));
        assertThrows(IllegalStateException.class, () -> ListenFds.parse(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "zwei"), 42));
    }

    @Test
    void matchesByNameThenByType() {
        ListenFds byName = ListenFds.fromEnvironment(
                Map.of("LISTEN_PID", "1", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "command:ingest"), 1, PROBE);
        assertEquals(OptionalInt.of(3), byName.stream());
        assertEquals(OptionalInt.of(4), byName.datagram());
        ListenFds byType = ListenFds.fromEnvironment(
                Map.of("LISTEN_PID", "1", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "stationd.socket:stationd.socket"), 1, PROBE);
        assertEquals(OptionalInt.of(3), byType.stream());
        assertEquals(OptionalInt.of(4), byType.datagram());
        ListenFds streamOnly = ListenFds.fromEnvironment(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "1"), 1, PROBE);
        assertEquals(OptionalInt.of(3), streamOnly.stream());
        assertTrue(streamOnly.datagram().isEmpty());
        // A third fd that is no unix socket is ignored.
        ListenFds extra = ListenFds.fromEnvironment(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "3"), 1, PROBE);
        assertEquals(OptionalInt.of(4), extra.datagram());
    }

    @Test
    void theNetlinkSocketIsFoundByItsName() {
        // fd 5 is no unix socket: by name it is the netlink socket of stationd-netlink.socket
        ListenFds all = ListenFds.fromEnvironment(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "3",
                "LISTEN_FDNAMES", "command:ingest:netlink"), 1, PROBE);
        assertEquals(OptionalInt.of(5), all.netlink());
        assertEquals(OptionalInt.of(3), all.stream());
        assertTrue(ListenFds.fromEnvironment(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "2"), 1, PROBE).netlink().isEmpty());
        assertThrows(IllegalStateException.class, () -> ListenFds.fromEnvironment(
                Map.of("LISTEN_PID", "1", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "netlink:netlink"), 1, PROBE));
    }

    @Test
    void findsTheMetricsListenerByNameOrType() {
        ListenFds byName = ListenFds.fromEnvironment(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "4",
                "LISTEN_FDNAMES", "command:ingest:other:metrics"), 1, PROBE);
        assertEquals(OptionalInt.of(6), byName.metrics());
        assertEquals(OptionalInt.of(3), byName.stream());
        // unnamed: a TCP listener can only be the metrics socket; fd 5 (no socket at all) is ignored
        ListenFds byType = ListenFds.fromEnvironment(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "4"), 1, PROBE);
        assertEquals(OptionalInt.of(6), byType.metrics());
        ListenFds none = ListenFds.fromEnvironment(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "2"), 1, PROBE);
        assertTrue(none.metrics().isEmpty());
    }

    @Test
    void refusesAMetricsNameOnAnythingButATcpListener() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ListenFds.fromEnvironment(
                Map.of("LISTEN_PID", "1", "LISTEN_FDS", "1", "LISTEN_FDNAMES", "metrics"), 1, PROBE));
        assertEquals("inherited fd 3 (name metrics) should be the metrics socket but is not a listening TCP socket",
                e.getMessage());
    }

    @Test
    void refusesANameOnTheWrongSocketType() {
        assertThrows(IllegalStateException.class, () -> ListenFds.fromEnvironment(
                Map.of("LISTEN_PID", "1", "LISTEN_FDS", "2", "LISTEN_FDNAMES", "ingest:command"), 1, PROBE));
    }
}
