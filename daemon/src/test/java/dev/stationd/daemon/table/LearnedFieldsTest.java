package dev.stationd.daemon.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.EventType;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The table's rules for learned {@code ipv4}, {@code ipv6} and {@code hostname}. */
class LearnedFieldsTest {
    private static final MacAddress A = new MacAddress(0x0200_0000_0001L);
    private static final MacAddress B = new MacAddress(0x0200_0000_0002L);
    private static final Inet6Address V6 = StaListAttr.ipv6(new byte[] {0x20, 1, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 5});

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ConcurrentHashMap<MacAddress, Learned> known = new ConcurrentHashMap<>();
    private final List<StaEvent> events = new CopyOnWriteArrayList<>();
    private StationTable table;

    @BeforeEach
    void setUp() {
        table = new StationTable(16, clock::get);
        table.learnFrom(known::get);
        table.addListener(events::add);
    }

    private static Learned learned(String ipv4, String hostname) {
        return new Learned(StaListAttr.parseIpv4(ipv4), V6, hostname);
    }

    private void upsert(StaListAttr s) {
        table.apply(StaEvent.upsert(0, s));
    }

    private StaListAttr get(MacAddress mac) {
        return table.snapshot().get(mac);
    }

    @Test
    void zeroFieldsFromTheSourceAreFilledFromWhatWasLearned() {
        known.put(A, learned("10.0.0.5", "phone"));
        upsert(StaListAttr.builder(A).ifname("wlan0").build());
        StaListAttr s = get(A);
        assertEquals("10.0.0.5", s.ipv4().getHostAddress());
        assertEquals(V6, s.ipv6());
        assertEquals("phone", s.hostname());
        assertEquals(s, events.get(0).sta(), "subscribers see the merged record");
    }

    @Test
    void aNonZeroValueFromTheSourceWins() {
        known.put(A, learned("10.0.0.5", "phone"));
        upsert(StaListAttr.builder(A).ipv4(StaListAttr.parseIpv4("192.168.9.9")).hostname("mine").build());
        assertEquals("192.168.9.9", get(A).ipv4().getHostAddress());
        assertEquals("mine", get(A).hostname());
        assertEquals(V6, get(A).ipv6(), "the field the source left at zero is learned");
        // a later change of what is learned leaves the source's fields alone
        known.put(A, learned("10.0.0.6", "other"));
        assertEquals(0, table.relearn(List.of(A)));
        assertEquals("192.168.9.9", get(A).ipv4().getHostAddress());
        assertEquals("mine", get(A).hostname());
    }

    @Test
    void theSourcesZeroNeverErasesWhatWasLearned() {
        known.put(A, learned("10.0.0.5", "phone"));
        upsert(StaListAttr.builder(A).ipv4(StaListAttr.parseIpv4("192.168.9.9")).build());
        upsert(StaListAttr.builder(A).build()); // the source no longer knows the address
        assertEquals("10.0.0.5", get(A).ipv4().getHostAddress());
        known.put(A, learned("10.0.0.7", "phone"));
        table.relearn(List.of(A));
        assertEquals("10.0.0.7", get(A).ipv4().getHostAddress(), "the field is learned again from now on");
    }

    @Test
    void aChangeOfALearnedFieldIsAnUpsertForSubscribers() {
        upsert(StaListAttr.builder(A).ifname("wlan0").build());
        long version = table.version();
        events.clear();
        known.put(A, learned("10.0.0.5", "phone"));
        assertEquals(1, table.relearn(List.of(A, B))); // B is not a station: skipped
        assertEquals(1, events.size());
        StaEvent e = events.get(0);
        assertEquals(EventType.UPSERT, e.type());
        assertEquals("10.0.0.5", e.sta().ipv4().getHostAddress());
        assertEquals("wlan0", e.sta().ifname(), "the rest of the record is kept");
        assertTrue(table.version() > version);
        assertEquals(e.sta(), get(A), "queries see it at once");
        // nothing changed: no event, same snapshot
        var snap = table.snapshot();
        assertEquals(0, table.relearn(List.of(A)));
        assertEquals(1, events.size());
        assertEquals(snap, table.snapshot());
        // what was learned goes away: the fields go back to zero
        known.remove(A);
        assertEquals(1, table.relearn(List.of(A)));
        assertEquals(StaListAttr.NO_IPV4, get(A).ipv4());
        assertEquals("", get(A).hostname());
    }

    @Test
    void anUpsertKeepsLearnedFieldsAndDoesNotEmitWhenNothingElseChanged() {
        known.put(A, learned("10.0.0.5", "phone"));
        StaListAttr fromSource = StaListAttr.builder(A).ifname("wlan0").lastSeenMs(5).build();
        upsert(fromSource);
        events.clear();
        upsert(fromSource);
        assertEquals(0, events.size(), "the same record again is no change");
        assertEquals("phone", get(A).hostname());
    }

    @Test
    void learnedDataWaitsForTheStation() {
        known.put(B, learned("10.0.0.9", "late"));
        assertEquals(0, table.relearn(List.of(B)));
        upsert(StaListAttr.builder(B).build()); // associates after its lease was written
        assertEquals("late", get(B).hostname());
    }

    @Test
    void whatTheSourceSentIsForgottenWithTheStation() {
        known.put(A, learned("10.0.0.5", "phone"));
        upsert(StaListAttr.builder(A).ifname("wlan0").hostname("mine").lastSeenMs(clock.get()).build());
        table.apply(StaEvent.remove(0, A));
        upsert(StaListAttr.builder(A).ifname("wlan0").lastSeenMs(clock.get()).build());
        assertEquals("phone", get(A).hostname());
        // expiry and FLUSH forget it too
        upsert(StaListAttr.builder(A).ifname("wlan0").hostname("mine").lastSeenMs(clock.get()).build());
        clock.addAndGet(10_000);
        assertEquals(1, table.expire(Duration.ofSeconds(1)));
        upsert(StaListAttr.builder(A).ifname("wlan0").lastSeenMs(clock.get()).build());
        assertEquals("phone", get(A).hostname());
        upsert(StaListAttr.builder(A).ifname("wlan0").hostname("mine").lastSeenMs(clock.get()).build());
        table.apply(StaEvent.flush(0, "wlan0"));
        upsert(StaListAttr.builder(A).ifname("wlan0").lastSeenMs(clock.get()).build());
        assertEquals("phone", get(A).hostname());
    }

    @Test
    void withoutALearnedSourceNothingIsFilled() {
        StationTable plain = new StationTable(4, clock::get);
        plain.apply(StaEvent.upsert(0, StaListAttr.builder(A).build()));
        assertEquals(0, plain.relearn(List.of(A)));
        assertEquals(StaListAttr.NO_IPV4, plain.snapshot().get(A).ipv4());
    }
}
