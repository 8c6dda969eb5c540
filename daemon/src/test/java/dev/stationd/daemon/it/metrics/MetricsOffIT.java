package dev.stationd.daemon.it.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics cost nothing when they are off: over a whole run (start, a request, stop) the daemon
 * loads none of the Prometheus client's classes, none of Netty's HTTP codec and none of its own
 * metrics package. With metrics on, the same log shows all three, so the check can fail.
 */
class MetricsOffIT {
    /** Classes only the metrics endpoint needs. */
    private static final Pattern METRICS_CLASSES = Pattern.compile(
            "io\\.prometheus\\.|io\\.netty\\.handler\\.codec\\.http\\.|dev\\.stationd\\.daemon\\.metrics\\.");

    @TempDir
    Path dir;

    private List<String> metricsClassesLoaded(String extraYaml, boolean waitForEndpoint, int port) throws Exception {
        Path classLog = dir.resolve("classes-" + System.nanoTime() + ".log");
        Path cfg = DaemonProcess.writeConfig(dir, extraYaml);
        try (DaemonProcess d = DaemonProcess.start(dir, cfg, List.of("-Djava.library.path=" + DaemonProcess.nativeDir(),
                "-Xlog:class+load=info:file=" + classLog))) {
            DaemonProcess.await(Duration.ofSeconds(30), "the start-up to complete",
                    () -> d.output().contains("Daemon: stationd "));
            if (waitForEndpoint) {
                assertTrue(Endpoint.scrape(port).contains("stationd_build_info"));
            }
            assertEquals(0, d.stop());
        }
        return Files.readAllLines(classLog).stream().filter(l -> METRICS_CLASSES.matcher(l).find()).toList();
    }

    @Test
    void offLoadsNoneOfTheMetricsClasses() throws Exception {
        assertEquals(List.of(), metricsClassesLoaded("", false, 0));
    }

    @Test
    void onLoadsThem() throws Exception {
        int port = Endpoint.freePort();
        List<String> loaded = metricsClassesLoaded("metrics:\n  listen: 127.0.0.1:" + port + "\n", true, port);
        assertTrue(loaded.stream().anyMatch(l -> l.contains("io.prometheus.metrics.core.")), () -> "" + loaded);
        assertTrue(loaded.stream().anyMatch(l -> l.contains("io.netty.handler.codec.http.HttpServerCodec")));
        assertTrue(loaded.stream().anyMatch(l -> l.contains("dev.stationd.daemon.metrics.MetricsEndpoint")));
    }
}
