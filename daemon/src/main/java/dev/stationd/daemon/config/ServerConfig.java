package dev.stationd.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
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
 * @param backlog {@code listen()} backlog
 * @param maxConnections concurrent client connections
 * @param maxConnectionsPerUid connections one uid may hold (root and the daemon's user excepted)
 * @param adminReserve of {@code maxConnections}, the slots only admins may take ({@link #effectiveAdminReserve()})
 * @param idleTimeout a connection with no complete request for this long is closed
 * @param ioThreads event loop threads, 0 = automatic
 * @param writeBufferHigh per-connection write buffer high water mark in bytes
 * @param writeBufferLow per-connection write buffer low water mark in bytes, at most
 *     {@code writeBufferHigh}
 * @param subscriberBacklog events queued for one subscriber before it is dropped
 * @param maxPendingBytes bytes of replies waiting to be sent, over all connections
 *
 * <p>Defaults and ranges: {@link ConfigKeys}.
 */
public record ServerConfig(
        Path socket,
        int socketMode,
        String socketGroup,
        OptionalInt socketGid,
        int backlog,
        int maxConnections,
        int maxConnectionsPerUid,
        int adminReserve,
        Duration idleTimeout,
        int ioThreads,
        int writeBufferHigh,
        int writeBufferLow,
        int subscriberBacklog,
        int maxPendingBytes) {

    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public ServerConfig {
        Require.absolute(socket, "server.socket");
        FileModes.check(socketMode, "server.socket_mode");
        Require.socketGroup(socketGroup, socketGid, "server.socket_group");
        ConfigKeys.SERVER_BACKLOG.require(backlog);
        ConfigKeys.SERVER_MAX_CONNECTIONS.require(maxConnections);
        ConfigKeys.SERVER_MAX_CONNECTIONS_PER_UID.require(maxConnectionsPerUid);
        ConfigKeys.SERVER_ADMIN_RESERVE.require(adminReserve);
        ConfigKeys.SERVER_IDLE_TIMEOUT.require(idleTimeout);
        ConfigKeys.SERVER_IO_THREADS.require(ioThreads);
        ConfigKeys.SERVER_WRITE_BUFFER_LOW.require(writeBufferLow);
        ConfigKeys.SERVER_WRITE_BUFFER_HIGH.require(writeBufferHigh);
        if (writeBufferHigh < writeBufferLow) {
            throw new IllegalArgumentException("server.write_buffer_high must be >= server.write_buffer_low, got "
                    + writeBufferHigh + " < " + writeBufferLow);
        }
        ConfigKeys.SERVER_SUBSCRIBER_BACKLOG.require(subscriberBacklog);
        ConfigKeys.SERVER_MAX_PENDING_BYTES.require(maxPendingBytes);
    }

    /** @return the built-in defaults (see {@link ConfigKeys}) */
    public static ServerConfig defaults() {
        return from(new Values());
    }

    static ServerConfig from(Values v) {
        SocketGroup group = v.get(ConfigKeys.SERVER_SOCKET_GROUP);
        return new ServerConfig(v.get(ConfigKeys.SERVER_SOCKET), v.get(ConfigKeys.SERVER_SOCKET_MODE), group.spec(),
                group.gid(), v.get(ConfigKeys.SERVER_BACKLOG), v.get(ConfigKeys.SERVER_MAX_CONNECTIONS),
                v.get(ConfigKeys.SERVER_MAX_CONNECTIONS_PER_UID), v.get(ConfigKeys.SERVER_ADMIN_RESERVE),
                v.get(ConfigKeys.SERVER_IDLE_TIMEOUT), v.get(ConfigKeys.SERVER_IO_THREADS),
                v.get(ConfigKeys.SERVER_WRITE_BUFFER_HIGH), v.get(ConfigKeys.SERVER_WRITE_BUFFER_LOW),
                v.get(ConfigKeys.SERVER_SUBSCRIBER_BACKLOG), v.get(ConfigKeys.SERVER_MAX_PENDING_BYTES));
    }

    /** @return the slots kept for admins: {@link #adminReserve()}, but at most {@code maxConnections - 1} */
    public int effectiveAdminReserve() {
        return Math.min(adminReserve, maxConnections - 1);
    }

    /** @return {@link #socketMode()} as four octal digits, e.g. {@code "0660"} */
    public String socketModeString() {
        return FileModes.format(socketMode);
    }
}
