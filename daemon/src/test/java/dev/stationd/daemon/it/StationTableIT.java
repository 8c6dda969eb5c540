package dev.stationd.daemon.it;

import static dev.stationd.daemon.it.Stations.assertSameStation;
import static dev.stationd.daemon.it.Stations.assertSameStations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.EventType;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import dev.stationd.protocol.client.StationdException;
import dev.stationd.protocol.codec.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The station table end to end: 1,000 stations ingested as datagrams, read back through the
 * stream socket field by field, with paging, selectors, filters, STA_GET, pipelining, REMOVE /
 * FLUSH events, malformed datagrams and expiry.
 *
 * <p>One daemon holds the 1,000 stations for the read-only tests; every test that changes the
 * table beyond its own private stations gets its own daemon. The tests on the shared daemon
 * must run one after the other (filteredSelectors sets FILTERED flags for a while).
 */
@Execution(ExecutionMode.SAME_THREAD)
class StationTableIT {
    private static final int N = 1_000;
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    static Path shared;

    private static DaemonProcess daemon;
    private static StationClient client;
    /** What was sent, sorted by MAC. */
    private static List<StaListAttr> sent;

    @BeforeAll
    static void startAndIngest() throws Exception {
        daemon = DaemonProcess.start(shared, DaemonProcess.writeConfig(shared, ""));
        client = StationClient.open(daemon.socket());
        long now = System.currentTimeMillis();
        List<StaListAttr> stations = Stations.makeAll(N, now);
        List<StaListAttr> shuffled = new ArrayList<>(stations);
        Collections.shuffle(shuffled, new Random(42));
        Stations.send(daemon.events(), shuffled);
        sent = Stations.sorted(stations);
        DaemonProcess.await(DEADLINE, "STA_LIST to return " + N + " stations",
                () -> client.list(ListQuery.ALL).size() == N);
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (daemon != null) {
            assertEquals(0, daemon.stop(), () -> "exit code; output:\n" + daemon.output());
        }
    }

