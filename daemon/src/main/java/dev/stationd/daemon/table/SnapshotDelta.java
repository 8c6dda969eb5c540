package dev.stationd.daemon.table;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.util.Arrays;

/**
 * What changed in the table since its last snapshot, so that the next snapshot is that one with
 * a few records replaced ({@link TableSnapshot#merged}) instead of a walk over the whole map: on a
 * busy access point nearly every query needs a new snapshot, and between two queries only a small
 * part of a large table changes. Each unchanged record is the same instance in both snapshots,
 * which lets the encoded table copy its bytes instead of encoding it again.
 *
 * <p>Not thread-safe: the table calls every method under its lock, and builds one snapshot at a time.
 */
final class SnapshotDelta {
    /** Below this many stations a full copy is as cheap as a merge, and simpler. */
    static final int MIN_MERGE_SIZE = 256;

    /** Where the delta stands. */
    private enum State {
        /** No base to merge into: the next snapshot is a full copy; changes are not recorded. */
        NONE,
        /** A snapshot is being built from what {@link #take} returned; changes are recorded against it. */
        BUILDING,
        /** {@link #base} is the newest snapshot; {@link #changes} lead from it to the table. */
        READY
    }

    private State state = State.NONE;
    private TableSnapshot base;
    // The changed stations in the order of their first change: MACs in keys, records (null for a
    // removed station) in records, each MAC's position in at. Arrays kept from one snapshot to the
    // next: a map entry per change would be a thousand objects a second on a busy access point,
    // each living until the next query, long enough to be promoted.
    private final MacLongMap at = new MacLongMap();
    private long[] keys = new long[MIN_MERGE_SIZE];
    private StaListAttr[] records = new StaListAttr[MIN_MERGE_SIZE];
    private int count;

    /** @param sta a station stored (added or replaced) */
    void stored(StaListAttr sta) {
        record(sta.macValue(), sta);
    }

    /** @param mac a station removed, as {@link MacAddress#value()} */
    void removed(long mac) {
        record(mac, null);
    }

    /** Many stations changed at once (a flush of everything): the next snapshot is a full copy. */
    void reset() {
        state = State.NONE;
        base = null;
        clearChanges();
    }

    private void clearChanges() {
        at.reset();
        Arrays.fill(records, 0, count, null); // the records are the table's, not the delta's to keep
        count = 0;
    }

    private void record(long mac, StaListAttr sta) {
        if (state == State.NONE) {
            return;
        }
        long i = at.get(mac, -1);
        if (i >= 0) {
            records[(int) i] = sta;
            return;
        }
        if (count == keys.length) {
            keys = Arrays.copyOf(keys, count * 2);
            records = Arrays.copyOf(records, count * 2);
        }
        keys[count] = mac;
        records[count] = sta;
        at.put(mac, count++);
        if (count > MIN_MERGE_SIZE && state == State.READY && count > base.size() / 2) {
            reset(); // past this a merge copies about as much as the full walk it saves
        }
    }

    /**
     * Starts a snapshot: from here on changes are recorded against the one being built.
     *
     * @param stations the table's map (a full copy is made of it when there is nothing to merge into, sorted outside the lock)
     * @param version the table's version
     * @param filters the filters in force
     * @return how to build the snapshot of this version (outside the lock)
     */
    Plan take(MacRecordMap stations, long version, FilterSet filters) {
        Plan plan;
        if (state == State.READY && stations.size() >= MIN_MERGE_SIZE) {
            long[] sorted = Arrays.copyOf(keys, count);
            Arrays.sort(sorted);
            StaListAttr[] sortedRecords = new StaListAttr[count];
            for (int i = 0; i < count; i++) {
                sortedRecords[i] = records[(int) at.get(sorted[i], -1)];
            }
            plan = new Plan(version, filters, base, sorted, sortedRecords, stations.size(), null);
        } else {
            plan = new Plan(version, filters, null, null, null, stations.size(), stations.toArray());
        }
        state = State.BUILDING;
        base = null;
        clearChanges();
        return plan;
    }

    /**
     * The snapshot {@link #take} started is built: later snapshots merge into it. If the delta was
     * reset meanwhile, the next one is a full copy still.
     *
     * @param s that snapshot
     */
    void built(TableSnapshot s) {
        if (state == State.BUILDING) {
            state = State.READY;
            base = s;
        }
    }

    /**
     * How to build one snapshot: {@code base} merged with the changes, or a full copy.
     *
     * @param version the snapshot's version
     * @param filters its filters
     * @param base the snapshot to merge into, or {@code null} for a full copy
     * @param keys the changed MACs ({@link MacAddress#value()}, ascending), with {@code base}
     * @param records their records ({@code null} = removed), with {@code base}
     * @param size stations in the snapshot
     * @param full every station in no order, without {@code base} (sorted by {@link #build})
     */
    record Plan(long version, FilterSet filters, TableSnapshot base, long[] keys, StaListAttr[] records, int size,
                StaListAttr[] full) {
        /** @return the snapshot (allocates; call it outside the table's lock) */
        TableSnapshot build() {
            if (base == null) {
                Arrays.sort(full, TableSnapshot.BY_MAC);
                return new TableSnapshot(version, full, filters);
            }
            return base.merged(version, filters, keys, records, size);
        }
    }
}
