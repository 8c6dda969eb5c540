package dev.stationd.daemon.config;

/**
 * The {@code filters:} section.
 *
 * @param maxFilters most filter entries kept, at least 1
 */
public record FiltersConfig(int maxFilters) {

    /** Default {@code filters.max_filters}. */
    public static final int DEFAULT_MAX_FILTERS = 65536;

    /** Checks every invariant; throws {@link IllegalArgumentException} when one fails. */
    public FiltersConfig {
        Require.atLeast(maxFilters, 1, "filters.max_filters");
    }

    /** @return the built-in defaults */
    public static FiltersConfig defaults() {
        return new FiltersConfig(DEFAULT_MAX_FILTERS);
    }
}
