package dev.stationd.daemon.table;

import dev.stationd.protocol.MacAddress;

/**
 * A {@code long} per MAC address (when the daemon last heard of each station, what a re-read
 * knows of each), in two arrays ({@link MacSlots}): a station costs 16 to 32 bytes and no object,
 * where a map of boxed entries would take two objects (an entry and the value's holder), about
 * 56 bytes. Not thread-safe.
 */
public final class MacLongMap extends MacSlots {
    private long[] values;

    /** An empty map. */
    public MacLongMap() {
        allocateMin();
    }

    /**
     * @param mac a station
     * @param value its value (any)
     */
    public void put(MacAddress mac, long value) {
        put(mac.value(), value);
    }

    /**
     * @param key a station's {@link MacAddress#value()}
     * @param value its value (any)
     */
    public void put(long key, long value) {
        int i = slotOf(key);
        if (i < 0) {
            i = claim(key); // before values is read: a claim may grow the arrays
        }
        values[i] = value;
    }

    /**
     * @param mac a station
     * @param absent what to return when it has no value
     * @return its value, or {@code absent}
     */
    public long get(MacAddress mac, long absent) {
        return get(mac.value(), absent);
    }

    /**
     * @param key a station's {@link MacAddress#value()}
     * @param absent what to return when it has no value
     * @return its value, or {@code absent}
     */
    public long get(long key, long absent) {
        int i = slotOf(key);
        return i >= 0 ? values[i] : absent;
    }

    /** @param mac a station whose value is forgotten (nothing happens if it has none) */
    public void remove(MacAddress mac) {
        remove(mac.value());
    }

    /** @param key a station's {@link MacAddress#value()} whose value is forgotten (nothing happens if it has none) */
    public void remove(long key) {
        free(key);
    }

    /** Forgets every value and gives the arrays' memory back. */
    public void clear() {
        allocateMin();
    }

    /**
     * Forgets every value but keeps the arrays, for a map that is filled again to about the same
     * size (one re-read after the other): no growth from the smallest size each time.
     */
    public void reset() {
        freeAll();
    }

    @Override
    void moveValue(int from, int to) {
        values[to] = values[from];
    }

    @Override
    void clearValue(int slot) {
        // a long refers to nothing
    }

    @Override
    void clearValues() {
        // longs refer to nothing
    }

    @Override
    Object newValues(int capacity) {
        long[] previous = values;
        values = new long[capacity];
        return previous;
    }

    @Override
    void copyValue(Object previous, int from, int to) {
        values[to] = ((long[]) previous)[from];
    }
}
