package dev.stationd.daemon.enrich;

import static dev.stationd.daemon.enrich.LeaseFixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.MacAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The neighbour model fed with captured and constructed messages. */
class NeighbourTableTest {
    private static final MacAddress M5 = MacAddress.parse("02:5d:00:00:00:05");
    private static final MacAddress M6 = MacAddress.parse("02:5d:00:00:00:06");
    private static final MacAddress M9 = MacAddress.parse("02:5d:00:00:00:09");
    private static final int LAN0 = 3;
    private final Set<MacAddress> changed = new HashSet<>();

    private static RtnlMessage.Neighbour nb(int ifindex, NudState state, String dst, MacAddress mac, long agoMs) {
        return new RtnlMessage.Neighbour(false, false, ifindex, state.bit, ip(dst), mac, agoMs);
    }

    private void feed(NeighbourTable t, List<RtnlMessage> messages, long now) {
        for (RtnlMessage m : messages) {
            if (m instanceof RtnlMessage.Neighbour n) {
                t.apply(n, now, changed);
            } else if (m instanceof RtnlMessage.Link l) {
                t.link(l, changed);
            } else if (m instanceof RtnlMessage.Done) {
                t.dumpDone(changed);
            }
        }
    }

    private static NeighbourTable.View view(String v4, String global, String local) {
        return new NeighbourTable.View(v4 == null ? null : (Inet4Address) ip(v4),
                global == null ? null : (Inet6Address) ip(global), local == null ? null : (Inet6Address) ip(local));
    }

    @Test
    void dumpGivesEachMacItsAddresses() {
        NeighbourTable t = new NeighbourTable(Set.of());
        t.dumpStarted();
        feed(t, NetlinkCaptures.parse("neigh-dump.hex"), 100_000);
        assertEquals(view("10.9.0.6", "fd09::6", "fe80::6"), t.at(M6));
        assertEquals(view("10.9.0.5", null, null), t.at(M5));
        assertEquals(view("10.9.0.8", null, null), t.at(MacAddress.parse("02:5d:00:00:00:08")), "PERMANENT counts");
        assertEquals(NeighbourTable.View.NONE, t.at(MacAddress.parse("33:33:00:00:00:16")), "NOARP does not count");
        assertEquals(Set.of(M5, M6, MacAddress.parse("02:5d:00:00:00:08")), changed);
        assertEquals(5, t.size());
    }

    @Test
    void eventsAddAndTakeAway() {
        NeighbourTable t = new NeighbourTable(Set.of());
        List<RtnlMessage> events = NetlinkCaptures.parse("neigh-events.hex");
        feed(t, events.subList(0, 1), 1000); // REACHABLE
        assertEquals(view("10.9.0.9", null, null), t.at(M9));
        feed(t, events.subList(1, 2), 2000); // STALE still counts
        assertEquals(view("10.9.0.9", null, null), t.at(M9));
        changed.clear();
        feed(t, events.subList(2, 3), 3000); // FAILED: gone
        assertEquals(NeighbourTable.View.NONE, t.at(M9));
        assertEquals(Set.of(M9), changed);
        feed(t, events.subList(3, 5), 4000); // the delete and an unrelated FAILED change nothing more
        assertEquals(0, t.size());
    }

    @Test
    void statesThatCount() {
        for (NudState s : NudState.values()) {
            NeighbourTable t = new NeighbourTable(Set.of());
            t.apply(nb(LAN0, s, "10.0.0.1", M5, 0), 1, changed);
            boolean counts = s == NudState.REACHABLE || s == NudState.STALE || s == NudState.DELAY
                    || s == NudState.PROBE || s == NudState.PERMANENT;
            assertEquals(counts, t.at(M5).ipv4() != null, s.name());
        }
    }

    @Test
    void mostRecentlyConfirmedWinsAndGlobalBeatsLinkLocal() {
        NeighbourTable t = new NeighbourTable(Set.of());
        long now = 1_000_000;
        t.apply(nb(LAN0, NudState.REACHABLE, "fe80::5", M5, 0), now, changed);
        assertEquals(view(null, null, "fe80::5"), t.at(M5));
        t.apply(nb(LAN0, NudState.STALE, "2001:db8::5", M5, 90_000), now, changed);
        assertEquals(view(null, "2001:db8::5", "fe80::5"), t.at(M5), "a global one wins, however old");
        t.apply(nb(LAN0, NudState.REACHABLE, "2001:db8::6", M5, 1_000), now, changed);
        assertEquals("2001:db8::6", t.at(M5).global().getHostAddress().replace(":0:0:0:0:0:", "::"));
        // the older one confirmed again later wins back
        t.apply(nb(LAN0, NudState.REACHABLE, "2001:db8::5", M5, 0), now + 5_000, changed);
        assertEquals(ip("2001:db8::5"), t.at(M5).global());
        // IPv4: the station's new address (confirmed now) wins over the old, still STALE entry
        t.apply(nb(LAN0, NudState.STALE, "10.0.0.5", M5, 60_000), now, changed);
        t.apply(nb(LAN0, NudState.REACHABLE, "10.0.0.77", M5, 0), now, changed);
        assertEquals(ip("10.0.0.77"), t.at(M5).ipv4());
        // ...and when the new one goes, the old one is what is left
        t.apply(new RtnlMessage.Neighbour(true, false, LAN0, NudState.FAILED.bit, ip("10.0.0.77"), null, 0), now, changed);
        assertEquals(ip("10.0.0.5"), t.at(M5).ipv4());
    }

