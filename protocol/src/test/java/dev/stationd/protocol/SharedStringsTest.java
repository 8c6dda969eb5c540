package dev.stationd.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cache of repeated wire strings: the same bytes give the same instance, other bytes never it. */
class SharedStringsTest {
    private final SharedStrings cache = new SharedStrings();

    private String read(String text) {
        // a byte before the text and padding after it: the cache must read only its length from its offset
        return cache.ascii(("x" + text + "yy").getBytes(StandardCharsets.US_ASCII), 1, text.length());
    }

    @Test
    void theSameBytesGiveTheSameString() {
        String first = read("wlan0");
        assertEquals("wlan0", first);
        assertSame(first, read("wlan0"));
        assertEquals("wlan1", read("wlan1"));
        assertNotSame(first, read("wlan1"));
    }

    @Test
    void manyValuesSharingSlotsAreEachReadRight() {
        Map<String, String> seen = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 2_000; i++) { // far more values than slots: collisions replace, never mix up
                String v = "ssid-" + i;
                String got = read(v);
                assertEquals(v, got);
                seen.put(v, got);
            }
        }
        assertEquals("", read(""), "the empty string too");
        assertEquals(2_000, seen.size());
    }
}
