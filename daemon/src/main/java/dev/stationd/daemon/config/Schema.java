package dev.stationd.daemon.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * An ordered set of keys and the record they build: the whole file ({@link ConfigKeys#FILE}),
 * or the fields of one list item or mapping value. Everything that walks the configuration
 * (the binder, --check-config, the reload rules, the reference page) walks a schema.
 *
 * @param <O> the record the keys build
 */
final class Schema<O> {
    /**
     * A check across keys, run after every key of the file was read without error.
     *
     * @param doc one sentence for the reference
     * @param keys the keys it reads; it runs only when each of them was read without error
     * @param check reports a violation to the problems
     */
    record Rule(String doc, List<Key<?, ?>> keys, BiConsumer<Values, Problems> check) {
    }

    private final boolean topLevel;
    private final Function<Values, O> builder;
    private final List<Key<O, ?>> keys = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();

    private Schema(boolean topLevel, Function<Values, O> builder) {
        this.topLevel = topLevel;
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    /** @return the schema of a file: each key says what a reload does with it */
    static <O> Schema<O> file(Function<Values, O> builder) {
        return new Schema<>(true, builder);
    }

    /** @return the schema of a list item or mapping value: its container's key decides the reload */
    static <O> Schema<O> fields(Function<Values, O> builder) {
        return new Schema<>(false, builder);
    }

    /** Starts the declaration of a key; see {@link Key.Builder}. */
    <T> Key.Builder<O, T> key(String path, ValueType<T> type) {
        return new Key.Builder<>(this, path, type);
    }

    /** Declares a check across keys. */
    void rule(String doc, List<Key<?, ?>> keys, BiConsumer<Values, Problems> check) {
        rules.add(new Rule(doc, List.copyOf(keys), check));
    }

    void add(Key<O, ?> key) {
        if (topLevel == (key.reload() == null)) {
            throw new IllegalStateException(key.path() + (topLevel ? ": needs live() or restart()"
                    : ": a field takes its container's reload behaviour"));
        }
        for (Key<O, ?> k : keys) {
            if (k.path().equals(key.path()) || key.path().startsWith(k.path() + ".")
                    || k.path().startsWith(key.path() + ".")) {
                throw new IllegalStateException("key " + key.path() + " clashes with " + k.path());
            }
        }
        keys.add(key);
    }

    /** @return the keys in declaration order (the order of the file, the output and the reference) */
    List<Key<O, ?>> keys() {
        return Collections.unmodifiableList(keys);
    }

    List<Rule> rules() {
        return Collections.unmodifiableList(rules);
    }

    /** @return the record with these values */
    O build(Values values) {
        return builder.apply(values);
    }

    /** @return the values of every key in {@code owner} */
    Values values(O owner) {
        Values v = new Values();
        for (Key<O, ?> k : keys) {
            put(v, k, owner);
        }
        return v;
    }

    /** @return the keys of reload kind {@code which} whose values differ between {@code a} and {@code b} */
    List<Key<O, ?>> changed(O a, O b, Reload which) {
        List<Key<O, ?>> out = new ArrayList<>();
        for (Key<O, ?> k : keys) {
            if (k.reload() == which && !Objects.equals(k.get(a), k.get(b))) {
                out.add(k);
            }
        }
        return out;
    }

    /** @return {@code next} with the values of {@code running} for every key of reload kind {@code which} */
    O keep(O running, O next, Reload which) {
        Values v = values(next);
        for (Key<O, ?> k : keys) {
            if (k.reload() == which) {
                put(v, k, running);
            }
        }
        return build(v);
    }

    /**
     * Groups keys by the next component of their path after {@code prefix}, in declaration
     * order: {@code server.socket} and {@code server.backlog} under prefix {@code ""} are the
     * group {@code server}. A group whose single key's path is {@code prefix + name} is that key.
     *
     * @param keys keys whose paths all start with {@code prefix}
     * @param prefix {@code ""} or a section path followed by a dot
     */
    static <O> Map<String, List<Key<O, ?>>> groups(List<Key<O, ?>> keys, String prefix) {
        Map<String, List<Key<O, ?>>> groups = new LinkedHashMap<>();
        for (Key<O, ?> k : keys) {
            String rest = k.path().substring(prefix.length());
            int dot = rest.indexOf('.');
            groups.computeIfAbsent(dot < 0 ? rest : rest.substring(0, dot), n -> new ArrayList<>()).add(k);
        }
        return groups;
    }

    /** @return the key if {@code group} (from {@link #groups}) is the single key {@code prefix + name} */
    static <O> Key<O, ?> leaf(List<Key<O, ?>> group, String prefix, String name) {
        return group.size() == 1 && group.get(0).path().equals(prefix + name) ? group.get(0) : null;
    }

    private static <O, T> void put(Values v, Key<O, T> k, O owner) {
        v.put(k, k.get(owner), null);
    }
}
