package dev.stationd.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.config.ConfigLoader;
import dev.stationd.daemon.config.StationdConfig;
import dev.stationd.daemon.enrich.Enrichment;
import dev.stationd.daemon.enrich.LeaseFile;
import dev.stationd.daemon.enrich.LeaseFormat;
import dev.stationd.daemon.hostapd.HostapdSource;
import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.persist.FilterService;
import dev.stationd.daemon.server.CommandProcessor;
import dev.stationd.daemon.server.ServerContext;
import dev.stationd.daemon.server.StationServer;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code docs/metrics.md} documents every family the daemon declares, and only those, and shows the examples as they are. */
class MetricsDocsTest {
    private static final Path ROOT = Path.of(System.getProperty("stationd.root", "..")).toAbsolutePath().normalize();
    private static final Path PAGE = ROOT.resolve("docs/metrics.md");
    /** A metric name in the first column of a table row. */
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `((?:stationd|process)_[a-z_]+)` \\|");

    @TempDir
    Path dir;

    /**
     * @return the name of every family served with every source present (per_station on, a station, a followed
     *     hostapd, a lease file)
     */
    private List<String> declaredFamilies() throws Exception {
        StationdConfig cfg = ConfigLoader.load(Files.writeString(dir.resolve("stationd.yaml"),
                "metrics:\n  per_station: true\nhostapd:\n  - ctrl: " + dir.resolve("wlan0") + "\n"));
        StationTable table = new StationTable(10, System::currentTimeMillis);
        table.apply(StaEvent.upsert(1, StaListAttr.builder(new MacAddress(0x020000000001L)).ifname("wlan0").build()));
        HostapdSource hostapd = new HostapdSource(cfg.hostapd(), table, () -> cfg.table().expireAfter(), dir,
                dir.resolve("state"));
        List<String> names = new ArrayList<>();
        try (FilterService filters = new FilterService(new FilterFile(dir), FilterSet.empty(), 10, table::setFilters);
             CommandProcessor processor = new CommandProcessor(table, filters);
             StationServer server = new StationServer(new ServerContext(cfg, table, processor))) {
            hostapd.start(server.group());
            Path leases = Files.writeString(dir.resolve("dnsmasq.leases"), "");
            Enrichment enrichment = Enrichment.start(new Enrichment.Settings(false, Set.of(),
                    List.of(new LeaseFile(leases, LeaseFormat.DNSMASQ))), table, OptionalInt.empty(), System::currentTimeMillis);
            try {
                ServerContext context = new ServerContext(cfg, table, processor);
                for (MetricSnapshot s : MetricsEndpoint.registry(context, server, filters, hostapd, enrichment).scrape()) {
                    String name = s.getMetadata().getPrometheusName();
                    // the exposed name: counters end in _total, info metrics in _info
                    names.add(s instanceof CounterSnapshot ? name + "_total" : s instanceof InfoSnapshot ? name + "_info" : name);
                }
            } finally {
                enrichment.close();
                hostapd.close();
            }
        }
        return names;
    }

    @Test
    void thePageListsEveryFamilyAndNoOther() throws Exception {
        TreeSet<String> documented = new TreeSet<>();
        Matcher m = ROW.matcher(Files.readString(PAGE));
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertEquals(new TreeSet<>(declaredFamilies()), documented);
    }

    @Test
    void thePageShowsTheExamplesVerbatim() throws Exception {
        String page = Files.readString(PAGE);
        for (String file : List.of("prometheus-stationd.yml", "stationd-alerts.yml")) {
            String content = Files.readString(ROOT.resolve("docs/examples").resolve(file));
            assertTrue(page.contains("<!-- docs-test: excerpt docs/examples/" + file + " -->\n```yaml\n" + content + "```\n"),
                    () -> "docs/metrics.md does not show " + file + " as it is");
        }
    }
}
