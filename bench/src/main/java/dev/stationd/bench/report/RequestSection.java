package dev.stationd.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * W1-W3 and W7 from {@code requests.csv} (one row per server and round), and any other request
 * workload a run adds (listed generically, with ratios where a baseline ran in the same rounds).
 */
final class RequestSection implements Section {
    private static final List<String> SERVERS = List.of("seed", "epoll", "stationd");
    private static final Set<String> KNOWN = Set.of("W1", "W2", "W3", "W7c", "W7t");
    private final Csv req;

    RequestSection(Csv req) {
        this.req = req;
    }

    private List<Map<String, String>> rows(String workload, String server, String... more) {
        String[] kv = new String[4 + more.length];
        kv[0] = "workload";
        kv[1] = workload;
        kv[2] = "server";
        kv[3] = server;
        System.arraycopy(more, 0, kv, 4, more.length);
        return req.where(kv);
    }

    private Spread spread(String workload, String server, String key, String... more) {
        return Spread.of(Csv.nums(rows(workload, server, more), key));
    }

    private Spread ratio(String workload, String server, String baseline, String key, String... more) {
        return Spread.ratios(rows(workload, baseline, more), rows(workload, server, more), r -> Csv.num(r, key));
    }

    private static String rounds(Spread s) {
        return s.known() ? s.ratioText() + " over " + s.n() + " rounds" : "—";
    }

    @Override
    public void write(StringBuilder md, Targets t) {
        if (req.isEmpty()) {
            return;
        }
        md.append("\n## W1-W3: STA_LIST of 256 stations (alternating rounds)\n\n")
                .append("Each cell: median over the rounds (min–max). Ratios are per round (stationd and the baseline measured back to back), then the median of those.\n\n")
                .append("| workload | metric | seed C | epoll C | stationd | stationd/seed | stationd/epoll |\n")
                .append("|---|---|---:|---:|---:|---:|---:|\n");
        line(md, "W1 one-shot, 4 clients", "W1", "qps");
        line(md, "W1", "W1", "p99_us");
        line(md, "W2 persistent, 4 conns", "W2", "qps");
        line(md, "W2", "W2", "p99_us");
        line(md, "W2", "W2", "p50_us");
        line(md, "W3 pipelined depth 16, 4 conns", "W3", "qps");
        line(md, "W3", "W3", "p99_us");
        Spread w1 = ratio("W1", "stationd", "seed", "qps");
        t.add("W1 one-shot qps, stationd / seed", "≥ 1.0×", rounds(w1), w1.known(), w1.median() >= 1.0);
        Spread w2 = ratio("W2", "stationd", "epoll", "qps");
        t.add("W2 persistent qps, stationd / epoll", "≥ 1.0×", rounds(w2), w2.known(), w2.median() >= 1.0);
        Spread w2p = ratio("W2", "stationd", "epoll", "p99_us");
        t.add("W2 p99, stationd / epoll", "≤ 1.5×", rounds(w2p), w2p.known(), w2p.median() <= 1.5);
        Spread w3 = ratio("W3", "stationd", "epoll", "qps");
        t.add("W3 pipelined qps, stationd / epoll", "≥ 1.0×", rounds(w3), w3.known(), w3.median() >= 1.0);
        zeroCopyBaseline(md);
        errors(md);
        w7(md);
        others(md);
    }

    private void line(StringBuilder md, String label, String w, String key) {
        String metric = switch (key) {
            case "qps" -> "qps";
            case "p99_us" -> "p99 µs";
            default -> "p50 µs";
        };
        md.append("| ").append(label).append(" | ").append(metric);
        for (String s : SERVERS) {
            md.append(" | ").append(spread(w, s, key).text());
        }
        md.append(" | ").append(ratio(w, "stationd", "seed", key).ratioText())
                .append(" | ").append(ratio(w, "stationd", "epoll", key).ratioText()).append(" |\n");
    }

