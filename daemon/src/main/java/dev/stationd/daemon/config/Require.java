package dev.stationd.daemon.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Invariant checks of the configuration records that are not ranges (programming errors, not
 * user errors); ranges are checked with {@link Key#require}.
 */
final class Require {
    private Require() {
    }

    static Path absolute(Path value, String what) {
        Objects.requireNonNull(value, what);
        if (!value.isAbsolute()) {
            throw new IllegalArgumentException(what + " must be an absolute path, got " + value);
        }
        return value;
    }
}
