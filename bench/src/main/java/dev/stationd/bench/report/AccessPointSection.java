package dev.stationd.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * W9, a full access point (8 BSS x 2,007 stations behind fake hostapd control sockets, churn,
 * 32 subscribers, an agent listing), and W10, the same for a long time (RSS, fds, threads).
 */
final class AccessPointSection implements Section {
    /** Samples before this are start-up, not trend. */
    static final double SETTLE_S = 300;
    private final Csv w9;
    private final Csv w9subs;
    private final Csv w10;
    private final Csv w10samples;
    private final Csv w10parts;

    AccessPointSection(Csv w9, Csv w9subs, Csv w10, Csv w10samples, Csv w10parts) {
        this.w9 = w9;
        this.w9subs = w9subs;
        this.w10 = w10;
        this.w10samples = w10samples;
        this.w10parts = w10parts;
    }

    @Override
    public void write(StringBuilder md, Targets t) {
        if (!w9.isEmpty()) {
            w9(md, t);
        }
        if (!w10samples.isEmpty()) {
            w10(md, t);
        }
    }

    private void w9(StringBuilder md, Targets t) {
        Map<String, String> r = w9.rows().get(0);
        double rss = Csv.num(r, "rss_max_kib") / 1024;
        double cpu = Csv.num(r, "cpu_pct");
        double qb = Csv.num(r, "q_bss_p99_us") / 1000;
        double qa = Csv.num(r, "q_all_p99_us") / 1000;
        double subs = Csv.num(r, "subscribers");
        md.append("\n## W9: a full access point\n\n")
                .append(Fmt.num(Csv.num(r, "bss"))).append(" BSS × ").append(Fmt.num(Csv.num(r, "stations") / Csv.num(r, "bss")))
                .append(" stations = ").append(Fmt.num(Csv.num(r, "stations"))).append(" behind fake hostapd control sockets; ")
                .append(Fmt.num(Csv.num(r, "churn"))).append(" AP-STA-CONNECTED/-DISCONNECTED per second (5 % of the stations; a station leaves, another joins); ")
                .append(Fmt.num(subs)).append(" subscribers, ").append(Fmt.num(Csv.num(r, "slow")))
                .append(" of them reading at most 100 events/s (dropped when their backlog is full; they resubscribe: SUBSCRIBE, then STA_LIST, then the events); ")
                .append("an agent listing one BSS every second and everything every 10 s; ").append(Fmt.num(Csv.num(r, "seconds")))
                .append(" s measured after the warm-up; every station is re-read at the default pace"
                        + " (`hostapd_resync_rate`: 100 a second, about 160 s for all; `hostapd_resync` 30 s); "
                        + "the daemon runs on CPU 0 and apsim on CPU 1 (when there are two).\n\n")
                .append("| metric | value |\n|---|---:|\n")
                .append("| STA_LIST of one BSS (").append(Fmt.num(Csv.num(r, "q_bss"))).append(" queries): p50 / p99 / max ms | ")
                .append(Fmt.ms(r, "q_bss_p50_us")).append(" / ").append(Fmt.ms(r, "q_bss_p99_us")).append(" / ").append(Fmt.ms(r, "q_bss_max_us")).append(" |\n")
                .append("| STA_LIST of everything (").append(Fmt.num(Csv.num(r, "q_all"))).append(" queries): p50 / p99 / max ms | ")
                .append(Fmt.ms(r, "q_all_p50_us")).append(" / ").append(Fmt.ms(r, "q_all_p99_us")).append(" / ").append(Fmt.ms(r, "q_all_max_us")).append(" |\n")
                .append("| queries with a wrong count | ").append(Fmt.num(Csv.num(r, "q_errors"))).append(" |\n")
                .append("| change → subscriber p50 / p99 / max ms (fast subscribers) | ").append(Fmt.ms(r, "lat_p50_us")).append(" / ")
                .append(Fmt.ms(r, "lat_p99_us")).append(" / ").append(Fmt.ms(r, "lat_max_us")).append(" |\n")
                .append("| daemon CPU, % of one core | ").append(Fmt.num(cpu)).append(" |\n")
                .append("| daemon RSS MiB: max over the window / at the end / peak (VmHWM) | ").append(Fmt.num(rss)).append(" / ")
                .append(Fmt.num(Csv.num(r, "rss_kib") / 1024)).append(" / ").append(Fmt.num(Csv.num(r, "hwm_kib") / 1024)).append(" |\n")
                .append("| daemon threads / open fds at the end | ").append(Fmt.num(Csv.num(r, "threads"))).append(" / ")
                .append(Fmt.num(Csv.num(r, "fds"))).append(" |\n")
                .append("| stations at the end | ").append(Fmt.num(Csv.num(r, "final_stations"))).append(" |\n");
        subscribers(md, w9subs);
        t.add("W9 RSS (16,056 stations, churn, 32 subscribers)", "≤ 96 MiB", Fmt.num(rss) + " MiB (max over the window)",
                !Double.isNaN(rss), rss <= 96);
        t.add("W9 STA_LIST p99 (one BSS / everything)", "≤ 10 ms", Fmt.num(qb) + " / " + Fmt.num(qa) + " ms",
                !Double.isNaN(qb) && !Double.isNaN(qa), Math.max(qb, qa) <= 10);
        t.add("W9 daemon CPU", "≤ 10 % of one core", Fmt.num(cpu) + " %", !Double.isNaN(cpu) && cpu >= 0, cpu <= 10);
        double lostFast = Csv.num(r, "lost_fast");
        double ok = Csv.num(r, "views_ok");
        t.add("W9 subscribers", "only dropped ones miss events; every view matches the table at the end",
                Fmt.num(lostFast) + " lost by the others; " + Fmt.num(ok) + " of " + Fmt.num(subs) + " views match",
                !Double.isNaN(ok), lostFast == 0 && ok == subs);
    }

