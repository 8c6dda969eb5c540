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
 */
public record IngestConfig(Path socket, int socketMode, String socketGroup, OptionalInt socketGid) {

    /** Default {@code ingest.socket}. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/stationd/events.sock");
    /** Default {@code ingest.socket_mode}, {@code 0620}. */
    public static final int DEFAULT_SOCKET_MODE = 0620;

    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public IngestConfig {
        Require.absolute(socket, "ingest.socket");
        FileModes.check(socketMode, "ingest.socket_mode");
        Objects.requireNonNull(socketGroup, "ingest.socket_group");
        Objects.requireNonNull(socketGid, "socketGid");
        if (socketGroup.isEmpty() != socketGid.isEmpty()) {
            throw new IllegalArgumentException("socketGid must be present exactly when socketGroup is not empty");
        }
    }

    /** @return the built-in defaults */
    public static IngestConfig defaults() {
        return new IngestConfig(DEFAULT_SOCKET, DEFAULT_SOCKET_MODE, "", OptionalInt.empty());
    }

    /** @return {@link #socketMode()} as four octal digits, e.g. {@code "0620"} */
    public String socketModeString() {
        return FileModes.format(socketMode);
    }
}
