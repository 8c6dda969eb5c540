package dev.stationd.daemon.table;

import dev.stationd.protocol.StaEvent;

/**
 * Receives every change {@link StationTable} actually applies, in apply order.
 *
 * <p>Called <b>while the table lock is held</b>, on whichever thread changed the table (the
 * ingest event loop, the expiry timer, the filter writer). An implementation must therefore be
 * cheap and must never block, sleep, do I/O or call back into the table: typically it hands the
 * event to a channel's event loop or appends it to a bounded queue and drops (and counts) on
 * overflow. Exceptions are logged and otherwise ignored.
 */
@FunctionalInterface
public interface TableListener {
    /**
     * @param applied the change as a subscriber sees it: {@code UPSERT} with the stored record
     *     (FILTERED flag included), {@code REMOVE} with the removed record (also for expiry, one per
     *     station), or {@code FLUSH} with the flushed interface ({@code ""} = all); {@code seq} is the
     *     table's own event sequence number
     */
    void onChange(StaEvent applied);
}
