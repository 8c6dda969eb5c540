package dev.stationd.daemon.config;

import java.util.Objects;

/**
 * The {@code metrics:} section: the Prometheus endpoint.
 *
 * @param listen where {@code GET /metrics} is served; {@link ListenAddress#OFF} = nowhere (unless
 *     systemd passes a socket named {@code metrics})
 * @param perStation whether every station also gets series of its own (signal, rates, bytes)
 *
 * <p>Defaults: {@link ConfigKeys}.
 */
public record MetricsConfig(ListenAddress listen, boolean perStation) {

    /** Checks every invariant; throws NPE when one fails. */
    public MetricsConfig {
        Objects.requireNonNull(listen, "metrics.listen");
    }

    /** @return the built-in defaults: off */
    public static MetricsConfig defaults() {
        return from(new Values());
    }

    static MetricsConfig from(Values v) {
        return new MetricsConfig(v.get(ConfigKeys.METRICS_LISTEN), v.get(ConfigKeys.METRICS_PER_STATION));
    }
}
