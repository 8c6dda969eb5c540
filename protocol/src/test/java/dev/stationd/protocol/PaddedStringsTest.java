package dev.stationd.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The cache of padded strings: cached on the second write of an instance, and always the right bytes. */
class PaddedStringsTest {
    private final PaddedStrings cache = new PaddedStrings();

    private static byte[] uncached(String s, int size) {
        byte[] b = new byte[size];
        WireStrings.putUncached(b, 0, s, size);
        return b;
    }

    @Test
    void aStringIsCachedTheSecondTimeItIsWritten() {
        String ssid = new String("Café ☕ net"); // multibyte: the padded bytes are its UTF-8
        assertNull(cache.padded(ssid, StaListAttr.SSID_SIZE), "the first time only marks it");
        byte[] second = cache.padded(ssid, StaListAttr.SSID_SIZE);
        assertNotNull(second);
        assertArrayEquals(uncached(ssid, StaListAttr.SSID_SIZE), second);
        assertSame(second, cache.padded(ssid, StaListAttr.SSID_SIZE), "then the same bytes, no copy");
    }

    @Test
    void anEqualStringOfAnotherInstanceIsNotAHit() {
        String a = new String("wlan0");
        cache.padded(a, StaListAttr.IFNAME_SIZE);
        byte[] cached = cache.padded(a, StaListAttr.IFNAME_SIZE);
        String b = new String("wlan0");
        byte[] other = cache.padded(b, StaListAttr.IFNAME_SIZE);
        assertNull(other, "instances are compared, not contents");
        assertSame(cached, cache.padded(a, StaListAttr.IFNAME_SIZE), "marking b in the other array left a's entry");
    }

    @Test
    void theSameStringAtTwoSizesGetsBytesOfEachSize() {
        String s = "guest";
        for (int round = 0; round < 3; round++) {
            for (int size : new int[] {StaListAttr.IFNAME_SIZE, StaListAttr.SSID_SIZE}) {
                byte[] got = cache.padded(s, size);
                if (got != null) {
                    assertEquals(size, got.length);
                    assertArrayEquals(uncached(s, size), got);
                }
            }
        }
    }

    @Test
    void manyStringsSharingSlotsAreEachWrittenRight() {
        String[] values = new String[2_000]; // far more than slots: collisions replace, never mix up
        for (int i = 0; i < values.length; i++) {
            values[i] = "ssid-" + i;
        }
        for (int round = 0; round < 3; round++) {
            for (String v : values) {
                byte[] got = cache.padded(v, StaListAttr.SSID_SIZE);
                if (got != null) {
                    assertArrayEquals(uncached(v, StaListAttr.SSID_SIZE), got, v);
                }
            }
        }
        String empty = "";
        cache.padded(empty, StaListAttr.HOSTNAME_SIZE);
        assertArrayEquals(new byte[StaListAttr.HOSTNAME_SIZE], cache.padded(empty, StaListAttr.HOSTNAME_SIZE));
    }
}
