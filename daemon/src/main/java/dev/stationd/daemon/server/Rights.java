package dev.stationd.daemon.server;

import dev.stationd.daemon.config.AccessConfig;
import dev.stationd.protocol.Command;

/**
 * What a peer may do, decided from its credentials (read once at accept) and the access rules in
 * force: nothing, the read commands, or every command.
 */
enum Rights {
    /** Not in {@code access.read}: one {@code E_PERM} reply, then the connection closes. */
    NONE,
    /** The read commands ({@code access.read}). */
    READ,
    /** Every command ({@code access.admin}, root, the daemon's own user). */
    ADMIN;

    /**
     * @param peer the peer
     * @param access the access rules in force
     * @param selfUid the daemon's own uid
     * @return its rights
     */
    static Rights of(Peer peer, AccessConfig access, int selfUid) {
        if (peer.isAdmin(access, selfUid)) {
            return ADMIN;
        }
        return peer.isReader(access, selfUid) ? READ : NONE;
    }

    /**
     * @param c a command
     * @return whether these rights allow it
     */
    boolean allow(Command c) {
        return c.isAdmin() ? this == ADMIN : this != NONE;
    }
}
