package dev.stationd.daemon.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.stationd.protocol.EventType;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class StationTableTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<StaEvent> events = new CopyOnWriteArrayList<>();
    private StationTable table;

    static MacAddress mac(int n) {
        return new MacAddress(0x0200_0000_0000L + n);
    }

    static StaListAttr sta(int n, String ifname, long lastSeen) {
        return StaListAttr.builder(mac(n)).ifname(ifname).lastSeenMs(lastSeen).flags(StaFlags.AUTHORIZED).build();
    }

    private boolean upsert(StaListAttr s) {
        return table.apply(StaEvent.upsert(0, s));
    }

    @BeforeEach
    void setUp() {
        table = new StationTable(4, clock::get);
        table.addListener(events::add);
    }

    @Test
    void upsertAddsAndReplaces() {
        assertTrue(upsert(sta(1, "wlan0", 5)));
        assertTrue(upsert(sta(2, "wlan0", 5)));
        assertEquals(2, table.size());
        StaListAttr updated = sta(1, "wlan1", 6).toBuilder().txBytes(99).build();
        assertTrue(upsert(updated));
        assertEquals(2, table.size());
        assertEquals(updated, table.snapshot().get(mac(1)));
        assertEquals(3, table.applied());
    }

    @Test
    void lastSeenZeroTakesTheClockAndIncomingFilteredIsCleared() {
        upsert(sta(1, "a", 0).withFlags(StaFlags.FILTERED | StaFlags.WMM));
        upsert(sta(2, "a", 1234));
        StaListAttr one = table.snapshot().get(mac(1));
        assertEquals(1_000_000, one.lastSeenMs());
        assertEquals(StaFlags.WMM, one.flags(), "FILTERED is set by the daemon only");
        assertEquals(1234, table.snapshot().get(mac(2)).lastSeenMs());
    }

    @Test
    void zeroMacIsDropped() {
        assertFalse(upsert(StaListAttr.builder(MacAddress.ZERO).build()));
        assertEquals(0, table.size());
        assertEquals(1, table.droppedInvalid());
    }

    @Test
    void removeAndFlush() {
        upsert(sta(1, "wlan0", 5));
        upsert(sta(2, "wlan1", 5));
        upsert(sta(3, "wlan0", 5));
        assertTrue(table.apply(StaEvent.remove(0, mac(2))));
        assertFalse(table.apply(StaEvent.remove(0, mac(2))), "absent");
        assertEquals(2, table.size());
        upsert(sta(4, "wlan1", 5));
        assertTrue(table.apply(StaEvent.flush(0, "wlan0")));
        assertEquals(List.of(mac(4)), table.snapshot().all().stream().map(StaListAttr::mac).toList());
        assertFalse(table.apply(StaEvent.flush(0, "wlan0")), "nothing left on wlan0");
        upsert(sta(5, "wlan2", 5));
        assertTrue(table.apply(StaEvent.flush(0, "")));
        assertEquals(0, table.size());
        assertFalse(table.apply(StaEvent.flush(0, "")));
    }

    /** What {@code offer} tells its caller (the ingest counts datagrams by it). */
    @Test
    void removeIfOnRemovesOnlyAStationStillOnThatInterface() {
        upsert(sta(1, "wlan0", 5));
        upsert(sta(1, "wlan1", 6)); // moved to wlan1
        events.clear();
        assertEquals(StationTable.Outcome.NO_CHANGE, table.removeIfOn(mac(1), "wlan0"), "wlan0 reports a station it lost");
        assertEquals("wlan1", table.snapshot().get(mac(1)).ifname());
        assertEquals(List.of(), events, "nothing happened");
        assertEquals(StationTable.Outcome.NO_CHANGE, table.removeIfOn(mac(2), "wlan0"), "absent");
        assertEquals(StationTable.Outcome.APPLIED, table.removeIfOn(mac(1), "wlan1"));
        assertEquals(0, table.size());
        assertEquals(List.of(EventType.REMOVE), events.stream().map(StaEvent::type).toList());
        assertEquals(mac(1), events.get(0).sta().mac());
    }

    @Test
    void offerTellsWhatBecameOfTheEvent() {
        table.setMaxStations(1);
        assertEquals(StationTable.Outcome.APPLIED, table.offer(StaEvent.upsert(0, sta(1, "w", 5))));
        assertEquals(StationTable.Outcome.APPLIED, table.offer(StaEvent.upsert(0, sta(1, "w", 5))), "repeated");
        assertEquals(StationTable.Outcome.DROPPED_FULL, table.offer(StaEvent.upsert(0, sta(2, "w", 5))));
        assertEquals(StationTable.Outcome.DROPPED_INVALID,
                table.offer(StaEvent.upsert(0, StaListAttr.builder(MacAddress.ZERO).build())));
        assertEquals(StationTable.Outcome.NO_CHANGE, table.offer(StaEvent.remove(0, mac(2))));
        assertEquals(StationTable.Outcome.NO_CHANGE, table.offer(StaEvent.flush(0, "other")));
        assertEquals(StationTable.Outcome.APPLIED, table.offer(StaEvent.flush(0, "w")));
        assertEquals(1, table.droppedFull());
        assertEquals(1, table.droppedInvalid());
    }

    @Test
    void maxStationsDropsNewButUpdatesExisting() {
        for (int n = 1; n <= 4; n++) {
            assertTrue(upsert(sta(n, "w", 5)));
        }
        TableSnapshot before = table.snapshot();
        assertFalse(upsert(sta(5, "w", 5)));
        assertFalse(upsert(sta(6, "w", 5)));
        assertEquals(2, table.droppedFull());
        assertEquals(4, table.size());
        assertSame(before, table.snapshot(), "a dropped station changes nothing");
        assertTrue(upsert(sta(2, "w", 6)), "existing stations still update when full");
        assertEquals(6, table.snapshot().get(mac(2)).lastSeenMs());
        table.apply(StaEvent.remove(0, mac(1)));
        assertTrue(upsert(sta(5, "w", 5)));
        assertNull(table.snapshot().get(mac(6)));

        table.setMaxStations(2); // live reload: nothing is evicted, new ones are dropped
        assertEquals(4, table.size());
        assertFalse(upsert(sta(7, "w", 5)));
        assertTrue(upsert(sta(5, "w", 7)));
        assertEquals(3, table.droppedFull());
        table.setMaxStations(10);
        assertTrue(upsert(sta(7, "w", 5)));
        assertEquals(5, table.size());
    }

    /**
     * Expiry follows when the daemon received the updates, on its own receive clock: a sender's
     * {@code last_seen_ms} years in the future does not keep a station, one years in the past does
     * not expire it at once.
     */
    @Test
    void expiryFollowsTheDaemonsReceiveTimeNotTheSendersClock() {
        AtomicLong received = new AtomicLong(50_000);
        StationTable t = new StationTable(10, clock::get, received::get);
        List<StaEvent> seen = new ArrayList<>();
        t.addListener(seen::add);
        long year = 365L * 24 * 3600 * 1000;
        t.apply(StaEvent.upsert(0, sta(1, "w", clock.get() + 10 * year)));   // the sender's clock runs ahead
        t.apply(StaEvent.upsert(0, sta(2, "w", clock.get() - 10 * year)));   // the sender's clock is behind
        received.addAndGet(10_000);
        t.apply(StaEvent.upsert(0, sta(3, "w", 0)));                         // no last_seen_ms: filled in, 60_000
        t.apply(StaEvent.upsert(0, sta(2, "w", clock.get() - 10 * year)));   // the same again: heard of at 60_000
        assertEquals(0, t.expire(Duration.ofSeconds(30)), "nothing is 30 s old by the receive clock");
        received.addAndGet(25_000);                                           // 85_000
        seen.clear();
        assertEquals(1, t.expire(Duration.ofSeconds(30)), "1 was last heard of at 50_000, whatever it said");
        assertEquals(List.of(mac(2), mac(3)), t.snapshot().all().stream().map(StaListAttr::mac).toList());
        assertEquals(List.of(EventType.REMOVE), seen.stream().map(StaEvent::type).toList());
        assertEquals(mac(1), seen.get(0).sta().mac());
        received.addAndGet(5_001);                                            // 90_001
        assertEquals(2, t.expire(Duration.ofSeconds(30)), "2 and 3, heard of at 60_000");
        assertEquals(0, t.size());
    }

    /**
     * The table keeps no order of its own (a hash map): what it reports station by station (a new
     * filter set, an expiry) comes in MAC order all the same, MACs at random so that hash order differs.
     */
    @Test
    void filterChangesAndExpiryReportStationsInMacOrder() {
        AtomicLong received = new AtomicLong(0);
        StationTable t = new StationTable(1_000, clock::get, received::get);
        List<StaEvent> seen = new ArrayList<>();
        t.addListener(seen::add);
        Random rnd = new Random(7);
        FilterSet all = FilterSet.empty();
        List<MacAddress> macs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            MacAddress m = new MacAddress(rnd.nextLong() & 0xFEFF_FFFF_FFFFL); // unicast, random
            macs.add(m);
            t.apply(StaEvent.upsert(0, StaListAttr.builder(m).lastSeenMs(1).build()));
            all = all.with(0, m);
        }
        List<MacAddress> sorted = macs.stream().sorted().toList();
        seen.clear();
        t.setFilters(all);
        assertEquals(sorted, seen.stream().map(e -> e.sta().mac()).toList(), "FILTERED set on each, in MAC order");
        seen.clear();
        received.addAndGet(60_000);
        assertEquals(300, t.expire(Duration.ofSeconds(30)));
        assertEquals(sorted, seen.stream().map(e -> e.sta().mac()).toList(), "one REMOVE each, in MAC order");
    }

    @Test
    void filteredFlagFollowsTheFilters() {
        upsert(StaListAttr.builder(mac(1)).groupId(7).flags(StaFlags.HT).lastSeenMs(1).build());
        upsert(StaListAttr.builder(mac(2)).groupId(8).lastSeenMs(1).build());
        upsert(StaListAttr.builder(mac(3)).groupId(7).lastSeenMs(1).build());
        events.clear();
        FilterSet f = FilterSet.empty().with(7, mac(1)).with(0, mac(2)).with(8, mac(3));
        table.setFilters(f);
        TableSnapshot s = table.snapshot();
        assertSame(f, s.filters());
        assertEquals(StaFlags.HT | StaFlags.FILTERED, s.get(mac(1)).flags());
        assertEquals(StaFlags.FILTERED, s.get(mac(2)).flags());
        assertEquals(0, s.get(mac(3)).flags(), "filter for another group");
        assertEquals(List.of(mac(1), mac(2)), events.stream().map(e -> e.sta().mac()).toList());
        assertTrue(events.stream().allMatch(e -> e.type() == EventType.UPSERT
                && (e.sta().flags() & StaFlags.FILTERED) != 0));

        // a new record for a filtered station gets the flag too
        upsert(StaListAttr.builder(mac(1)).groupId(7).lastSeenMs(2).build());
        assertEquals(StaFlags.FILTERED, table.snapshot().get(mac(1)).flags());
        assertEquals(StaFlags.FILTERED, events.get(events.size() - 1).sta().flags());

        events.clear();
        table.setFilters(f.without(7, mac(1)));
        assertEquals(0, table.snapshot().get(mac(1)).flags());
        assertEquals(StaFlags.FILTERED, table.snapshot().get(mac(2)).flags());
        assertEquals(1, events.size());
        assertEquals(0, events.get(0).sta().flags());
        table.setFilters(FilterSet.empty());
        assertEquals(0, table.snapshot().query(0, "", 1, 0, 0).size());
    }

    @Test
    void listenerSeesEveryChangeInOrder() {
        upsert(sta(2, "w0", 5));
        upsert(sta(1, "w1", 5));
        upsert(sta(2, "w0", 5));               // identical: applied, but no change and no event
        upsert(sta(2, "w0", 6));
        table.apply(StaEvent.remove(0, mac(9))); // absent: no event
        table.apply(StaEvent.remove(0, mac(1)));
        table.apply(StaEvent.flush(0, "w0"));
        table.apply(StaEvent.flush(0, "w0"));   // nothing to flush: no event
        assertEquals(List.of(EventType.UPSERT, EventType.UPSERT, EventType.UPSERT, EventType.REMOVE, EventType.FLUSH),
                events.stream().map(StaEvent::type).toList());
        assertEquals(sta(2, "w0", 6), events.get(2).sta());
        assertEquals(mac(1), events.get(3).sta().mac());
        assertEquals("w1", events.get(3).sta().ifname(), "REMOVE carries the removed record");
        assertEquals("w0", events.get(4).sta().ifname());
        for (int i = 1; i < events.size(); i++) {
            assertEquals(events.get(i - 1).seq() + 1, events.get(i).seq(), "consecutive seq");
        }
        assertEquals(6, table.applied(), "the identical upsert counts as applied");
    }

    @Test
    void failingListenerDoesNotBreakTheTableAndCanBeRemoved() {
        TableListener bad = e -> {
            throw new IllegalStateException("boom");
        };
        table.addListener(bad);
        assertTrue(upsert(sta(1, "w", 5)));
        assertEquals(1, events.size(), "the other listener still runs");
        table.removeListener(bad);
        table.removeListener(events::add); // a different instance: no-op
        upsert(sta(2, "w", 5));
        assertEquals(2, events.size());
    }

    @Test
    void snapshotIsCachedUntilTheNextChange() {
        TableSnapshot empty = table.snapshot();
        assertSame(empty, table.snapshot());
        upsert(sta(1, "w", 5));
        TableSnapshot s1 = table.snapshot();
        assertNotSame(empty, s1);
        assertSame(s1, table.snapshot());
        assertSame(s1, table.snapshot());
        assertTrue(s1.version() > empty.version());
        upsert(sta(1, "w", 5)); // identical
        assertSame(s1, table.snapshot());
        upsert(sta(2, "w", 5));
        TableSnapshot s2 = table.snapshot();
        assertNotSame(s1, s2);
        assertEquals(1, s1.size(), "an old snapshot never changes");
        assertEquals(2, s2.size());
        assertEquals(table.version(), s2.version());
        table.setFilters(FilterSet.empty().with(0, mac(9)));
        assertNotSame(s2, table.snapshot(), "new filters, new snapshot");
    }

    /**
     * Writers hammer the table while readers check every snapshot: sorted, no duplicates, never
     * more than max_stations, and never torn: one writer updates a pair of stations A then B with
     * the same counter, so any consistent state has A.counter - B.counter in {0, 1}.
     */
    @Test
    @Timeout(60)
    void concurrentWritersAndReaders() throws Exception {
        int max = 200;
        StationTable t = new StationTable(max, clock::get);
        MacAddress pairA = new MacAddress(0x0100_0000_0001L);
        MacAddress pairB = new MacAddress(0x0300_0000_0001L);
        t.apply(StaEvent.upsert(0, StaListAttr.builder(pairA).ifname("pair").lastSeenMs(1).build()));
        t.apply(StaEvent.upsert(0, StaListAttr.builder(pairB).ifname("pair").lastSeenMs(1).build()));
        AtomicInteger lastSeq = new AtomicInteger(-1);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        t.addListener(e -> { // runs under the table lock: seq must be strictly consecutive
            int prev = lastSeq.getAndSet(e.seq());
            if (prev != -1 && e.seq() != prev + 1) {
                errors.add("seq " + prev + " then " + e.seq());
            }
        });
        AtomicBoolean done = new AtomicBoolean();
        int randomWriters = 3;
        int readers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(1 + randomWriters + readers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> writers = new ArrayList<>();
        writers.add(pool.submit(() -> {
            start.await();
            for (long k = 1; k <= 20_000; k++) {
                t.apply(StaEvent.upsert(0, StaListAttr.builder(pairA).ifname("pair").txPackets(k).lastSeenMs(1).build()));
                t.apply(StaEvent.upsert(0, StaListAttr.builder(pairB).ifname("pair").txPackets(k).lastSeenMs(1).build()));
            }
            return null;
        }));
        for (int w = 0; w < randomWriters; w++) {
            long seed = w;
            writers.add(pool.submit(() -> {
                start.await();
                Random rnd = new Random(seed);
                for (int i = 0; i < 30_000; i++) {
                    MacAddress m = new MacAddress(0x0200_0000_0000L + rnd.nextInt(400));
                    int op = rnd.nextInt(100);
                    if (op < 80) {
                        t.apply(StaEvent.upsert(0, StaListAttr.builder(m).ifname("rnd").lastSeenMs(1).txBytes(i).build()));
                    } else if (op < 99) {
                        t.apply(StaEvent.remove(0, m));
                    } else {
                        t.apply(StaEvent.flush(0, "rnd"));
                    }
                    if (i % 1000 == 0) {
                        t.setFilters(FilterSet.empty().with(0, m));
                    }
                }
                return null;
            }));
        }
        List<Future<Integer>> readerResults = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            readerResults.add(pool.submit(() -> {
                start.await();
                int checked = 0;
                long lastVersion = -1;
                while (!done.get() || checked == 0) {
                    TableSnapshot s = t.snapshot();
                    checked++;
                    if (s.version() < lastVersion) {
                        errors.add("version went back " + lastVersion + " -> " + s.version());
                    }
                    lastVersion = s.version();
                    List<StaListAttr> all = s.all();
                    if (all.size() != s.size() || s.size() > max) {
                        errors.add("size " + s.size() + " / " + all.size());
                    }
                    for (int i = 1; i < all.size(); i++) {
                        if (all.get(i - 1).mac().compareTo(all.get(i).mac()) >= 0) {
                            errors.add("not sorted / duplicate at " + i);
                            break;
                        }
                    }
                    for (StaListAttr x : all) {
                        if (((x.flags() & StaFlags.FILTERED) != 0) != s.filters().matches(x)) {
                            errors.add("FILTERED flag inconsistent with the snapshot's filters: " + x.mac());
                        }
                    }
                    StaListAttr a = s.get(pairA);
                    StaListAttr b = s.get(pairB);
                    if (a == null || b == null) {
                        errors.add("pair missing");
                    } else {
                        long d = a.txPackets() - b.txPackets();
                        if (d != 0 && d != 1) {
                            errors.add("torn snapshot: A=" + a.txPackets() + " B=" + b.txPackets());
                        }
                    }
                    if (errors.size() > 10) {
                        break;
                    }
                }
                return checked;
            }));
        }
        start.countDown();
        for (Future<?> w : writers) {
            w.get(50, TimeUnit.SECONDS);
        }
        done.set(true);
        for (Future<Integer> r : readerResults) {
            assertTrue(r.get(10, TimeUnit.SECONDS) > 0);
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        if (!errors.isEmpty()) {
            fail(errors.size() + " errors, first: " + errors.peek());
        }
        assertTrue(t.size() <= max);
        assertEquals(20_000, t.snapshot().get(pairA).txPackets());
        assertEquals(20_000, t.snapshot().get(pairB).txPackets());
    }

    /**
     * Snapshots are the previous one with the changes merged in: after any mix of changes each one
     * must be exactly the table as its events describe it (a model kept from the listener), and
     * a station that did not change must be the same record as in the snapshot before.
     */
    @Test
    void everySnapshotIsTheTableWhateverChangedSinceTheLastOne() {
        StationTable t = new StationTable(100_000, clock::get);
        TreeMap<MacAddress, StaListAttr> model = new TreeMap<>();
        t.addListener(e -> {
            switch (e.type()) {
                case UPSERT -> model.put(e.sta().mac(), e.sta());
                case REMOVE -> model.remove(e.sta().mac());
                case FLUSH -> model.values().removeIf(s -> e.sta().ifname().isEmpty() || e.sta().ifname().equals(s.ifname()));
                default -> fail("unexpected " + e.type());
            }
        });
        Random rnd = new Random(11);
        // three interfaces and one whose name shares the tag of the first (its records are read to tell them apart)
        String[] names = {"wlan0", "wlan1", "wlan2", TableSnapshotTest.sameTagAs("wlan0")};
        TableSnapshot before = t.snapshot();
        List<MacAddress> changedSince = new ArrayList<>();
        for (int round = 0; round < 3_000; round++) {
            int op = rnd.nextInt(1000);
            MacAddress m = mac(rnd.nextInt(800)); // up to 800 stations: past the size where merging starts
            if (op < 700) {
                t.apply(StaEvent.upsert(0, StaListAttr.builder(m).ifname(names[rnd.nextInt(names.length)])
                        .txBytes(rnd.nextInt(1000)).lastSeenMs(1).build()));
            } else if (op < 950) {
                t.apply(StaEvent.remove(0, m));
            } else if (op < 980) {
                t.setFilters(rnd.nextBoolean() ? FilterSet.empty().with(0, m) : FilterSet.empty().with(0, mac(rnd.nextInt(800)))
                        .with(0, m));
            } else if (op < 995) {
                t.apply(new StaEvent(EventType.FLUSH, 0, StaListAttr.builder(MacAddress.ZERO).ifname(names[rnd.nextInt(names.length)]).build()));
            } else if (op < 998) {
                clock.addAndGet(10_000);
                t.expire(Duration.ofSeconds(5)); // everything not heard of in the last 10 s
            } else {
                t.apply(new StaEvent(EventType.FLUSH, 0, StaListAttr.builder(MacAddress.ZERO).ifname("").build()));
            }
            changedSince.add(m);
            if (rnd.nextInt(6) == 0) {
                TableSnapshot now = t.snapshot();
                assertEquals(new ArrayList<>(model.values()), now.all(), "round " + round);
                for (String name : names) {
                    assertEquals(model.values().stream().filter(s -> s.ifname().equals(name)).toList(),
                            now.query(0, name, 0, 0, 0), "round " + round + ": the stations of " + name);
                }
                for (StaListAttr s : now.all()) {
                    StaListAttr old = before.get(s.mac());
                    if (old != null && old.equals(s) && !changedSince.contains(s.mac())) {
                        assertSame(old, s, "round " + round + ": unchanged " + s.mac());
                    }
                }
                before = now;
                changedSince.clear();
            }
        }
    }
}
