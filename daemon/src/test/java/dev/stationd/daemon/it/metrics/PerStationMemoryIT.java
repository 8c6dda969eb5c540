package dev.stationd.daemon.it.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metrics.per_station} with the largest table ({@code table.max_stations} default, 65,536)
 * under the shipped JVM flags (64 MiB heap, 64 MiB direct): scrapes are answered and the daemon
 * lives on; the stations beyond the per-station limit are counted, not silently left out.
 */
class PerStationMemoryIT {
    private static final int STATIONS = 65_536;
    private static final Path ROOT = Path.of(System.getProperty("stationd.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void aFullTableWithPerStationSeriesFitsTheShippedHeap() throws Exception {
        int port = Endpoint.freePort();
        Path cfg = DaemonProcess.writeConfig(dir, "metrics:\n  listen: 127.0.0.1:" + port + "\n  per_station: true\n");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg, List.of("@" + ROOT.resolve("config/jvm.options"),
                "-Djava.library.path=" + DaemonProcess.nativeDir()))) {
            long now = System.currentTimeMillis();
            try (EventSender s = EventSender.connect(d.events())) {
                for (int i = 0; i < STATIONS; i++) {
                    s.send(StaEvent.upsert(i + 1, StaListAttr.builder(new MacAddress(0x02_4E_00_00_00_00L + i))
                            .ifname("wlan" + i % 4).ssid("ssid-" + i % 8).hostname("host-" + i).signalDbm(-60)
                            .lastSeenMs(now).build()));
                }
            }
            DaemonProcess.await(Duration.ofSeconds(120), STATIONS + " stations applied",
                    () -> Endpoint.scrape(port).contains("\nstationd_ingest_datagrams_total{result=\"applied\"} " + STATIONS + ".0\n"));
            for (int i = 0; i < 3; i++) {
                String text = Endpoint.scrape(port);
                assertTrue(text.contains("\nstationd_stations_without_series " + (STATIONS - 4096) + ".0\n"), text.substring(0, 2000));
                assertEquals(4096, text.lines().filter(l -> l.startsWith("stationd_station_signal_dbm{")).count());
            }
            assertTrue(d.process().isAlive(), d.output());
            assertTrue(!d.output().contains("OutOfMemoryError"), d.output());
            assertEquals(0, d.stop());
        }
    }

}
