package dev.stationd.daemon.table;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Station records by their MAC, in two arrays ({@link MacSlots}): the record holds its MAC, so
 * a station costs 12 to 24 bytes of arrays and no object besides the record, where a
 * {@code HashMap} takes an entry object of 32 bytes per station. The station table and each
 * hostapd interface keep one; at 16,000 stations that is 32,000 objects fewer for every full
 * collection to mark and move. No order. Not thread-safe.
 */
public final class MacRecordMap extends MacSlots {
    private StaListAttr[] values;

    /** An empty map. */
    public MacRecordMap() {
        allocateMin();
    }

    /**
     * @param mac a MAC
     * @return its record, or {@code null}
     */
    public StaListAttr get(MacAddress mac) {
        return get(mac.value());
    }

    /**
     * @param key a MAC as {@link MacAddress#value()}
     * @return its record, or {@code null}
     */
    public StaListAttr get(long key) {
        int i = slotOf(key);
        return i >= 0 ? values[i] : null;
    }

    /**
     * @param mac a MAC
     * @return whether it has a record
     */
    public boolean containsKey(MacAddress mac) {
        return slotOf(mac.value()) >= 0;
    }

    /**
     * @param record stored under its MAC
     * @return the record it replaces, or {@code null}
     */
    public StaListAttr put(StaListAttr record) {
        long key = record.macValue();
        int i = slotOf(key);
        if (i < 0) {
            i = claim(key); // before values is read: a claim may grow the arrays
            values[i] = record;
            return null;
        }
        StaListAttr previous = values[i];
        values[i] = record;
        return previous;
    }

    /**
     * @param mac a MAC
     * @return its record, now removed, or {@code null} when it had none
     */
    public StaListAttr remove(MacAddress mac) {
        return remove(mac.value());
    }

    /**
     * @param key a MAC as {@link MacAddress#value()}
     * @return its record, now removed, or {@code null} when it had none
     */
    public StaListAttr remove(long key) {
        int i = slotOf(key);
        if (i < 0) {
            return null;
        }
        StaListAttr removed = values[i];
        freeSlot(i);
        return removed;
    }

    /**
     * Removes every record that {@code test} accepts.
     *
     * @param test called once per record (not in MAC order); it must not change this map
     * @return the records removed (in no order)
     */
    public List<StaListAttr> removeIf(Predicate<? super StaListAttr> test) {
        List<StaListAttr> removed = new ArrayList<>();
        forEach(r -> {
            if (test.test(r)) {
                removed.add(r);
            }
        });
        for (StaListAttr r : removed) { // afterwards: a removal moves later records back
            free(r.macValue());
        }
        return removed;
    }

    /** @param action called once per record (not in MAC order); it must not change this map */
    public void forEach(Consumer<? super StaListAttr> action) {
        StaListAttr[] v = values;
        for (StaListAttr r : v) {
            if (r != null) {
                action.accept(r);
            }
        }
    }

    /** @return every record in a new array, in no order */
    public StaListAttr[] toArray() {
        StaListAttr[] out = new StaListAttr[size()];
        int n = 0;
        for (StaListAttr r : values) {
            if (r != null) {
                out[n++] = r;
            }
        }
        return out;
    }

    /** Removes every record and gives the arrays' memory back. */
    public void clear() {
        allocateMin();
    }

    @Override
    void moveValue(int from, int to) {
        values[to] = values[from];
    }

    @Override
    void clearValue(int slot) {
        values[slot] = null;
    }

    @Override
    void clearValues() {
        Arrays.fill(values, null);
    }

    @Override
    Object newValues(int capacity) {
        StaListAttr[] previous = values;
        values = new StaListAttr[capacity];
        return previous;
    }

    @Override
    void copyValue(Object previous, int from, int to) {
        values[to] = ((StaListAttr[]) previous)[from];
    }
}
