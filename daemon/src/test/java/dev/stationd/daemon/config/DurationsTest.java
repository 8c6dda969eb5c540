package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void parsesEveryUnit() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofDays(2), Durations.parse("2d"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "-5s", "5 s", "5S", "1.5s", "s", "5sec", "1m30s", " 5s", "99999999999999999999d"})
    void rejectsBadDurations(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().startsWith("bad duration '" + text + "'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999d", "200000d", "106752d", "9223372036855s", "9223372036855000ms"})
    void tooLargeIsAnErrorOfItsOwnType(String text) {
        Durations.TooLargeException e = assertThrows(Durations.TooLargeException.class, () -> Durations.parse(text));
        assertEquals("bad duration '" + text + "': too large (at most 9223372036854ms)", e.getMessage());
    }

    @Test
    void theLargestDurationStillConvertsToNanoseconds() {
        Duration max = Durations.parse("9223372036854ms");
        assertEquals(Durations.MAX, max);
        assertEquals(9_223_372_036_854_000_000L, max.toNanos());
    }

    @Test
    void bareNumberAsksForUnit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("30"));
        assertTrue(e.getMessage().contains("a unit is required"), e.getMessage());
    }

    @Test
    void formatsWithLargestExactUnit() {
        assertEquals("5m", Durations.format(Duration.ofSeconds(300)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("2d", Durations.format(Duration.ofHours(48)));
        assertEquals("25h", Durations.format(Duration.ofHours(25)));
        assertEquals("0", Durations.format(Duration.ZERO));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1ms", "999ms", "1s", "61s", "59m", "1h", "23h", "1d", "400d"})
    void formatRoundTrips(String text) {
        assertEquals(text, Durations.format(Durations.parse(text)));
    }

    @Test
    void formatRejectsUnrepresentable() {
        assertThrows(IllegalArgumentException.class, () -> Durations.format(Duration.ofNanos(1500)));
        assertThrows(IllegalArgumentException.class, () -> Durations.format(Duration.ofSeconds(-1)));
    }
}
