package dev.stationd.daemon.server;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket file chores: telling a stale socket file from a live daemon's, and giving a socket
 * file its mode and group.
 */
public final class SocketFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SocketFiles.class);

    private SocketFiles() {
    }

    /** The kind of socket a path should hold. */
    public enum Kind {
        /** {@code SOCK_STREAM}. */
        STREAM,
        /** {@code SOCK_DGRAM}. */
        DATAGRAM
    }

    /**
     * Makes {@code path} free for binding: removes a stale socket file (nobody answers on it),
     * refuses when a live process answers on it or when it is not a socket at all.
     *
     * @param path the socket path
     * @param kind the socket type expected there
     * @throws IOException with a message for the operator when the path cannot be used
     */
    public static void claim(Path path, Kind kind) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(path.toAbsolutePath().getParent());
            return;
        }
        if (!isSocket(path)) {
            throw new IOException(path + " exists and is not a socket; refusing to replace it");
        }
        if (isLive(path, kind)) {
            throw new IOException("another process is serving on " + path
                    + " (is stationd already running?), or it cannot be probed; refusing to take over its socket");
        }
        LOG.info("removing stale socket file {}", path);
        Files.deleteIfExists(path);
    }

    /**
     * @param path a path
     * @return whether it is a socket file
     * @throws IOException if its attributes cannot be read
     */
    public static boolean isSocket(Path path) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return ((Integer) mode & 0170000) == 0140000;
    }

    /**
     * @param path a socket file
     * @param kind its type
     * @return whether a process accepts connections / datagrams on it
     */
    public static boolean isLive(Path path, Kind kind) {
        if (kind == Kind.STREAM) {
            // Non-blocking: a live daemon with a full backlog must not hang this start-up. Only a
            // refused connection proves the file stale; anything else (backlog full, permission
            // denied, wrong socket type) is treated as live, so nobody's socket gets deleted.
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.configureBlocking(false);
                ch.connect(UnixDomainSocketAddress.of(path));
                return true;
            } catch (java.net.ConnectException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }
        Socket s = Socket.newSocketDomainDgram();
        try {
            s.connect(new DomainSocketAddress(path.toString()));
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /**
     * Sets the socket file's permission bits and, when given, its group.
     *
     * @param path the socket file
     * @param mode permission bits such as {@code 0660}
     * @param gid group id, or -1 to leave it
     * @throws IOException if the change fails
     */
    public static void setModeAndGroup(Path path, int mode, int gid) throws IOException {
        if (gid >= 0) {
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
        Files.setPosixFilePermissions(path, permissions(mode));
    }

    /**
     * @param mode permission bits
     * @return the same as a permission set
     */
    public static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder sb = new StringBuilder(9);
        String rwx = "rwx";
        for (int i = 8; i >= 0; i--) {
            sb.append((mode & (1 << i)) != 0 ? rwx.charAt((8 - i) % 3) : '-');
        }
        return PosixFilePermissions.fromString(sb.toString());
    }

    /**
     * Warns when a socket file that systemd made (socket activation) lets more processes connect
     * than the configuration would: connecting to a Unix socket takes write permission on its file,
     * so a write bit for the group or for everyone that {@code configured} lacks is looser. The file
     * is looked for at the configured path (the packaged units and configuration agree on it);
     * another path is not checked.
     *
     * @param path the configured socket path
     * @param configured the configured permission bits
     * @param key the configuration key, for the message
     */
    public static void warnIfLooser(Path path, int configured, String key) {
        int mode;
        try {
            if (!isSocket(path)) {
                return;
            }
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777;
        } catch (IOException e) {
            return; // not there: systemd's socket is elsewhere
        }
        int looser = mode & 0222 & ~configured;
        if (looser != 0) {
            LOG.warn("{} (made by systemd) has mode {}: {} may connect, but {} is {}; set SocketMode= in its socket unit",
                    path, String.format("%04o", mode), (looser & 0002) != 0 ? "every user" : "its group", key,
                    String.format("%04o", configured));
        }
    }

    /**
     * Removes a socket file if it is still a socket.
     *
     * @param path the socket file
     */
    public static void remove(Path path) {
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && isSocket(path)) {
                Files.delete(path);
            }
        } catch (IOException e) {
            LOG.warn("could not remove socket file {}: {}", path, e.toString());
        }
    }
}
