package dev.stationd.daemon.table;

import dev.stationd.protocol.EventType;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live station table, keyed by MAC.
 *
 * <p>Threading: mutations ({@link #apply}, {@link #expire}, {@link #setFilters}, {@link #relearn}) may come from any
 * thread and are serialised by one lock over a {@link MacRecordMap} (no order: an update is a
 * hash lookup, not a walk down a tree of 16,000 comparisons; the snapshots keep MAC order). Queries go through
 * {@link #snapshot()}, an immutable {@link TableSnapshot} built on the first query after a change
 * (the previous one with the changes since merged in, see {@link SnapshotDelta}: on a busy access
 * point nearly every query needs a new one) and cached until the next one, so repeated queries between changes share one instance and never
 * lock. A snapshot is always one consistent state of the table, never a torn mix.
 *
 * <p>Stored records always carry {@link StaFlags#FILTERED} exactly when the current
 * {@link FilterSet} matches them; the bit in incoming records is ignored.
 *
 * <p>With {@link #learnFrom}, stored records also carry what the daemon learned by itself
 * ({@code ipv4}, {@code ipv6}, {@code hostname}) wherever the station's source left them at zero.
 *
 * <p>Every applied change is reported to the {@link TableListener}s under the lock, in order.
 *
 * <p>One class although past 400 lines: every mutation, the filter flag, the learned fields and
 * the listeners share the one lock and map, which is the point of the class.
 */
public final class StationTable {
    private static final Logger log = LoggerFactory.getLogger(StationTable.class);

    private final Object lock = new Object();
    private final Object buildLock = new Object();
    private final LongSupplier clockMs;
    /** When the daemon heard of a station last, for expiry: its own clock, never the sender's. */
    private final LongSupplier receiveClockMs;
    private final List<TableListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger eventSeq = new AtomicInteger();

    // guarded by lock
    private final MacRecordMap stations = new MacRecordMap();
    /** Changes since the last snapshot, which the next one merges in. */
    private final SnapshotDelta delta = new SnapshotDelta();
    /** Per station, when an update of it was last applied ({@link #receiveClockMs}); updated in place. */
    private final MacLongMap heard = new MacLongMap();
    /**
     * No station was heard of before this ({@link #receiveClockMs}): the oldest receive time the
     * last expiry scan left, or the time of that scan when it left none. Receive times only move
     * forward, so it stays a bound until the next scan, and {@link #expire} needs no scan while
     * its cutoff is below it: with stations re-read every few seconds, the scan of a large table
     * every second comes down to a comparison.
     */
    private long heardNoneBefore = Long.MIN_VALUE;
    private FilterSet filters = FilterSet.empty();
    private long version;
    private long droppedFull;
    private long droppedInvalid;
    private long applied;
    /** Merges what the daemon learned by itself into stations; null when it learns nothing. */
    private LearnedMerge learned;

    private volatile int maxStations;
    /** The snapshot of {@code version}, or null when the table changed since it was built. */
    private volatile TableSnapshot cached = TableSnapshot.empty();

    /**
     * A table whose expiry runs on {@code clockMs} too (tests move one clock for both).
     *
     * @param maxStations most stations kept (at least 1); new stations beyond it are dropped
     * @param clockMs wall clock in Unix epoch milliseconds (for a missing {@code last_seen_ms}, and expiry)
     */
    public StationTable(int maxStations, LongSupplier clockMs) {
        this(maxStations, clockMs, clockMs);
    }

    /**
     * @param maxStations most stations kept (at least 1); new stations beyond it are dropped
     * @param clockMs wall clock in Unix epoch milliseconds (for a missing {@code last_seen_ms})
     * @param receiveClockMs the clock of expiry, in milliseconds: when an update was received
     *     (the daemon passes a monotonic one, so that no clock step expires or keeps stations)
     */
    public StationTable(int maxStations, LongSupplier clockMs, LongSupplier receiveClockMs) {
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
        this.receiveClockMs = Objects.requireNonNull(receiveClockMs, "receiveClockMs");
        setMaxStations(maxStations);
    }

    /**
     * Changes the limit (live reload). Lowering it below the current size removes nothing; new
     * stations are dropped until the table shrinks below the limit, while known ones keep updating.
     *
     * @param maxStations at least 1
     */
    public void setMaxStations(int maxStations) {
        if (maxStations < 1) {
            throw new IllegalArgumentException("maxStations must be >= 1: " + maxStations);
        }
        this.maxStations = maxStations;
    }

    /** @return the current limit */
    public int maxStations() {
        return maxStations;
    }

    /**
     * @param l called for every applied change; see {@link TableListener} for the rules
     */
    public void addListener(TableListener l) {
        listeners.add(Objects.requireNonNull(l, "listener"));
    }

    /** @param l a listener added earlier (no-op otherwise) */
    public void removeListener(TableListener l) {
        listeners.remove(l);
    }

    /** What {@link #offer} did with an event. */
    public enum Outcome {
        /** Applied: the table changed, or an UPSERT repeated the stored record. */
        APPLIED,
        /** Nothing to do: a REMOVE of an absent station, a FLUSH of an empty interface. */
        NO_CHANGE,
        /** A new station while the table was full: dropped (counted in {@link #droppedFull()}). */
        DROPPED_FULL,
        /** An UPSERT of the all-zero MAC: dropped (counted in {@link #droppedInvalid()}). */
        DROPPED_INVALID
    }

    /**
     * Makes the table fill {@code ipv4}, {@code ipv6} and {@code hostname} from {@code source}
     * wherever a station's source leaves them at zero (see {@link LearnedMerge}); call
     * {@link #relearn} when what it knows changes.
     *
     * @param source what the daemon learned per MAC
     */
    public void learnFrom(LearnedFields source) {
        Objects.requireNonNull(source, "source");
        synchronized (lock) {
            learned = new LearnedMerge(source);
        }
    }

    /**
     * Re-reads the learned fields of these MACs; each station whose record changes is reported
     * as an {@code UPSERT} (in the order given). MACs that are not stations are skipped.
     *
     * @param macs MACs whose learned fields may have changed
     * @return how many stations changed
     */
    public int relearn(Iterable<MacAddress> macs) {
        synchronized (lock) {
            if (learned == null) {
                return 0;
            }
            int n = 0;
            for (MacAddress mac : macs) {
                StaListAttr old = stations.get(mac);
                if (old == null) {
                    continue;
                }
                StaListAttr sta = learned.relearned(old);
                if (sta != old) {
                    store(sta);
                    if (n++ == 0) {
                        changed();
                    }
                    emit(EventType.UPSERT, sta);
                }
            }
            return n;
        }
    }

    /**
     * Applies one ingest event.
     *
     * <ul>
     *   <li>{@code UPSERT}: adds or replaces the station. A new station is dropped (and counted in
     *       {@link #droppedFull()}) when the table is full; known ones are always updated. A
     *       {@code last_seen_ms} of 0 is replaced by the clock. An all-zero MAC is dropped and
     *       counted in {@link #droppedInvalid()}.</li>
     *   <li>{@code REMOVE}: removes {@code sta.mac}.</li>
     *   <li>{@code FLUSH}: removes every station on {@code sta.ifname}, or all when it is {@code ""}.</li>
     * </ul>
     *
     * @param e the event
     * @return whether the table changed (an UPSERT identical to the stored record counts as
     *     applied but emits nothing)
     */
    public boolean apply(StaEvent e) {
        return offer(e) == Outcome.APPLIED;
    }

    /**
     * {@link #apply}, telling what became of the event.
     *
     * @param e the event
     * @return the outcome
     */
    public Outcome offer(StaEvent e) {
        StaListAttr sta = e.sta();
        switch (e.type()) {
            case UPSERT:
                return upsert(sta);
            case REMOVE:
                synchronized (lock) {
                    StaListAttr removed = stations.remove(sta.macValue());
                    if (removed == null) {
                        return Outcome.NO_CHANGE;
                    }
                    forget(removed);
                    applied++;
                    changed();
                    emit(EventType.REMOVE, removed);
                    return Outcome.APPLIED;
                }
            case FLUSH:
                return flush(sta.ifname()) ? Outcome.APPLIED : Outcome.NO_CHANGE;
            default:
                throw new IllegalArgumentException("unknown event type " + e.type());
        }
    }

    /**
     * Removes a station only while its record is on {@code ifname}: when a station moved to another
     * interface (a roam between BSSes), the leave that the old one reports afterwards must not
     * remove it. Checked and removed under one lock, so no upsert of another interface comes between.
     *
     * @param mac the station
     * @param ifname the interface that reports it gone
     * @return {@link Outcome#APPLIED} when removed, {@link Outcome#NO_CHANGE} when absent or on another interface
     */
    public Outcome removeIfOn(MacAddress mac, String ifname) {
        synchronized (lock) {
            StaListAttr r = stations.get(mac);
            if (r == null || !r.ifname().equals(ifname)) {
                return Outcome.NO_CHANGE;
            }
            return offer(StaEvent.remove(0, mac)); // the lock is reentrant; the table numbers its own events
        }
    }

    private Outcome upsert(StaListAttr in) {
        if (in.macValue() == 0) {
            synchronized (lock) {
                droppedInvalid++;
            }
            log.debug("dropped station with zero MAC");
            return Outcome.DROPPED_INVALID;
        }
        StaListAttr sta = in;
        if (sta.lastSeenMs() == 0) {
            sta = sta.toBuilder().lastSeenMs(clockMs.getAsLong()).build();
        }
        synchronized (lock) {
            if (learned != null) {
                sta = learned.upserted(sta);
            }
            sta = TableSnapshot.withFilteredFlag(sta, filters);
            StaListAttr old = stations.get(sta.macValue());
            if (old == null && stations.size() >= maxStations) {
                long n = ++droppedFull;
                if (n == 1 || n % 10_000 == 0) {
                    log.warn("station table full ({} stations, max {}): dropping new station {} ({} dropped so far)",
                            stations.size(), maxStations, sta.mac(), n);
                }
                return Outcome.DROPPED_FULL;
            }
            applied++;
            heardNow(sta.macValue()); // an update that changes nothing still says the station is there
            if (sta.equals(old)) {
                return Outcome.APPLIED;
            }
            store(sta);
            changed();
            emit(EventType.UPSERT, sta);
            return Outcome.APPLIED;
        }
    }

    private boolean flush(String ifname) {
        synchronized (lock) {
            int removed;
            if (ifname.isEmpty()) {
                removed = stations.size();
                stations.clear();
                delta.reset();
                heard.clear();
                if (learned != null) {
                    learned.cleared();
                }
            } else {
                List<StaListAttr> gone = stations.removeIf(s -> ifname.equals(s.ifname()));
                gone.forEach(this::forget);
                removed = gone.size();
            }
            if (removed == 0) {
                return false;
            }
            applied++;
            changed();
            emit(EventType.FLUSH, StaListAttr.builder(MacAddress.ZERO).ifname(ifname).build());
            log.debug("flushed {} stations on '{}'", removed, ifname);
            return true;
        }
    }

    /**
     * Removes every station not heard of (no update applied) for longer than {@code expireAfter},
     * by the daemon's own receive clock: the sender's {@code last_seen_ms} is not used, so a
     * sender's clock in the future cannot keep a station for ever, nor one in the past expire it at
     * once. Reports one {@code REMOVE} per station (in MAC order).
     *
     * @param expireAfter the idle time after which a station is removed
     * @return how many stations were removed
     */
    public int expire(Duration expireAfter) {
        long now = receiveClockMs.getAsLong();
        long cutoff = now - expireAfter.toMillis();
        synchronized (lock) {
            if (cutoff < heardNoneBefore) {
                return 0;
            }
            long[] oldestKept = {now};
            List<StaListAttr> gone = stations.removeIf(s -> {
                long at = heard.get(s.macValue(), Long.MIN_VALUE);
                if (at < cutoff) {
                    return true;
                }
                oldestKept[0] = Math.min(oldestKept[0], at);
                return false;
            });
            heardNoneBefore = oldestKept[0];
            if (gone.isEmpty()) {
                return 0;
            }
            gone.forEach(this::forget);
            changed();
            gone.sort(TableSnapshot.BY_MAC);
            for (StaListAttr s : gone) {
                emit(EventType.REMOVE, s);
            }
            log.debug("expired {} stations idle for more than {}", gone.size(), expireAfter);
            return gone.size();
        }
    }

    /**
     * Replaces the filters, setting or clearing {@link StaFlags#FILTERED} on every station. Each
     * station whose flag changes is reported as an {@code UPSERT}.
     *
     * @param newFilters the filters now in force
     */
    public void setFilters(FilterSet newFilters) {
        Objects.requireNonNull(newFilters, "filters");
        synchronized (lock) {
            if (newFilters == filters) {
                return;
            }
            filters = newFilters;
            changed(); // snapshots carry their filter set, so always invalidate
            int flipped = 0;
            // in MAC order so subscribers see a deterministic sequence (a copy: the loop replaces values)
            StaListAttr[] all = stations.toArray();
            Arrays.sort(all, TableSnapshot.BY_MAC);
            for (StaListAttr s : all) {
                StaListAttr t = TableSnapshot.withFilteredFlag(s, newFilters);
                if (t != s) {
                    store(t);
                    emit(EventType.UPSERT, t);
                    flipped++;
                }
            }
            log.debug("filters now {} entries; FILTERED changed on {} stations", newFilters.size(), flipped);
        }
    }

    /** @return the filters in force */
    public FilterSet filters() {
        synchronized (lock) {
            return filters;
        }
    }

    /**
     * @return a consistent immutable view of the table; the same instance until the next change
     */
    public TableSnapshot snapshot() {
        TableSnapshot s = cached;
        if (s != null) {
            return s;
        }
        synchronized (buildLock) { // one builder at a time; the others then reuse its result
            s = cached;
            if (s != null) {
                return s;
            }
            SnapshotDelta.Plan plan;
            synchronized (lock) {
                plan = delta.take(stations, version, filters);
            }
            s = plan.build();
            synchronized (lock) {
                delta.built(s);
                if (version == plan.version()) {
                    cached = s;
                }
            }
            return s;
        }
    }

    /** @return the number of stations */
    public int size() {
        synchronized (lock) {
            return stations.size();
        }
    }

    /** @return the table version; it grows with every change */
    public long version() {
        synchronized (lock) {
            return version;
        }
    }

    /** @return new stations dropped because the table was full */
    public long droppedFull() {
        synchronized (lock) {
            return droppedFull;
        }
    }

    /** @return upserts dropped because the MAC was all zero */
    public long droppedInvalid() {
        synchronized (lock) {
            return droppedInvalid;
        }
    }

    /** @return events that {@link #apply} applied (returned true for) */
    public long applied() {
        synchronized (lock) {
            return applied;
        }
    }

    // ---- under lock ----

    /** Under the lock. */
    private void heardNow(long mac) {
        heard.put(mac, receiveClockMs.getAsLong());
    }

    private void store(StaListAttr sta) {
        stations.put(sta);
        delta.stored(sta);
    }

    /** What goes with a station taken out of {@link #stations}: its receive time, its learned fields, its snapshot delta. */
    private void forget(StaListAttr removed) {
        delta.removed(removed.macValue());
        heard.remove(removed.macValue());
        if (learned != null) {
            learned.removed(removed.mac());
        }
    }

    private void changed() {
        version++;
        cached = null;
    }

    private void emit(EventType type, StaListAttr record) {
        int seq = eventSeq.incrementAndGet();
        if (!listeners.isEmpty()) {
            emitEvent(new StaEvent(type, seq, record));
        }
    }

    private void emitEvent(StaEvent e) {
        for (TableListener l : listeners) {
            try {
                l.onChange(e);
            } catch (RuntimeException ex) {
                log.warn("table listener {} failed on {}", l, e.type(), ex);
            }
        }
    }
}
