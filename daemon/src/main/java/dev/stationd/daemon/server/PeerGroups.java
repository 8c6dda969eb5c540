package dev.stationd.daemon.server;

import java.util.Arrays;

/**
 * The supplementary groups of the peer of an accepted Unix stream socket, from
 * {@code SO_PEERGROUPS} through the daemon's JNI library ({@code daemon/src/main/c/stationd_peer.c}):
 * the groups it had when it connected, read from the socket, so neither a hidden {@code /proc}
 * (the unit's {@code ProtectProc=invisible}) nor a reused pid can get them wrong. Without the
 * library (or on a kernel older than 4.13) {@link #read} says so and {@link Peer} falls back to
 * {@code /proc/PID/status}.
 */
final class PeerGroups {
    /** {@code PEER_ABI_VERSION} in the C file. */
    static final int ABI_VERSION = 1;
    /** Most groups a process has ({@code NGROUPS_MAX} of Linux). */
    static final int MAX_GROUPS = 65536;
    private static final boolean AVAILABLE = NativeLibrary.offers("peer groups", PeerGroups::abiVersion, ABI_VERSION,
            "supplementary groups from /proc");

    private PeerGroups() {
    }

    /** @return whether the library with this call is loaded */
    static boolean available() {
        return AVAILABLE;
    }

    /**
     * @param fd an accepted Unix stream socket
     * @return the peer's supplementary groups, or {@code null} when they cannot be read this way
     */
    static int[] read(int fd) {
        if (!AVAILABLE) {
            return null;
        }
        int[] groups = new int[32];
        int n = read(fd, groups);
        if (n > groups.length && n <= MAX_GROUPS) {
            groups = new int[n];
            n = read(fd, groups);
        }
        return n < 0 || n > groups.length ? null : Arrays.copyOf(groups, n);
    }

    private static native int abiVersion();

    private static native int read(int fd, int[] out);
}
