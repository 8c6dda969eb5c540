package dev.stationd.daemon.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UtcTimestampTest {
    private static String format(long millis) {
        StringBuilder sb = new StringBuilder();
        UtcTimestamp.append(sb, millis);
        return sb.toString();
    }

    @ParameterizedTest
    @CsvSource({
            "0, 1970-01-01T00:00:00.000Z",
            "-1, 1969-12-31T23:59:59.999Z",
            "951782400000, 2000-02-29T00:00:00.000Z",    // leap day of a 400-year leap year
            "951868799999, 2000-02-29T23:59:59.999Z",
            "4107542400000, 2100-03-01T00:00:00.000Z",   // 2100 is not a leap year
            "1798279200123, 2026-12-26T10:00:00.123Z",
            "1795860000000, 2026-11-28T10:00:00.000Z",
            "253402300799999, 9999-12-31T23:59:59.999Z",
    })
    void knownInstants(long millis, String expected) {
        assertEquals(expected, format(millis));
    }

    @Test
    void agreesWithJavaTimeOverFourCenturies() {
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);
        SplittableRandom random = new SplittableRandom(7);
        long from = Instant.parse("1900-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2300-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 200_000; i++) {
            long millis = random.nextLong(from, to);
            assertEquals(iso.format(Instant.ofEpochMilli(millis)), format(millis), "epoch millis " + millis);
        }
    }
}
