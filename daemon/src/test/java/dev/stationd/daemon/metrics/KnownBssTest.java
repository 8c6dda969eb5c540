package dev.stationd.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.stationd.daemon.config.HostapdConfig;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.TableSnapshot;
import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnownBssTest {
    private final KnownBss known = new KnownBss();
    private long version;

    private static StaListAttr sta(int n, String ifname, String ssid, Band band, int group) {
        return StaListAttr.builder(new MacAddress(0x020000000000L + n)).ifname(ifname).ssid(ssid).band(band)
                .groupId(group).build();
    }

    private TableSnapshot table(StaListAttr... stations) {
        return TableSnapshot.of(++version, List.of(stations), FilterSet.empty());
    }

    private static KnownBss.Bss bss(String ifname, String ssid, String band, String group) {
        return new KnownBss.Bss(ifname, ssid, band, group);
    }

    @Test
    void countsByBssAndKeepsEmptiedOnesAtZero() {
        Map<KnownBss.Bss, Integer> c = known.count(table(sta(1, "wlan0", "home", Band.GHZ_5, 1),
                sta(2, "wlan0", "home", Band.GHZ_5, 1), sta(3, "wlan1", "guest", Band.GHZ_2_4, -1)),
                List.of());
        assertEquals(Map.of(bss("wlan0", "home", "5GHz", "1"), 2, bss("wlan1", "guest", "2.4GHz", "4294967295"), 1), c);
        c = known.count(table(sta(1, "wlan0", "home", Band.GHZ_5, 1)), List.of());
        assertEquals(Map.of(bss("wlan0", "home", "5GHz", "1"), 1, bss("wlan1", "guest", "2.4GHz", "4294967295"), 0), c,
                "the BSS whose last station left reads 0");
        c = known.count(table(), List.of());
        assertEquals(Map.of(bss("wlan0", "home", "5GHz", "1"), 0, bss("wlan1", "guest", "2.4GHz", "4294967295"), 0), c);
    }

    @Test
    void aFollowedInterfaceReadsZeroUntilItsFirstStationShowsItsBss() {
        List<HostapdConfig> followed = List.of(new HostapdConfig(Path.of("/run/hostapd/wlan2"), 7, true));
        assertEquals(Map.of(bss("wlan2", "", "", "7"), 0), known.count(table(), followed));
        Map<KnownBss.Bss, Integer> c = known.count(table(sta(1, "wlan2", "office", Band.GHZ_6, 7)), followed);
        assertEquals(Map.of(bss("wlan2", "office", "6GHz", "7"), 1), c, "the placeholder gives way to the real BSS");
        assertEquals(Map.of(bss("wlan2", "office", "6GHz", "7"), 0), known.count(table(), followed));
    }

    @Test
    void theSameSnapshotIsCountedOnce() {
        TableSnapshot t = table(sta(1, "wlan0", "home", Band.GHZ_5, 1));
        assertSame(known.count(t, List.of()), known.count(t, List.of()));
    }

    @Test
    void emptyBssesAreBoundedOldestFirst() {
        int n = KnownBss.MAX_REMEMBERED + 10;
        for (int i = 0; i < n; i++) { // a sender inventing SSIDs, one datagram each
            known.count(table(sta(i, "wlan0", "ssid" + i, Band.GHZ_5, 0)), List.of());
        }
        Map<KnownBss.Bss, Integer> c = known.count(table(sta(0, "wlan0", "now", Band.GHZ_5, 0)), List.of());
        assertEquals(KnownBss.MAX_REMEMBERED + 1, c.size(), "every empty BSS remembered, plus the one with a station");
        assertEquals(1, c.get(bss("wlan0", "now", "5GHz", "0")));
        assertEquals(null, c.get(bss("wlan0", "ssid0", "5GHz", "0")), "the oldest were forgotten");
        assertEquals(0, c.get(bss("wlan0", "ssid" + (n - 1), "5GHz", "0")));
        List<Integer> counts = new ArrayList<>(c.values());
        assertEquals(1, counts.stream().mapToInt(Integer::intValue).sum());
    }
}
