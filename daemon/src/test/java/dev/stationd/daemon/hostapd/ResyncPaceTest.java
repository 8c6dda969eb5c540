package dev.stationd.daemon.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link ResyncPace}: the shared timeline of the re-reads, and the rate expiry forces on it. */
class ResyncPaceTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** An arbitrary {@link System#nanoTime} (negative, as it may be). */
    private static final long T0 = -5_000_000_000L;

    private final AtomicInteger stations = new AtomicInteger();
    private final AtomicReference<Duration> expire = new AtomicReference<>(Duration.ofSeconds(300));
    private final AtomicReference<Duration> pause = new AtomicReference<>(Duration.ofSeconds(30));

    private ResyncPace pace(int perSecond) {
        return new ResyncPace(perSecond, stations::get, expire::get, pause::get);
    }

    @Test
    void batchesTakeTheirPlaceOneAfterTheOtherAtTheConfiguredRate() {
        ResyncPace p = pace(100);
        assertEquals(0, p.reserve(8, T0), "the first batch goes at once");
        assertEquals(80 * MS, p.reserve(8, T0), "8 stations at 100 a second: 80 ms later");
        assertEquals(140 * MS, p.reserve(2, T0 + 20 * MS), "another interface's batch queues behind");
        assertEquals(0, p.reserve(8, T0 + 180 * MS), "the timeline's end reached: at once");
    }

    @Test
    void anIdleTimelineSavesNothingUp() {
        ResyncPace p = pace(100);
        p.reserve(8, T0);
        assertEquals(0, p.reserve(8, T0 + 10_000 * MS), "after ten idle seconds");
        assertEquals(80 * MS, p.reserve(8, T0 + 10_000 * MS), "still no faster than the rate");
    }

    @Test
    void theWindowIsFourFifthsOfExpiryLessThePauseBetweenWalks() {
        ResyncPace p = pace(100);
        assertEquals(Duration.ofSeconds(210), p.window(), "300 s expiry, 30 s pause");
        expire.set(Duration.ofSeconds(10));
        pause.set(Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(3), p.window(), "read on every use: expire_after may be reloaded");
    }

    @Test
    void moreStationsThanTheRateCanReadWithinTheWindowRaiseTheRate() {
        ResyncPace p = pace(100);
        stations.set(21_000 - 1);
        assertEquals(100.0, p.perSecond(), "20,999 stations in 210 s: the configured 100/s is enough");
        stations.set(42_000);
        assertEquals(200.0, p.perSecond(), 1e-9, "42,000 stations in 210 s need 200/s");
        p.reserve(8, T0);
        assertEquals(40 * MS, p.reserve(8, T0), "8 stations at 200 a second");
    }

    @Test
    void theRateAsReadElsewhereIsThePacesOwnAndChangesNothing() {
        ResyncPace p = pace(100);
        stations.set(42_000);
        assertEquals(200.0, p.rate(), 1e-9, "42,000 stations in 210 s");
        assertFalse(p.raised(), "only perSecond, on the links' loop, logs and keeps the state");
        assertEquals(p.rate(), p.perSecond(), 1e-9);
        stations.set(10);
        assertEquals(100.0, p.rate(), "the configured rate");
        assertTrue(p.raised(), "unchanged by reading the rate");
    }

    @Test
    void aRaisedRateFallsBackOnlyWellBelowTheConfiguredOne() {
        ResyncPace p = pace(100);
        stations.set(21_000);
        p.perSecond();
        assertFalse(p.raised(), "exactly 100/s needed: the configured rate does");
        stations.set(21_001);
        p.perSecond();
        assertTrue(p.raised(), "just over");
        stations.set(20_000);
        assertEquals(100.0, p.perSecond(), "95 a second needed: the configured rate again");
        assertTrue(p.raised(), "but still raised as logged: a count at the limit does not log every station");
        stations.set(18_899); // 89.99 a second: below nine tenths
        p.perSecond();
        assertFalse(p.raised(), "back to normal below nine tenths");
    }

    @Test
    void aRateOfZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> pace(0));
    }
}
