package dev.stationd.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** Invariant checks shared by the configuration records (programming errors, not user errors). */
final class Require {
    private Require() {
    }

    static int range(int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max
                    + ", got " + value);
        }
        return value;
    }

    static int atLeast(int value, int min, String what) {
        return range(value, min, Integer.MAX_VALUE, what);
    }

    static Duration positive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(what + " must be > 0, got " + value);
        }
        return value;
    }

    static Path absolute(Path value, String what) {
        Objects.requireNonNull(value, what);
        if (!value.isAbsolute()) {
            throw new IllegalArgumentException(what + " must be an absolute path, got " + value);
        }
        return value;
    }
}
