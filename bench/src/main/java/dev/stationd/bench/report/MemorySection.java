package dev.stationd.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** W5: 10,000 stations and 1,000 idle connections: RSS and STA_LIST(10k) latency, and where the memory goes. */
final class MemorySection implements Section {
    private final Csv w5;
    private final List<String> names = new ArrayList<>();
    private final List<MemoryBreakdown> breakdowns = new ArrayList<>();

    MemorySection(Csv w5, Path out) throws IOException {
        this.w5 = w5;
        for (String[] v : new String[][] {{"default", "default java"}, {"jdk25", "JDK 25 + AOT cache"}}) {
            MemoryBreakdown b = MemoryBreakdown.read(out, v[0]);
            if (b != null) {
                names.add(v[1]);
                breakdowns.add(b);
            }
        }
    }

    @Override
    public void write(StringBuilder md, Targets t) {
        if (w5.isEmpty()) {
            return;
        }
        List<Map<String, String>> e = w5.where("server", "epoll");
        List<Map<String, String>> d = w5.where("server", "stationd");
        Spread rss = Spread.of(d.stream().map(r -> Csv.num(r, "vmrss_kib") / 1024).toList());
        Spread hwm = Spread.of(d.stream().map(r -> Csv.num(r, "vmhwm_kib") / 1024).toList());
        Spread p99 = Spread.of(d.stream().map(r -> Csv.num(r, "p99_us") / 1000).toList());
        md.append("\n## W5: 10,000 stations + 1,000 idle connections + 1 persistent client (alternating rounds)\n\n")
                .append("| metric | epoll C | stationd |\n|---|---:|---:|\n")
                .append("| RSS MiB (mid-round) | ").append(Spread.of(e.stream().map(r -> Csv.num(r, "vmrss_kib") / 1024).toList()).text())
                .append(" | ").append(rss.text()).append(" |\n")
                .append("| peak RSS (VmHWM) MiB | ").append(Spread.of(e.stream().map(r -> Csv.num(r, "vmhwm_kib") / 1024).toList()).text())
                .append(" | ").append(hwm.text()).append(" |\n")
                .append("| STA_LIST(10k) p99 ms | ").append(Spread.of(e.stream().map(r -> Csv.num(r, "p99_us") / 1000).toList()).text())
                .append(" | ").append(p99.text()).append(" |\n")
                .append("| idle connections held | ").append(Spread.of(Csv.nums(e, "idle_open")).text()).append(" | ")
                .append(Spread.of(Csv.nums(d, "idle_open")).text()).append(" |\n");
        t.add("W5 RSS (10,000 stations, 1,000 idle conns)", "≤ 64 MiB", rss.text() + " MiB (peak " + hwm.text() + ")",
                rss.known(), rss.median() <= 64);
        t.add("W5 STA_LIST(10k) p99", "≤ 5 ms", p99.text() + " ms", p99.known(), p99.median() <= 5);
        if (!breakdowns.isEmpty()) {
            md.append("\nWhere stationd's memory goes in this state: the same load on a daemon started with ")
                    .append("`-XX:NativeMemoryTracking=summary` (which adds a little of its own). Resident KiB from its mappings, ")
                    .append("then, for the anonymous part, what the JVM's accounting says is committed:\n\n");
            MemoryBreakdown.table(md, names, breakdowns);
        }
    }
}
