package dev.stationd.daemon.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The values of one schema's keys, as read from a file or taken from a loaded configuration;
 * an absent key has its default. Records are built from this ({@code from(Values)}).
 */
final class Values {
    private final Map<Key<?, ?>, Object> values = new HashMap<>();
    private final Map<Key<?, ?>, Node> nodes = new HashMap<>();
    private final Set<Key<?, ?>> bad = new HashSet<>();

    /** @return the value of {@code key}, or its default when it was not given */
    @SuppressWarnings("unchecked")
    <T> T get(Key<?, T> key) {
        Object v = values.get(key);
        return v != null ? (T) v : key.defaultValue();
    }

    /** Sets a value read from {@code node} ({@code null} when it did not come from a file). */
    <T> void put(Key<?, T> key, T value, Node node) {
        values.put(key, value);
        if (node != null) {
            nodes.put(key, node);
        }
    }

    /** Marks a key whose value was reported as bad (it keeps its default here). */
    void bad(Key<?, ?> key) {
        bad.add(key);
    }

    /** @return whether any of {@code keys} had a bad value */
    boolean anyBad(Collection<Key<?, ?>> keys) {
        return keys.stream().anyMatch(bad::contains);
    }

    /** @return the node the value of {@code key} was read from, if it came from the file */
    Optional<Node> node(Key<?, ?> key) {
        return Optional.ofNullable(nodes.get(key));
    }

    /** @return the node of the first of {@code keys} given in the file, for a rule on several keys */
    Node nodeOfFirst(Key<?, ?>... keys) {
        for (Key<?, ?> k : keys) {
            Node n = nodes.get(k);
            if (n != null) {
                return n;
            }
        }
        throw new IllegalStateException("none of the keys was given in the file");
    }
}