    @Test
    void everyFieldOfEveryStationComesBackAsSent() {
        List<StaListAttr> all = client.list(ListQuery.ALL);
        assertSameStations(sent, all);
        // and exactly what went in: the reply is sorted by MAC, unsigned byte order
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).mac().compareTo(all.get(i).mac()) < 0, "sorted at " + i);
        }
    }

    @Test
    void paging() {
        assertSameStations(sent.subList(0, 100), client.list(ListQuery.ALL.page(0, 100)));
        assertSameStations(sent.subList(100, 250), client.list(ListQuery.ALL.page(100, 150)));
        assertSameStations(sent.subList(990, N), client.list(ListQuery.ALL.page(990, 100)));
        assertSameStations(sent.subList(999, N), client.list(ListQuery.ALL.page(999, 1)));
        assertSameStations(sent, client.list(ListQuery.ALL.page(0, 0)));                  // max 0 = all
        assertSameStations(sent.subList(983, N), client.list(ListQuery.ALL.page(983, 0))); // offset + all
        assertSameStations(sent.subList(900, N), client.list(ListQuery.ALL.page(900, 5_000))); // max above size
        assertEquals(0, client.list(ListQuery.ALL.page(N, 10)).size(), "offset == size");
        assertEquals(0, client.list(ListQuery.ALL.page(N + 1, 0)).size(), "offset past the end, max 0");
        assertEquals(0, client.list(ListQuery.ALL.page(0xFFFF_FFFFL, 0xFFFF_FFFFL)).size(), "u32 max offset");
        // walking all pages gives the whole table exactly once
        List<StaListAttr> walked = new ArrayList<>();
        for (long off = 0; ; off += 128) {
            List<StaListAttr> page = client.list(ListQuery.ALL.page(off, 128));
            walked.addAll(page);
            if (page.size() < 128) {
                break;
            }
        }
        assertSameStations(sent, walked);
    }

    private static void assertPage(List<StaListAttr> expected, List<StaListAttr> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        assertSameStations(expected, actual);
    }

    @Test
    void selectors() {
        for (int g = 1; g <= 4; g++) {
            int group = g;
            List<StaListAttr> expected = select(s -> s.groupId() == group);
            assertEquals(N / 4, expected.size());
            assertSameStations(expected, client.list(ListQuery.ALL.group(g)));
        }
        assertEquals(0, client.list(ListQuery.ALL.group(5)).size(), "unused group");
        for (String ifname : List.of("wlan0", "wlan1")) {
            assertSameStations(select(s -> s.ifname().equals(ifname)), client.list(ListQuery.ALL.ifname(ifname)));
        }
        assertEquals(0, client.list(ListQuery.ALL.ifname("wlan2")).size(), "unused interface");
        assertEquals(0, client.list(ListQuery.ALL.ifname("wlan")).size(), "no prefix match");
        // group + ifname: i % 4 + 1 == 2 means i odd, so only wlan1 has group 2
        assertSameStations(select(s -> s.groupId() == 2), client.list(ListQuery.ALL.group(2).ifname("wlan1")));
        assertEquals(0, client.list(ListQuery.ALL.group(2).ifname("wlan0")).size());
        // selectors, then paging
        List<StaListAttr> g3 = select(s -> s.groupId() == 3);
        assertSameStations(g3.subList(10, 30), client.list(ListQuery.ALL.group(3).page(10, 20)));
        assertSameStations(g3.subList(240, 250), client.list(ListQuery.ALL.group(3).page(240, 20)));
        assertEquals(0, client.list(ListQuery.ALL.group(3).page(250, 0)).size());
    }

    @Test
    void filteredSelectors() {
        // own-group filters on 5 stations, group-0 filters on 3, a filter in the wrong group on
        // 1 station and one for an absent MAC: 8 stations are FILTERED
        Set<MacAddress> expectFiltered = new HashSet<>();
        try {
            for (int k = 0; k < 5; k++) {
                StaListAttr s = sent.get(100 + 37 * k);
                client.filterAdd(s.groupId(), s.mac());
                expectFiltered.add(s.mac());
            }
            for (int k = 0; k < 3; k++) {
                StaListAttr s = sent.get(700 + 11 * k);
                client.filterAdd(0, s.mac());
                expectFiltered.add(s.mac());
            }
            StaListAttr wrongGroup = sent.get(900);
            client.filterAdd(wrongGroup.groupId() % 4 + 1, wrongGroup.mac());
            client.filterAdd(7, new MacAddress(0x0E_00_00_00_00_01L));

            List<StaListAttr> expectOnly = new ArrayList<>();
            List<StaListAttr> expectExcluded = new ArrayList<>();
            for (StaListAttr s : sent) {
                if (expectFiltered.contains(s.mac())) {
                    expectOnly.add(Stations.filtered(s));
                } else {
                    expectExcluded.add(s);
                }
            }
            // the ACK came after the change: the very next query must show it
            assertSameStations(expectOnly, client.list(ListQuery.ALL.flags(CloudCmdAttr.ONLY_FILTERED)));
            assertSameStations(expectExcluded, client.list(ListQuery.ALL.flags(CloudCmdAttr.EXCLUDE_FILTERED)));
            assertEquals(N, expectOnly.size() + expectExcluded.size());
            StaListAttr g0 = sent.get(711);
            assertSameStation(Stations.filtered(g0), client.get(g0.mac()), "STA_GET of a group-0 filtered station");
            assertEquals(0, client.get(wrongGroup.mac()).flags() & StaFlags.FILTERED, "filter in another group");

            int group = sent.get(100).groupId();
            List<StaListAttr> onlyInGroup = expectOnly.stream().filter(s -> s.groupId() == group).toList();
            assertTrue(!onlyInGroup.isEmpty());
            assertSameStations(onlyInGroup,
                    client.list(ListQuery.ALL.group(group).flags(CloudCmdAttr.ONLY_FILTERED)));
            assertSameStations(expectOnly.subList(2, 5),
                    client.list(ListQuery.ALL.flags(CloudCmdAttr.ONLY_FILTERED).page(2, 3)));
            assertSameStations(expectExcluded.stream().filter(s -> s.ifname().equals("wlan1")).toList(),
                    client.list(ListQuery.ALL.ifname("wlan1").flags(CloudCmdAttr.EXCLUDE_FILTERED)));
        } finally {
            client.filterFlush(0);
        }
        assertEquals(0, client.list(ListQuery.ALL.flags(CloudCmdAttr.ONLY_FILTERED)).size(), "after FILTER_FLUSH 0");
        for (MacAddress mac : expectFiltered) {
            assertEquals(0, client.get(mac).flags() & StaFlags.FILTERED, "FILTERED still set on " + mac);
        }
    }

    private static List<StaListAttr> select(Predicate<StaListAttr> p) {
        return sent.stream().filter(p).toList();
    }

    @Test
    void staGetHitAndMiss() {
        for (int i : new int[] {0, 1, 499, 998, 999}) {
            StaListAttr e = sent.get(i);
            assertSameStation(e, client.get(e.mac()), "STA_GET " + i);
        }
        assertNull(client.get(new MacAddress(0x0E_00_00_00_00_02L)), "absent MAC");
        assertNull(client.get(new MacAddress(sent.get(0).mac().value() - 1)), "just below the first MAC");
        assertNull(client.get(new MacAddress(MacAddress.MAX_VALUE)), "ff:ff:ff:ff:ff:ff");
        // the raw reply of a miss is a table of 0 records, not an error
        Reply r = client.send(CloudCmdAttr.forMac(Command.STA_GET, new MacAddress(0x0E_00_00_00_00_02L), 0)).join();
        assertEquals(0, assertInstanceOf(Reply.Table.class, r).records().size());
    }

    @Test
    void thousandPipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (StationClient c = StationClient.open(daemon.socket(), Duration.ofSeconds(20))) {
            int n = 1_000;
            List<CloudCmdAttr> requests = new ArrayList<>(n);
            List<CompletableFuture<Reply>> replies = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                CloudCmdAttr cmd;
                switch (i % 4) {
                    case 0, 2 -> cmd = CloudCmdAttr.forMac(Command.STA_GET, sent.get((i * 7) % N).mac(), 0).withSeq(i);
                    case 1 -> cmd = CloudCmdAttr.of(Command.PING).withSeq(i);
                    default -> cmd = new CloudCmdAttr(Command.STA_LIST, i, (i / 4) % 4 + 1, MacAddress.ZERO, 0,
                            i % 200, 1 + i % 3, "");
                }
                // now and then a filter change, whose reply waits for its fsync: the replies
                // behind it must still come in order (on a MAC that is not in the table)
                MacAddress absent = new MacAddress(0x0E_00_00_00_10_00L + i / 100);
                switch (i % 100) {
                    case 50 -> cmd = CloudCmdAttr.forMac(Command.FILTER_ADD, absent, 6).withSeq(i);
                    case 51, 52 -> cmd = CloudCmdAttr.forMac(Command.FILTER_DEL, absent, 6).withSeq(i);
                    default -> { }
                }
                requests.add(cmd);
                replies.add(c.send(cmd)); // all sent before any reply is awaited
            }
            CompletableFuture.allOf(replies.stream().map(f -> f.handle((r, t) -> null)).toArray(CompletableFuture<?>[]::new))
                    .get(30, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                CloudCmdAttr q = requests.get(i);
                if (i % 100 == 52) { // the second FILTER_DEL of the same filter
                    CompletableFuture<Reply> f = replies.get(i);
                    Throwable t = assertThrows(java.util.concurrent.CompletionException.class, f::join).getCause();
                    StationdException se = assertInstanceOf(StationdException.class, t, "reply " + i);
                    assertEquals(ErrorCode.E_NOENT, se.errorCode(), "reply " + i);
                    continue;
                }
                Reply r = replies.get(i).join();
                switch (q.command()) {
                    case FILTER_ADD, FILTER_DEL -> assertInstanceOf(Reply.Ack.class, r, "reply " + i);
                    case PING -> assertInstanceOf(Reply.Ack.class, r, "reply " + i);
                    case STA_GET -> {
                        List<StaListAttr> recs = assertInstanceOf(Reply.Table.class, r, "reply " + i).records();
                        assertEquals(1, recs.size(), "reply " + i);
                        assertSameStation(sent.get((i * 7) % N), recs.get(0), "reply " + i);
                    }
                    case STA_LIST -> {
                        List<StaListAttr> recs = assertInstanceOf(Reply.Table.class, r, "reply " + i).records();
                        int g = q.groupId();
                        List<StaListAttr> group = select(s -> s.groupId() == g);
                        int from = (int) q.offset();
                        assertPage(group.subList(from, from + (int) q.maxEntries()), recs, "reply " + i);
                    }
                    default -> throw new AssertionError(q.command());
                }
            }
            assertEquals(List.of(), c.filterList(), "every pipelined FILTER_ADD was deleted again");
        }
    }

    @Test
    void malformedDatagramsAreDroppedAndTheDaemonKeepsAnswering() throws Exception {
        long now = System.currentTimeMillis();
        long base = 0x06_00_00_00_00_00L;
        StaListAttr intruder = Stations.make(base, 1, now);
        StaListAttr sentinel = Stations.make(base, 2, now);
        byte[] good = encode(StaEvent.upsert(1, intruder));
        List<byte[]> bad = new ArrayList<>();
        bad.add(new byte[0]);
        bad.add(java.util.Arrays.copyOf(good, 191));
        bad.add(java.util.Arrays.copyOf(good, 193));
        bad.add(Wire.withI32(good, 0, Wire.EVENT_MAGIC ^ 0x01)); // 0 u32 magic, one bit off
        bad.add(Wire.withU16(good, 4, 2));                      // 4 u16 version
        bad.add(Wire.withU16(good, 6, 9));                      // 6 u16 type
        byte[] flushAll = encode(StaEvent.flush(3, ""));
        bad.add(java.util.Arrays.copyOf(flushAll, 191)); // a truncated FLUSH must not flush
        byte[] zeros = new byte[192];
        bad.add(zeros);
        try (EventSender s = EventSender.connect(daemon.events())) {
            for (byte[] b : bad) {
                s.sendRaw(b);
            }
            s.send(StaEvent.upsert(4, sentinel)); // datagrams arrive in order: the bad ones were handled first
            DaemonProcess.await(DEADLINE, "the sentinel station", () -> client.get(sentinel.mac()) != null);
            assertNull(client.get(intruder.mac()), "a malformed datagram added a station");
            List<StaListAttr> expected = new ArrayList<>(sent);
            expected.add(sentinel);
            assertSameStations(Stations.sorted(expected), client.list(ListQuery.ALL));
            s.send(StaEvent.remove(5, sentinel.mac()));
            DaemonProcess.await(DEADLINE, "the sentinel to be removed", () -> client.get(sentinel.mac()) == null);
        }
        client.ping();
        assertSameStations(sent, client.list(ListQuery.ALL));
        assertTrue(daemon.process().isAlive());
    }

    private static byte[] encode(StaEvent e) {
        ByteBuf buf = Unpooled.buffer(StaEvent.SIZE);
        e.encode(buf);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    @Test
    void removeAndFlushEvents(@TempDir Path dir) throws Exception {
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""));
             StationClient c = StationClient.open(d.socket());
             EventSender s = EventSender.connect(d.events())) {
            long now = System.currentTimeMillis();
            List<StaListAttr> all = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                StaListAttr st = Stations.make(i, now);
                String ifname = i < 20 ? "wlan0" : i < 40 ? "wlan1" : "wlan2-guest";
                all.add(st.toBuilder().ifname(ifname).build());
            }
            int seq = 1;
            for (StaListAttr st : all) {
                s.send(StaEvent.upsert(seq++, st));
            }
            DaemonProcess.await(DEADLINE, "60 stations", () -> c.list(ListQuery.ALL).size() == 60);
            assertSameStations(Stations.sorted(all), c.list(ListQuery.ALL));

            // REMOVE by MAC: only sta.mac matters
            List<StaListAttr> left = new ArrayList<>(all);
            StaListAttr gone = all.get(5);
            s.send(StaEvent.remove(seq++, gone.mac()));
            left.remove(gone);
            DaemonProcess.await(DEADLINE, "REMOVE", () -> c.get(gone.mac()) == null);
            assertSameStations(Stations.sorted(left), c.list(ListQuery.ALL));
            // REMOVE of an absent MAC changes nothing
            s.send(StaEvent.remove(seq++, new MacAddress(0x0E_00_00_00_00_03L)));
            // an UPSERT replaces the whole record
            StaListAttr changed = all.get(6).toBuilder().ssid("renamed").signalDbm(-33).txBytes(1L << 50)
                    .hostname("").groupId(9).build();
            s.send(StaEvent.upsert(seq++, changed));
            left.set(left.indexOf(all.get(6)), changed);
            DaemonProcess.await(DEADLINE, "UPSERT replacement", () -> "renamed".equals(c.get(changed.mac()).ssid()));
            assertSameStations(Stations.sorted(left), c.list(ListQuery.ALL));

            // FLUSH by ifname: exact name only
            s.send(StaEvent.flush(seq++, "wlan1"));
            left.removeIf(st -> st.ifname().equals("wlan1"));
            DaemonProcess.await(DEADLINE, "FLUSH wlan1", () -> c.list(ListQuery.ALL).size() == left.size());
            assertSameStations(Stations.sorted(left), c.list(ListQuery.ALL));
            assertEquals(0, c.list(ListQuery.ALL.ifname("wlan1")).size());
            s.send(StaEvent.flush(seq++, "wlan2"));  // prefix of wlan2-guest: must not match
            s.send(StaEvent.flush(seq++, "wlan0"));
            left.removeIf(st -> st.ifname().equals("wlan0"));
            DaemonProcess.await(DEADLINE, "FLUSH wlan0", () -> c.list(ListQuery.ALL).size() == left.size());
            assertSameStations(Stations.sorted(left), c.list(ListQuery.ALL));
            assertEquals(20, left.size());

            // FLUSH "" = everything
            s.send(StaEvent.flush(seq++, ""));
            DaemonProcess.await(DEADLINE, "FLUSH all", () -> c.list(ListQuery.ALL).isEmpty());
            assertNull(c.get(all.get(50).mac()));
            // and the table is usable afterwards
            s.send(StaEvent.upsert(seq, all.get(0)));
            DaemonProcess.await(DEADLINE, "re-added station", () -> c.get(all.get(0).mac()) != null);
            assertSameStations(List.of(all.get(0)), c.list(ListQuery.ALL));
            assertEquals(0, d.stop(), d::output);
        }
    }

    @Test
    void stationsExpireAfterTheConfiguredIdleTime(@TempDir Path dir) throws Exception {
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, "table:\n  expire_after: 1s\n"));
             StationClient c = StationClient.open(d.socket());
             EventSender s = EventSender.connect(d.events())) {
            List<StaEvent> seen = new CopyOnWriteArrayList<>();
            try (StationClient.Subscription sub = c.subscribe(seen::add)) {
                sub.acked().get(20, TimeUnit.SECONDS);
                long sentAt = System.currentTimeMillis();
                StaListAttr fresh = Stations.make(1, sentAt).toBuilder().lastSeenMs(sentAt).build();
                // expiry runs on the daemon's receive time: what the sender's clock says does not count
                StaListAttr old = Stations.make(2, sentAt).toBuilder().lastSeenMs(sentAt - 60_000).build();
                StaListAttr ahead = Stations.make(3, sentAt).toBuilder().lastSeenMs(sentAt + 86_400_000L).build();
                s.send(StaEvent.upsert(1, fresh));
                s.send(StaEvent.upsert(2, old));
                s.send(StaEvent.upsert(3, ahead));
                // present right after being sent (it has a second to live)
                AtomicReference<StaListAttr> got = new AtomicReference<>();
                DaemonProcess.await(Duration.ofMillis(900), "the fresh station to appear",
                        () -> got.updateAndGet(x -> x != null ? x : c.get(fresh.mac())) != null);
                assertSameStation(fresh, got.get(), "fresh station");
                // sent after it on the same socket: applied after it, and within its second as well
                DaemonProcess.await(Duration.ofMillis(900), "the station whose sender's clock is a minute behind",
                        () -> c.get(ahead.mac()) != null);
                assertNotNull(c.get(old.mac()), "a station whose sender's clock is a minute behind is not expired at once");
                // gone within a few seconds, but not before its second is up
                DaemonProcess.await(Duration.ofSeconds(5), "the station to expire", () -> c.get(fresh.mac()) == null);
                long goneAfter = System.currentTimeMillis() - sentAt;
                assertTrue(goneAfter >= 1000, "expired after only " + goneAfter + " ms");
                DaemonProcess.await(Duration.ofSeconds(5), "the others to expire too", () -> c.list(ListQuery.ALL).isEmpty());
                assertNull(c.get(ahead.mac()), "a station whose sender's clock is a day ahead is not kept for a day");
                // subscribers saw the expiry as a REMOVE of the station
                DaemonProcess.await(Duration.ofSeconds(5), "a REMOVE event for the expired station",
                        () -> seen.stream().anyMatch(e -> e.type() == EventType.REMOVE && e.sta().mac().equals(fresh.mac())));
                StaEvent removal = seen.stream()
                        .filter(e -> e.type() == EventType.REMOVE && e.sta().mac().equals(fresh.mac())).findFirst().get();
                assertSameStation(fresh, removal.sta(), "REMOVE event of the expiry");
            }
            assertEquals(0, d.stop(), d::output);
            assertTrue(Files.notExists(d.socket()));
        }
    }
}
