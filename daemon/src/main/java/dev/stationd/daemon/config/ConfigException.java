package dev.stationd.daemon.config;

import java.util.List;
import java.util.Objects;

/**
 * The configuration file cannot be used. Each entry of {@link #errors()} is one line of the
 * form {@code FILE:LINE:COLUMN: message} (1-based line and column), or {@code FILE: message}
 * when the problem has no position (for example {@code FILE: cannot read: no such file}).
 * {@link #getMessage()} is all errors joined with newlines, ready to print to stderr.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    /**
     * @param errors at least one formatted error line
     */
    public ConfigException(List<String> errors) {
        super(String.join("\n", requireNonEmpty(errors)));
        this.errors = List.copyOf(errors);
    }

    /** @param error one formatted error line */
    public ConfigException(String error) {
        this(List.of(error));
    }

    /** @return every error, in file order, each {@code FILE:LINE:COLUMN: message} */
    public List<String> errors() {
        return errors;
    }

    /** @return the first error line */
    public String firstError() {
        return errors.get(0);
    }

    private static List<String> requireNonEmpty(List<String> errors) {
        Objects.requireNonNull(errors, "errors");
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        return errors;
    }
}
