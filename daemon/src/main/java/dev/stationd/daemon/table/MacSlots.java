package dev.stationd.daemon.table;

import java.util.Arrays;

/**
 * Open addressing by MAC address with linear probing: the keys, the probing, deletion and
 * resizing shared by {@link MacLongMap} and {@link MacRecordMap}, which keep their values in an
 * array parallel to the keys. A map of boxed entries takes an object per entry (and a key object
 * unless the value holds it); at 16,000 stations that is 16,000 objects more for the collector to
 * mark and move in every full collection. Not thread-safe.
 */
abstract class MacSlots {
    /** A free slot: MAC addresses are 48 bits, never all ones in 64. */
    private static final long FREE = -1L;
    private static final int MIN_CAPACITY = 64;

    private long[] keys;
    private int size;

    /** Subclasses call {@link #allocate} with {@link #MIN_CAPACITY} once their fields are set. */
    MacSlots() {
    }

    /** @return how many MACs have a value */
    public final int size() {
        return size;
    }

    /**
     * @param key a {@link dev.stationd.protocol.MacAddress#value()}
     * @return its slot, or {@code -1} when it has none
     */
    final int slotOf(long key) {
        int i = find(key);
        return keys[i] == key ? i : -1;
    }

    /**
     * Gives {@code key} a slot; the caller stores the value there at once.
     *
     * @param key a MAC without a slot ({@link #slotOf} is {@code -1})
     * @return its slot (after any growth)
     */
    final int claim(long key) {
        int i = find(key);
        keys[i] = key;
        size++;
        if (size * 4L > keys.length * 3L) { // above three quarters full
            rehash(keys.length * 2);
            i = find(key);
        }
        return i;
    }

    /**
     * Frees the slot of {@code key} (nothing happens if it has none).
     *
     * @param key a MAC
     * @return whether it had a slot
     */
    final boolean free(long key) {
        int hole = find(key);
        if (keys[hole] != key) {
            return false;
        }
        freeSlot(hole);
        return true;
    }

    /** @param hole a used slot ({@link #slotOf}), freed */
    final void freeSlot(int hole) {
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
                moveValue(i, hole);
                hole = i;
            }
        }
        keys[hole] = FREE;
        clearValue(hole);
        size--;
        if (keys.length > MIN_CAPACITY && size * 8L < keys.length) { // below an eighth full
            rehash(keys.length / 2);
        }
    }

    /** Frees every slot and gives the arrays' memory back. */
    final void allocateMin() {
        allocate(MIN_CAPACITY);
    }

    /** Frees every slot but keeps the arrays (values: see {@link #clearValues}). */
    final void freeAll() {
        Arrays.fill(keys, FREE);
        clearValues();
        size = 0;
    }

    /** @param from a used slot whose value moves to {@code to} (then free or overwritten) */
    abstract void moveValue(int from, int to);

    /** @param slot a slot just freed: drop its value (so that nothing it refers to is kept) */
    abstract void clearValue(int slot);

    /** Every slot was freed: drop every value. */
    abstract void clearValues();

    /**
     * Replaces the values array by an empty one of {@code capacity}.
     *
     * @return the previous one ({@code null} the first time)
     */
    abstract Object newValues(int capacity);

    /** Copies value {@code from} of the previous values array to slot {@code to} of the new one. */
    abstract void copyValue(Object previous, int from, int to);

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
        Object oldValues = allocate(capacity);
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != FREE) {
                int i = find(oldKeys[j]);
                keys[i] = oldKeys[j];
                copyValue(oldValues, j, i);
                size++;
            }
        }
    }

    /** @return the previous values array */
    final Object allocate(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, FREE);
        size = 0;
        return newValues(capacity);
    }
}
