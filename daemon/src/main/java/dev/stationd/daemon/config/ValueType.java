package dev.stationd.daemon.config;

import java.util.Comparator;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One kind of configuration value: how it is read from YAML, printed back for
 * {@code --check-config}, and named in the configuration reference. The catalogue is
 * {@link Types}; a new kind of value is a new entry there.
 *
 * @param <T> the Java type of the value
 */
abstract class ValueType<T> {
    private final String name;

    ValueType(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** @return the name in the reference, e.g. {@code duration} */
    final String name() {
        return name;
    }

    /**
     * Converts the value node of one key.
     *
     * @param node the value, never {@code null} (an empty value is a null scalar)
     * @param key the dotted key for messages, e.g. {@code server.backlog}
     * @param problems where a bad value is reported
     * @param ctx the file being read
     * @param range the key's allowed values, or {@code null} when it has none
     * @return the value, or {@code null} after reporting a problem
     */
    abstract T convert(Node node, String key, Problems problems, BindContext ctx, Range<T> range);

    /** @return the value as YAML that {@link #convert} reads back, e.g. {@code "0660"} with its quotes */
    abstract String yaml(T value);

    /** @return the value for people (messages, the reference), e.g. {@code 0660} */
    String show(T value) {
        return yaml(value);
    }

    /** @return the order of the values, for types whose keys take a range; {@code null} otherwise */
    Comparator<? super T> order() {
        return null;
    }

    /** @return what the type allows by itself (not a key's range), for the reference; may be empty */
    String allowed() {
        return "";
    }

    /** @return the keys inside one value of a mapping or list-of-mappings type; {@code null} for scalars */
    Schema<?> fields() {
        return null;
    }

    /** @return how the reference names a field of this key, e.g. {@code hostapd[]} for a list */
    String fieldPrefix(String path) {
        return path;
    }

    /** Writes {@code name: value} (and anything nested) for {@code --check-config}. */
    void write(YamlOut out, String name, T value) {
        out.line(name + ": " + yaml(value));
    }

    /** A scalar type built from functions, with a range check after conversion. */
    static final class Scalar<T> extends ValueType<T> {
        private final BiFunction<BindContext, Range<T>, Converter<T>> converter;
        private final Function<? super T, String> yaml;
        private final Function<? super T, String> show;
        private final Comparator<? super T> order;
        private final String allowed;

        Scalar(String name, String allowed, BiFunction<BindContext, Range<T>, Converter<T>> converter,
                Function<? super T, String> yaml, Function<? super T, String> show, Comparator<? super T> order) {
            super(name);
            this.allowed = allowed;
            this.converter = converter;
            this.yaml = yaml;
            this.show = show;
            this.order = order;
        }

        @Override
        T convert(Node node, String key, Problems problems, BindContext ctx, Range<T> range) {
            T value = converter.apply(ctx, range).convert(node, key, problems);
            return value == null || range == null ? value : range.check(node, key, problems, value);
        }

        @Override
        String yaml(T value) {
            return yaml.apply(value);
        }

        @Override
        String show(T value) {
            return show.apply(value);
        }

        @Override
        Comparator<? super T> order() {
            return order;
        }

        @Override
        String allowed() {
            return allowed;
        }
    }
}
