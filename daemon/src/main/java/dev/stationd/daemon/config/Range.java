package dev.stationd.daemon.config;

import java.util.Comparator;
import java.util.Objects;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The allowed values of one key, {@code min..max} inclusive, in the order of its value type.
 *
 * @param <T> the value type
 */
final class Range<T> {
    private final T min;
    private final T max;
    private final Comparator<? super T> order;
    private final Function<? super T, String> show;

    Range(T min, T max, Comparator<? super T> order, Function<? super T, String> show) {
        this.min = Objects.requireNonNull(min, "min");
        this.max = Objects.requireNonNull(max, "max");
        this.order = Objects.requireNonNull(order, "order");
        this.show = Objects.requireNonNull(show, "show");
        if (order.compare(min, max) > 0) {
            throw new IllegalArgumentException("empty range " + show.apply(min) + ".." + show.apply(max));
        }
    }

    T min() {
        return min;
    }

    T max() {
        return max;
    }

    boolean contains(T value) {
        return order.compare(value, min) >= 0 && order.compare(value, max) <= 0;
    }

    /** @return e.g. {@code between 1s and 1h} */
    String text() {
        return "between " + show.apply(min) + " and " + show.apply(max);
    }

    /**
     * Reports {@code got} as out of range: {@code KEY: must be between MIN and MAX, got VALUE}.
     *
     * @return {@code null}, for converters to return
     */
    <R> R reject(Node node, String key, Problems problems, String got) {
        problems.at(node, key + ": must be " + text() + ", got " + got);
        return null;
    }

    /** @return {@code value}, or {@code null} after reporting it as out of range */
    T check(Node node, String key, Problems problems, T value) {
        return contains(value) ? value : reject(node, key, problems, show.apply(value));
    }
}
