package dev.stationd.daemon.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.persist.HostapdDenyFile;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.MacAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DenyListEnforcer} without root, on a {@link ControlChannel} to a {@link ScriptedHostapd}
 * that keeps its deny list and stations the way hostapd 2.10 does (the real hostapd is in
 * {@code it/hostapd}).
 */
class DenyListEnforcerTest {
    static final int GROUP = 9;
    static final MacAddress A = MacAddress.parse("02:00:00:00:0a:01");
    static final MacAddress B = MacAddress.parse("02:00:00:00:0a:02");
    static final MacAddress C = MacAddress.parse("02:00:00:00:0a:03");
    static final MacAddress FOREIGN = MacAddress.parse("02:99:00:00:00:01");
    /** A bound for hangs, not a speed claim: 300 entries are 600 round trips, slow on a loaded machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** The stations the enforcer is told are connected. */
    private final Set<MacAddress> connected = ConcurrentHashMap.newKeySet();
    /** Holds every save until opened. */
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final ExecutorService gateKeeper = Executors.newSingleThreadExecutor();
    private DenyLedger realLedger;
    /** The real ledger (a file in the state directory) behind a gate, called back on the loop as the link does. */
    private final java.util.concurrent.atomic.AtomicInteger records = new java.util.concurrent.atomic.AtomicInteger();
    /** Saves over whose callback is queued on the loop. */
    private final java.util.concurrent.atomic.AtomicInteger saves = new java.util.concurrent.atomic.AtomicInteger();
    private final DenyOwnership.Ledger ledger = (ours, onSaved) -> {
        records.incrementAndGet();
        Set<MacAddress> copy = Set.copyOf(ours);
        gateKeeper.execute(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            realLedger.record("wlan0", copy, () -> {
                this.f.loop.execute(onSaved);
                saves.incrementAndGet();
            });
        });
    };
    private Set<MacAddress> recorded = Set.of();
    private CtrlFixture f;
    private ScriptedHostapd hostapd;
    private DenyListEnforcer enforcer;

    @BeforeEach
    void setUp() {
        realLedger = DenyLedger.open(stateFile());
        f = new CtrlFixture(dir);
        f.onEvent = e -> {
            if (e.name().equals(CtrlEvent.STA_DISCONNECTED)) {
                connected.remove(e.mac());
                enforcer.stationLeft(e.mac());
            }
        };
    }

    @AfterEach
    void tearDown() {
        if (enforcer != null) {
            f.onLoop(enforcer::stop);
        }
        gate.countDown();
        gateKeeper.shutdownNow();
        realLedger.close();
        f.close();
    }

    private HostapdDenyFile stateFile() {
        return new HostapdDenyFile(dir.resolve("state"));
    }

    /** @return what hostapd-deny.conf holds for wlan0 */
    private Set<MacAddress> saved() throws Exception {
        return stateFile().load().getOrDefault("wlan0", Set.of());
    }

    /** Starts over with a ledger loaded from the file, as after a restart of stationd. */
    private void restartLedger() {
        realLedger.close();
        realLedger = DenyLedger.open(stateFile());
        recorded = realLedger.entries("wlan0");
    }

    private void onLoop(Runnable r) {
        f.onLoop(r);
    }

    private void startHostapd() throws Exception {
        hostapd = f.startHostapd();
    }

    /** Opens a channel, creates the enforcer with {@code filters} and attaches it; returns once the list was read. */
    private void attach(FilterSet filters) throws Exception {
        f.openToHostapd();
        CompletableFuture<Void> read = new CompletableFuture<>();
        onLoop(() -> {
            enforcer = new DenyListEnforcer("wlan0", GROUP, true, f.loop, connected::contains, recorded, ledger);
            enforcer.filtersChanged(filters);
            enforcer.attach(f.channel, () -> read.complete(null));
        });
        read.get(5, TimeUnit.SECONDS);
        assertFalse(f.failure.isDone(), () -> "channel failed: " + f.failure.join());
    }

    private void filters(FilterSet fs) {
        onLoop(() -> enforcer.filtersChanged(fs));
    }

    private void await(String what, BooleanSupplier c) throws InterruptedException {
        try {
            DaemonProcess.await(DEADLINE, what, c);
        } catch (AssertionError e) {
            List<String> got = hostapd.received();
            throw new AssertionError(e.getMessage() + "; hostapd got " + got.size() + " commands, the last: "
                    + got.subList(Math.max(0, got.size() - 20), got.size()), e);
        }
    }

    /** Waits until hostapd's list is {@code expected} and the enforcer has seen every reply that made it so. */
    private void awaitList(String what, List<MacAddress> expected) throws Exception {
        await(what, () -> hostapd.denyList().equals(expected));
        f.request("STATUS"); // answered after every request sent before it
    }

    @Test
    void filtersOfTheGroupAndOfGroupZeroAreDeniedForeignEntriesAreLeftAlone() throws Exception {
        startHostapd();
        hostapd.deny(FOREIGN, 0);
        attach(FilterSet.empty().with(0, A).with(GROUP, B).with(GROUP + 1, C));
        await("A and B denied", () -> hostapd.denyList().equals(List.of(A, B, FOREIGN)));
        filters(FilterSet.empty());
        await("A and B off the list", () -> hostapd.denyList().equals(List.of(FOREIGN)));
        assertEquals(0, hostapd.countStarting("DENY_ACL DEL_MAC " + FOREIGN));
        assertEquals(0, hostapd.countStarting("DEAUTHENTICATE"), "no station was connected");
        assertEquals(DenyListEnforcer.Phase.KNOWN, enforcer.phase());
    }

    @Test
    void anEntryAFilterWantsIsAdoptedAndRemovedWithTheFilter() throws Exception {
        startHostapd();
        hostapd.deny(A, 0);
        attach(FilterSet.empty().with(0, A));
        filters(FilterSet.empty().with(0, A).with(0, B));
        await("B denied", () -> hostapd.denyList().equals(List.of(A, B)));
        assertEquals(0, hostapd.countStarting("DENY_ACL ADD_MAC " + A), "A was there already");
        filters(FilterSet.empty());
        await("A and B off the list", () -> hostapd.denyList().isEmpty());
    }

    @Test
    void aConnectedStationIsDeniedAndDeauthenticatedWhenItsFilterComes() throws Exception {
        startHostapd();
        hostapd.connect(A);
        hostapd.connect(B);
        connected.addAll(List.of(A, B));
        attach(FilterSet.empty());
        filters(FilterSet.empty().with(GROUP, A));
        await("A deauthenticated", () -> !hostapd.stations().contains(A));
        List<String> got = hostapd.received();
        assertTrue(got.indexOf("DENY_ACL ADD_MAC " + A) < got.indexOf("DEAUTHENTICATE " + A), got.toString());
        assertEquals(List.of(B), hostapd.stations());
        assertEquals(List.of(A), hostapd.denyList());
        await("the deauthentication counted", () -> enforcer.deauthentications() == 1);
    }

    @Test
    void aFilteredStationThatConnectsLaterIsDeauthenticated() throws Exception {
        startHostapd();
        attach(FilterSet.empty().with(0, C));
        await("C denied up front", () -> hostapd.denyList().equals(List.of(C)));
        hostapd.connect(C); // the wired driver ignores the deny list
        connected.add(C);
        onLoop(() -> enforcer.stationPresent(C));
        await("C deauthenticated", () -> !hostapd.stations().contains(C));
        assertEquals(1, hostapd.count("DENY_ACL ADD_MAC " + C));
    }

    @Test
    void withoutDenyAclFilteredStationsAreOnlyDeauthenticated() throws Exception {
        startHostapd();
        hostapd.script(cmd -> cmd.startsWith("DENY_ACL") ? List.of(Captures.read("wired-2.10/unknown-command.txt")) : null);
        hostapd.connect(A);
        connected.add(A);
        attach(FilterSet.empty().with(0, A));
        assertEquals(DenyListEnforcer.Phase.UNSUPPORTED, enforcer.phase());
        await("A deauthenticated", () -> !hostapd.stations().contains(A));
        assertEquals(0, hostapd.countStarting("DENY_ACL ADD_MAC"));
    }

    /** Resyncs and returns once every command the resync queued has been answered. */
    private void resync() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        onLoop(() -> enforcer.resync(() -> done.complete(null)));
        done.get(5, TimeUnit.SECONDS);
        f.request("STATUS"); // requests are answered in order: this one comes after the resync's
    }

    private static List<MacAddress> macs(long first, int n) {
        List<MacAddress> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new MacAddress(first + i));
        }
        return out;
    }

    private static FilterSet filtersOf(List<MacAddress> macs) {
        FilterSet fs = FilterSet.empty();
        for (MacAddress m : macs) {
            fs = fs.with(0, m);
        }
        return fs;
    }

    @Test
    void aReloadThatEmptiedTheListIsRepairedByTheNextResyncAndCountedOnce() throws Exception {
        startHostapd();
        hostapd.denyInFile(FOREIGN);
        attach(FilterSet.empty().with(0, A).with(GROUP, B));
        awaitList("A and B denied", List.of(A, B, FOREIGN));
        assertEquals(2, enforcer.entries());
        resync();
        assertEquals(0, enforcer.restores(), "nothing lost, nothing restored");
        assertEquals(1, hostapd.count("DENY_ACL ADD_MAC " + A), "an entry known present is not sent again");

        hostapd.reload(); // kill -HUP: back to the deny_mac_file
        assertEquals(List.of(FOREIGN), hostapd.denyList());
        resync();
        await("A and B restored", () -> hostapd.denyList().equals(List.of(A, B, FOREIGN)));
        await("one restore counted", () -> enforcer.restores() == 1);
        assertEquals(2, enforcer.entries());
        resync();
        assertEquals(1, enforcer.restores());
        assertEquals(2, hostapd.count("DENY_ACL ADD_MAC " + A));
        assertEquals(0, hostapd.countStarting("DENY_ACL DEL_MAC"));
    }

    @Test
    void aFilteredStationThatCameBackAfterTheReloadIsKickedWhenItsEntryIsRestored() throws Exception {
        startHostapd();
        attach(FilterSet.empty().with(0, A));
        awaitList("A denied", List.of(A));
        hostapd.reload();
        hostapd.connect(A); // associated again while the list was empty
        connected.add(A);
        resync();
        await("A restored", () -> hostapd.denyList().equals(List.of(A)));
        await("A deauthenticated", () -> !hostapd.stations().contains(A));
        await("one restore counted", () -> enforcer.restores() == 1);
    }

    @Test
    void hostapdCutsALongShowReplyAtWholeLinesLikeHostapd210() {
        java.util.TreeMap<MacAddress, Integer> list = new java.util.TreeMap<>();
        assertEquals("", ScriptedHostapd.show(list), "empty list: the empty datagram of deny-acl-show-empty.txt");
        list.put(MacAddress.parse("02:00:00:00:00:09"), 0);
        assertEquals(Captures.read("wired-2.10/deny-acl-show.txt"), ScriptedHostapd.show(list));
        for (MacAddress m : macs(0x0200_0000_1000L, 300)) {
            list.put(m, 0);
        }
        String reply = ScriptedHostapd.show(list);
        assertEquals(4088, reply.length(), "measured on hostapd 2.10: 146 lines of 28 bytes");
        assertEquals(146, reply.split("\n").length);
        DenyListView v = DenyListView.parse(reply);
        assertFalse(v.whole());
    }

    @Test
    void ourEntriesBeyondWhatALongReplyShowsAreStillAddedRestoredAndRemoved() throws Exception {
        startHostapd();
        List<MacAddress> foreign = macs(0x0200_0000_1000L, 200); // lower MACs: the reply shows only these
        for (MacAddress m : foreign) {
            hostapd.denyInFile(m);
        }
        List<MacAddress> ours = macs(0x025d_0000_1000L, 300);
        attach(filtersOf(ours));
        java.util.List<MacAddress> all = new java.util.ArrayList<>(foreign);
        all.addAll(ours);
        awaitList("all 300 filters on the list", all);
        assertEquals(300, enforcer.entries());
        assertEquals(1, records.get(), "300 entries claimed in one reconcile are recorded at once");

        long restores = enforcer.restores();
        resync();
        assertEquals(restores, enforcer.restores(), "entries the reply does not show are not taken for lost");

        hostapd.reload();
        resync();
        await("the 300 entries restored", () -> hostapd.denyList().equals(all));
        resync();
        assertEquals(all, hostapd.denyList());

        filters(FilterSet.empty());
        // hostapd's list is right before the enforcer has read the last DEL_MAC reply: wait for that too
        awaitList("our 300 entries removed, the foreign ones kept", foreign);
        assertEquals(0, enforcer.entries());
    }

    @Test
    void lostEntriesAreCountedWhenTheReplyIsWhole() throws Exception {
        startHostapd();
        List<MacAddress> ours = macs(0x025d_0000_1000L, 300); // more than one reply holds
        attach(filtersOf(ours));
        awaitList("all 300 on the list", ours);
        resync();
        assertEquals(0, enforcer.restores(), "a cut reply is no loss");
        hostapd.reload(); // empty: the reply is whole and shows all 300 missing
        resync();
        await("restored", () -> hostapd.denyList().equals(ours));
        await("one restore counted", () -> enforcer.restores() == 1);
    }

    @Test
    void anEntryIsRecordedBeforeItIsAddedAndForgottenOnceRemoved() throws Exception {
        startHostapd();
        attach(FilterSet.empty());
        gate = new CountDownLatch(1); // the save hangs (a slow disk)
        filters(FilterSet.empty().with(0, A));
        f.request("STATUS"); // everything queued before it has been answered
        assertEquals(0, hostapd.countStarting("DENY_ACL ADD_MAC"), "nothing is added before it is on disk");
        assertEquals(List.of(), hostapd.denyList());
        gate.countDown();
        await("A denied once saved", () -> hostapd.denyList().equals(List.of(A)));
        assertEquals(Set.of(A), saved());
        filters(FilterSet.empty());
        await("A removed", () -> hostapd.denyList().isEmpty());
        DaemonProcess.await(DEADLINE, "A forgotten on disk", () -> {
            try {
                return saved().isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void anEntryWhoseFilterWasDeletedWhileStationdWasStoppedIsRemovedAtTheNextStart() throws Exception {
        startHostapd();
        hostapd.denyInFile(FOREIGN);
        attach(FilterSet.empty().with(0, A).with(0, B));
        awaitList("A and B denied", List.of(A, B, FOREIGN));
        assertEquals(Set.of(A, B), saved());
        onLoop(enforcer::stop);
        f.onLoop(() -> f.channel.close(false));

        restartLedger(); // stationd starts again; B's filter was deleted meanwhile
        assertEquals(Set.of(A, B), recorded);
        attach(FilterSet.empty().with(0, A));
        await("B off the list, A and the foreign entry kept", () -> hostapd.denyList().equals(List.of(A, FOREIGN)));
        assertEquals(1, hostapd.count("DENY_ACL DEL_MAC " + B));
        DaemonProcess.await(DEADLINE, "B forgotten on disk", () -> {
            try {
                return saved().equals(Set.of(A));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(0, enforcer.restores());
    }

    @Test
    void aRecordedEntryMissingAtTheNextStartIsRestoredAsLost() throws Exception {
        startHostapd();
        attach(FilterSet.empty().with(0, A));
        awaitList("A denied", List.of(A));
        onLoop(enforcer::stop);
        f.onLoop(() -> f.channel.close(false));
        hostapd.reload(); // hostapd restarted meanwhile: its list is back to its (empty) file

        restartLedger();
        attach(FilterSet.empty().with(0, A));
        await("A restored", () -> hostapd.denyList().equals(List.of(A)));
        await("counted as a restore", () -> enforcer.restores() == 1);
    }

    @Test
    void aRefusedAddIsRetriedAfterTheRetryPeriod() throws Exception {
        startHostapd();
        java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(1);
        // the first ADD_MAC is refused (hostapd out of memory, say), every later one works
        hostapd.script(cmd -> cmd.startsWith("DENY_ACL ADD_MAC") && refusals.getAndDecrement() > 0
                ? List.of("FAIL\n") : null);
        attach(FilterSet.empty());
        filters(FilterSet.empty().with(0, A));
        await("the refused ADD_MAC", () -> hostapd.count("DENY_ACL ADD_MAC " + A) == 1);
        // two round trips: an ADD_MAC sent again on reading the FAIL would be answered before the second
        f.request("STATUS");
        f.request("STATUS");
        assertEquals(1, hostapd.count("DENY_ACL ADD_MAC " + A), "not sent again at once, only by the retry");
        assertEquals(List.of(), hostapd.denyList());
        DaemonProcess.await(Duration.ofMillis(3 * DenyListEnforcer.RETRY_MS), "A denied by the retry",
                () -> hostapd.denyList().equals(List.of(A)));
        assertEquals(2, hostapd.count("DENY_ACL ADD_MAC " + A), "one retry, then nothing more to do");
    }

    @Test
    void anEntrySavedWhileTheListCannotBeReadIsAddedOnlyOnceItIsReadAgain() throws Exception {
        startHostapd();
        attach(FilterSet.empty());
        gate = new CountDownLatch(1); // the save hangs
        filters(FilterSet.empty().with(0, A));
        hostapd.script(cmd -> cmd.equals("DENY_ACL SHOW") ? List.of("FAIL\n") : null);
        resync(); // the list cannot be read now
        assertEquals(DenyListEnforcer.Phase.FAILED, enforcer.phase());
        gate.countDown();
        await("the save over", () -> saves.get() == 1);
        f.request("STATUS"); // after the enforcer's turn on the save: an ADD_MAC sent then came before it
        assertEquals(0, hostapd.countStarting("DENY_ACL ADD_MAC"), "nothing is added to a list not known");
        hostapd.script(cmd -> null);
        DaemonProcess.await(Duration.ofMillis(3 * DenyListEnforcer.RETRY_MS), "A denied once the list is read again",
                () -> hostapd.denyList().equals(List.of(A)));
        assertEquals(1, hostapd.count("DENY_ACL ADD_MAC " + A));
    }

    @Test
    void aFailedSaveDoesNotStopEnforcement() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("state"), "not a directory");
        startHostapd();
        attach(FilterSet.empty().with(0, A));
        await("A denied although its record could not be saved", () -> hostapd.denyList().equals(List.of(A)));
    }
}
