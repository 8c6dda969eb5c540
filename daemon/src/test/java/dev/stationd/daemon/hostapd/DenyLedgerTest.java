package dev.stationd.daemon.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.persist.HostapdDenyFile;
import dev.stationd.protocol.MacAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DenyLedger} on a real file: coalesced saves, failures that do not block, a damaged file. */
class DenyLedgerTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:0d:01");
    static final MacAddress B = MacAddress.parse("02:00:00:00:0d:02");

    @TempDir
    Path dir;

    private HostapdDenyFile file() {
        return new HostapdDenyFile(dir.resolve("state"));
    }

    @Test
    void changesThatComeDuringASaveAreSavedTogetherByTheNextOne() throws Exception {
        try (DenyLedger ledger = DenyLedger.open(file())) {
            CountDownLatch inFirst = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ledger.record("wlan0", Set.of(A), () -> {
                inFirst.countDown();
                await(release); // holds the writer thread after the first save
            });
            assertTrue(inFirst.await(5, TimeUnit.SECONDS));
            CountDownLatch all = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                ledger.record("wlan" + (i % 2), i % 3 == 0 ? Set.of(A, B) : Set.of(B), all::countDown);
            }
            release.countDown();
            assertTrue(all.await(5, TimeUnit.SECONDS), "every caller told");
            assertEquals(2, ledger.saves(), "one save for the first change, one for the 100 after it");
            assertEquals(Map.of("wlan0", Set.of(B), "wlan1", Set.of(A, B)), file().load(), "the last of each (98 and 99)");
        }
    }

    @Test
    void anUnchangedSetIsNotWrittenAgain() throws Exception {
        try (DenyLedger ledger = DenyLedger.open(file())) {
            for (int i = 0; i < 2; i++) {
                CountDownLatch done = new CountDownLatch(1);
                ledger.record("wlan0", Set.of(A), done::countDown);
                assertTrue(done.await(5, TimeUnit.SECONDS));
            }
            assertEquals(1, ledger.saves());
        }
    }

    @Test
    void aSaveThatFailsStillTellsItsCallers() throws Exception {
        Files.writeString(dir.resolve("state"), "a file where the state directory should be");
        try (DenyLedger ledger = DenyLedger.open(file())) {
            CountDownLatch done = new CountDownLatch(1);
            ledger.record("wlan0", Set.of(A), done::countDown);
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(0, ledger.saves());
        }
    }

    @Test
    void aDamagedFileCountsAsEmptyAndIsReplacedByTheNextSave() throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(file().path(), "wlan0 02:00:00:00:0d:01\n"); // no trailer: torn
        try (DenyLedger ledger = DenyLedger.open(file())) {
            assertEquals(Set.of(), ledger.entries("wlan0"), "nothing can be proven stationd's");
            CountDownLatch done = new CountDownLatch(1);
            ledger.record("wlan0", Set.of(B), done::countDown);
            assertTrue(done.await(5, TimeUnit.SECONDS));
        }
        assertEquals(Map.of("wlan0", Set.of(B)), file().load());
    }

    @Test
    void entriesLoadedAtOpenAreThereForTheLinks() throws Exception {
        file().save(Map.of("wlan0", Set.of(A, B), "wlan1", Set.of(A)));
        try (DenyLedger ledger = DenyLedger.open(file())) {
            assertEquals(Set.of(A, B), ledger.entries("wlan0"));
            assertEquals(Set.of(), ledger.entries("wlan7"));
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
