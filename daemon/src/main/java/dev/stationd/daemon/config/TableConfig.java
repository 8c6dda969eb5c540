package dev.stationd.daemon.config;

import java.time.Duration;

/**
 * The {@code table:} section: limits of the station table.
 *
 * @param maxStations most stations kept
 * @param expireAfter a station not updated for this long is removed
 *
 * <p>Defaults and ranges: {@link ConfigKeys}.
 */
public record TableConfig(int maxStations, Duration expireAfter) {

    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public TableConfig {
        ConfigKeys.TABLE_MAX_STATIONS.require(maxStations);
        ConfigKeys.TABLE_EXPIRE_AFTER.require(expireAfter);
    }

    /** @return the built-in defaults */
    public static TableConfig defaults() {
        return from(new Values());
    }

    static TableConfig from(Values v) {
        return new TableConfig(v.get(ConfigKeys.TABLE_MAX_STATIONS), v.get(ConfigKeys.TABLE_EXPIRE_AFTER));
    }
}
