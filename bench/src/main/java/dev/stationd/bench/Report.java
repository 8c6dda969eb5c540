package dev.stationd.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import javax.imageio.ImageIO;

/**
 * Turns the CSV files of {@code bench/run.sh} into {@code results.md} (tables, ratios stationd /
 * baseline, the benchmark's targets met or not) and the W7 charts (PNG, drawn with Java2D headless).
 *
 * <p>Runs without a build as a single-file program: {@code java bench/src/main/java/dev/stationd/bench/Report.java OUT_DIR CHART_DIR}.
 */
public final class Report {
    private static final String[] SERVERS = {"seed", "epoll", "stationd"};
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xd62728)};

    private final Path out;
    private final List<Map<String, String>> req;
    private final List<Map<String, String>> ingest;
    private final List<Map<String, String>> w5;
    private final List<Map<String, String>> startup;
    private final Properties machine = new Properties();
    private final StringBuilder md = new StringBuilder();
    private int met;
    private int unmet;

    private Report(Path out) throws IOException {
        this.out = out;
        req = csv(out.resolve("requests.csv"));
        ingest = csv(out.resolve("ingest.csv"));
        w5 = csv(out.resolve("w5.csv"));
        startup = csv(out.resolve("startup.csv"));
        Path m = out.resolve("machine.properties");
        if (Files.exists(m)) {
            try (var r = Files.newBufferedReader(m)) {
                machine.load(r);
            }
        }
    }

    /**
     * @param args OUT_DIR (with the CSV files) and CHART_DIR (where the PNG charts go)
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path out = Path.of(args.length > 0 ? args[0] : "bench/out");
        Path charts = Path.of(args.length > 1 ? args[1] : "bench");
        Report r = new Report(out);
        Files.writeString(out.resolve("results.md"), r.markdown());
        r.charts(charts);
    }

    static List<Map<String, String>> csv(Path p) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        if (!Files.exists(p)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(p);
        if (lines.isEmpty()) {
            return rows;
        }
        String[] head = lines.get(0).split(",", -1);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < head.length; i++) {
                row.put(head[i], i < f.length ? f[i] : "");
            }
            rows.add(row);
        }
        return rows;
    }

    private static double num(Map<String, String> row, String key) {
        if (row == null) {
            return Double.NaN;
        }
        String v = row.get(key);
        try {
            return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static Map<String, String> find(List<Map<String, String>> rows, Predicate<Map<String, String>> p) {
        return rows.stream().filter(p).findFirst().orElse(null);
    }

    private Map<String, String> req(String workload, String server) {
        return find(req, r -> r.get("workload").equals(workload) && r.get("server").equals(server));
    }

    private Map<String, String> req(String workload, String server, String key, String value) {
        return find(req, r -> r.get("workload").equals(workload) && r.get("server").equals(server) && r.get(key).equals(value));
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        if (Math.abs(v) >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "—" : String.format(Locale.ROOT, "%.2f×", a / b);
    }

    private String verdict(boolean ok, boolean known) {
        if (!known) {
            return "n/a";
        }
        if (ok) {
            met++;
            return "**met**";
        }
        unmet++;
        return "**NOT met**";
    }

    private void row(String workload, String metric, double seed, double epoll, double sd, String target, String status) {
        md.append("| ").append(workload).append(" | ").append(metric).append(" | ").append(fmt(seed)).append(" | ")
                .append(fmt(epoll)).append(" | ").append(fmt(sd)).append(" | ").append(ratio(sd, seed)).append(" | ")
                .append(ratio(sd, epoll)).append(" | ").append(target).append(" | ").append(status).append(" |\n");
    }

    private static double median(List<Double> v) {
        List<Double> s = v.stream().filter(d -> !Double.isNaN(d) && d >= 0).sorted().toList();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private Map<String, String> ingestRow(String workload, String server) {
        return find(ingest, r -> r.get("workload").equals(workload) && server.equals(r.get("server")));
    }

    private double startupMedian(String server, String key) {
        List<Double> v = new ArrayList<>();
        for (Map<String, String> r : startup) {
            if (r.get("server").equals(server)) {
                v.add(num(r, key));
            }
        }
        return median(v);
    }

    String markdown() {
        md.append("# stationd benchmark results\n\n");
        md.append("Generated by `bash bench/run.sh").append("1".equals(machine.getProperty("quick")) ? " --quick" : "")
                .append("` on ").append(machine.getProperty("date", "?")).append(" (commit ")
                .append(machine.getProperty("git", "?")).append(").\n\n");
        md.append("- machine: ").append(machine.getProperty("machine.cores", "?")).append(" cores, ")
                .append(machine.getProperty("machine.cpu", "?")).append(", ")
                .append(machine.getProperty("machine.memory_mib", "?")).append(" MiB, ")
                .append(machine.getProperty("machine.kernel", "?")).append("\n");
        md.append("- load average (1/5/15 min) before the run: ").append(machine.getProperty("loadavg_before", "?"))
                .append(", after: ").append(machine.getProperty("loadavg_after", "?"))
                .append(" (anything well above 0 means other processes shared the 2 cores)\n");
        md.append("- JDK: ").append(machine.getProperty("jdk", "?")).append("\n");
        md.append("- stationd JVM flags (from `").append(machine.getProperty("jvm_flags_from", "?")).append("`): `")
                .append(machine.getProperty("jvm_flags", "?")).append("`\n");
        md.append("- durations: ").append(machine.getProperty("durations", "?")).append("\n");
        md.append("- baselines: `seed` = the seed article's select() loop (one client at a time, closes after each reply); ")
                .append("`epoll` = edge-triggered epoll, persistent + pipelined, pre-encoded reply (the practical limit)\n\n");

        md.append("## Summary (256 stations unless stated)\n\n");
        md.append("| workload | metric | seed C | epoll C | stationd | stationd/seed | stationd/epoll | target | status |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---|---|\n");
        double w1s = num(req("W1", "seed"), "qps");
        double w1e = num(req("W1", "epoll"), "qps");
        double w1d = num(req("W1", "stationd"), "qps");
        row("W1 one-shot, 4 clients", "qps", w1s, w1e, w1d, "≥ 1.0× seed", verdict(w1d >= w1s, !Double.isNaN(w1d * w1s)));
        row("W1", "p99 µs", num(req("W1", "seed"), "p99_us"), num(req("W1", "epoll"), "p99_us"),
                num(req("W1", "stationd"), "p99_us"), "", "");
        double w2e = num(req("W2", "epoll"), "qps");
        double w2d = num(req("W2", "stationd"), "qps");
        row("W2 persistent, 4 conns", "qps", Double.NaN, w2e, w2d, "≥ 0.8× epoll", verdict(w2d >= 0.8 * w2e, !Double.isNaN(w2d * w2e)));
        double w2ep = num(req("W2", "epoll"), "p99_us");
        double w2dp = num(req("W2", "stationd"), "p99_us");
        row("W2", "p99 µs", Double.NaN, w2ep, w2dp, "≤ 1.5× epoll", verdict(w2dp <= 1.5 * w2ep, !Double.isNaN(w2dp * w2ep)));
        row("W2", "p50 µs", Double.NaN, num(req("W2", "epoll"), "p50_us"), num(req("W2", "stationd"), "p50_us"), "", "");
        double w3e = num(req("W3", "epoll"), "qps");
        double w3d = num(req("W3", "stationd"), "qps");
        row("W3 pipelined depth 16, 4 conns", "qps", Double.NaN, w3e, w3d, "≥ 0.8× epoll", verdict(w3d >= 0.8 * w3e, !Double.isNaN(w3d * w3e)));
        row("W3", "p99 µs", Double.NaN, num(req("W3", "epoll"), "p99_us"), num(req("W3", "stationd"), "p99_us"), "", "");
        Map<String, String> w4max = ingestRow("max", "stationd");
        Map<String, String> w4k = ingestRow("100k", "stationd");
        Map<String, String> w4maxE = ingestRow("max", "epoll");
        Map<String, String> w4kE = ingestRow("100k", "epoll");
        double applied = num(w4max, "applied_rate");
        row("W4 ingest, 2 senders, max rate", "events/s applied", Double.NaN, num(w4maxE, "applied_rate"), applied, "≥ 300,000",
                verdict(applied >= 300_000, !Double.isNaN(applied)));
        row("W4", "events lost (max rate)", Double.NaN, num(w4maxE, "lost"), num(w4max, "lost"), "", "");
        double lost100 = num(w4k, "lost");
        row("W4 at 100,000 events/s", "events lost", Double.NaN, num(w4kE, "lost"), lost100, "0 (and ≥ 95,000/s applied)",
                verdict(lost100 == 0 && num(w4k, "applied_rate") >= 95_000, !Double.isNaN(lost100)));
        row("W4 at 100,000 events/s", "events/s applied", Double.NaN, num(w4kE, "applied_rate"), num(w4k, "applied_rate"), "", "");
        Map<String, String> w5e = find(w5, r -> r.get("server").equals("epoll"));
        Map<String, String> w5d = find(w5, r -> r.get("server").equals("stationd"));
        double rss = num(w5d, "vmrss_kib") / 1024;
        row("W5 10,000 stations + 1,000 idle conns", "RSS MiB", Double.NaN, num(w5e, "vmrss_kib") / 1024, rss, "≤ 96 MiB",
                verdict(rss <= 96, !Double.isNaN(rss)));
        row("W5", "peak RSS (VmHWM) MiB", Double.NaN, num(w5e, "vmhwm_kib") / 1024, num(w5d, "vmhwm_kib") / 1024, "", "");
        double p99 = num(w5d, "p99_us") / 1000;
        row("W5", "STA_LIST(10k) p99 ms", Double.NaN, num(w5e, "p99_us") / 1000, p99, "≤ 5 ms", verdict(p99 <= 5, !Double.isNaN(p99)));
        row("W5", "idle conns held", Double.NaN, num(w5e, "idle_open"), num(w5d, "idle_open"), "1,000", "");
        double w6 = startupMedian("stationd", "ping_ms");
        row("W6 start-up → PING answered", "ms (median)", startupMedian("seed", "ping_ms"), startupMedian("epoll", "ping_ms"), w6,
                "≤ 300 ms", verdict(w6 <= 300, !Double.isNaN(w6)));
        row("W6 start-up → READY=1", "ms (median)", Double.NaN, Double.NaN, startupMedian("stationd", "ready_ms"), "", "");
        double errors = 0;
        double malformed = 0;
        for (Map<String, String> r : req) {
            errors += num(r, "errors");
            malformed += num(r, "malformed");
        }
        for (Map<String, String> r : w5) {
            errors += num(r, "errors");
            malformed += num(r, "malformed");
        }
        md.append("\nTargets: ").append(met).append(" met, ").append(unmet).append(" not met. ")
                .append("Client errors in all request workloads: ").append(fmt(errors)).append("; malformed replies: ")
                .append(fmt(malformed)).append(".\n");

        md.append("\n## W7 growth: table size (4 clients; seed one-shot, epoll and stationd persistent)\n\n");
        md.append("| stations | reply bytes | seed p50 µs | seed p99 µs | seed qps | epoll p50 µs | epoll p99 µs | epoll qps | stationd p50 µs | stationd p99 µs | stationd qps | stationd/epoll qps |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String n : List.of("256", "4096", "65536")) {
            md.append("| ").append(fmt(Double.parseDouble(n))).append(" | ").append(fmt(4 + 176.0 * Integer.parseInt(n)));
            for (String s : SERVERS) {
                Map<String, String> r = req("W7t", s, "stations", n);
                md.append(" | ").append(fmt(num(r, "p50_us"))).append(" | ").append(fmt(num(r, "p99_us")))
                        .append(" | ").append(fmt(num(r, "qps")));
            }
            md.append(" | ").append(ratio(num(req("W7t", "stationd", "stations", n), "qps"),
                    num(req("W7t", "epoll", "stations", n), "qps"))).append(" |\n");
        }
        md.append("\n## W7 growth: connections (256 stations; seed one-shot clients, epoll and stationd persistent)\n\n");
        md.append("| connections | seed qps | epoll qps | stationd qps | stationd p99 µs | stationd/seed | stationd/epoll |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String c : List.of("1", "4", "64", "1000")) {
            double s = num(req("W7c", "seed", "conns", c), "qps");
            double e = num(req("W7c", "epoll", "conns", c), "qps");
            double d = num(req("W7c", "stationd", "conns", c), "qps");
            md.append("| ").append(c).append(" | ").append(fmt(s)).append(" | ").append(fmt(e)).append(" | ").append(fmt(d))
                    .append(" | ").append(fmt(num(req("W7c", "stationd", "conns", c), "p99_us"))).append(" | ")
                    .append(ratio(d, s)).append(" | ").append(ratio(d, e)).append(" |\n");
        }
        md.append("\nCharts: `bench/w7-table-p99.png`, `bench/w7-table-qps.png`, `bench/w7-connections-qps.png`.\n");

        md.append("\n## W4 ingest detail (the epoll baseline with `-i` reads the same datagrams with recvmmsg into its table)\n\n"
                + "| run | server | target events/s | sent | send events/s | all applied after s | applied events/s | server counted | lost |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, String> r : ingest) {
            md.append("| ").append(r.get("workload")).append(" | ").append(r.get("server")).append(" | ").append(fmt(num(r, "target_rate"))).append(" | ")
                    .append(fmt(num(r, "sent"))).append(" | ").append(fmt(num(r, "send_rate"))).append(" | ")
                    .append(fmt(num(r, "applied_seconds"))).append(" | ").append(fmt(num(r, "applied_rate"))).append(" | ")
                    .append(fmt(num(r, "daemon_events"))).append(" | ").append(fmt(num(r, "lost"))).append(" |\n");
        }
        md.append("\nRaw data: `requests.csv`, `ingest.csv`, `w5.csv`, `startup.csv`, `machine.properties` in this directory.\n");
        return md.toString();
    }

    void charts(Path dir) throws IOException {
        List<String> sizes = List.of("256", "4096", "65536");
        Map<String, double[]> p99 = new LinkedHashMap<>();
        Map<String, double[]> qps = new LinkedHashMap<>();
        for (String s : SERVERS) {
            double[] a = new double[sizes.size()];
            double[] b = new double[sizes.size()];
            for (int i = 0; i < sizes.size(); i++) {
                Map<String, String> r = req("W7t", s, "stations", sizes.get(i));
                a[i] = num(r, "p99_us");
                b[i] = num(r, "qps");
            }
            p99.put(s, a);
            qps.put(s, b);
        }
        chart(dir.resolve("w7-table-p99.png"), "W7: STA_LIST p99 latency vs table size (4 clients)", "stations",
                "p99 latency, µs (log)", sizes, p99);
        chart(dir.resolve("w7-table-qps.png"), "W7: STA_LIST throughput vs table size (4 clients)", "stations",
                "requests/s (log)", sizes, qps);
        List<String> conns = List.of("1", "4", "64", "1000");
        Map<String, double[]> cq = new LinkedHashMap<>();
        for (String s : SERVERS) {
            double[] a = new double[conns.size()];
            for (int i = 0; i < conns.size(); i++) {
                a[i] = num(req("W7c", s, "conns", conns.get(i)), "qps");
            }
            cq.put(s, a);
        }
        chart(dir.resolve("w7-connections-qps.png"), "W7: STA_LIST(256) throughput vs connections", "connections",
                "requests/s (log)", conns, cq);
    }

    /** A line chart with a categorical x axis and a logarithmic y axis. */
    static void chart(Path file, String title, String xLabel, String yLabel, List<String> xs, Map<String, double[]> series) {
        int w = 800;
        int h = 500;
        int left = 90;
        int right = 150;
        int top = 50;
        int bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double[] v : series.values()) {
            for (double d : v) {
                if (!Double.isNaN(d) && d > 0) {
                    min = Math.min(min, d);
                    max = Math.max(max, d);
                }
            }
        }
        if (max == 0) {
            min = 1;
            max = 10;
        }
        double lo = Math.floor(Math.log10(min));
        double hi = Math.ceil(Math.log10(max));
        if (hi <= lo) {
            hi = lo + 1;
        }
        int pw = w - left - right;
        int ph = h - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, left, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int e = (int) lo; e <= (int) hi; e++) {
            int y = top + ph - (int) Math.round((e - lo) / (hi - lo) * ph);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, left + pw, y);
            g.setColor(Color.DARK_GRAY);
            String lab = e >= 6 ? String.format(Locale.ROOT, "%.0fM", Math.pow(10, e - 6))
                    : e >= 3 ? String.format(Locale.ROOT, "%.0fk", Math.pow(10, e - 3)) : String.format(Locale.ROOT, "%.0f", Math.pow(10, e));
            g.drawString(lab, left - 8 - g.getFontMetrics().stringWidth(lab), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        int n = xs.size();
        for (int i = 0; i < n; i++) {
            int x = left + (n == 1 ? pw / 2 : (int) Math.round(i * (double) pw / (n - 1)));
            String lab = xs.get(i);
            g.drawString(lab, x - g.getFontMetrics().stringWidth(lab) / 2, top + ph + 18);
        }
        g.drawString(xLabel, left + pw / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, h - 15);
        var rot = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + ph / 2) - g.getFontMetrics().stringWidth(yLabel) / 2, 20);
        g.setTransform(rot);
        int si = 0;
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            Color c = COLORS[si % COLORS.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2.5f));
            int px = -1;
            int py = -1;
            double[] v = s.getValue();
            for (int i = 0; i < v.length; i++) {
                if (Double.isNaN(v[i]) || v[i] <= 0) {
                    px = -1;
                    continue;
                }
                int x = left + (n == 1 ? pw / 2 : (int) Math.round(i * (double) pw / (n - 1)));
                int y = top + ph - (int) Math.round((Math.log10(v[i]) - lo) / (hi - lo) * ph);
                g.fillOval(x - 4, y - 4, 8, 8);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            int ly = top + 20 + si * 22;
            g.fillRect(left + pw + 15, ly - 9, 18, 10);
            g.setColor(Color.BLACK);
            g.drawString(s.getKey(), left + pw + 40, ly);
            si++;
        }
        g.dispose();
        try {
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
