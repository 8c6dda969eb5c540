package dev.stationd.daemon.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

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

    /** A {@code socket_group} as written and resolved: the gid is there exactly when the group is not {@code ""}. */
    static void socketGroup(String group, OptionalInt gid, String what) {
        Objects.requireNonNull(group, what);
        Objects.requireNonNull(gid, "socketGid");
        if (group.isEmpty() != gid.isEmpty()) {
            throw new IllegalArgumentException("socketGid must be present exactly when socketGroup is not empty");
        }
    }
}
