package dev.stationd.protocol;

/**
 * Recently written strings with their NUL-padded {@code char[size]} bytes, so that writing one
 * again is a single array copy: a table reply writes the same few interface names and SSIDs for
 * thousands of stations, and the character loop and padding were the largest part of encoding a
 * record. Direct-mapped by the string's hash; a string is cached the second time it is written
 * into its slot (the first time only marks it), so strings that occur once (most host names)
 * never allocate. Hits compare instances, not contents: a string shared by many records hits,
 * an equal copy just takes the slower path.
 *
 * <p>Safe without locks: a slot holds an immutable entry or a string, and a stale read of either
 * only means the slower path.
 */
final class PaddedStrings {
    private static final int SLOTS = 256;

    /** One string's padded bytes; immutable, so it can be read racily. */
    private record Entry(String s, byte[] padded) {
    }

    private final Entry[] entries = new Entry[SLOTS];
    private final String[] seen = new String[SLOTS];

    /**
     * @param s a string that fits a {@code char[size]} with its NUL
     * @param size the array size
     * @return its padded bytes when cached (do not modify), {@code null} when the caller must write it itself
     */
    byte[] padded(String s, int size) {
        int h = s.hashCode() + size;
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        Entry e = entries[slot];
        if (e != null && e.s == s && e.padded.length == size) {
            return e.padded;
        }
        if (seen[slot] != s) {
            seen[slot] = s;
            return null;
        }
        byte[] padded = new byte[size];
        WireStrings.putUncached(padded, 0, s, size);
        entries[slot] = new Entry(s, padded);
        return padded;
    }
}
