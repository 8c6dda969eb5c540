package dev.stationd.daemon.it.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus scrapes the packaged daemon every second; the values are read back through
 * Prometheus's own HTTP API ({@code /api/v1/query}), with the documentation's alert rules loaded.
 */
class MetricsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Path ROOT = Path.of(System.getProperty("stationd.root", "..")).toAbsolutePath().normalize();
    /** The alert rules the documentation shows. */
    static final Path ALERTS = ROOT.resolve("docs/examples/stationd-alerts.yml");

    @TempDir
    Path dir;

    private static StaListAttr sta(int n, String ifname, String ssid, Band band, int group) {
        return StaListAttr.builder(new MacAddress(0x02_1E_00_00_00_00L + n)).ifname(ifname).ssid(ssid).band(band)
                .groupId(group).signalDbm(-40 - n).lastSeenMs(System.currentTimeMillis()).build();
    }

    @Test
    void prometheusScrapesStationsMalformedDatagramsAndRefusedConnections() throws Exception {
        Assumptions.assumeTrue(Prometheus.program("prometheus") != null,
                "prometheus not installed in " + Prometheus.binDir() + " (Debian package prometheus)");
        int port = Endpoint.freePort();
        // max_connections 1: the second client is refused. A hostapd entry whose hostapd never
        // answers: its link is down, its interface reads 0 stations.
        Path cfg = DaemonProcess.writeConfig(dir, "  max_connections: 1\n", "metrics:\n  listen: 127.0.0.1:" + port
                + "\nhostapd:\n  - ctrl: " + dir.resolve("no-hostapd/wlan9") + "\n    group_id: 9\n");
        try (DaemonProcess daemon = DaemonProcess.start(dir, cfg);
             Prometheus prometheus = Prometheus.start(dir, """
                     global:
                       scrape_interval: 1s
                       evaluation_interval: 1s
                     rule_files:
                       - %s
                     scrape_configs:
                       - job_name: stationd
                         static_configs:
                           - targets: ["127.0.0.1:%d"]
                     """.formatted(ALERTS, port))) {
            prometheus.awaitValue("up{job=\"stationd\"}", "1", DEADLINE);
            // sent after the first scrape, so that rate() sees the malformed counter rise
            try (EventSender s = EventSender.connect(daemon.events())) {
                s.send(StaEvent.upsert(1, sta(1, "wlan0", "home", Band.GHZ_5, 1)));
                s.send(StaEvent.upsert(2, sta(2, "wlan0", "home", Band.GHZ_5, 1)));
                s.send(StaEvent.upsert(3, sta(3, "wlan1", "guest", Band.GHZ_2_4, 2)));
                s.sendRaw(new byte[10]); // 10 bytes are no sta_event (192)
            }
            DaemonProcess.await(DEADLINE, "the start-up PING's connection to close",
                    () -> Endpoint.scrape(port).contains("\nstationd_connections 0.0\n"));
            try (StationClient held = StationClient.open(daemon.socket(), Duration.ofSeconds(5))) {
                DaemonProcess.await(DEADLINE, "3 stations", () -> held.list(ListQuery.ALL).size() == 3);
                assertArrayEquals(new byte[] {-8, -1, -1, -1}, refusedReply(daemon.socket()), "E_BUSY");
                prometheus.awaitValue("stationd_connections_refused_total{reason=\"max_connections\"}", "1", DEADLINE);
            }
            prometheus.awaitValue("stationd_stations{ifname=\"wlan0\",ssid=\"home\",band=\"5GHz\",group=\"1\"}", "2",
                    DEADLINE);
            prometheus.awaitValue("stationd_stations{ifname=\"wlan1\",ssid=\"guest\",band=\"2.4GHz\",group=\"2\"}", "1",
                    DEADLINE);
            prometheus.awaitValue("stationd_stations{ifname=\"wlan9\",ssid=\"\",band=\"\",group=\"9\"}", "0", DEADLINE);
            prometheus.awaitValue("stationd_ingest_datagrams_total{result=\"malformed\"}", "1", DEADLINE);
            prometheus.awaitValue("stationd_ingest_datagrams_total{result=\"applied\"}", "3", DEADLINE);
            prometheus.awaitValue("sum(stationd_requests_total{command=\"STA_LIST\",result=\"OK\"}) > bool 0", "1", DEADLINE);
            prometheus.awaitValue("stationd_hostapd_up{ifname=\"wlan9\"}", "0", DEADLINE);
            prometheus.awaitValue("stationd_hostapd_stations{ifname=\"wlan9\"}", "0", DEADLINE);
            prometheus.awaitValue("stationd_hostapd_reconnects_total{ifname=\"wlan9\"}", "0", DEADLINE);
            // no station to re-read: the default hostapd_resync_rate
            prometheus.awaitValue("stationd_hostapd_resync_stations_per_second", "100", DEADLINE);
            prometheus.awaitValue("stationd_build_info{version=\"0.1.0\"}", "1", DEADLINE);
            // the documentation's alerts: the malformed datagram fires at once; the link down
            // waits its minute (pending)
            prometheus.awaitValue("ALERTS{alertname=\"StationdMalformedDatagrams\",alertstate=\"firing\"}", "1",
                    DEADLINE);
            prometheus.awaitValue("ALERTS{alertname=\"StationdHostapdLinkDown\",alertstate=\"pending\",ifname=\"wlan9\"}",
                    "1", DEADLINE);

            // the last station of wlan1 leaves: its BSS reads 0, the series does not vanish
            try (EventSender s = EventSender.connect(daemon.events())) {
                s.send(StaEvent.remove(4, new MacAddress(0x02_1E_00_00_00_03L)));
            }
            prometheus.awaitValue("stationd_stations{ifname=\"wlan1\",ssid=\"guest\",band=\"2.4GHz\",group=\"2\"}", "0",
                    DEADLINE);
            prometheus.awaitValue("count(stationd_stations)", "3", DEADLINE);
            assertTrue(!prometheus.output().contains("level=error"), prometheus.output());
            assertEquals(0, daemon.stop());
        }
    }


    /** Connects past max_connections: the daemon answers a bare E_BUSY and closes. */
    private static byte[] refusedReply(Path socket) throws Exception {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer buf = ByteBuffer.allocate(8);
            while (ch.read(buf) >= 0) {
                // read to EOF: the reply, then the close
            }
            buf.flip();
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        }
    }

    /** Asked for and not served would look like a healthy daemon: a port in use stops the start. */
    @Test
    void anAddressThatCannotBeBoundStopsTheStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path cfg = DaemonProcess.writeConfig(dir, "metrics:\n  listen: 127.0.0.1:" + taken.getLocalPort() + "\n");
            DaemonProcess d = DaemonProcess.launch(dir, "--config", cfg.toString());
            try {
                assertEquals(69, d.awaitExit(DEADLINE), d.output());
                assertTrue(d.output().contains("cannot start: metrics: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                        + ": "), d.output());
                assertTrue(!Files.exists(dir.resolve("stationd.sock")), "the command socket is removed again");
            } finally {
                d.close();
            }
        }
    }
}
