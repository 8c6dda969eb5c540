package dev.stationd.daemon.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The whole daemon configuration, as loaded by {@link ConfigLoader}. Immutable; every path is
 * absolute (relative paths in the file are resolved against the file's directory).
 *
 * @param source the file this was loaded from, or {@code null} for {@link #defaults()}
 * @param server the {@code server:} section
 * @param ingest the {@code ingest:} section
 * @param state the {@code state:} section
 * @param table the {@code table:} section
 * @param filters the {@code filters:} section
 * @param log the {@code log:} section
 * @param access the {@code access:} section
 * @param hostapd the {@code hostapd:} list, {@code hostapd_resync} and {@code hostapd_resync_rate}
 * @param enrich the {@code enrich:} section
 * @param metrics the {@code metrics:} section
 */
public record StationdConfig(
        Path source,
        ServerConfig server,
        IngestConfig ingest,
        StateConfig state,
        TableConfig table,
        FiltersConfig filters,
        LogConfig log,
        AccessConfig access,
        HostapdSettings hostapd,
        EnrichConfig enrich,
        MetricsConfig metrics) {

    /** Checks that every section is present. */
    public StationdConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(filters, "filters");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(hostapd, "hostapd");
        Objects.requireNonNull(enrich, "enrich");
        Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * A configuration without address learning and metrics (the form used before the {@code enrich:}
     * and {@code metrics:} sections existed).
     *
     * @param source the file this was loaded from, or {@code null}
     * @param server the {@code server:} section
     * @param ingest the {@code ingest:} section
     * @param state the {@code state:} section
     * @param table the {@code table:} section
     * @param filters the {@code filters:} section
     * @param log the {@code log:} section
     * @param access the {@code access:} section
     * @param hostapd the {@code hostapd:} list, {@code hostapd_resync} and {@code hostapd_resync_rate}
     */
    public StationdConfig(Path source, ServerConfig server, IngestConfig ingest, StateConfig state,
            TableConfig table, FiltersConfig filters, LogConfig log, AccessConfig access, HostapdSettings hostapd) {
        this(source, server, ingest, state, table, filters, log, access, hostapd, EnrichConfig.defaults(),
                MetricsConfig.defaults());
    }

    /**
     * A configuration without hostapd interfaces (the form used before the hostapd source existed).
     *
     * @param source the file this was loaded from, or {@code null}
     * @param server the {@code server:} section
     * @param ingest the {@code ingest:} section
     * @param state the {@code state:} section
     * @param table the {@code table:} section
     * @param filters the {@code filters:} section
     * @param log the {@code log:} section
     * @param access the {@code access:} section
     */
    public StationdConfig(Path source, ServerConfig server, IngestConfig ingest, StateConfig state,
            TableConfig table, FiltersConfig filters, LogConfig log, AccessConfig access) {
        this(source, server, ingest, state, table, filters, log, access, HostapdSettings.defaults());
    }

    /** @return the built-in defaults, with no source file */
    public static StationdConfig defaults() {
        return ConfigKeys.defaults();
    }

    /** @return the configuration with these values and no source */
    static StationdConfig from(Values v) {
        return new StationdConfig(null, ServerConfig.from(v), IngestConfig.from(v), StateConfig.from(v),
                TableConfig.from(v), FiltersConfig.from(v), LogConfig.from(v), AccessConfig.from(v),
                HostapdSettings.from(v), EnrichConfig.from(v), MetricsConfig.from(v));
    }

    /** @return a copy with another {@link #source()} (may be {@code null}) */
    public StationdConfig withSource(Path newSource) {
        return new StationdConfig(newSource, server, ingest, state, table, filters, log, access, hostapd, enrich,
                metrics);
    }

    /**
     * Prints the full effective configuration as YAML that {@link ConfigLoader} reads back to an
     * equal configuration (apart from {@link #source()}); for {@code --check-config}.
     * User and group names in {@code access:} are printed as the numeric ids they resolved to.
     */
    public String toYaml() {
        return ConfigWriter.write(this);
    }
}
