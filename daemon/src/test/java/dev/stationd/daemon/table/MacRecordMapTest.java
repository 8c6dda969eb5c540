package dev.stationd.daemon.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MacRecordMapTest {
    private static StaListAttr record(long mac, String ifname) {
        return StaListAttr.builder(new MacAddress(mac)).ifname(ifname).build();
    }

    @Test
    void putGetReplaceRemove() {
        MacRecordMap m = new MacRecordMap();
        StaListAttr a = record(1, "wlan0");
        assertNull(m.put(a));
        StaListAttr a2 = record(1, "wlan1");
        assertSame(a, m.put(a2), "a put returns the record it replaces");
        StaListAttr b = record(0xFFFF_FFFF_FFFFL, "wlan0"); // the broadcast address is a key like any other
        m.put(b);
        assertEquals(2, m.size());
        assertSame(a2, m.get(new MacAddress(1)), "looked up by value, not by the MAC instance");
        assertTrue(m.containsKey(new MacAddress(0xFFFF_FFFF_FFFFL)));
        assertSame(a2, m.remove(new MacAddress(1)));
        assertNull(m.remove(new MacAddress(1)), "twice: nothing");
        assertNull(m.remove(new MacAddress(99)), "never there: nothing");
        assertFalse(m.containsKey(new MacAddress(1)));
        assertEquals(1, m.size());
        m.clear();
        assertEquals(0, m.size());
        assertNull(m.get(new MacAddress(0xFFFF_FFFF_FFFFL)));
        assertEquals(0, m.toArray().length);
    }

    /**
     * Against a HashMap through growth to 20,000 and shrinking back: one vendor's sequential MACs
     * (runs of colliding slots) and random ones, removals in random order, so that deletions inside
     * runs move records back; every record must stay findable and every freed slot let go of its record.
     */
    @Test
    void behavesLikeAMapThroughGrowthAndShrinking() {
        Random rnd = new Random(7);
        MacRecordMap m = new MacRecordMap();
        Map<Long, StaListAttr> ref = new HashMap<>();
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long k = i % 2 == 0 ? 0x02_5E_ED_00_00_00L + i : rnd.nextLong() & 0xFFFF_FFFF_FFFFL;
            keys.add(k);
            StaListAttr r = record(k, "wlan" + (i % 8));
            m.put(r);
            ref.put(k, r);
        }
        check(m, ref, keys);
        Collections.shuffle(keys, rnd);
        for (int i = 0; i < keys.size(); i++) {
            assertSame(ref.remove(keys.get(i)), m.remove(new MacAddress(keys.get(i))));
            if (i % 997 == 0) {
                check(m, ref, keys);
            }
        }
        check(m, ref, keys);
        assertEquals(0, m.size());
    }

    @Test
    void removeIfTakesOutExactlyTheMatchingRecordsAndKeepsTheRestFindable() {
        MacRecordMap m = new MacRecordMap();
        Map<Long, StaListAttr> ref = new HashMap<>();
        List<Long> keys = new ArrayList<>();
        for (long i = 0; i < 3_000; i++) {
            long k = 0x02_5E_ED_00_00_00L + i; // neighbours in the same runs: removals shift the others
            keys.add(k);
            StaListAttr r = record(k, i % 3 == 0 ? "wlan1" : "wlan0");
            m.put(r);
            ref.put(k, r);
        }
        List<StaListAttr> removed = m.removeIf(r -> r.ifname().equals("wlan1"));
        assertEquals(1_000, removed.size());
        for (StaListAttr r : removed) {
            assertEquals("wlan1", r.ifname());
            assertSame(r, ref.remove(r.mac().value()));
        }
        check(m, ref, keys);
    }

    private static void check(MacRecordMap m, Map<Long, StaListAttr> ref, List<Long> keys) {
        assertEquals(ref.size(), m.size());
        for (long k : keys) {
            assertSame(ref.get(k), m.get(new MacAddress(k)), () -> "key " + Long.toHexString(k));
        }
        Comparator<StaListAttr> byMac = TableSnapshot.BY_MAC;
        StaListAttr[] all = m.toArray();
        Arrays.sort(all, byMac);
        StaListAttr[] expected = ref.values().toArray(new StaListAttr[0]);
        Arrays.sort(expected, byMac);
        assertArrayEquals(expected, all, "toArray holds every record once");
        List<StaListAttr> visited = new ArrayList<>();
        m.forEach(visited::add);
        visited.sort(byMac);
        assertEquals(Arrays.asList(expected), visited, "forEach visits every record once");
    }
}
