package dev.stationd.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The {@code server:} section: the command stream socket and its connection limits.
 *
 * @param socket absolute path of the {@code SOCK_STREAM} socket
 * @param socketMode permission bits given to the socket file, e.g. {@code 0660}
 * @param socketGroup group for the socket file as written in the file (name or number);
 *     {@code ""} = leave the group alone
 * @param socketGid {@code socketGroup} resolved to a numeric gid; empty when {@code socketGroup}
 *     is {@code ""}
 * @param backlog {@code listen()} backlog, 1 to 65535
 * @param maxConnections concurrent client connections, at least 1
 * @param idleTimeout a connection with no complete request for this long is closed; {@code > 0}
 * @param ioThreads event loop threads, 0 (= automatic) to 256
 * @param writeBufferHigh per-connection write buffer high water mark in bytes
 * @param writeBufferLow per-connection write buffer low water mark in bytes, at least 1 and at
 *     most {@code writeBufferHigh}
 * @param subscriberBacklog events queued for one subscriber before it is dropped, at least 1
 */
public record ServerConfig(
        Path socket,
        int socketMode,
        String socketGroup,
        OptionalInt socketGid,
        int backlog,
        int maxConnections,
        Duration idleTimeout,
        int ioThreads,
        int writeBufferHigh,
        int writeBufferLow,
        int subscriberBacklog) {

    /** Default {@code server.socket}. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/stationd/stationd.sock");
    /** Default {@code server.socket_mode}, {@code 0660}. */
    public static final int DEFAULT_SOCKET_MODE = 0660;
    /** Default {@code server.backlog}. */
    public static final int DEFAULT_BACKLOG = 128;
    /** Largest {@code server.backlog}. */
    public static final int MAX_BACKLOG = 65535;
    /** Default {@code server.max_connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** Default {@code server.idle_timeout}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Default {@code server.io_threads} (automatic). */
    public static final int DEFAULT_IO_THREADS = 0;
    /** Largest {@code server.io_threads}. */
    public static final int MAX_IO_THREADS = 256;
    /** Default {@code server.write_buffer_high}, 1 MiB. */
    public static final int DEFAULT_WRITE_BUFFER_HIGH = 1024 * 1024;
    /** Default {@code server.write_buffer_low}, 512 KiB. */
    public static final int DEFAULT_WRITE_BUFFER_LOW = 512 * 1024;
    /** Default {@code server.subscriber_backlog}. */
    public static final int DEFAULT_SUBSCRIBER_BACKLOG = 4096;

    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public ServerConfig {
        Require.absolute(socket, "server.socket");
        FileModes.check(socketMode, "server.socket_mode");
        Objects.requireNonNull(socketGroup, "server.socket_group");
        Objects.requireNonNull(socketGid, "socketGid");
        if (socketGroup.isEmpty() != socketGid.isEmpty()) {
            throw new IllegalArgumentException("socketGid must be present exactly when socketGroup is not empty");
        }
        Require.range(backlog, 1, MAX_BACKLOG, "server.backlog");
        Require.atLeast(maxConnections, 1, "server.max_connections");
        Require.positive(idleTimeout, "server.idle_timeout");
        Require.range(ioThreads, 0, MAX_IO_THREADS, "server.io_threads");
        Require.atLeast(writeBufferLow, 1, "server.write_buffer_low");
        Require.atLeast(writeBufferHigh, writeBufferLow, "server.write_buffer_high");
        Require.atLeast(subscriberBacklog, 1, "server.subscriber_backlog");
    }

    /** @return the built-in defaults */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_SOCKET, DEFAULT_SOCKET_MODE, "", OptionalInt.empty(),
                DEFAULT_BACKLOG, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT, DEFAULT_IO_THREADS,
                DEFAULT_WRITE_BUFFER_HIGH, DEFAULT_WRITE_BUFFER_LOW, DEFAULT_SUBSCRIBER_BACKLOG);
    }

    /** @return {@link #socketMode()} as four octal digits, e.g. {@code "0660"} */
    public String socketModeString() {
        return FileModes.format(socketMode);
    }
}
