package dev.stationd.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * W8: from a station change at its source to the record a subscriber reads: hostapd's
 * AP-STA-CONNECTED / AP-STA-DISCONNECTED (a control-socket peer at a set rate, and a real hostapd)
 * and sta_event datagrams.
 */
final class LatencySection implements Section {
    private final Csv latency;

    LatencySection(Csv latency) {
        this.latency = latency;
    }

    private static String source(String s) {
        return switch (s) {
            case "ap_sta_event" -> "hostapd control-socket peer: AP-STA-CONNECTED / -DISCONNECTED";
            case "sta_event" -> "sta_event datagrams (UPSERT / REMOVE) on the ingest socket";
            case "hostapd" -> "real hostapd (driver=wired) + wpa_supplicant log-off / log-on";
            default -> s;
        };
    }

    @Override
    public void write(StringBuilder md, Targets t) {
        if (latency.isEmpty()) {
            return;
        }
        md.append("\n## W8: air to agent (source emits → subscriber reads the UPSERT / REMOVE; one clock)\n\n")
                .append("| source | events/s | events | lost | not sent (peer queue full) | p50 ms | p99 ms | p99.9 ms | max ms |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, String> r : latency.rows()) {
            md.append("| ").append(source(r.get("source"))).append(" | ").append(Fmt.num(Csv.num(r, "rate")))
                    .append(" | ").append(Fmt.num(Csv.num(r, "events"))).append(" | ").append(Fmt.num(Csv.num(r, "lost")))
                    .append(" | ").append(Fmt.num(Csv.num(r, "peer_dropped")))
                    .append(" | ").append(Fmt.ms(r, "p50_us")).append(" | ").append(Fmt.ms(r, "p99_us"))
                    .append(" | ").append(Fmt.ms(r, "p999_us")).append(" | ").append(Fmt.ms(r, "max_us")).append(" |\n");
        }
        md.append("\nChart: `bench/w8-latency.png`. The hostapd peer answers `STA <mac>` (which stationd asks after every ")
                .append("AP-STA-CONNECTED) like hostapd 2.10 with a WPA2 station, and sends events the way hostapd does ")
                .append("(non-blocking, to every ATTACHed socket); a single run per rate, so these are percentiles of many events, not rounds.\n");
        target(t, "ap_sta_event", 100, 10, "W8 AP-STA-* → subscriber p99 at 100 events/s");
        target(t, "ap_sta_event", 1000, 50, "W8 AP-STA-* → subscriber p99 at 1,000 events/s");
        target(t, "sta_event", 10000, 2, "W8 sta_event → subscriber p99 at 10,000 events/s");
        double lost = 0;
        boolean known = false;
        for (Map<String, String> r : latency.where(r -> !r.get("source").equals("hostapd"))) {
            lost += Csv.num(r, "lost") + Csv.num(r, "peer_dropped");
            known = true;
        }
        t.add("W8 events lost (every rate, both sources)", "0", Fmt.num(lost), known, lost == 0);
    }

    private void target(Targets t, String source, double rate, double limitMs, String name) {
        Map<String, String> r = latency.first("source", source, "rate", Fmt.num(rate).replace(",", ""));
        double p99 = Csv.num(r, "p99_us") / 1000;
        t.add(name, "≤ " + Fmt.num(limitMs) + " ms", Double.isNaN(p99) ? "—" : Fmt.ms(r, "p99_us") + " ms (of "
                + Fmt.num(Csv.num(r, "events")) + " events)", !Double.isNaN(p99), p99 <= limitMs);
    }


    @Override
    public void charts(Path dir) throws IOException {
        if (latency.isEmpty()) {
            return;
        }
        List<String> xs = new ArrayList<>();
        Map<String, double[]> series = new LinkedHashMap<>();
        List<Map<String, String>> rows = latency.rows();
        for (Map<String, String> r : rows) {
            String s = r.get("source");
            double rate = Csv.num(r, "rate");
            String perSecond = rate >= 1000 ? Fmt.num(rate / 1000) + "k/s" : Fmt.num(rate) + "/s";
            xs.add(s.equals("ap_sta_event") ? "hostapd " + perSecond : s.equals("sta_event") ? "sta_event " + perSecond : "real hostapd");
        }
        for (String[] k : new String[][] {{"p50", "p50_us"}, {"p99", "p99_us"}, {"max", "max_us"}}) {
            double[] v = new double[rows.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = Csv.num(rows.get(i), k[1]) / 1000;
            }
            series.put(k[0], v);
        }
        Chart.logCategories(dir.resolve("w8-latency.png"), "W8: source → subscriber latency", "source and rate",
                "ms (log)", xs, series, false);
    }
}
