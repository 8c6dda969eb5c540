package dev.stationd.daemon.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the configuration file: a non-negative whole number followed by
 * one unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} (for example
 * {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}). A bare {@code 0} is allowed;
 * any other number needs a unit. Every parsed duration is at most {@link #MAX} (about 292 years),
 * so {@link Duration#toNanos()} of it never overflows; each key has a far smaller maximum.
 */
public final class Durations {
    /** The longest duration {@link #parse} accepts: whole milliseconds whose nanoseconds fit a {@code long}. */
    public static final Duration MAX = Duration.ofMillis(Long.MAX_VALUE / 1_000_000);

    /** The text is a well-formed duration longer than {@link #MAX}. */
    public static final class TooLargeException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String text) {
            super("bad duration '" + text + "': too large (at most " + format(MAX) + ")");
        }
    }

    private static final Pattern FORMAT = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    private static final Pattern BARE_NUMBER = Pattern.compile("[-+]?[0-9]+");

    private static final long MS = 1;
    private static final long S = 1000 * MS;
    private static final long M = 60 * S;
    private static final long H = 60 * M;
    private static final long D = 24 * H;

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param text for example {@code "30s"}
     * @return the duration, never negative
     * @throws TooLargeException when {@code text} is well formed but longer than {@link #MAX}
     * @throws IllegalArgumentException with a message fit for the user when {@code text} is not
     *     a valid duration
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            if (BARE_NUMBER.matcher(text).matches()) {
                throw new IllegalArgumentException("bad duration '" + text
                        + "': a unit is required (ms, s, m, h or d), e.g. " + text + "s");
            }
            throw new IllegalArgumentException("bad duration '" + text
                    + "': expected a whole number followed by ms, s, m, h or d, e.g. 30s or 5m");
        }
        long unit = switch (m.group(2)) {
            case "ms" -> MS;
            case "s" -> S;
            case "m" -> M;
            case "h" -> H;
            case "d" -> D;
            default -> throw new AssertionError(m.group(2));
        };
        BigInteger ms = new BigInteger(m.group(1)).multiply(BigInteger.valueOf(unit));
        if (ms.compareTo(BigInteger.valueOf(MAX.toMillis())) > 0) {
            throw new TooLargeException(text);
        }
        return Duration.ofMillis(ms.longValueExact());
    }

    /**
     * Formats a duration with the largest unit that represents it exactly, so that
     * {@code parse(format(d)).equals(d)}: 300 seconds is {@code "5m"}, 90 seconds {@code "90s"},
     * zero is {@code "0"}.
     *
     * @throws IllegalArgumentException if {@code d} is negative or not a whole number of
     *     milliseconds
     */
    public static String format(Duration d) {
        Objects.requireNonNull(d, "d");
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + d);
        }
        if (d.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("duration is not a whole number of milliseconds: " + d);
        }
        long ms;
        try {
            ms = d.toMillis();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration too large: " + d, e);
        }
        if (ms == 0) {
            return "0";
        }
        if (ms % D == 0) {
            return ms / D + "d";
        }
        if (ms % H == 0) {
            return ms / H + "h";
        }
        if (ms % M == 0) {
            return ms / M + "m";
        }
        if (ms % S == 0) {
            return ms / S + "s";
        }
        return ms + "ms";
    }
}
