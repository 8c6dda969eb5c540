package dev.stationd.daemon.enrich;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code NETLINK_ROUTE} socket through the daemon's JNI library ({@code libstationd_ingest_<arch>.so},
 * built from {@code daemon/src/main/c/stationd_netlink.c}): transport only, the messages are built
 * and parsed in Java ({@link Rtnl}). {@link #receive} sleeps in the kernel until a datagram
 * arrives or {@link #wake()} is called, with no timeout.
 *
 * <p>The socket is subscribed to {@link #GROUPS}: neighbour changes, and interface changes (for
 * the names of {@code enrich.interfaces}). Under systemd it is created in the host's network
 * namespace by {@code stationd-netlink.socket} ({@code ListenNetlink=route 5}) and adopted.
 */
final class NetlinkSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetlinkSocket.class);
    /** {@code ABI_VERSION} in the C file. */
    static final int ABI_VERSION = 1;
    /** Bytes before each datagram in the receive buffer: its length; {@code FRAME_HEADER} in the C file. */
    static final int FRAME_HEADER = 4;
    /** Largest datagram received; {@code MAX_DATAGRAM} in the C file. */
    static final int MAX_DATAGRAM = 65536;
    /** {@code RTMGRP_LINK}. */
    static final int RTMGRP_LINK = 1;
    /** {@code RTMGRP_NEIGH} (1 << ({@code RTNLGRP_NEIGH} - 1)). */
    static final int RTMGRP_NEIGH = 4;
    /** The groups the socket listens to: {@code ListenNetlink=route 5} in {@code stationd-netlink.socket}. */
    static final int GROUPS = RTMGRP_LINK | RTMGRP_NEIGH;
    /** The daemon's JNI library (shared with the batched ingest reader); the file is {@code lib<name>_<os.arch>.so}. */
    static final String LIBRARY = "stationd_ingest";
    private static final String LOAD_PROBLEM = load();

    private final int fd;
    private final int wakeFd;
    private final boolean adopted;

    private NetlinkSocket(int fd, int wakeFd, boolean adopted) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.adopted = adopted;
    }

    /** @return why the library cannot be used, or {@code null} when it is loaded and of this build */
    static String unavailableReason() {
        return LOAD_PROBLEM;
    }

    /** @return the library's file name on this machine */
    static String libraryFileName() {
        return System.mapLibraryName(LIBRARY + "_" + System.getProperty("os.arch", "").toLowerCase(Locale.ROOT));
    }

    /**
     * Opens a socket of its own, in the daemon's network namespace.
     *
     * @return the socket
     * @throws IOException if the library is missing or the kernel refuses (for example
     *     {@code RestrictAddressFamilies=AF_UNIX}: {@link NetlinkException#errno()} {@code EAFNOSUPPORT})
     */
    static NetlinkSocket open() throws IOException {
        requireLibrary();
        int fd = check(open(GROUPS), "socket(AF_NETLINK, NETLINK_ROUTE)");
        return withWakeFd(fd, false);
    }

    /**
     * Adopts an inherited socket (systemd's {@code ListenNetlink=}).
     *
     * @param fd the inherited fd
     * @return the socket
     * @throws IOException if it is not a {@code NETLINK_ROUTE} socket subscribed to the neighbour group
     */
    static NetlinkSocket adopt(int fd) throws IOException {
        requireLibrary();
        int groups = groupsOf(fd);
        if (groups < 0) {
            throw new NetlinkException(-groups, "inherited fd " + fd + " is not a NETLINK_ROUTE socket");
        }
        if ((groups & RTMGRP_NEIGH) == 0) {
            throw new IOException("inherited netlink fd " + fd + " listens to groups " + groups
                    + ", not to the neighbour group (" + RTMGRP_NEIGH + "): ListenNetlink=route " + GROUPS + " expected");
        }
        if ((groups & RTMGRP_LINK) == 0) {
            LOG.warn("inherited netlink fd {} does not listen to interface changes (groups {}; ListenNetlink=route {} "
                    + "expected): interface renames are not followed", fd, groups, GROUPS);
        }
        return withWakeFd(fd, true);
    }

    private static NetlinkSocket withWakeFd(int fd, boolean adopted) throws IOException {
        int wake = wakeFd();
        if (wake < 0) {
            if (!adopted) {
                close(fd);
            }
            throw new NetlinkException(-wake, "eventfd");
        }
        return new NetlinkSocket(fd, wake, adopted);
    }

    /**
     * @param request direct buffer holding netlink messages from position 0 to its limit
     * @throws IOException if the kernel refuses
     */
    void send(ByteBuffer request) throws IOException {
        check(send(fd, request, request.limit()), "send to netlink");
    }

    /**
     * Waits for datagrams and receives those queued, as {@link #FRAME_HEADER}-prefixed frames
     * (a frame of length 0: the kernel dropped messages, the socket buffer was full).
     *
     * @param into direct buffer of at least {@link #FRAME_HEADER} + {@link #MAX_DATAGRAM} bytes
     * @return bytes written from position 0, or 0 when {@link #wake()} was called
     * @throws IOException if receiving fails
     */
    int receive(ByteBuffer into) throws IOException {
        return check(receive(fd, wakeFd, into), "receive from netlink");
    }

    /** Makes a waiting (or the next) {@link #receive} return 0. */
    void wake() {
        int r = wake(wakeFd);
        if (r < 0) {
            LOG.warn("cannot wake the netlink reader: errno {}", -r);
        }
    }

    /** @return whether the fd came from systemd */
    boolean adopted() {
        return adopted;
    }

    /** Closes the wake-up fd and, unless inherited from systemd (which keeps its copy anyway), the socket. */
    @Override
    public void close() {
        close(wakeFd);
        if (!adopted) {
            close(fd);
        }
    }

    private static void requireLibrary() throws IOException {
        if (LOAD_PROBLEM != null) {
            throw new IOException(LOAD_PROBLEM);
        }
    }

    private static int check(int r, String what) throws NetlinkException {
        if (r < 0) {
            throw new NetlinkException(-r, what);
        }
        return r;
    }

    private static String load() {
        String file = libraryFileName();
        try {
            System.loadLibrary(LIBRARY + "_" + System.getProperty("os.arch", "").toLowerCase(Locale.ROOT));
            int v = abiVersion();
            return v == ABI_VERSION ? null
                    : file + " is of another build (netlink ABI " + v + ", expected " + ABI_VERSION + ")";
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return file + " is not on java.library.path (" + System.getProperty("java.library.path", "") + "): "
                    + e.getMessage();
        }
    }

    private static native int abiVersion();

    private static native int open(int groups);

    private static native int groupsOf(int fd);

    private static native int send(int fd, ByteBuffer buf, int len);

    private static native int receive(int fd, int wakeFd, ByteBuffer buf);

    private static native int wakeFd();

    private static native int wake(int wakeFd);

    private static native int close(int fd);
}
