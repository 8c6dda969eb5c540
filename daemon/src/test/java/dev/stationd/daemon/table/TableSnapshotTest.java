package dev.stationd.daemon.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TableSnapshotTest {
    private static final long U32_MAX = CloudCmdAttr.U32_MAX;
    private static final int ONLY = CloudCmdAttr.ONLY_FILTERED;
    private static final int EXCLUDE = CloudCmdAttr.EXCLUDE_FILTERED;

    private TableSnapshot snap;
    private FilterSet filters;

    static MacAddress mac(int n) {
        return new MacAddress(0x0200_0000_0000L + n);
    }

    static StaListAttr sta(int n, int group, String ifname) {
        return StaListAttr.builder(mac(n)).groupId(group).ifname(ifname).txBytes(n * 100L)
                .flags(StaFlags.ASSOCIATED).lastSeenMs(1000 + n).hostname("h" + n).build();
    }

    private static List<Integer> ids(List<StaListAttr> list) {
        return list.stream().map(s -> (int) (s.mac().value() - 0x0200_0000_0000L)).collect(Collectors.toList());
    }

    @BeforeEach
    void setUp() {
        List<StaListAttr> in = new ArrayList<>();
        // 1..10: odd on wlan0, even on wlan1; group = n % 3 (0, 1, 2)
        for (int n = 10; n >= 1; n--) {
            in.add(sta(n, n % 3, n % 2 == 1 ? "wlan0" : "wlan1"));
        }
        // 3 in group 0 is filtered via group 0; 4 (group 1) via exact group; 5 (group 2) filter on wrong group
        filters = FilterSet.empty().with(0, mac(3)).with(1, mac(4)).with(1, mac(5)).with(9, mac(99));
        snap = TableSnapshot.of(42, in, filters);
    }

    @Test
    void allSortedAndFlagged() {
        assertEquals(10, snap.size());
        assertEquals(42, snap.version());
        assertSame(filters, snap.filters());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), ids(snap.all()));
        for (StaListAttr s : snap.all()) {
            int n = (int) (s.mac().value() & 0xFF);
            boolean expected = n == 3 || n == 4;
            assertEquals(expected, (s.flags() & StaFlags.FILTERED) != 0, "FILTERED on " + n);
            assertTrue((s.flags() & StaFlags.ASSOCIATED) != 0, "other flags kept");
        }
        assertThrows(UnsupportedOperationException.class, () -> snap.all().clear());
    }

    @Test
    void ofClearsAStaleFilteredBitAndRejectsDuplicates() {
        StaListAttr stale = sta(1, 0, "x").withFlags(StaFlags.FILTERED);
        assertEquals(0, TableSnapshot.of(1, List.of(stale), FilterSet.empty()).get(mac(1)).flags());
        assertThrows(IllegalArgumentException.class,
                () -> TableSnapshot.of(1, List.of(sta(1, 0, ""), sta(1, 1, "")), FilterSet.empty()));
    }

    @Test
    void get() {
        assertEquals(mac(7), snap.get(mac(7)).mac());
        assertNull(snap.get(mac(11)));
        assertNull(snap.get(mac(0)));
        assertNull(TableSnapshot.empty().get(mac(1)));
    }

    @Test
    void queryWithoutSelectorsIsAView() {
        assertSame(snap.all(), snap.query(0, "", 0, 0, 0));
        assertSame(snap.all(), snap.query(0, "", 0, 0, U32_MAX));
        assertEquals(List.of(3, 4), ids(snap.query(0, "", 0, 2, 2)));
    }

    @Test
    void querySelectors() {
        assertEquals(List.of(1, 4, 7, 10), ids(snap.query(1, "", 0, 0, 0)));
        assertEquals(List.of(1, 3, 5, 7, 9), ids(snap.query(0, "wlan0", 0, 0, 0)));
        assertEquals(List.of(1, 7), ids(snap.query(1, "wlan0", 0, 0, 0)));
        assertEquals(List.of(), snap.query(0, "wlan9", 0, 0, 0));
        assertEquals(List.of(), snap.query(77, "", 0, 0, 0));
        assertEquals(List.of(3, 4), ids(snap.query(0, "", ONLY, 0, 0)));
        assertEquals(List.of(1, 2, 5, 6, 7, 8, 9, 10), ids(snap.query(0, "", EXCLUDE, 0, 0)));
        assertEquals(List.of(4), ids(snap.query(0, "wlan1", ONLY, 0, 0)));
        assertEquals(List.of(2, 6, 8, 10), ids(snap.query(0, "wlan1", EXCLUDE, 0, 0)));
        assertEquals(List.of(), snap.query(2, "", ONLY, 0, 0));
        // a group selector equal to u32 max is a real group, not "every group"
        assertEquals(List.of(), snap.query(-1, "", 0, 0, 0));
    }

    /** @return another interface name whose tag is that of {@code name} */
    static String sameTagAs(String name) {
        for (int i = 0; ; i++) {
            String other = "br" + i;
            if (TableSnapshot.ifnameTag(other) == TableSnapshot.ifnameTag(name)) {
                return other;
            }
        }
    }

    @Test
    void anInterfaceSelectorSkipsTheOtherInterfacesSharingItsTag() {
        String twin = sameTagAs("wlan0");
        List<StaListAttr> in = new ArrayList<>(snap.all());
        in.add(sta(11, 1, twin));
        in.add(sta(12, 1, twin));
        TableSnapshot s = TableSnapshot.of(43, in, filters);
        assertEquals(List.of(1, 3, 5, 7, 9), ids(s.query(0, "wlan0", 0, 0, 0)));
        assertEquals(List.of(11, 12), ids(s.query(0, twin, 0, 0, 0)));
        // through a merge: the changed records' tags are computed, the others' copied
        TableSnapshot merged = s.merged(44, filters, new long[] {mac(2).value(), mac(13).value()},
                new StaListAttr[] {sta(2, 2, twin), sta(13, 1, "wlan0")}, 13);
        assertEquals(List.of(1, 3, 5, 7, 9, 13), ids(merged.query(0, "wlan0", 0, 0, 0)));
        assertEquals(List.of(2, 11, 12), ids(merged.query(0, twin, 0, 0, 0)));
        assertEquals(List.of(4, 6, 8, 10), ids(merged.query(0, "wlan1", 0, 0, 0)));
    }

    @Test
    void pagingWithSelectors() {
        // wlan0 = 1 3 5 7 9
        assertEquals(List.of(1, 3), ids(snap.query(0, "wlan0", 0, 0, 2)));
        assertEquals(List.of(5, 7), ids(snap.query(0, "wlan0", 0, 2, 2)));
        assertEquals(List.of(9), ids(snap.query(0, "wlan0", 0, 4, 2)));
        assertEquals(List.of(), snap.query(0, "wlan0", 0, 5, 2), "offset at the end");
        assertEquals(List.of(), snap.query(0, "wlan0", 0, 6, 0), "offset beyond the end");
        assertEquals(List.of(7, 9), ids(snap.query(0, "wlan0", 0, 3, 0)), "maxEntries 0 = no limit");
        assertEquals(List.of(), snap.query(0, "wlan0", 0, U32_MAX, U32_MAX));
        assertEquals(List.of(1, 3, 5, 7, 9), ids(snap.query(0, "wlan0", 0, 0, U32_MAX)));
        assertEquals(List.of(3), ids(snap.query(0, "", ONLY, 0, 1)));
        assertEquals(List.of(4), ids(snap.query(0, "", ONLY, 1, 1)));
        assertThrows(UnsupportedOperationException.class, () -> snap.query(0, "wlan0", 0, 0, 0).clear());
    }

    @Test
    void pagingWithoutSelectors() {
        assertEquals(List.of(1), ids(snap.query(0, "", 0, 0, 1)));
        assertEquals(List.of(10), ids(snap.query(0, "", 0, 9, 0)));
        assertEquals(List.of(10), ids(snap.query(0, "", 0, 9, U32_MAX)));
        assertEquals(List.of(), snap.query(0, "", 0, 10, 0));
        assertEquals(List.of(), snap.query(0, "", 0, 11, 5));
        assertEquals(List.of(), snap.query(0, "", 0, U32_MAX, 0));
        assertEquals(List.of(), snap.query(0, "", 0, U32_MAX, U32_MAX));
        assertEquals(List.of(), TableSnapshot.empty().query(0, "", 0, 0, 0));
        assertEquals(List.of(), TableSnapshot.empty().query(1, "x", ONLY, 3, 3));
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> snap.query(0, "", ONLY | EXCLUDE, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> snap.query(0, "", 4, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> snap.query(0, "", 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> snap.query(0, "", 0, 0, U32_MAX + 1));
    }

    @Test
    void filterList() {
        FilterSet f = FilterSet.empty().with(1, mac(4)).with(0, mac(4)).with(0, mac(3)).with(9, mac(99)).with(1, mac(5));
        List<StaListAttr> list = snap.filterList(f);
        assertEquals(5, list.size());
        // sorted by MAC then group: 3/0, 4/0, 4/1, 5/1, 99/9
        int[][] expect = {{3, 0}, {4, 0}, {4, 1}, {5, 1}, {99, 9}};
        for (int i = 0; i < expect.length; i++) {
            StaListAttr r = list.get(i);
            assertEquals(mac(expect[i][0]), r.mac());
            assertEquals(expect[i][1], r.groupId());
            assertTrue((r.flags() & StaFlags.FILTERED) != 0, "FILTERED on every record");
        }
        // live fields filled in when the station is present, whatever its group
        assertEquals(400, list.get(1).txBytes());
        assertEquals("h4", list.get(2).hostname());
        assertEquals("wlan1", list.get(2).ifname());
        assertEquals(500, list.get(3).txBytes(), "station 5 is in group 2 but listed under the filter's group 1");
        assertTrue((list.get(3).flags() & StaFlags.ASSOCIATED) != 0);
        // zero otherwise
        StaListAttr absent = list.get(4);
        assertEquals(StaListAttr.builder(mac(99)).groupId(9).flags(StaFlags.FILTERED).build(), absent);
        assertEquals(List.of(), snap.filterList(FilterSet.empty()));
        assertEquals(4, snap.filterList().size(), "own filters");
    }

    @Test
    void filterDumpSortedByUnsignedGroupThenMacPagedWithPresenceAndLifetimes() {
        FilterSet f = FilterSet.empty().toBuilder()
                .put(1, mac(5), new FilterSet.Lifetime(1000, 61_000))   // timed, present
                .put(-1, mac(3), new FilterSet.Lifetime(2000, 0))       // group 0xFFFFFFFF, present
                .add(9, mac(99))                                        // absent, unknown age
                .add(1, mac(4))
                .add(0, mac(4))
                .build();
        List<FilterAttr> all = snap.filterDump(f, 0, 0, 0);
        assertEquals(List.of(
                FilterAttr.of(mac(4), 0, true, 0, 0),
                FilterAttr.of(mac(4), 1, true, 0, 0),
                FilterAttr.of(mac(5), 1, true, 1000, 61_000),
                FilterAttr.of(mac(99), 9, false, 0, 0),
                FilterAttr.of(mac(3), -1, true, 2000, 0)), all);
        assertEquals(FilterAttr.PRESENT | FilterAttr.TIMED, all.get(2).flags());
        assertEquals(all.subList(1, 3), snap.filterDump(f, 1, 0, 0), "one group");
        assertEquals(all.subList(2, 3), snap.filterDump(f, 1, 1, 5), "paged inside the group");
        assertEquals(List.of(all.get(4)), snap.filterDump(f, -1, 0, 0), "the largest group");
        assertEquals(all.subList(1, 4), snap.filterDump(f, 0, 1, 3), "paged over all groups");
        assertEquals(List.of(), snap.filterDump(f, 0, U32_MAX, U32_MAX), "offset past the end");
        assertEquals(List.of(), snap.filterDump(f, 2, 0, 0), "a group without filters");
        assertEquals(List.of(), snap.filterDump(FilterSet.empty(), 0, 0, 0));
    }

    @Test
    void mergedReplacesAddsAndRemovesAndSharesWhatDidNotChange() {
        // snap holds 1..10; remove the first (1) and the last (10), replace 5, add 0 (before all) and 11 (after all)
        StaListAttr five = sta(5, 2, "wlan2");
        long[] keys = {mac(0).value(), mac(1).value(), mac(5).value(), mac(10).value(), mac(11).value()};
        StaListAttr[] records = {sta(0, 0, "wlan0"), null, five, null, sta(11, 2, "wlan1")};
        TableSnapshot next = snap.merged(43, filters, keys, records, 10);
        assertEquals(List.of(0, 2, 3, 4, 5, 6, 7, 8, 9, 11), ids(next.all()));
        assertEquals(43, next.version());
        assertSame(five, next.get(mac(5)));
        assertSame(snap.get(mac(4)), next.get(mac(4)), "an unchanged station is the same record");
        assertNull(next.get(mac(10)));
        for (int i = 0; i < next.size(); i++) {
            assertEquals(i, next.indexOf(next.all().get(i).mac()), "every record is found where it is");
        }
    }

    @Test
    void mergedRemovingEverythingIsEmpty() {
        long[] keys = new long[10];
        for (int i = 0; i < 10; i++) {
            keys[i] = mac(i + 1).value();
        }
        assertEquals(List.of(), snap.merged(43, filters, keys, new StaListAttr[10], 0).all());
    }

    @Test
    void mergedRejectsChangesThatDoNotAddUpToTheSize() {
        long[] keys = {mac(11).value()};
        StaListAttr[] records = {sta(11, 0, "wlan0")};
        assertThrows(IllegalStateException.class, () -> snap.merged(43, filters, keys, records, 10), "one more than said");
        assertThrows(IllegalStateException.class, () -> snap.merged(43, filters, keys, records, 12), "one less than said");
    }
}
