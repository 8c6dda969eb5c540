package dev.stationd.bench.report;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** W6: process start to the first answer, every variant started in turn. */
final class StartupSection implements Section {
    private final Csv startup;

    StartupSection(Csv startup) {
        this.startup = startup;
    }

    private static String describe(String server) {
        return switch (server) {
            case "seed" -> "seed C";
            case "epoll" -> "epoll C";
            case "stationd" -> "stationd: default java + its start-up archive (as packaged)";
            case "stationd-jdk25" -> "stationd: JDK 25 + its start-up archive (ahead-of-time cache)";
            case "stationd-dynamic-cds" -> "stationd: default java + a dynamic class-data archive on the JDK's (before)";
            default -> server;
        };
    }

    @Override
    public void write(StringBuilder md, Targets t) {
        if (startup.isEmpty()) {
            return;
        }
        Set<String> servers = new LinkedHashSet<>();
        startup.rows().forEach(r -> servers.add(r.get("server")));
        md.append("\n## W6: start → first answer (every variant started in turn, round after round)\n\n")
                .append("| server | starts | PING answered ms | READY=1 ms |\n|---|---:|---:|---:|\n");
        for (String s : servers) {
            List<Map<String, String>> rows = startup.where("server", s);
            Spread ping = Spread.of(Csv.nums(rows, "ping_ms"));
            md.append("| ").append(describe(s)).append(" | ").append(rows.size()).append(" | ").append(ping.text())
                    .append(" | ").append(s.startsWith("stationd") ? Spread.of(Csv.nums(rows, "ready_ms")).text() : "—").append(" |\n");
            if (s.equals("stationd") || s.equals("stationd-jdk25")) {
                t.add("W6 start → PING, " + describe(s), "≤ 200 ms", ping.text() + " ms over " + ping.n() + " starts",
                        ping.known(), ping.median() <= 200);
            }
        }
    }
}
