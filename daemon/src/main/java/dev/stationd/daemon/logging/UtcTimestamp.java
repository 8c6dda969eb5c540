package dev.stationd.daemon.logging;

/**
 * Appends an instant as {@code 2026-11-26T10:00:00.000Z}: UTC, millisecond precision.
 *
 * <p>Written out by hand instead of with {@code java.time}: a {@code DateTimeFormatter} in the
 * system zone reads the time-zone database on the first log line, about 25 ms of every start-up.
 * UTC also reads the same on every machine and needs no zone to compare logs of two hosts.
 */
final class UtcTimestamp {
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar. */
    private static final long DAYS_0000_03_01_TO_EPOCH = 719_468L;
    private static final long DAYS_PER_400_YEARS = 146_097L;

    private UtcTimestamp() {
    }

    /**
     * @param sb where to append
     * @param epochMillis milliseconds since 1970-01-01T00:00:00Z (negative values are before it)
     */
    static void append(StringBuilder sb, long epochMillis) {
        long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        long millisOfDay = Math.floorMod(epochMillis, MILLIS_PER_DAY);
        // civil date from a day count (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"):
        // years counted from March, so the leap day is the last day of a year
        long z = days + DAYS_0000_03_01_TO_EPOCH;
        long era = Math.floorDiv(z, DAYS_PER_400_YEARS);
        long dayOfEra = z - era * DAYS_PER_400_YEARS;                                     // [0, 146096]
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365; // [0, 399]
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);   // [0, 365]
        long monthFromMarch = (5 * dayOfYear + 2) / 153;                                   // [0, 11]
        long day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;                         // [1, 31]
        long month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;        // [1, 12]
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        pad(sb, year, 4).append('-');
        pad(sb, month, 2).append('-');
        pad(sb, day, 2).append('T');
        pad(sb, millisOfDay / 3_600_000, 2).append(':');
        pad(sb, millisOfDay / 60_000 % 60, 2).append(':');
        pad(sb, millisOfDay / 1000 % 60, 2).append('.');
        pad(sb, millisOfDay % 1000, 3).append('Z');
    }

    private static StringBuilder pad(StringBuilder sb, long value, int width) {
        if (value < 0) {
            sb.append('-');
            value = -value;
        }
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits);
    }
}
