package dev.stationd.daemon.systemd;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket activation ({@code sd_listen_fds_with_names(3)}): the sockets systemd passes in,
 * starting at fd 3, as announced by {@code LISTEN_PID}, {@code LISTEN_FDS} and
 * {@code LISTEN_FDNAMES}.
 *
 * <p>The variables count only when {@code LISTEN_PID} is this process: a child that inherited
 * them (the daemon spawns none) would ignore them. The JVM cannot {@code unsetenv()}, so this
 * check is what {@code sd_listen_fds(1)} achieves by unsetting them.
 *
 * <p>The command (stream) socket is the fd named {@code command} ({@code FileDescriptorName=} in
 * {@code stationd.socket}), the ingest (datagram) socket the one named {@code ingest}, the
 * metrics endpoint (a TCP listener, {@code stationd-metrics.socket}) the one named {@code metrics};
 * an fd without one of these names is matched by its socket type ({@code SO_DOMAIN}, {@code SO_TYPE}).
 * The fd named {@code netlink} ({@code stationd-netlink.socket}) is the rtnetlink socket of address
 * learning, checked by its user.
 *
 * <p>systemd passes blocking sockets unless the socket unit says {@code NonBlocking=yes}; epoll
 * channels need non-blocking ones, so {@link #ensureNonBlocking(int)} sets {@code O_NONBLOCK}
 * before an fd is adopted.
 *
 * <p>One class although about 400 lines (a quarter of them comments): finding, identifying and
 * preparing the descriptors systemd passes are the one job of taking them over.
 */
public final class ListenFds {
    private static final Logger LOG = LoggerFactory.getLogger(ListenFds.class);
    /** First inherited fd, {@code SD_LISTEN_FDS_START}. */
    public static final int FIRST_FD = 3;
    /** The {@code FileDescriptorName=} of the command socket. */
    public static final String COMMAND_NAME = "command";
    /** The {@code FileDescriptorName=} of the ingest socket. */
    public static final String INGEST_NAME = "ingest";
    /** The {@code FileDescriptorName=} of the netlink socket ({@code stationd-netlink.socket}). */
    public static final String NETLINK_NAME = "netlink";
    /** The {@code FileDescriptorName=} of the metrics endpoint's TCP socket. */
    public static final String METRICS_NAME = "metrics";
    private static final Set<String> STREAM_NAMES = Set.of(COMMAND_NAME, "stream", "stationd.sock");
    private static final Set<String> DGRAM_NAMES = Set.of(INGEST_NAME, "datagram", "events", "events.sock");
    /** {@code SOCK_STREAM}. */
    public static final int SOCK_STREAM = 1;
    /** {@code SOCK_DGRAM}. */
    public static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final int SO_DOMAIN = 39;
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    /** What the kernel says about an fd. */
    public interface Probe {
        /**
         * @param fd an inherited fd
         * @return its {@code SO_TYPE}, or -1 when it is not an {@code AF_UNIX} socket
         */
        int unixSocketType(int fd);

        /**
         * @param fd an inherited stream socket
         * @return whether it is listening
         */
        boolean listening(int fd);

        /**
         * @param fd an inherited fd
         * @return whether it is a listening TCP socket ({@code AF_INET} or {@code AF_INET6}, {@code SOCK_STREAM})
         */
        boolean tcpListener(int fd);
    }

    /** One inherited fd. @param fd the descriptor @param name its name ({@code ""} if none) */
    public record Fd(int fd, String name) {
    }

    private static final ListenFds NONE = new ListenFds(List.of(), OptionalInt.empty(), OptionalInt.empty(),
            OptionalInt.empty(), OptionalInt.empty());

    private final List<Fd> fds;
    private final OptionalInt stream;
    private final OptionalInt datagram;
    private final OptionalInt netlink;
    private final OptionalInt metrics;

    private ListenFds(List<Fd> fds, OptionalInt stream, OptionalInt datagram, OptionalInt netlink,
            OptionalInt metrics) {
        this.fds = List.copyOf(fds);
        this.stream = stream;
        this.datagram = datagram;
        this.netlink = netlink;
        this.metrics = metrics;
    }

    /** @return no inherited sockets */
    public static ListenFds none() {
        return NONE;
    }

    /**
     * Reads the activation variables and identifies the fds with {@link #kernelProbe()}.
     *
     * @param env the process environment
     * @param pid this process's id
     * @return the inherited sockets, {@link #none()} when not socket-activated
     * @throws IllegalStateException when the variables are for this process but unusable
     *     (the daemon must not silently bind sockets of its own then)
     */
    public static ListenFds fromEnvironment(Map<String, String> env, long pid) {
        return fromEnvironment(env, pid, null);
    }

    /**
     * @param env the process environment
     * @param pid this process's id
     * @param probe how fds are inspected; {@code null} = {@link #kernelProbe()} (only used when there are fds)
     * @return the inherited sockets
     * @throws IllegalStateException when the variables are for this process but unusable
     */
    public static ListenFds fromEnvironment(Map<String, String> env, long pid, Probe probe) {
        List<Fd> fds = parse(env, pid);
        if (fds.isEmpty()) {
            return NONE;
        }
        return identify(fds, probe != null ? probe : kernelProbe());
    }

    /**
     * @param env the process environment
     * @param pid this process's id
     * @return the fds announced for this process, empty when none
     * @throws IllegalStateException when the variables are for this process but malformed
     */
    public static List<Fd> parse(Map<String, String> env, long pid) {
        String lpid = env.get("LISTEN_PID");
        String lfds = env.get("LISTEN_FDS");
        if (lpid == null || lfds == null || lpid.isEmpty() || lfds.isEmpty()) {
            return List.of();
        }
        long forPid;
        try {
            forPid = Long.parseLong(lpid.trim());
        } catch (NumberFormatException e) {
            LOG.warn("ignoring malformed LISTEN_PID={}", lpid);
            return List.of();
        }
        if (forPid != pid) {
            LOG.debug("ignoring LISTEN_FDS meant for pid {} (this is {})", forPid, pid);
            return List.of();
        }
        int n;
        try {
            n = Integer.parseInt(lfds.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("malformed LISTEN_FDS=" + lfds);
        }
        if (n < 0 || n > 64) {
            throw new IllegalStateException("unreasonable LISTEN_FDS=" + lfds);
        }
        String names = env.getOrDefault("LISTEN_FDNAMES", "");
        String[] split = names.isEmpty() ? new String[0] : names.split(":", -1);
        if (split.length != 0 && split.length != n) {
            LOG.warn("LISTEN_FDNAMES has {} names for {} fds; matching by socket type", split.length, n);
            split = new String[0];
        }
        List<Fd> fds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fds.add(new Fd(FIRST_FD + i, split.length == 0 ? "" : split[i]));
        }
        return fds;
    }

    /**
     * Assigns the fds to the command, ingest and metrics sockets: by name first, then by type.
     *
     * @param fds the inherited fds
     * @param probe how to ask the kernel about them
     * @return the assignment
     * @throws IllegalStateException if an fd is not usable or two fds claim one role
     */
    public static ListenFds identify(List<Fd> fds, Probe probe) {
        Integer stream = null;
        Integer datagram = null;
        Integer netlink = null;
        Integer metrics = null;
        for (Fd fd : fds) {
            String name = fd.name().toLowerCase(Locale.ROOT);
            if (name.equals(NETLINK_NAME)) {
                netlink = first(netlink, fd, "netlink");
                continue;
            }
            int type = probe.unixSocketType(fd.fd());
            boolean wantStream = STREAM_NAMES.contains(name);
            boolean wantDgram = DGRAM_NAMES.contains(name);
            boolean wantMetrics = METRICS_NAME.equals(name);
            if (!wantStream && !wantDgram && !wantMetrics) {
                wantStream = type == SOCK_STREAM;
                wantDgram = type == SOCK_DGRAM;
                wantMetrics = type < 0 && probe.tcpListener(fd.fd());
            }
            if (wantMetrics) {
                expect(probe.tcpListener(fd.fd()), fd, "metrics", "a listening TCP socket");
                metrics = first(metrics, fd, "metrics");
            } else if (wantStream) {
                expect(type == SOCK_STREAM, fd, "command", "an AF_UNIX SOCK_STREAM socket");
                if (!probe.listening(fd.fd())) {
                    throw new IllegalStateException("inherited fd " + fd.fd() + " (" + describe(fd) + ") is not listening");
                }
                stream = first(stream, fd, "command");
            } else if (wantDgram) {
                expect(type == SOCK_DGRAM, fd, "ingest", "an AF_UNIX SOCK_DGRAM socket");
                datagram = first(datagram, fd, "ingest");
            } else {
                LOG.warn("ignoring inherited fd {} ({}): not an AF_UNIX stream or datagram socket nor a TCP listener",
                        fd.fd(), describe(fd));
            }
        }
        return new ListenFds(fds, optional(stream), optional(datagram), optional(netlink), optional(metrics));
    }

    /** @return {@code fd} for a role, unless an earlier fd {@code claimed} it */
    private static int first(Integer claimed, Fd fd, String role) {
        if (claimed != null) {
            throw new IllegalStateException("two inherited " + role + " sockets: fd " + claimed + " and fd " + fd.fd());
        }
        return fd.fd();
    }

    /** Fails unless {@code fd}, taken for the {@code role} socket, is {@code what} it must be. */
    private static void expect(boolean is, Fd fd, String role, String what) {
        if (!is) {
            throw new IllegalStateException("inherited fd " + fd.fd() + " (" + describe(fd) + ") should be the " + role
                    + " socket but is not " + what);
        }
    }

    private static OptionalInt optional(Integer fd) {
        return fd == null ? OptionalInt.empty() : OptionalInt.of(fd);
    }

    private static String describe(Fd fd) {
        return fd.name().isEmpty() ? "unnamed" : "name " + fd.name();
    }

    /** @return a probe that asks the kernel with {@code getsockopt()} through Netty's native library */
    public static Probe kernelProbe() {
        Epoll.ensureAvailability();
        return new Probe() {
            @Override
            public int unixSocketType(int fd) {
                // Socket is only a view of the fd here: it is never closed, the channel adopts the fd.
                Socket s = new Socket(fd);
                try {
                    if (s.getIntOpt(SOL_SOCKET, SO_DOMAIN) != AF_UNIX) {
                        return -1;
                    }
                    return s.getIntOpt(SOL_SOCKET, SO_TYPE);
                } catch (IOException e) {
                    return -1; // not a socket (ENOTSOCK) or not open (EBADF)
                }
            }

            @Override
            public boolean listening(int fd) {
                try {
                    return new Socket(fd).getIntOpt(SOL_SOCKET, SO_ACCEPTCONN) != 0;
                } catch (IOException e) {
                    return false;
                }
            }

            @Override
            public boolean tcpListener(int fd) {
                Socket s = new Socket(fd);
                try {
                    int domain = s.getIntOpt(SOL_SOCKET, SO_DOMAIN);
                    return (domain == AF_INET || domain == AF_INET6) && s.getIntOpt(SOL_SOCKET, SO_TYPE) == SOCK_STREAM
                            && s.getIntOpt(SOL_SOCKET, SO_ACCEPTCONN) != 0;
                } catch (IOException e) {
                    return false;
                }
            }
        };
    }

    /** {@code O_NONBLOCK} in {@code /proc/self/fdinfo}'s octal {@code flags:}. */
    private static final int O_NONBLOCK = 04000;

    /**
     * Makes an inherited socket non-blocking (an epoll event loop must never block in
     * {@code accept()} or {@code recvmsg()}), without a native helper of our own: Netty's
     * {@code recvFd()} sets {@code O_NONBLOCK} on every descriptor it receives, and the flag belongs
     * to the open file description that the received copy shares with {@code fd}. So the fd is sent
     * to ourselves over a private socket pair (an abstract address), the received copy closed.
     *
     * @param fd an inherited socket
     * @return whether the flag had to be set
     * @throws IOException if it cannot be set
     */
    public static boolean ensureNonBlocking(int fd) throws IOException {
        if (isNonBlocking(fd)) {
            return false;
        }
        Epoll.ensureAvailability();
        DomainSocketAddress addr = new DomainSocketAddress("\0stationd-nonblock-" + ProcessHandle.current().pid() + "-"
                + fd + "-" + System.nanoTime());
        Socket server = Socket.newSocketDomain();
        Socket client = null;
        Socket peer = null;
        try {
            server.bind(addr);
            server.listen(1);
            client = Socket.newSocketDomain();
            if (!client.connect(addr)) {
                throw new IOException("cannot connect a private socket pair");
            }
            int accepted = server.accept(new byte[128]);
            if (accepted < 0) {
                throw new IOException("cannot accept on a private socket pair");
            }
            peer = new Socket(accepted);
            if (client.sendFd(fd) <= 0) {
                throw new IOException("cannot pass fd " + fd + " to itself");
            }
            int copy = peer.recvFd();
            if (copy <= 0) {
                throw new IOException("cannot receive fd " + fd + " back");
            }
            new Socket(copy).close();
        } finally {
            closeQuietly(peer);
            closeQuietly(client);
            closeQuietly(server);
        }
        if (!isNonBlocking(fd)) {
            throw new IOException("fd " + fd + " is still blocking");
        }
        return true;
    }

    private static boolean isNonBlocking(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return (Integer.parseInt(line.substring("flags:".length()).trim(), 8) & O_NONBLOCK) != 0;
            }
        }
        throw new IOException("no flags in /proc/self/fdinfo/" + fd);
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }

    /** @return whether any socket was inherited */
    public boolean any() {
        return stream.isPresent() || datagram.isPresent() || metrics.isPresent();
    }

    /** @return every announced fd */
    public List<Fd> fds() {
        return fds;
    }

    /** @return the inherited command (stream) socket */
    public OptionalInt stream() {
        return stream;
    }

    /** @return the inherited ingest (datagram) socket */
    public OptionalInt datagram() {
        return datagram;
    }

    /** @return the inherited netlink socket ({@code FileDescriptorName=netlink}) */
    public OptionalInt netlink() {
        return netlink;
    }

    /** @return the inherited TCP listener of the metrics endpoint */
    public OptionalInt metrics() {
        return metrics;
    }
}
