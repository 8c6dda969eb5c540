package dev.stationd.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** One CSV file of {@code bench/run.sh}: a header line, then rows read as maps by column name. */
final class Csv {
    private final List<Map<String, String>> rows;

    private Csv(List<Map<String, String>> rows) {
        this.rows = rows;
    }

    /** @return the rows of {@code p}, none when the file does not exist @throws IOException on a read error */
    static Csv read(Path p) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        if (Files.exists(p)) {
            List<String> lines = Files.readAllLines(p);
            if (!lines.isEmpty()) {
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
            }
        }
        return new Csv(rows);
    }

    List<Map<String, String>> rows() {
        return rows;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    List<Map<String, String>> where(Predicate<Map<String, String>> p) {
        return rows.stream().filter(p).toList();
    }

    /** @return the rows whose columns have the given values: {@code where("workload", "W1", "server", "seed")} */
    List<Map<String, String>> where(String... keyValues) {
        return where(r -> {
            for (int i = 0; i < keyValues.length; i += 2) {
                if (!keyValues[i + 1].equals(r.get(keyValues[i]))) {
                    return false;
                }
            }
            return true;
        });
    }

    Map<String, String> first(String... keyValues) {
        List<Map<String, String>> l = where(keyValues);
        return l.isEmpty() ? null : l.get(0);
    }

    /** @return the column as a number; NaN when the row is null or the value is empty or not a number */
    static double num(Map<String, String> row, String key) {
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

    /** @return the column of every row as numbers */
    static List<Double> nums(List<Map<String, String>> rows, String key) {
        return rows.stream().map(r -> num(r, key)).toList();
    }
}
