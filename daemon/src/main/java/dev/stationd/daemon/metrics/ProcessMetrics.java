package dev.stationd.daemon.metrics;

import dev.stationd.daemon.Version;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.snapshots.Unit;

/** The process: when it started and which build it is. */
final class ProcessMetrics {
    private ProcessMetrics() {
    }

    static void register(Families f) {
        double started = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli() / 1000.0)
                .orElse(System.currentTimeMillis() / 1000.0);
        f.gauge("process_start_time_seconds", "Start time of the process since the epoch, in seconds.", Unit.SECONDS,
                cb -> cb.call(started));
        Info.builder().name("stationd_build_info").help("The running build: 1, with its version as a label.")
                .labelNames("version").register(f.registry()).setLabelValues(Version.get());
    }
}
