package dev.stationd.daemon.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stationd.protocol.MacAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MacLongMapTest {
    private static final long ABSENT = Long.MIN_VALUE;

    private static MacAddress mac(long v) {
        return new MacAddress(v);
    }

    @Test
    void putGetReplaceRemove() {
        MacLongMap c = new MacLongMap();
        assertEquals(ABSENT, c.get(mac(1), ABSENT));
        c.put(mac(1), 10);
        c.put(mac(0xFFFF_FFFF_FFFFL), 20); // the broadcast address is a key like any other
        c.put(mac(1), 11);
        assertEquals(2, c.size());
        assertEquals(11, c.get(mac(1), ABSENT));
        assertEquals(20, c.get(mac(0xFFFF_FFFF_FFFFL), ABSENT));
        c.remove(mac(1));
        c.remove(mac(1)); // twice: nothing
        c.remove(mac(99)); // never there: nothing
        assertEquals(1, c.size());
        assertEquals(ABSENT, c.get(mac(1), ABSENT));
        c.clear();
        assertEquals(0, c.size());
        assertEquals(ABSENT, c.get(mac(0xFFFF_FFFF_FFFFL), ABSENT));
    }

    /**
     * Against a HashMap, through growth to 20,000 and shrinking back: one vendor's sequential MACs
     * (keys that differ in their low bits only) and random ones, removals in random order, so that
     * runs of colliding keys are long and deletions inside them move entries back.
     */
    @Test
    void behavesLikeAMapThroughGrowthAndShrinking() {
        Random rnd = new Random(42);
        MacLongMap c = new MacLongMap();
        Map<Long, Long> ref = new HashMap<>();
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long k = i % 2 == 0 ? 0x02_5E_ED_00_00_00L + i : rnd.nextLong() & 0xFFFF_FFFF_FFFFL;
            keys.add(k);
            long t = rnd.nextLong();
            c.put(mac(k), t);
            ref.put(k, t);
            if (i % 7 == 0) { // overwrite an earlier one
                long old = keys.get(rnd.nextInt(keys.size()));
                c.put(mac(old), i);
                ref.put(old, (long) i);
            }
        }
        check(c, ref, keys);
        java.util.Collections.shuffle(keys, rnd);
        for (int i = 0; i < keys.size(); i++) {
            c.remove(mac(keys.get(i)));
            ref.remove(keys.get(i));
            if (i % 997 == 0) {
                check(c, ref, keys);
            }
        }
        check(c, ref, keys);
        assertEquals(0, c.size());
    }

    @Test
    void resetForgetsEveryEntryAndTheMapFillsAgain() {
        MacLongMap c = new MacLongMap();
        Map<Long, Long> ref = new HashMap<>();
        List<Long> keys = new ArrayList<>();
        for (int round = 0; round < 3; round++) { // filled, reset, filled again: a re-read after the other
            for (long i = 0; i < 3_000; i++) {
                long k = 0x02_5E_ED_00_00_00L + i * (round + 1);
                keys.add(k);
                c.put(mac(k), i + round);
                ref.put(k, i + round);
            }
            check(c, ref, keys);
            c.reset();
            ref.clear();
            check(c, ref, keys); // every key of every round now absent
        }
    }

    private static void check(MacLongMap c, Map<Long, Long> ref, List<Long> keys) {
        assertEquals(ref.size(), c.size());
        for (long k : keys) {
            assertEquals(ref.getOrDefault(k, ABSENT), c.get(mac(k), ABSENT), () -> "key " + Long.toHexString(k));
        }
    }
}
