package dev.stationd.daemon.config;

import java.time.Duration;

/**
 * The {@code table:} section: limits of the station table.
 *
 * @param maxStations most stations kept, at least 1
 * @param expireAfter a station not updated for this long is removed; {@code > 0}
 */
public record TableConfig(int maxStations, Duration expireAfter) {

    /** Default {@code table.max_stations}. */
    public static final int DEFAULT_MAX_STATIONS = 65536;
    /** Default {@code table.expire_after}. */
    public static final Duration DEFAULT_EXPIRE_AFTER = Duration.ofSeconds(300);

    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public TableConfig {
        Require.atLeast(maxStations, 1, "table.max_stations");
        Require.positive(expireAfter, "table.expire_after");
    }

    /** @return the built-in defaults */
    public static TableConfig defaults() {
        return new TableConfig(DEFAULT_MAX_STATIONS, DEFAULT_EXPIRE_AFTER);
    }
}
