package dev.stationd.daemon.persist;

/** Outcome of one durable filter change made through {@link FilterService}. */
public enum FilterResult {
    /** Applied (or already in that state) and durable on disk. */
    OK,
    /** {@code FILTER_DEL} of a filter that does not exist ({@code E_NOENT}). */
    NOENT,
    /** {@code FILTER_ADD} beyond {@code filters.max_filters} ({@code E_FULL}). */
    FULL
}
