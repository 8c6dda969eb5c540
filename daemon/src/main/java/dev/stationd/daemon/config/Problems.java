package dev.stationd.daemon.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Collects errors found in one configuration file and formats each as
 * {@code FILE:LINE:COLUMN: message} (1-based). Errors are reported in file order.
 */
final class Problems {
    private record Entry(int line, int column, String text) {
    }

    private static final Comparator<Entry> FILE_ORDER =
            Comparator.comparingInt(Entry::line).thenComparingInt(Entry::column);

    private final String file;
    private final List<Entry> entries = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    /** Reports a problem at the start of {@code node}. */
    void at(Node node, String message) {
        at(node.getStartMark(), message);
    }

    /** Reports a problem at a SnakeYAML mark (0-based line and column). */
    void at(Mark mark, String message) {
        atLine(mark.getLine() + 1, mark.getColumn() + 1, message);
    }

    /** Reports a problem at a 1-based line and column. */
    void atLine(int line, int column, String message) {
        entries.add(new Entry(line, column, file + ":" + line + ":" + column + ": " + message));
    }

    /** Reports a problem that belongs to the whole file. */
    void file(String message) {
        entries.add(new Entry(0, 0, file + ": " + message));
    }

    int count() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** @return the formatted errors, in file order */
    List<String> messages() {
        return entries.stream().sorted(FILE_ORDER).map(Entry::text).toList();
    }

    void throwIfAny() throws ConfigException {
        if (!entries.isEmpty()) {
            throw new ConfigException(messages());
        }
    }
}
