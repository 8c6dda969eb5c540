package dev.stationd.daemon.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.table.FilterSet.Filter;
import dev.stationd.daemon.table.FilterSet.Lifetime;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterSetTest {
    private static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");
    private static final MacAddress C = MacAddress.parse("aa:bb:cc:dd:ee:ff");

    private static StaListAttr sta(MacAddress mac, int group) {
        return StaListAttr.builder(mac).groupId(group).build();
    }

    @Test
    void emptySet() {
        FilterSet s = FilterSet.empty();
        assertEquals(0, s.size());
        assertTrue(s.isEmpty());
        assertFalse(s.contains(0, A));
        assertFalse(s.matches(sta(A, 0)));
        assertEquals(List.of(), s.sorted());
    }

    @Test
    void withAndContainsAreExact() {
        FilterSet s = FilterSet.empty().with(7, A);
        assertEquals(1, s.size());
        assertTrue(s.contains(7, A));
        assertFalse(s.contains(0, A));
        assertFalse(s.contains(8, A));
        assertFalse(s.contains(7, B));
        assertSame(s, s.with(7, A), "idempotent add returns the same set");
        FilterSet t = s.with(0, A).with(9, A);
        assertEquals(3, t.size());
        assertEquals(1, s.size(), "the original is immutable");
        assertTrue(t.contains(0, A) && t.contains(7, A) && t.contains(9, A));
    }

    @Test
    void matchesGroupOrGroupZero() {
        FilterSet s = FilterSet.empty().with(7, A).with(0, B);
        assertTrue(s.matches(sta(A, 7)));
        assertFalse(s.matches(sta(A, 8)));
        assertFalse(s.matches(sta(A, 0)), "a station in group 0 needs a group-0 filter");
        assertTrue(s.matches(sta(B, 0)));
        assertTrue(s.matches(sta(B, 12345)));
        assertTrue(s.matches(sta(B, -1)));
        assertFalse(s.matches(sta(C, 7)));
    }

    @Test
    void without() {
        FilterSet s = FilterSet.empty().with(7, A).with(8, A).with(7, B);
        FilterSet t = s.without(7, A);
        assertEquals(2, t.size());
        assertFalse(t.contains(7, A));
        assertTrue(t.contains(8, A));
        assertSame(t, t.without(7, A), "removing an absent filter returns the same set");
        assertSame(t, t.without(1, C));
        FilterSet u = t.without(8, A).without(7, B);
        assertEquals(0, u.size());
        assertEquals(FilterSet.empty(), u);
    }

    @Test
    void flushOneGroupOrAll() {
        FilterSet s = FilterSet.empty().with(7, A).with(8, A).with(7, B).with(0, C);
        FilterSet f7 = s.flush(7);
        assertEquals(List.of(new Filter(8, A), new Filter(0, C)), f7.sorted());
        assertSame(f7, f7.flush(7), "nothing to flush returns the same set");
        assertEquals(0, s.flush(0).size(), "group 0 flushes every group");
        assertEquals(4, s.size());
    }

    @Test
    void sortedByMacThenUnsignedGroup() {
        FilterSet s = FilterSet.empty().with(-1, A).with(7, C).with(0, B).with(7, A).with(0, A).with(3, C);
        assertEquals(List.of(new Filter(0, A), new Filter(7, A), new Filter(-1, A), new Filter(0, B),
                new Filter(3, C), new Filter(7, C)), s.sorted());
        assertEquals("0 02:00:00:00:00:0a", new Filter(0, A).toString());
        assertEquals("4294967295 02:00:00:00:00:0a", new Filter(-1, A).toString());
    }

    @Test
    void equalsAndHashCodeByContent() {
        FilterSet s = FilterSet.empty().with(1, A).with(2, B).with(3, A);
        FilterSet t = FilterSet.of(List.of(new Filter(3, A), new Filter(2, B), new Filter(1, A), new Filter(1, A)));
        assertEquals(s, t);
        assertEquals(s.hashCode(), t.hashCode());
        assertNotEquals(s, t.with(4, A));
        assertNotEquals(s, t.without(1, A).with(1, B));
    }

    @Test
    void zeroMacIsNeverAFilter() {
        assertThrows(IllegalArgumentException.class, () -> FilterSet.empty().with(0, MacAddress.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new Filter(1, MacAddress.ZERO));
    }

    @Test
    void builderAppliesManyChanges() {
        FilterSet base = FilterSet.empty().with(1, A);
        FilterSet.Builder b = base.toBuilder();
        b.add(2, A).add(1, B).remove(1, A).add(2, A);
        assertTrue(b.contains(2, A));
        assertEquals(2, b.size());
        assertEquals(1, b.flush(2));
        FilterSet built = b.build();
        assertEquals(List.of(new Filter(1, B)), built.sorted());
        assertEquals(List.of(new Filter(1, A)), base.sorted(), "the source set is untouched");
        assertEquals(1, base.groupsOf(A).length);
        assertEquals(0, base.groupsOf(C).length);
    }

    @Test
    void lifetimesAreKeptReplacedAndDroppedWithTheirFilter() {
        FilterSet.Builder b = FilterSet.empty().toBuilder();
        b.put(7, A, new Lifetime(1000, 61_000)).put(8, A, new Lifetime(1000, 0)).add(9, B);
        FilterSet s = b.build();
        assertEquals(new Lifetime(1000, 61_000), s.lifetimeOf(7, A));
        assertEquals(new Lifetime(1000, 0), s.lifetimeOf(8, A), "permanent with a known creation time");
        assertEquals(Lifetime.UNKNOWN, s.lifetimeOf(9, B), "added without a lifetime");
        assertEquals(Lifetime.UNKNOWN, s.lifetimeOf(7, B), "absent");
        assertEquals(java.util.Map.of(new Filter(7, A), new Lifetime(1000, 61_000)), s.timed());

        FilterSet.Builder re = s.toBuilder();
        re.put(7, A, new Lifetime(2000, 0)); // re-added as permanent: the last add wins
        FilterSet t = re.build();
        assertEquals(3, t.size(), "replacing a lifetime adds no filter");
        assertEquals(new Lifetime(2000, 0), t.lifetimeOf(7, A));
        assertEquals(java.util.Map.of(), t.timed());
        assertNotEquals(s, t, "sets differing only in a lifetime are different");

        assertEquals(Lifetime.UNKNOWN, s.without(7, A).with(7, A).lifetimeOf(7, A), "removal drops the lifetime");
        assertEquals(Lifetime.UNKNOWN, s.flush(7).with(7, A).lifetimeOf(7, A), "so does a flush of its group");
        assertEquals(Lifetime.UNKNOWN, s.flush(0).with(8, A).lifetimeOf(8, A), "and a flush of all");
        assertEquals(new Lifetime(1000, 61_000), s.flush(8).lifetimeOf(7, A), "other groups keep theirs");
    }

    @Test
    void withoutExpiredDropsOnlyTimedFiltersAtOrBeforeNow() {
        FilterSet s = FilterSet.empty().toBuilder().put(1, A, new Lifetime(10, 100)).put(2, A, new Lifetime(10, 200))
                .put(3, B, new Lifetime(10, 0)).add(4, C).build();
        assertSame(s, s.withoutExpired(99), "nothing expired yet");
        assertEquals(List.of(new Filter(2, A), new Filter(3, B), new Filter(4, C)), s.withoutExpired(100).sorted(),
                "expiry is inclusive");
        assertEquals(List.of(new Filter(3, B), new Filter(4, C)), s.withoutExpired(Long.MAX_VALUE).sorted(),
                "permanent filters never expire");
        assertFalse(new Lifetime(10, 0).isExpired(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> new Lifetime(-1, 0));
    }

    @Test
    void sortedByGroupIsUnsignedGroupThenMac() {
        FilterSet s = FilterSet.empty().with(-1, A).with(7, C).with(0, B).with(7, A).with(0, A).with(3, C);
        assertEquals(List.of(new Filter(0, A), new Filter(0, B), new Filter(3, C), new Filter(7, A), new Filter(7, C),
                new Filter(-1, A)), s.sortedByGroup());
    }
}
