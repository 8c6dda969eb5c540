package dev.stationd.daemon.metrics;

import dev.stationd.daemon.persist.FilterService;
import dev.stationd.daemon.table.FilterSet;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Unit;

/** The durable MAC filters: how many, and how their group commits (the fsyncs) go. */
final class FilterMetrics {
    /** Commit latency buckets in seconds: an fsync on flash takes from a fraction of a millisecond to seconds. */
    static final double[] COMMIT_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private FilterMetrics() {
    }

    static void register(Families f, FilterService filters) {
        f.gauge("stationd_filters", "MAC filters in force, by kind (permanent, or timed: added with a lifetime).",
                cb -> {
                    FilterSet set = filters.current();
                    int timed = set.timedCount();
                    cb.call(set.size() - timed, "permanent");
                    cb.call(timed, "timed");
                }, "kind");
        f.gauge("stationd_filters_max", "Most MAC filters kept (filters.max_filters).", cb -> cb.call(filters.maxFilters()));
        f.counter("stationd_filter_commits_total",
                "Group commits of filter changes made durable (one fsync of the file and one of its directory each).",
                cb -> cb.call(filters.commits()));
        f.counter("stationd_filter_commit_failures_total",
                "Group commits that could not be saved; their changes were refused.", cb -> cb.call(filters.failures()));
        Histogram latency = Histogram.builder().name("stationd_filter_commit_duration_seconds")
                .help("Time to make a group of filter changes durable: write, fsync, rename, directory fsync.")
                .unit(Unit.SECONDS).classicOnly().classicUpperBounds(COMMIT_BUCKETS).withoutExemplars()
                .register(f.registry());
        filters.onCommit(nanos -> latency.observe(Unit.nanosToSeconds(nanos)));
    }
}
