package dev.stationd.daemon.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The {@code ingest:} section: the datagram socket the Wi-Fi side sends station events to.
 *
 * @param socket absolute path of the {@code SOCK_DGRAM} socket
 * @param socketMode permission bits given to the socket file, e.g. {@code 0620}
 * @param socketGroup group for the socket file as written (name or number); {@code ""} = leave
 * @param socketGid {@code socketGroup} resolved to a numeric gid; empty when it is {@code ""}
 * @param access who may send datagrams ({@link AccessRule#ANYONE}: whoever can open the socket)
 */
public record IngestConfig(Path socket, int socketMode, String socketGroup, OptionalInt socketGid, AccessRule access) {

    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public IngestConfig {
        Require.absolute(socket, "ingest.socket");
        FileModes.check(socketMode, "ingest.socket_mode");
        Require.socketGroup(socketGroup, socketGid, "ingest.socket_group");
        Objects.requireNonNull(access, "ingest.access");
    }

    /** @return the built-in defaults (see {@link ConfigKeys}) */
    public static IngestConfig defaults() {
        return from(new Values());
    }

    static IngestConfig from(Values v) {
        SocketGroup group = v.get(ConfigKeys.INGEST_SOCKET_GROUP);
        return new IngestConfig(v.get(ConfigKeys.INGEST_SOCKET), v.get(ConfigKeys.INGEST_SOCKET_MODE), group.spec(),
                group.gid(), v.get(ConfigKeys.INGEST_ACCESS));
    }

    /** @return {@link #socketMode()} as four octal digits, e.g. {@code "0620"} */
    public String socketModeString() {
        return FileModes.format(socketMode);
    }
}
