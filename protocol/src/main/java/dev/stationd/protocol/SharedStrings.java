package dev.stationd.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Recently decoded ASCII strings, handed out again when the same bytes come back: a table's
 * {@code ifname} and {@code ssid} take a handful of values over thousands of stations, and a
 * string of their own per station was about a tenth of the heap with 10,000 stations.
 * Direct-mapped (one slot per hash), so it never grows, and a value that does not repeat only
 * takes another's slot. Slots are read and written without a lock: a string is immutable and its
 * reference is written whole, so a race costs a copy, never a wrong string.
 */
final class SharedStrings {
    private static final int SLOTS = 256;
    private final String[] slots = new String[SLOTS];

    /**
     * @param b the bytes
     * @param off where they start
     * @param length how many (all ASCII)
     * @return a string of them, the same instance as for the same bytes before when it is still cached
     */
    String ascii(byte[] b, int off, int length) {
        int h = length;
        for (int i = 0; i < length; i++) {
            h = 31 * h + b[off + i];
        }
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        String s = slots[slot];
        if (s != null && s.length() == length && same(s, b, off)) {
            return s;
        }
        s = new String(b, off, length, StandardCharsets.US_ASCII);
        slots[slot] = s;
        return s;
    }

    private static boolean same(String s, byte[] b, int off) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != b[off + i]) {
                return false;
            }
        }
        return true;
    }
}