    /**
     * The epoll server with {@code -z} (table replies by sendfile from a memory file, as stationd
     * sends them), when the run had it in W2/W3's rounds: what the zero-copy path alone is worth in
     * C. Not a target: the targets are against the copying server above.
     */
    private void zeroCopyBaseline(StringBuilder md) {
        if (rows("W2", "epollz").isEmpty() && rows("W3", "epollz").isEmpty()) {
            return;
        }
        md.append("\nThe same C epoll server sending table replies with `sendfile` from a sealed memory file (`-z`,"
                        + " the zero-copy path stationd uses for tables of 4 KiB to 1 MiB) ran in the same rounds: not a"
                        + " target, the limit of that path in C.\n\n")
                .append("| workload | epoll C -z qps | epoll C -z p99 µs | epoll C -z / epoll C | stationd / epoll C -z |\n")
                .append("|---|---:|---:|---:|---:|\n");
        for (String w : List.of("W2", "W3")) {
            if (!rows(w, "epollz").isEmpty()) {
                md.append("| ").append(w).append(" | ").append(spread(w, "epollz", "qps").text())
                        .append(" | ").append(spread(w, "epollz", "p99_us").text())
                        .append(" | ").append(ratio(w, "epollz", "epoll", "qps").ratioText())
                        .append(" | ").append(ratio(w, "stationd", "epollz", "qps").ratioText()).append(" |\n");
            }
        }
    }

    private void errors(StringBuilder md) {
        double errors = 0;
        double malformed = 0;
        for (Map<String, String> r : req.rows()) {
            errors += Csv.num(r, "errors");
            malformed += Csv.num(r, "malformed");
        }
        md.append("\nClient errors in all request workloads: ").append(Fmt.num(errors)).append("; malformed replies: ")
                .append(Fmt.num(malformed)).append(".\n");
    }

    private void w7(StringBuilder md) {
        if (req.where("workload", "W7t").isEmpty()) {
            return;
        }
        md.append("\n## W7 growth: table size (4 clients; seed one-shot, epoll and stationd persistent)\n\n")
                .append("| stations | reply bytes | seed qps | epoll qps | stationd qps | stationd p50 µs | stationd p99 µs | stationd/seed | stationd/epoll |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String n : values("W7t", "stations")) {
            md.append("| ").append(Fmt.num(Double.parseDouble(n))).append(" | ").append(Fmt.num(4 + 176.0 * Integer.parseInt(n)));
            for (String s : SERVERS) {
                md.append(" | ").append(spread("W7t", s, "qps", "stations", n).text());
            }
            md.append(" | ").append(spread("W7t", "stationd", "p50_us", "stations", n).text())
                    .append(" | ").append(spread("W7t", "stationd", "p99_us", "stations", n).text())
                    .append(" | ").append(ratio("W7t", "stationd", "seed", "qps", "stations", n).ratioText())
                    .append(" | ").append(ratio("W7t", "stationd", "epoll", "qps", "stations", n).ratioText()).append(" |\n");
        }
        md.append("\n## W7 growth: connections (256 stations; seed one-shot clients, epoll and stationd persistent)\n\n")
                .append("| connections | seed qps | epoll qps | stationd qps | stationd p99 µs | stationd/seed | stationd/epoll |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String c : values("W7c", "conns")) {
            md.append("| ").append(c);
            for (String s : SERVERS) {
                md.append(" | ").append(spread("W7c", s, "qps", "conns", c).text());
            }
            md.append(" | ").append(spread("W7c", "stationd", "p99_us", "conns", c).text())
                    .append(" | ").append(ratio("W7c", "stationd", "seed", "qps", "conns", c).ratioText())
                    .append(" | ").append(ratio("W7c", "stationd", "epoll", "qps", "conns", c).ratioText()).append(" |\n");
        }
        md.append("\nCharts (medians): `bench/w7-table-p99.png`, `bench/w7-table-qps.png`, `bench/w7-connections-qps.png`.\n");
    }

