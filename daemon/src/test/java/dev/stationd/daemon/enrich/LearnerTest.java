package dev.stationd.daemon.enrich;

import static dev.stationd.daemon.enrich.LeaseFixtures.ip;
import static dev.stationd.daemon.enrich.LeaseFixtures.lease;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.EventType;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Both sources merged into a real station table. */
class LearnerTest {
    private static final MacAddress A = MacAddress.parse("02:aa:bb:cc:dd:01");
    private static final Path FILE = Path.of("/var/lib/misc/dnsmasq.leases");
    private static final long NOW_S = 1_795_850_000L;

    private final AtomicLong clock = new AtomicLong(NOW_S * 1000);
    private final List<StaEvent> events = new CopyOnWriteArrayList<>();
    private StationTable table;
    private Learner learner;

    @BeforeEach
    void setUp() {
        table = new StationTable(64, clock::get);
        learner = new Learner(table, Set.of(), clock::get);
        table.learnFrom(learner);
        table.apply(StaEvent.upsert(0, StaListAttr.builder(A).ifname("wlan0").build()));
        table.addListener(events::add);
    }

    private StaListAttr station() {
        return table.snapshot().get(A);
    }

    private void leases(Lease... leases) {
        Map<InetAddress, Lease> m = new LinkedHashMap<>();
        for (Lease l : leases) {
            m.put(l.address(), l);
        }
        learner.leases(FILE, m);
    }

    private void neighbour(boolean counts, String dst) {
        learner.neighbours((model, changed) -> model.apply(new RtnlMessage.Neighbour(!counts, false, 3,
                counts ? NudState.REACHABLE.bit : NudState.FAILED.bit, ip(dst), counts ? A : null, 0),
                clock.get(), changed));
    }

    @Test
    void leaseGivesAddressAndHostnameAndTheNeighbourTableTheAddress() {
        leases(lease("02:aa:bb:cc:dd:01", "10.77.0.152", "phone-anna", NOW_S + 3600));
        assertEquals("10.77.0.152", station().ipv4().getHostAddress());
        assertEquals("phone-anna", station().hostname());
        assertEquals(EventType.UPSERT, events.get(0).type());
        // the neighbour table says otherwise (the station moved to a static address): it wins
        neighbour(true, "10.77.0.9");
        assertEquals("10.77.0.9", station().ipv4().getHostAddress());
        assertEquals("phone-anna", station().hostname());
        // the entry goes: back to the lease
        neighbour(false, "10.77.0.9");
        assertEquals("10.77.0.152", station().ipv4().getHostAddress());
        assertEquals(3, events.size(), "one UPSERT per change");
    }

    @Test
    void ipv6GlobalFromNeighboursThenLeaseThenLinkLocal() {
        neighbour(true, "fe80::1");
        assertEquals(ip("fe80::1"), station().ipv6());
        leases(lease("02:aa:bb:cc:dd:01", "fd77::115", "", NOW_S + 3600));
        assertEquals(ip("fd77::115"), station().ipv6(), "a global lease address beats a link-local neighbour");
        neighbour(true, "2001:db8::1");
        assertEquals(ip("2001:db8::1"), station().ipv6());
    }

    @Test
    void anExpiredLeaseGivesNothing() {
        leases(lease("02:aa:bb:cc:dd:01", "10.77.0.152", "phone-anna", NOW_S + 10),
                lease("02:aa:bb:cc:dd:09", "10.77.0.159", "other", NOW_S - 10));
        assertEquals("phone-anna", station().hostname());
        assertEquals((NOW_S + 10) * 1000, learner.nextLeaseExpiry(clock.get()));
        clock.set((NOW_S + 10) * 1000);
        assertEquals(Lease.NEVER, learner.leasesExpired(NOW_S * 1000, clock.get()));
        assertEquals(StaListAttr.NO_IPV4, station().ipv4());
        assertEquals("", station().hostname());
        assertEquals(EventType.UPSERT, events.get(events.size() - 1).type());
    }

    @Test
    void aNewLeaseIsFollowed() {
        leases(lease("02:aa:bb:cc:dd:01", "10.77.0.152", "phone-anna", NOW_S + 100));
        leases(lease("02:aa:bb:cc:dd:01", "10.77.0.152", "phone-anna", NOW_S + 100),
                lease("02:aa:bb:cc:dd:01", "10.77.0.160", "phone-anna", NOW_S + 3700));
        assertEquals("10.77.0.160", station().ipv4().getHostAddress(), "the newest lease");
        leases();
        assertEquals(StaListAttr.NO_IPV4, station().ipv4(), "the file no longer has it");
    }

    @Test
    void learnedForAMacThatIsNotAStationWaitsForIt() {
        MacAddress b = MacAddress.parse("02:aa:bb:cc:dd:02");
        leases(lease("02:aa:bb:cc:dd:02", "10.77.0.153", "laptop-bob", NOW_S + 3600));
        assertEquals(0, events.size());
        table.apply(StaEvent.upsert(0, StaListAttr.builder(b).build()));
        assertEquals("laptop-bob", table.snapshot().get(b).hostname());
        assertEquals(1, learner.learnedCount(), "only B has something learned");
    }
}