    @Test
    void anAddressThatMovesToAnotherMac() {
        NeighbourTable t = new NeighbourTable(Set.of());
        t.apply(nb(LAN0, NudState.REACHABLE, "10.0.0.5", M5, 0), 1, changed);
        changed.clear();
        t.apply(nb(LAN0, NudState.REACHABLE, "10.0.0.5", M6, 0), 2, changed);
        assertEquals(Set.of(M5, M6), changed);
        assertEquals(NeighbourTable.View.NONE, t.at(M5));
        assertEquals(ip("10.0.0.5"), t.at(M6).ipv4());
    }

    @Test
    void aDumpDropsWhatItNoLongerReportsButKeepsEventsThatRacedIt() {
        NeighbourTable t = new NeighbourTable(Set.of());
        t.apply(nb(LAN0, NudState.REACHABLE, "10.0.0.5", M5, 0), 1, changed); // deleted while events were lost
        t.dumpStarted();
        t.apply(nb(LAN0, NudState.REACHABLE, "10.0.0.9", M9, 0), 2, changed);  // an event during the dump
        feed(t, NetlinkCaptures.parse("neigh-dump.hex"), 3);   // the dump: has 10.9.0.5 but not 10.0.0.5
        assertEquals(ip("10.9.0.5"), t.at(M5).ipv4());
        assertEquals(ip("10.0.0.9"), t.at(M9).ipv4());
    }

    @Test
    void interfaceRestriction() {
        NeighbourTable t = new NeighbourTable(Set.of("lan0"));
        RtnlMessage.Neighbour onLan0 = nb(LAN0, NudState.REACHABLE, "10.0.0.5", M5, 0);
        assertEquals(NeighbourTable.Outcome.UNKNOWN_INTERFACE, t.apply(onLan0, 1, changed), "name not known yet");
        feed(t, NetlinkCaptures.parse("link-dump.hex"), 1);
        assertEquals(NeighbourTable.Outcome.OK, t.apply(onLan0, 1, changed));
        assertEquals(NeighbourTable.Outcome.OK, t.apply(nb(2, NudState.REACHABLE, "10.0.0.6", M6, 0), 1, changed));
        assertEquals(ip("10.0.0.5"), t.at(M5).ipv4());
        assertEquals(NeighbourTable.View.NONE, t.at(M6), "lan1 is not in the list");
        // lan0 renamed away: its entries no longer count; lan1 renamed to lan0: dump again to learn its entries
        changed.clear();
        t.link(new RtnlMessage.Link(false, false, LAN0, "old0"), changed);
        assertEquals(Set.of(M5), changed);
        assertEquals(NeighbourTable.View.NONE, t.at(M5));
        assertTrue(t.link(new RtnlMessage.Link(false, false, 2, "lan0"), changed));
    }

    @Test
    void boundedNumberOfEntries() {
        NeighbourTable t = new NeighbourTable(Set.of());
        for (int i = 0; i < NeighbourTable.MAX_ENTRIES; i++) {
            MacAddress m = new MacAddress(0x0200_0000_0000L + i);
            assertEquals(NeighbourTable.Outcome.OK, t.apply(nb(LAN0, NudState.STALE,
                    "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), m, 0), 1, changed));
        }
        assertEquals(NeighbourTable.Outcome.FULL, t.apply(nb(LAN0, NudState.STALE, "10.200.0.1", M9, 0), 1, changed));
        assertEquals(1, t.dropped());
        assertEquals(NeighbourTable.MAX_ENTRIES, t.size());
        // a known entry still updates
        assertEquals(NeighbourTable.Outcome.OK, t.apply(nb(LAN0, NudState.REACHABLE, "10.0.0.0",
                new MacAddress(0x0200_0000_0000L), 0), 2, changed));
    }
}
