package dev.stationd.daemon.table;

import dev.stationd.protocol.MacAddress;
import java.util.Arrays;

/**
 * A {@code long} per MAC address (when the daemon last heard of each station, what a re-read
 * knows of each), in two arrays: open addressing with linear probing. A map of boxed entries
 * would take two objects per station (an entry and the value's holder), about 56 bytes, and give
 * the collector 32,000 more objects to mark at 16,000 stations; here a station costs 16 to 32
 * bytes and no object. Not thread-safe.
 */
public final class MacLongMap {
    /** A free slot: MAC addresses are 48 bits, never all ones in 64. */
    private static final long FREE = -1L;
    private static final int MIN_CAPACITY = 64;

    private long[] keys;
    private long[] values;
    private int size;

    /** An empty map. */
    public MacLongMap() {
        allocate(MIN_CAPACITY);
    }

    /** @return how many MACs have a value */
    public int size() {
        return size;
    }

    /**
     * @param mac a station
     * @param value its value (any)
     */
    public void put(MacAddress mac, long value) {
        long key = mac.value();
        int i = find(key);
        if (keys[i] == key) {
            values[i] = value;
            return;
        }
        keys[i] = key;
        values[i] = value;
        size++;
        if (size * 4L > keys.length * 3L) { // above three quarters full
            rehash(keys.length * 2);
        }
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
    long get(long key, long absent) {
        int i = find(key);
        return keys[i] == key ? values[i] : absent;
    }

    /** @param mac a station whose value is forgotten (nothing happens if it has none) */
    public void remove(MacAddress mac) {
        long key = mac.value();
        int hole = find(key);
        if (keys[hole] != key) {
            return;
        }
        // Backward-shift deletion: move up every later entry of the run that may not sit past the
        // hole, so that a lookup never stops early at it.
        int mask = keys.length - 1;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            if (keys[i] == FREE) {
                break;
            }
            int home = slot(keys[i], mask);
            // the entry at i may move to the hole if its home is not in the cyclic range (hole, i]
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                hole = i;
            }
        }
        keys[hole] = FREE;
        size--;
        if (keys.length > MIN_CAPACITY && size * 8L < keys.length) { // below an eighth full
            rehash(keys.length / 2);
        }
    }

    /** Forgets every value and gives the arrays' memory back. */
    public void clear() {
        allocate(MIN_CAPACITY);
    }

    /**
     * Forgets every value but keeps the arrays, for a map that is filled again to about the same
     * size (one re-read after the other): no growth from the smallest size each time.
     */
    public void reset() {
        Arrays.fill(keys, FREE);
        size = 0;
    }

    /** @return the slot holding {@code key}, or the free slot where it would go */
    private int find(long key) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != FREE && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** MACs of one vendor differ in their low bits only: the bits are mixed before they pick a slot. */
    private static int slot(long key, int mask) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        long[] oldValues = values;
        allocate(capacity);
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != FREE) {
                int i = find(oldKeys[j]);
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
                size++;
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, FREE);
        values = new long[capacity];
        size = 0;
    }
}
