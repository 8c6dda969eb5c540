package dev.stationd.daemon.server;

import dev.stationd.daemon.config.ServerConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who gets a connection, decided once at accept from the peer's rights, so that no class of peer
 * can lock out another:
 *
 * <ul>
 *   <li>peers outside {@code access.read} never take one of the {@code server.max_connections}
 *       slots: at most {@link #OUTSIDERS} of them are open at a time, each for one {@code E_PERM}
 *       reply or {@link #OUTSIDER_GRACE_NANOS}, whichever comes first;</li>
 *   <li>the last {@code server.admin_reserve} slots are kept for admins (root, the daemon's own
 *       user, peers listed in {@code access.admin}): readers and idle subscribers cannot take them;</li>
 *   <li>one uid holds at most {@code server.max_connections_per_uid} slots (root and the daemon's
 *       own user excepted: they are whom the reserve is for).</li>
 * </ul>
 *
 * Thread-safe: counts are taken before the checks and given back when a check fails.
 */
final class Admission {
    /** Peers outside {@code access.read} that may wait for their one reply at the same time. */
    static final int OUTSIDERS = 64;
    /** How long such a peer has to send the command it gets {@code E_PERM} for. */
    static final long OUTSIDER_GRACE_NANOS = 1_000_000_000L;

    /** The result of an admission. */
    enum Outcome {
        /** A slot of {@code server.max_connections}. */
        ADMITTED,
        /** A place among the {@link #OUTSIDERS}: one {@code E_PERM} reply, then closed. */
        OUTSIDER,
        /** Refused ({@code E_BUSY}): every slot this peer may use is taken. */
        FULL,
        /** Refused ({@code E_BUSY}): its uid holds {@code server.max_connections_per_uid} slots. */
        UID_FULL,
        /** Closed without a reply: {@link #OUTSIDERS} outsiders are already waiting. */
        OUTSIDERS_FULL
    }

    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger outsiders = new AtomicInteger();
    /** Slots held per uid; {@code merge}/{@code computeIfPresent} change a count atomically. */
    private final ConcurrentHashMap<Integer, Integer> perUid = new ConcurrentHashMap<>();

    /**
     * Takes a place for a new connection; give it back with {@link #release} whatever the outcome
     * once the connection is gone (a refusal takes nothing).
     *
     * @param peer the peer
     * @param rights its rights
     * @param reserve whether it may use the admins' reserve
     * @param capped whether the per-uid cap applies to it
     * @param limits the limits in force
     * @return the outcome
     */
    Outcome admit(Peer peer, Rights rights, boolean reserve, boolean capped, ServerConfig limits) {
        if (rights == Rights.NONE) {
            if (outsiders.incrementAndGet() > OUTSIDERS) {
                outsiders.decrementAndGet();
                return Outcome.OUTSIDERS_FULL;
            }
            return Outcome.OUTSIDER;
        }
        int max = reserve ? limits.maxConnections() : limits.maxConnections() - limits.effectiveAdminReserve();
        if (admitted.incrementAndGet() > max) {
            admitted.decrementAndGet();
            return Outcome.FULL;
        }
        if (perUid.merge(peer.uid(), 1, Integer::sum) > limits.maxConnectionsPerUid() && capped) {
            release(peer, Outcome.ADMITTED);
            return Outcome.UID_FULL;
        }
        return Outcome.ADMITTED;
    }

    /**
     * @param peer the peer of a connection that is gone
     * @param outcome what {@link #admit} said for it
     */
    void release(Peer peer, Outcome outcome) {
        if (outcome == Outcome.OUTSIDER) {
            outsiders.decrementAndGet();
        } else if (outcome == Outcome.ADMITTED) {
            admitted.decrementAndGet();
            perUid.computeIfPresent(peer.uid(), (u, n) -> n == 1 ? null : n - 1);
        }
    }

    /** @return connections holding a slot of {@code server.max_connections} */
    int admitted() {
        return admitted.get();
    }
}
