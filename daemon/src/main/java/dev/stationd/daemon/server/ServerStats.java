package dev.stationd.daemon.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the server side, shared by all channels. */
public final class ServerStats {
    /** Open client connections. */
    public final AtomicInteger connections = new AtomicInteger();
    /** Connections refused with {@code E_BUSY} because of {@code max_connections}. */
    public final LongAdder refusedConnections = new LongAdder();
    /** Requests answered. */
    public final LongAdder requests = new LongAdder();
    /** Requests answered with an error code. */
    public final LongAdder errors = new LongAdder();
    /**
     * Well-formed ingest datagrams handed to the table (the {@code events=} of the shutdown line).
     * The table may still drop one: a new station when it is full, an all-zero MAC; it counts
     * those itself ({@code StationTable.droppedFull()}, {@code droppedInvalid()}).
     */
    public final LongAdder eventsApplied = new LongAdder();
    /** Ingest datagrams dropped as malformed. */
    public final LongAdder eventsMalformed = new LongAdder();
    /** Gaps seen in ingest sequence numbers (sum of missing numbers). */
    public final LongAdder eventSeqGaps = new LongAdder();
    /** Subscribers disconnected for exceeding their backlog. */
    public final LongAdder subscribersDropped = new LongAdder();
    /** Bytes of partial frames dropped at end of input. */
    public final LongAdder trailingBytes = new LongAdder();
}