    private static void subscribers(StringBuilder md, Csv subs) {
        if (subs.isEmpty()) {
            return;
        }
        List<Map<String, String>> fast = subs.where("slow", "0");
        Spread rec = Spread.of(Csv.nums(fast, "records"));
        md.append("\n| subscribers | records read | lost (seq gaps) | dropped by the daemon | view ≠ table at the end |\n|---|---:|---:|---:|---:|\n")
                .append("| ").append(fast.size()).append(" reading at full speed | ").append(rec.text()).append(" | ")
                .append(Fmt.num(sum(fast, "lost"))).append(" | ").append(Fmt.num(sum(fast, "drops"))).append(" | ")
                .append(Fmt.num(sum(fast, "view_wrong"))).append(" stations |\n");
        for (Map<String, String> s : subs.where("slow", "1")) {
            md.append("| slow reader #").append(s.get("id")).append(" | ").append(Fmt.num(Csv.num(s, "records"))).append(" | ")
                    .append(Fmt.num(Csv.num(s, "lost"))).append(" | ").append(Fmt.num(Csv.num(s, "drops"))).append(" | ")
                    .append(Fmt.num(Csv.num(s, "view_wrong"))).append(" stations |\n");
        }
        md.append("\n(per subscriber: `w9-subscribers.csv`; lost = gaps in the table's event seq, plus what it had not read at the end)\n");
    }

    private static double sum(List<Map<String, String>> rows, String key) {
        return rows.stream().mapToDouble(r -> Csv.num(r, key)).sum();
    }


