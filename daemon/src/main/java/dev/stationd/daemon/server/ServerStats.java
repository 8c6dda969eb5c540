package dev.stationd.daemon.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the server side, shared by all channels: plain adders on the paths that count, read
 * only by whoever reports them (the metrics endpoint, {@code STATUS=}, the shutdown line) and by
 * the {@link CollectionPacer}, which looks for the moment a reply went out with none in flight.
 */
public final class ServerStats implements CollectionPacer.Replies {
    /** Why a connection was refused (answered {@code E_BUSY} and closed). */
    public enum Refusal {
        /** {@code server.max_connections} connections were already open (for a reader: all but the admins' reserve). */
        MAX_CONNECTIONS,
        /** The peer's uid already held {@code server.max_connections_per_uid} connections. */
        MAX_CONNECTIONS_PER_UID,
        /** The daemon was shutting down. */
        SHUTTING_DOWN
    }

    /** What became of an ingest datagram. */
    public enum Datagram {
        /** Decoded and applied to the table. */
        APPLIED,
        /** Not a valid {@code sta_event}: dropped. */
        MALFORMED,
        /** From a sender outside {@code ingest.access}: dropped. */
        DENIED,
        /** A new station while the table held {@code table.max_stations}: dropped. */
        TABLE_FULL,
        /** An UPSERT of the all-zero MAC: dropped. */
        INVALID_MAC
    }

    /** Open client connections. */
    public final AtomicInteger connections = new AtomicInteger();
    /** Connections that are {@code SUBSCRIBE}d. */
    public final AtomicInteger subscribers = new AtomicInteger();
    /** Subscribers disconnected for exceeding their backlog. */
    public final LongAdder subscribersDropped = new LongAdder();
    /** Filter changes and kicks answered {@code E_BUSY} because they were not done within {@code filters.commit_timeout}. */
    public final LongAdder commitTimeouts = new LongAdder();
    /** Connections of peers outside {@code access.read} closed at once: too many were waiting already. */
    public final LongAdder outsidersDropped = new LongAdder();
    /** Replies refused with {@code E_BUSY} because the budget of pending bytes had no room. */
    public final LongAdder budgetRefusals = new LongAdder();
    /** Connections disconnected as the slowest readers when the budget had no room. */
    public final LongAdder budgetEvictions = new LongAdder();
    /** Requests answered, by command and result. */
    public final RequestCounts requests = new RequestCounts();
    /**
     * Replies whose write is over (sent, or failed with their connection): each of
     * {@link #requests} gets one, so the difference is the replies in flight.
     */
    public final LongAdder repliesDone = new LongAdder();
    /** Gaps seen in ingest sequence numbers (sum of missing numbers). */
    public final LongAdder eventSeqGaps = new LongAdder();
    /** Bytes of incomplete commands discarded when a client closed its connection mid-frame. */
    public final LongAdder trailingBytes = new LongAdder();

    private final LongAdder[] refused = adders(Refusal.values().length);
    private final LongAdder[] datagrams = adders(Datagram.values().length);

    @Override
    public long made() {
        return requests.total();
    }

    @Override
    public long done() {
        return repliesDone.sum();
    }

    /** @param why counts one refused connection */
    public void refused(Refusal why) {
        refused[why.ordinal()].increment();
    }

    /** @return connections refused for {@code why} */
    public long refusedCount(Refusal why) {
        return refused[why.ordinal()].sum();
    }

    /** @param what counts one ingest datagram */
    public void datagram(Datagram what) {
        datagrams[what.ordinal()].increment();
    }

    /** @return ingest datagrams that ended as {@code what} */
    public long datagramCount(Datagram what) {
        return datagrams[what.ordinal()].sum();
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }
}
