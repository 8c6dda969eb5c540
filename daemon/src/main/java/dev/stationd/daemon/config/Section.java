package dev.stationd.daemon.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * One YAML mapping of the configuration, walked by key. Creating a section reports (to
 * {@link Problems}) a value that is not a mapping, keys that are not known, and duplicate keys;
 * a missing or empty section is an empty mapping, so every key takes its default.
 */
final class Section {
    private final String path;
    private final Node node;
    private final Problems problems;
    private final Map<String, Node> values = new LinkedHashMap<>();

    private Section(String path, Node node, Problems problems, List<String> known) {
        this.path = path;
        this.node = node;
        this.problems = problems;
        if (node == null || Scalars.isNull(node)) {
            return;
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.at(node, path.isEmpty()
                    ? "expected a mapping of sections (server:, log:, ...) at the top level, got " + Scalars.describe(node)
                    : path + ": expected a mapping of keys, got " + Scalars.describe(node));
            return;
        }
        Map<String, Node> keyNodes = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar)) {
                problems.at(keyNode, "keys must be plain names, got " + Scalars.describe(keyNode) + where());
                continue;
            }
            String key = scalar.getValue();
            Node first = keyNodes.putIfAbsent(key, keyNode);
            if (first != null) {
                problems.at(keyNode, "duplicate key '" + key + "'" + where()
                        + " (first given at line " + (first.getStartMark().getLine() + 1) + ")");
            } else if (!known.contains(key)) {
                problems.at(keyNode, "unknown key '" + key + "'" + where() + hint(key, known));
            } else {
                values.put(key, tuple.getValueNode());
            }
        }
    }

    /** @return the top-level section of a document ({@code null} for an empty file) */
    static Section root(Node document, Problems problems, List<String> known) {
        return new Section("", document, problems, known);
    }

    /** @return the nested section under {@code key} */
    Section section(String key, List<String> known) {
        return new Section(path(key), values.get(key), problems, known);
    }

    /**
     * A mapping that is not under a key of another section, such as one item of a list.
     *
     * @param path its dotted name for messages, e.g. {@code hostapd[0]}
     * @param node the mapping node ({@code null} or an empty value = an empty mapping)
     * @param problems where errors go
     * @param known the keys it may hold
     * @return the section
     */
    static Section of(String path, Node node, Problems problems, List<String> known) {
        return new Section(path, node, problems, known);
    }

    /** @return the mapping's node, for problems of the whole mapping; {@code null} when absent */
    Node start() {
        return node;
    }

    /** @return the value node of {@code key}, if the key is present */
    Optional<Node> node(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** @return the converted value of {@code key}, or {@code fallback} if absent or bad */
    <T> T get(String key, T fallback, Converter<T> converter) {
        Node node = values.get(key);
        if (node == null) {
            return fallback;
        }
        T value = converter.convert(node, path(key), problems);
        return value == null ? fallback : value;
    }

    /** @return the dotted name of {@code key} in this section, e.g. {@code server.backlog} */
    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private String where() {
        return path.isEmpty() ? "" : " in " + path;
    }

    private static String hint(String key, List<String> known) {
        if (key.equals("<<")) {
            return " (YAML merge keys are not supported)";
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best != null && bestDistance <= Math.max(1, Math.min(3, key.length() / 3))) {
            return " (did you mean '" + best + "'?)";
        }
        return " (expected one of: " + String.join(", ", known) + ")";
    }

    /** Levenshtein distance, for "did you mean" hints. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
