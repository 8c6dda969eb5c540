package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The busy verdict from the rate of changes, on explicit times. */
class ChangeRateTest {
    private static final long MS = 1_000_000L;
    private final ChangeRate rate = new ChangeRate(500);

    @Test
    void notBusyUntilASecondAtTheRateHasPassed() {
        long count = 0;
        for (long t = 0; t < 1000 * MS; t += MS) { // 1,000 a second, but less than a second of them
            assertFalse(rate.update(t, ++count), "no full second yet at " + t / MS + " ms");
        }
        assertTrue(rate.update(1000 * MS, ++count), "a full second at 1,000 a second");
        assertTrue(rate.update(1001 * MS, ++count), "busy until the next second is judged");
    }

    @Test
    void belowTheRateIsNotBusy() {
        long count = 0;
        for (long t = 0; t <= 3000 * MS; t += 3 * MS) { // about 333 a second
            assertFalse(rate.update(t, ++count), "at " + t / MS + " ms");
        }
    }

    @Test
    void theFirstChangeAfterAQuietSpellEndsBusy() {
        long count = 0;
        for (long t = 0; t <= 1000 * MS; t += MS) {
            rate.update(t, ++count);
        }
        assertTrue(rate.update(1500 * MS, ++count));
        // ten quiet seconds: the span since the last judgement holds 500 changes over 10.5 s
        assertFalse(rate.update(12_000 * MS, ++count), "the span with the quiet spell in it is judged");
    }

    @Test
    void exactlyTheRateIsBusy() {
        long count = 0;
        for (long t = 0; t <= 1000 * MS; t += 2 * MS) { // 500 changes in the second after the first
            rate.update(t, ++count);
        }
        assertTrue(rate.update(1000 * MS, count), "500 a second counts (the bound is inclusive)");
    }
}
