package dev.stationd.bench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The targets of the benchmark and whether this run met them. A target is met only when its
 * median (or single measurement) meets it; the spread is shown next to it.
 */
final class Targets {
    private record Target(String workload, String target, String measured, Boolean met) {
    }

    private final List<Target> targets = new ArrayList<>();

    /**
     * @param workload e.g. {@code W2 qps / epoll}
     * @param target e.g. {@code ≥ 1.0×}
     * @param measured the median with its spread, e.g. {@code 1.02× (0.95–1.10) over 5 rounds}
     * @param known whether there is a measurement
     * @param met whether the median meets the target
     * @return the verdict text for a table cell
     */
    String add(String workload, String target, String measured, boolean known, boolean met) {
        Boolean v = known ? met : null;
        targets.add(new Target(workload, target, measured, v));
        return verdict(v);
    }

    private static String verdict(Boolean met) {
        return met == null ? "n/a" : met ? "**met**" : "**NOT met**";
    }

    long met() {
        return targets.stream().filter(t -> Boolean.TRUE.equals(t.met())).count();
    }

    long unmet() {
        return targets.stream().filter(t -> Boolean.FALSE.equals(t.met())).count();
    }

    void write(StringBuilder md) {
        md.append("| workload | target | measured (median, min–max) | status |\n|---|---|---|---|\n");
        for (Target t : targets) {
            md.append("| ").append(t.workload()).append(" | ").append(t.target()).append(" | ").append(t.measured())
                    .append(" | ").append(verdict(t.met())).append(" |\n");
        }
        md.append("\nTargets: ").append(met()).append(" met, ").append(unmet()).append(" not met")
                .append(targets.size() > met() + unmet() ? ", " + (targets.size() - met() - unmet()) + " not measured" : "")
                .append(".\n");
    }
}
