package dev.stationd.bench.report;

import java.util.List;
import java.util.Map;

/** W4: sta_event datagrams into the table, stationd against the C recvmmsg baseline. */
final class IngestSection implements Section {
    private final Csv ingest;
    private final Csv lost;

    IngestSection(Csv ingest, Csv lost) {
        this.ingest = ingest;
        this.lost = lost;
    }

    @Override
    public void write(StringBuilder md, Targets t) {
        if (ingest.isEmpty()) {
            return;
        }
        md.append("\n## W4 ingest: 2 senders of UPSERT datagrams over 256 stations (alternating rounds)\n\n")
                .append("Applied rate: events sent / time until a marker sent last is visible to STA_GET. ")
                .append("The epoll baseline (`-i`) reads the same datagrams with recvmmsg into its table.\n\n")
                .append("| run | epoll C applied/s | stationd applied/s | stationd/epoll | stationd sent/s |\n|---|---:|---:|---:|---:|\n");
        for (String run : List.of("max", "100k")) {
            List<Map<String, String>> e = ingest.where("workload", run, "server", "epoll");
            List<Map<String, String>> d = ingest.where("workload", run, "server", "stationd");
            md.append("| ").append(run.equals("max") ? "max rate" : "100,000/s").append(" | ")
                    .append(Spread.of(Csv.nums(e, "applied_rate")).text()).append(" | ")
                    .append(Spread.of(Csv.nums(d, "applied_rate")).text()).append(" | ")
                    .append(Spread.ratios(e, d, r -> Csv.num(r, "applied_rate")).ratioText()).append(" | ")
                    .append(Spread.of(Csv.nums(d, "send_rate")).text()).append(" |\n");
        }
        md.append("\n| server | events sent (all rounds + markers) | counted by the server | lost |\n|---|---:|---:|---:|\n");
        for (Map<String, String> r : lost.rows()) {
            md.append("| ").append(r.get("server")).append(" | ").append(Fmt.num(Csv.num(r, "sent") + Csv.num(r, "markers")))
                    .append(" | ").append(Fmt.num(Csv.num(r, "daemon_events"))).append(" | ").append(Fmt.num(Csv.num(r, "lost")))
                    .append(" |\n");
        }
        Spread max = Spread.of(Csv.nums(ingest.where("workload", "max", "server", "stationd"), "applied_rate"));
        t.add("W4 ingest, events/s applied at max rate", "≥ 300,000", max.text() + " (epoll C: "
                + Spread.of(Csv.nums(ingest.where("workload", "max", "server", "epoll"), "applied_rate")).text() + ")",
                max.known(), max.median() >= 300_000);
        Spread k = Spread.of(Csv.nums(ingest.where("workload", "100k", "server", "stationd"), "applied_rate"));
        double lostD = Csv.num(lost.first("server", "stationd"), "lost");
        t.add("W4 at 100,000 events/s", "0 lost, ≥ 95,000/s applied", Fmt.num(lostD) + " lost, " + k.text() + "/s",
                k.known() && !Double.isNaN(lostD), lostD == 0 && k.median() >= 95_000);
    }
}
