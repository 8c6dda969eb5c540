package dev.stationd.daemon.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.Consumer;

/**
 * Declares the daemon's metric families on a registry: each is a callback that reads a counter
 * or computes a gauge when Prometheus scrapes, so nothing is kept up to date between scrapes.
 */
final class Families {
    private final PrometheusRegistry registry;

    Families(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /**
     * A counter family.
     *
     * @param name the name, ending in {@code _total}
     * @param help the {@code # HELP} text
     * @param unit the unit ({@code name} contains it), or {@code null}
     * @param read reports every series: {@code cb.call(value, labelValues...)}
     * @param labels the label names
     */
    void counter(String name, String help, Unit unit, Consumer<CounterWithCallback.Callback> read, String... labels) {
        CounterWithCallback.Builder b = CounterWithCallback.builder().name(name).help(help).labelNames(labels).callback(read);
        if (unit != null) {
            b.unit(unit);
        }
        b.register(registry);
    }

    /** A counter family without unit; see {@link #counter(String, String, Unit, Consumer, String...)}. */
    void counter(String name, String help, Consumer<CounterWithCallback.Callback> read, String... labels) {
        counter(name, help, null, read, labels);
    }

    /**
     * A gauge family.
     *
     * @param name the name
     * @param help the {@code # HELP} text
     * @param unit the unit ({@code name} ends with it), or {@code null}
     * @param read reports every series: {@code cb.call(value, labelValues...)}
     * @param labels the label names
     */
    void gauge(String name, String help, Unit unit, Consumer<GaugeWithCallback.Callback> read, String... labels) {
        GaugeWithCallback.Builder b = GaugeWithCallback.builder().name(name).help(help).labelNames(labels).callback(read);
        if (unit != null) {
            b.unit(unit);
        }
        b.register(registry);
    }

    /** A gauge family without unit; see {@link #gauge(String, String, Unit, Consumer, String...)}. */
    void gauge(String name, String help, Consumer<GaugeWithCallback.Callback> read, String... labels) {
        gauge(name, help, null, read, labels);
    }

    /** @return the registry the families are declared on */
    PrometheusRegistry registry() {
        return registry;
    }

    /** @return an unsigned 64-bit value (a {@code u64} of the wire) as a double */
    static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }
}
