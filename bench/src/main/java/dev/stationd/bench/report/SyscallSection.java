package dev.stationd.bench.report;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** W1s: system calls per one-shot connection, counted by {@code strace -c -f} on each server. */
final class SyscallSection implements Section {
    private final Csv calls;

    SyscallSection(Csv calls) {
        this.calls = calls;
    }

    @Override
    public void write(StringBuilder md, Targets t) {
        if (calls.isEmpty()) {
            return;
        }
        Set<String> servers = new LinkedHashSet<>();
        calls.rows().forEach(r -> servers.add(r.get("server")));
        md.append("\n## W1s: system calls per one-shot STA_LIST connection (`strace -c -f` on the server, one client)\n\n");
        for (String s : servers) {
            List<Map<String, String>> rows = calls.where("server", s);
            double n = Csv.num(rows.get(0), "connections");
            double total = Csv.num(calls.first("server", s, "syscall", "total"), "calls");
            md.append("- **").append(s).append("**: ").append(Fmt.num(total / n)).append(" per connection (")
                    .append(Fmt.num(n)).append(" connections): ");
            StringBuilder parts = new StringBuilder();
            rows.stream().filter(r -> !"total".equals(r.get("syscall")))
                    .sorted(Comparator.comparingDouble((Map<String, String> r) -> -Csv.num(r, "calls")))
                    .filter(r -> Csv.num(r, "calls") / n >= 0.05)
                    .forEach(r -> parts.append(parts.length() > 0 ? ", " : "").append('`').append(r.get("syscall")).append("` ")
                            .append(Fmt.num(Csv.num(r, "calls") / n)));
            md.append(parts).append("\n");
        }
    }
}
