package dev.stationd.daemon.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key as declared in {@link ConfigKeys}: its path, type, default, range,
 * reload behaviour, documentation, and where its value sits in the loaded configuration.
 *
 * @param <O> the object the value belongs to ({@link StationdConfig} for top-level keys, the
 *     item type for the fields of a list or mapping value)
 * @param <T> the value type
 */
final class Key<O, T> {
    private final String path;
    private final ValueType<T> type;
    private final T defaultValue;
    private final String requiredHint;
    private final Range<T> range;
    private final Reload reload;
    private final String doc;
    private final Function<O, T> getter;

    private Key(Builder<O, T> b, Function<O, T> getter) {
        this.path = b.path;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.requiredHint = b.requiredHint;
        this.range = b.range;
        this.reload = b.reload;
        this.doc = b.doc;
        this.getter = Objects.requireNonNull(getter, "getter");
    }

    /** @return the dotted path within its schema, e.g. {@code server.idle_timeout} */
    public String path() {
        return path;
    }

    /** @return the last component of {@link #path()}, e.g. {@code idle_timeout} */
    String name() {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    ValueType<T> type() {
        return type;
    }

    /** @return the value used when the key is absent; {@code null} for a required key */
    T defaultValue() {
        return defaultValue;
    }

    boolean required() {
        return defaultValue == null;
    }

    /** @return why a required key cannot be left out, for the "missing" message */
    String requiredHint() {
        return requiredHint;
    }

    /** @return the allowed values, or {@code null} when the type alone decides */
    Range<T> range() {
        return range;
    }

    /** @return what a reload does with a change; {@code null} for fields (their container decides) */
    public Reload reload() {
        return reload;
    }

    String doc() {
        return doc;
    }

    /** @return the key's value in {@code owner} */
    T get(O owner) {
        return getter.apply(owner);
    }

    /**
     * The invariant check of the configuration records: the same range the loader enforces.
     *
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is outside the key's range
     * @throws NullPointerException if {@code value} is {@code null}
     */
    T require(T value) {
        Objects.requireNonNull(value, path);
        if (range != null && !range.contains(value)) {
            throw new IllegalArgumentException(path + " must be " + range.text() + ", got " + type.show(value));
        }
        return value;
    }

    @Override
    public String toString() {
        return path;
    }

    /**
     * Declares a key; {@link #of(Function)} finishes it and adds it to its schema.
     *
     * @param <O> the owner type
     * @param <T> the value type
     */
    static final class Builder<O, T> {
        private final Schema<O> schema;
        private final String path;
        private final ValueType<T> type;
        private T defaultValue;
        private String requiredHint;
        private Range<T> range;
        private Reload reload;
        private String doc;

        Builder(Schema<O> schema, String path, ValueType<T> type) {
            this.schema = schema;
            this.path = Objects.requireNonNull(path, "path");
            this.type = Objects.requireNonNull(type, "type");
        }

        /** The value when the key is absent. */
        Builder<O, T> byDefault(T value) {
            this.defaultValue = Objects.requireNonNull(value, path);
            return this;
        }

        /** The key has no default; {@code hint} ends the "missing" message. */
        Builder<O, T> required(String hint) {
            this.requiredHint = Objects.requireNonNull(hint, "hint");
            return this;
        }

        /** Allowed values {@code min..max}, inclusive; the type must be ordered. */
        Builder<O, T> range(T min, T max) {
            if (type.order() == null) {
                throw new IllegalStateException(path + ": type " + type.name() + " takes no range");
            }
            this.range = new Range<>(min, max, type.order(), type::show);
            return this;
        }

        /** A reload applies a change at once. */
        Builder<O, T> live() {
            this.reload = Reload.LIVE;
            return this;
        }

        /** A change takes effect only on restart. */
        Builder<O, T> restart() {
            this.reload = Reload.RESTART;
            return this;
        }

        /** One sentence for the reference. */
        Builder<O, T> doc(String text) {
            this.doc = Objects.requireNonNull(text, "doc");
            return this;
        }

        /**
         * Finishes the declaration and adds the key to its schema.
         *
         * @param getter where the value sits in a loaded configuration (for --check-config and reload)
         * @return the key
         * @throws IllegalStateException if the declaration is incomplete
         */
        Key<O, T> of(Function<O, T> getter) {
            if (doc == null) {
                throw new IllegalStateException(path + ": no doc");
            }
            if ((defaultValue == null) == (requiredHint == null)) {
                throw new IllegalStateException(path + ": needs exactly one of byDefault() and required()");
            }
            if (type.order() != null && range == null) {
                throw new IllegalStateException(path + ": a " + type.name() + " key needs a range (min and max)");
            }
            if (defaultValue != null && range != null && !range.contains(defaultValue)) {
                throw new IllegalStateException(path + ": default " + type.show(defaultValue) + " is not " + range.text());
            }
            Key<O, T> key = new Key<>(this, getter);
            schema.add(key);
            return key;
        }
    }
}
