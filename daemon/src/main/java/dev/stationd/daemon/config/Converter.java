package dev.stationd.daemon.config;

import org.yaml.snakeyaml.nodes.Node;

/**
 * Turns the YAML value of one key into a typed value.
 *
 * @param <T> the value type
 */
@FunctionalInterface
interface Converter<T> {
    /**
     * @param value the value node, never {@code null} (an empty value is a null scalar)
     * @param key the dotted key, e.g. {@code server.backlog}, for messages
     * @param problems where to report a bad value
     * @return the value, or {@code null} after reporting a problem
     */
    T convert(Node value, String key, Problems problems);
}
