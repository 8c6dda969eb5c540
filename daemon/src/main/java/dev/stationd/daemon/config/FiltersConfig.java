package dev.stationd.daemon.config;

import java.time.Duration;

/**
 * The {@code filters:} section.
 *
 * @param maxFilters most filter entries kept (range: {@link ConfigKeys#FILTERS_MAX_FILTERS})
 * @param commitTimeout how long a change may wait for the disk before it is answered {@code E_BUSY}
 */
public record FiltersConfig(int maxFilters, Duration commitTimeout) {

    /** Checks every invariant; throws {@link IllegalArgumentException} when one fails. */
    public FiltersConfig {
        ConfigKeys.FILTERS_MAX_FILTERS.require(maxFilters);
        ConfigKeys.FILTERS_COMMIT_TIMEOUT.require(commitTimeout);
    }

    /** @return the built-in defaults */
    public static FiltersConfig defaults() {
        return from(new Values());
    }

    static FiltersConfig from(Values v) {
        return new FiltersConfig(v.get(ConfigKeys.FILTERS_MAX_FILTERS), v.get(ConfigKeys.FILTERS_COMMIT_TIMEOUT));
    }
}