    /** Least-squares line through (x, y): {slope, intercept}. */
    static double[] fit(double[] x, double[] y) {
        int n = x.length;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sx += x[i];
            sy += y[i];
            sxx += x[i] * x[i];
            sxy += x[i] * y[i];
        }
        double d = n * sxx - sx * sx;
        double slope = d == 0 ? 0 : (n * sxy - sx * sy) / d;
        return new double[] {slope, (sy - slope * sx) / n};
    }

    private double[] column(List<Map<String, String>> rows, String key, double scale) {
        return rows.stream().mapToDouble(r -> Csv.num(r, key) * scale).toArray();
    }

    private List<Map<String, String>> settled() {
        return w10samples.where(r -> Csv.num(r, "t_s") >= SETTLE_S);
    }

    private void w10(StringBuilder md, Targets t) {
        List<Map<String, String>> all = w10samples.rows();
        List<Map<String, String>> s = settled();
        double minutes = Csv.num(all.get(all.size() - 1), "t_s") / 60;
        md.append("\n## W10: soak (W9's churn for ").append(Fmt.num(minutes)).append(" minutes, sampled every 10 s)\n\n");
        if (s.size() < 3) {
            md.append("Too short: the trend is taken after the first ").append(Fmt.num(SETTLE_S / 60)).append(" minutes.\n");
            t.add("W10 RSS trend", "≤ 1 MiB/hour", "too short", false, false);
            return;
        }
        double[] f = fit(column(s, "t_s", 1 / 3600.0), column(s, "rss_kib", 1 / 1024.0));
        int third = Math.max(1, s.size() / 3);
        List<Map<String, String>> first = s.subList(0, third);
        List<Map<String, String>> last = s.subList(s.size() - third, s.size());
        md.append("| metric | after ").append(Fmt.num(SETTLE_S / 60)).append(" min | min–max after that | at the end |\n|---|---:|---:|---:|\n");
        for (String[] k : new String[][] {{"RSS MiB", "rss_kib"}, {"open fds", "fds"}, {"threads", "threads"}}) {
            double scale = k[1].equals("rss_kib") ? 1 / 1024.0 : 1;
            Spread sp = Spread.of(java.util.Arrays.stream(column(s, k[1], scale)).boxed().toList());
            md.append("| ").append(k[0]).append(" | ").append(Fmt.num(Csv.num(s.get(0), k[1]) * scale)).append(" | ")
                    .append(Fmt.num(sp.min())).append("–").append(Fmt.num(sp.max())).append(" | ")
                    .append(Fmt.num(Csv.num(s.get(s.size() - 1), k[1]) * scale)).append(" |\n");
        }
        if (!w10.isEmpty()) {
            Map<String, String> r = w10.rows().get(0);
            md.append("\nOver the whole soak: daemon CPU ").append(Fmt.num(Csv.num(r, "cpu_pct"))).append(" % of one core; STA_LIST p99 ")
                    .append(Fmt.ms(r, "q_bss_p99_us")).append(" ms (one BSS) / ").append(Fmt.ms(r, "q_all_p99_us")).append(" ms (everything); ")
                    .append(Fmt.num(Csv.num(r, "lost_fast"))).append(" events lost by the fast subscribers, ")
                    .append(Fmt.num(Csv.num(r, "views_ok"))).append(" of ").append(Fmt.num(Csv.num(r, "subscribers")))
                    .append(" views match the table at the end.\n");
        }
        md.append("\nRSS trend after ").append(Fmt.num(SETTLE_S / 60)).append(" min (least squares over ").append(s.size())
                .append(" samples): ").append(String.format(java.util.Locale.ROOT, "%+.2f", f[0])).append(" MiB/hour. Chart: `bench/w10-rss.png`.\n");
        t.add("W10 RSS trend after 5 min", "≤ 1 MiB/hour", String.format(java.util.Locale.ROOT, "%+.2f MiB/hour", f[0]), true, f[0] <= 1);
        parts(md);
        for (String[] k : new String[][] {{"fds", "open fds"}, {"threads", "threads"}}) {
            double a = Spread.of(Csv.nums(first, k[0])).max();
            double b = Spread.of(Csv.nums(last, k[0])).max();
            t.add("W10 " + k[1], "no growth (max of the last third ≤ max of the first third)", Fmt.num(a) + " → " + Fmt.num(b),
                    true, b <= a);
        }
    }

    /** The kinds of mappings the soak's memory sampler sums the daemon's resident pages into. */
    private static final String[][] PARTS = {
        {"heap_kib", "Java heap"}, {"code_kib", "JIT code cache"}, {"archive_kib", "start-up archive (file)"},
        {"libjvm_kib", "libjvm.so (file)"}, {"files_kib", "other files"},
        {"anon_kib", "anonymous: malloc, metaspace, thread stacks, direct buffers"}};

    /** Where the resident memory is, after the settling minutes and at the end, and each part's trend. */
    private void parts(StringBuilder md) {
        List<Map<String, String>> s = w10parts.where(r -> Csv.num(r, "t_s") >= SETTLE_S);
        if (s.size() < 3) {
            return;
        }
        Map<String, String> a = s.get(0);
        Map<String, String> b = s.get(s.size() - 1);
        md.append("\nWhere the resident memory is (`/proc/PID/smaps` read every minute from outside, summed by kind of"
                + " mapping):\n\n| part | MiB at ").append(Fmt.num(Csv.num(a, "t_s") / 60)).append(" min | MiB at ")
                .append(Fmt.num(Csv.num(b, "t_s") / 60)).append(" min | trend MiB/hour |\n|---|---:|---:|---:|\n");
        for (String[] p : PARTS) {
            double trend = fit(column(s, "t_s", 1 / 3600.0), column(s, p[0], 1 / 1024.0))[0];
            md.append("| ").append(p[1]).append(" | ").append(Fmt.num(Csv.num(a, p[0]) / 1024)).append(" | ")
                    .append(Fmt.num(Csv.num(b, p[0]) / 1024)).append(" | ")
                    .append(String.format(java.util.Locale.ROOT, "%+.2f", trend)).append(" |\n");
        }
    }

    @Override
    public void charts(Path dir) throws IOException {
        if (w10samples.isEmpty()) {
            return;
        }
        List<Map<String, String>> all = w10samples.rows();
        double[] x = column(all, "t_s", 1 / 60.0);
        double[] y = column(all, "rss_kib", 1 / 1024.0);
        double[] line = null;
        List<Map<String, String>> s = settled();
        if (s.size() >= 3) {
            double[] f = fit(column(s, "t_s", 1 / 60.0), column(s, "rss_kib", 1 / 1024.0));
            double x0 = SETTLE_S / 60;
            double x1 = x[x.length - 1];
            line = new double[] {x0, f[1] + f[0] * x0, x1, f[1] + f[0] * x1};
        }
        Map<String, double[][]> series = new java.util.LinkedHashMap<>();
        series.put("RSS", new double[][] {x, y});
        Chart.timeSeries(dir.resolve("w10-rss.png"), "W10: stationd RSS during the soak (W9's churn)", "minutes", "MiB",
                series, line, "trend after 5 min");
    }
}