    private List<String> values(String workload, String key) {
        Set<String> v = new LinkedHashSet<>();
        for (Map<String, String> r : req.where("workload", workload)) {
            v.add(r.get(key));
        }
        return new ArrayList<>(v);
    }

    /** Request workloads this class does not know, grouped by their parameters. */
    private void others(StringBuilder md) {
        Map<String, List<Map<String, String>>> groups = new LinkedHashMap<>();
        for (Map<String, String> r : req.rows()) {
            if (!KNOWN.contains(r.get("workload"))) {
                String k = String.join(",", r.get("workload"), r.get("mode"), r.get("stations"), r.get("conns"), r.get("depth"));
                groups.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
            }
        }
        if (groups.isEmpty()) {
            return;
        }
        md.append("\n## Other request workloads of this run\n\n")
                .append("| workload | mode | stations | conns | depth | server | qps | p50 µs | p99 µs | / epoll (per round) |\n")
                .append("|---|---|---:|---:|---:|---|---:|---:|---:|---:|\n");
        for (List<Map<String, String>> g : groups.values()) {
            Map<String, String> f = g.get(0);
            Set<String> servers = new LinkedHashSet<>();
            g.forEach(r -> servers.add(r.get("server")));
            for (String s : servers) {
                List<Map<String, String>> mine = g.stream().filter(r -> r.get("server").equals(s)).toList();
                List<Map<String, String>> base = g.stream().filter(r -> r.get("server").equals("epoll")).toList();
                md.append("| ").append(f.get("workload")).append(" | ").append(f.get("mode")).append(" | ").append(f.get("stations"))
                        .append(" | ").append(f.get("conns")).append(" | ").append(f.get("depth")).append(" | ").append(s)
                        .append(" | ").append(Spread.of(Csv.nums(mine, "qps")).text())
                        .append(" | ").append(Spread.of(Csv.nums(mine, "p50_us")).text())
                        .append(" | ").append(Spread.of(Csv.nums(mine, "p99_us")).text())
                        .append(" | ").append(s.equals("epoll") || base.isEmpty() ? "—"
                                : Spread.ratios(base, mine, r -> Csv.num(r, "qps")).ratioText()).append(" |\n");
            }
        }
    }

    @Override
    public void charts(Path dir) throws IOException {
        if (req.where("workload", "W7t").isEmpty()) {
            return;
        }
        List<String> sizes = values("W7t", "stations");
        Map<String, double[]> p99 = new LinkedHashMap<>();
        Map<String, double[]> qps = new LinkedHashMap<>();
        for (String s : SERVERS) {
            double[] a = new double[sizes.size()];
            double[] b = new double[sizes.size()];
            for (int i = 0; i < sizes.size(); i++) {
                a[i] = spread("W7t", s, "p99_us", "stations", sizes.get(i)).median();
                b[i] = spread("W7t", s, "qps", "stations", sizes.get(i)).median();
            }
            p99.put(s, a);
            qps.put(s, b);
        }
        Chart.logCategories(dir.resolve("w7-table-p99.png"), "W7: STA_LIST p99 latency vs table size (4 clients)",
                "stations", "p99 latency, µs (log)", sizes, p99);
        Chart.logCategories(dir.resolve("w7-table-qps.png"), "W7: STA_LIST throughput vs table size (4 clients)",
                "stations", "requests/s (log)", sizes, qps);
        List<String> conns = values("W7c", "conns");
        Map<String, double[]> cq = new LinkedHashMap<>();
        for (String s : SERVERS) {
            double[] a = new double[conns.size()];
            for (int i = 0; i < conns.size(); i++) {
                a[i] = spread("W7c", s, "qps", "conns", conns.get(i)).median();
            }
            cq.put(s, a);
        }
        Chart.logCategories(dir.resolve("w7-connections-qps.png"), "W7: STA_LIST(256) throughput vs connections",
                "connections", "requests/s (log)", conns, cq);
    }
}
