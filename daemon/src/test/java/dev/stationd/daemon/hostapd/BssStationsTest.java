package dev.stationd.daemon.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.config.HostapdConfig;
import dev.stationd.daemon.config.HostapdSettings;
import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BssStations} against a {@link ScriptedHostapd}: the walk, stations that leave or join
 * under it, removal of what is no longer listed, single-station reads.
 */
class BssStationsTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:0b:01");
    static final MacAddress B = MacAddress.parse("02:00:00:00:0b:02");
    static final MacAddress C = MacAddress.parse("02:00:00:00:0b:03");

    @TempDir
    Path dir;

    private CtrlFixture f;
    private ScriptedHostapd hostapd;
    private final StationTable table = new StationTable(100, System::currentTimeMillis);
    private final List<MacAddress> present = new CopyOnWriteArrayList<>();
    private BssStations stations;

    @BeforeEach
    void setUp() throws Exception {
        f = new CtrlFixture(dir);
        hostapd = f.startHostapd();
        f.openToHostapd();
        stations = new BssStations(source(100), cfg(), present::add);
    }

    private HostapdConfig cfg() {
        return new HostapdConfig(f.ctrl(), 4, true);
    }

    /** @return a source (not started: it knows no stations of its own) re-reading at {@code perSecond} */
    private HostapdSource source(int perSecond) {
        return new HostapdSource(new HostapdSettings(List.of(cfg()), Duration.ofSeconds(30), perSecond), table,
                () -> Duration.ofSeconds(300), dir, dir.resolve("state"));
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private void refreshAndWalk() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        f.onLoop(() -> stations.refreshBss(f.channel,
                () -> stations.walk(f.channel, false, () -> done.complete(null))));
        done.get(5, TimeUnit.SECONDS);
    }

    /** @return completes when the walk of {@code bss} started now is over */
    private CompletableFuture<Void> walk(BssStations bss, boolean paced) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        f.onLoop(() -> bss.walk(f.channel, paced, () -> done.complete(null)));
        return done;
    }

    private Set<MacAddress> connectMany(int n) {
        Set<MacAddress> all = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            MacAddress m = new MacAddress(0x020000000c00L + i);
            hostapd.connect(m);
            all.add(m);
        }
        return all;
    }

    private Set<MacAddress> tableMacs() {
        Set<MacAddress> out = new TreeSet<>();
        for (StaListAttr s : table.snapshot().all()) {
            out.add(s.mac());
        }
        return out;
    }

    @Test
    void aWalkPutsEveryListedStationInTheTableWithTheBssesSsid() throws Exception {
        hostapd.connect(A);
        hostapd.connect(B);
        refreshAndWalk();
        assertEquals(Set.of(A, B), tableMacs());
        StaListAttr a = table.snapshot().get(A);
        assertEquals("wlan0", a.ifname());
        assertEquals("stationd-test", a.ssid(), "ssid= of the captured GET_CONFIG");
        assertEquals(4, a.groupId());
        assertEquals(StaFlags.AUTHORIZED, a.flags(), "flags=[AUTHORIZED] of the wired capture");
        assertEquals(2, stations.size());
        assertEquals(List.of(A, B), present, "every station read is reported present");
        // GET_CONFIG and STATUS share a fence; the first walk goes one station after the other
        assertEquals(List.of("GET_CONFIG", "STATUS", "PING", "STA-FIRST", "PING", "STA-NEXT " + A, "PING",
                "STA-NEXT " + B, "PING"), hostapd.received());
    }

    @Test
    void aStationNoLongerListedIsRemovedByTheNextWalk() throws Exception {
        hostapd.connect(A);
        hostapd.connect(B);
        refreshAndWalk();
        hostapd.reload(); // hostapd forgets its stations without an event
        hostapd.connect(C);
        refreshAndWalk();
        assertEquals(Set.of(C), tableMacs());
        assertTrue(stations.contains(C));
        assertEquals(1, stations.size());
    }

    @Test
    void aLaterWalkAsksEveryKnownStationAtOnceAndFindsTheOnesNeverAnnounced() throws Exception {
        hostapd.connect(A);
        hostapd.connect(B);
        hostapd.connect(C);
        refreshAndWalk();
        hostapd.reload(); // A, B and C forgotten without an event ...
        hostapd.connect(B);
        hostapd.connect(MacAddress.parse("02:00:00:00:0b:04")); // ... D joined unannounced, listed after B
        hostapd.connect(C);
        hostapd.received().clear();
        refreshAndWalk();
        List<String> walk = hostapd.received().stream().filter(r -> r.startsWith("STA-")).toList();
        // hostapd's list is B, D, C: STA-FIRST names B; the known A, B, C are asked together (A: FAIL,
        // B: D, C: the end); C's empty reply leaves the shared fence one reply short, so the four
        // are asked again, each with its own; D, read as B's successor and new, is asked in turn (C)
        assertEquals("STA-FIRST", walk.get(0));
        assertEquals(Set.of("STA-NEXT " + A, "STA-NEXT " + B, "STA-NEXT " + C), Set.copyOf(walk.subList(1, 4)));
        assertEquals(walk.subList(0, 4), walk.subList(4, 8), "asked again in the same order");
        assertEquals(List.of("STA-NEXT 02:00:00:00:0b:04"), walk.subList(8, walk.size()));
        assertEquals(Set.of(B, C, MacAddress.parse("02:00:00:00:0b:04")), tableMacs(), "A, no longer listed, is removed");
    }

    @Test
    void aWalkOfMoreStationsThanABatchAsksEachOnceAndKeepsThemAll() throws Exception {
        Set<MacAddress> all = connectMany(3 * BssStations.WALK_BATCH + 5);
        refreshAndWalk();
        assertEquals(all, tableMacs(), "the first walk, one station after the other");
        hostapd.received().clear();
        refreshAndWalk();
        assertEquals(all, tableMacs(), "the second, in batches");
        // each known station asked once, except the batch with the last station (its reply is
        // empty, and a shared fence cannot say whose was): asked again, each with its own fence
        assertTrue(hostapd.count("STA-FIRST") <= 2);
        long asked = hostapd.countStarting("STA-NEXT ") + hostapd.count("STA-FIRST");
        assertTrue(asked > all.size() && asked <= all.size() + 1 + BssStations.WALK_BATCH, asked + " requests");
        int batches = (all.size() + 1 + BssStations.WALK_BATCH - 1) / BssStations.WALK_BATCH;
        long retried = asked - all.size() - 1;
        assertEquals(1 + batches + retried, hostapd.count("PING"),
                "GET_CONFIG and STATUS share one fence, each batch one, each request asked again one: " + hostapd.received());
    }

    @Test
    void aStationWhosePredecessorLeftDuringTheWalkIsConfirmedByItsOwnReply() throws Exception {
        hostapd.connect(A);
        hostapd.connect(B);
        hostapd.connect(C);
        refreshAndWalk();
        // A leaves between STA-FIRST (which names it) and STA-NEXT A: FAIL, so nobody names B
        hostapd.script(cmd -> {
            if (cmd.equals("STA-NEXT " + A)) {
                hostapd.reload();
                hostapd.connect(B);
                hostapd.connect(C);
                return List.of(Captures.read("wired-2.10/sta-unknown.txt"));
            }
            return null;
        });
        refreshAndWalk();
        assertEquals(Set.of(B, C), tableMacs(), "B answered its own STA-NEXT; A answered FAIL");
        assertEquals(2, stations.size());
    }

    @Test
    void aQueriedStationIsAddedAndOneThatLoggedOffIsRemoved() throws Exception {
        hostapd.connect(A);
        f.onLoop(() -> stations.query(f.channel, A));
        dev.stationd.daemon.it.DaemonProcess.await(Duration.ofSeconds(5), "A in the table", () -> table.size() == 1);
        String loggedOff = Captures.read("wired-2.10/sta-logged-off.txt");
        hostapd.script(cmd -> cmd.equals("STA " + A) ? List.of(A + loggedOff.substring(loggedOff.indexOf('\n'))) : null);
        f.onLoop(() -> stations.query(f.channel, A));
        dev.stationd.daemon.it.DaemonProcess.await(Duration.ofSeconds(5), "A gone: flags= is empty after EAPOL-Logoff",
                () -> table.size() == 0);
        assertNull(table.snapshot().get(A));
        assertEquals(0, stations.size());
    }

    @Test
    void aStationThatMovedToAnotherBssStaysWhenThisOneLosesIt() throws Exception {
        hostapd.connect(A);
        f.onLoop(() -> stations.query(f.channel, A));
        dev.stationd.daemon.it.DaemonProcess.await(Duration.ofSeconds(5), "A in the table", () -> table.size() == 1);
        String bss = table.snapshot().get(A).ifname();
        // A roams: another BSS (here a sta_event source) has it now, then this BSS reports it gone
        table.apply(StaEvent.upsert(0, table.snapshot().get(A).toBuilder().ifname("wlan9").build()));
        f.onLoop(() -> stations.left(A));
        f.onLoop(() -> stations.left(B)); // never known here: nothing to do
        CompletableFuture<Integer> known = new CompletableFuture<>();
        f.onLoop(() -> known.complete(stations.size())); // after both leaves, on the same loop
        assertEquals(0, known.get(5, TimeUnit.SECONDS), bss + " no longer holds A");
        assertEquals("wlan9", table.snapshot().get(A).ifname(), "A stays, on the BSS it moved to");
        // back on this BSS, then gone from it: removed
        f.onLoop(() -> stations.query(f.channel, A));
        dev.stationd.daemon.it.DaemonProcess.await(Duration.ofSeconds(5), "A back on " + bss,
                () -> bss.equals(table.snapshot().get(A).ifname()));
        f.onLoop(() -> stations.left(A));
        dev.stationd.daemon.it.DaemonProcess.await(Duration.ofSeconds(5), "A removed", () -> table.size() == 0);
    }

    @Test
    void aStationIsReadWithoutAFenceForItsReplyIsNeverEmpty() throws Exception {
        hostapd.connect(A);
        assertEquals("FAIL\n", Captures.read("wired-2.10/sta-unknown.txt"), "hostapd 2.10 on STA of a station it does not know");
        hostapd.received().clear();
        f.onLoop(() -> stations.query(f.channel, B)); // unknown: FAIL, nothing added
        f.onLoop(() -> stations.query(f.channel, A));
        dev.stationd.daemon.it.DaemonProcess.await(Duration.ofSeconds(5), "A in the table", () -> table.size() == 1);
        assertEquals(List.of("STA " + B, "STA " + A), hostapd.received(), "one datagram per station, no PING");
        assertEquals(Set.of(A), tableMacs());
        assertFalse(f.failure.isDone(), "the channel stays in step");
    }

    @Test
    void aPacedWalkAsksNoFasterThanItsPace() throws Exception {
        Set<MacAddress> all = connectMany(3 * BssStations.WALK_BATCH + 5);
        BssStations slow = new BssStations(source(10), cfg(), present::add);
        walk(slow, false).get(5, TimeUnit.SECONDS);
        assertEquals(all, tableMacs(), "the first walk, not paced");
        long t0 = System.nanoTime();
        walk(slow, true).get(30, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        // STA-FIRST and 29 known stations in batches of 8, 8, 8 and 6; at 10 a second each batch
        // takes its place 0.8 s after the one before: the fourth is asked 2.4 s after the first
        assertTrue(ms >= 2_350, "a paced walk of 29 stations at 10/s took " + ms + " ms");
        assertEquals(all, tableMacs(), "every station still there, read again");
    }

    @Test
    void aWalkThatIsNotPacedGoesAtOnceAndSpeedsUpAPacedOneWaitingForItsPlace() throws Exception {
        hostapd.connect(A);
        hostapd.connect(B);
        hostapd.connect(C);
        HostapdSource source = source(10);
        BssStations bss = new BssStations(source, cfg(), present::add);
        walk(bss, false).get(5, TimeUnit.SECONDS);
        f.onLoop(() -> source.resyncPace().reserve(36_000, System.nanoTime())); // the next hour is taken
        hostapd.received().clear();
        CompletableFuture<Void> paced = walk(bss, true);
        CompletableFuture<String> pong = new CompletableFuture<>();
        f.onLoop(() -> f.channel.ping(pong::complete));
        assertEquals("PONG\n", pong.get(5, TimeUnit.SECONDS), "a round trip after the paced walk started");
        assertEquals(0, hostapd.countStarting("STA-"), "the paced walk waits for its place: " + hostapd.received());
        assertFalse(paced.isDone());
        walk(bss, false).get(5, TimeUnit.SECONDS); // hostapd enabled the BSS, say
        paced.get(5, TimeUnit.SECONDS);
        assertTrue(hostapd.countStarting("STA-NEXT ") >= 3, hostapd.received().toString());
        assertEquals(Set.of(A, B, C), tableMacs());
    }
}
