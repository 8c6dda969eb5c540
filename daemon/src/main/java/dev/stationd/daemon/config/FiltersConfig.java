package dev.stationd.daemon.config;

/**
 * The {@code filters:} section.
 *
 * @param maxFilters most filter entries kept (range: {@link ConfigKeys#FILTERS_MAX_FILTERS})
 */
public record FiltersConfig(int maxFilters) {

    /** Checks every invariant; throws {@link IllegalArgumentException} when one fails. */
    public FiltersConfig {
        ConfigKeys.FILTERS_MAX_FILTERS.require(maxFilters);
    }

    /** @return the built-in defaults */
    public static FiltersConfig defaults() {
        return from(new Values());
    }

    static FiltersConfig from(Values v) {
        return new FiltersConfig(v.get(ConfigKeys.FILTERS_MAX_FILTERS));
    }
}
