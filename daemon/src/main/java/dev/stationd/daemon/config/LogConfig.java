package dev.stationd.daemon.config;

import java.util.Locale;
import java.util.Objects;
import org.slf4j.event.Level;

/**
 * The {@code log:} section.
 *
 * @param level the daemon's log level; written in the file as {@code error}, {@code warn},
 *     {@code info}, {@code debug} or {@code trace} (any case)
 */
public record LogConfig(Level level) {

    /** Checks every invariant; throws NPE when one fails. */
    public LogConfig {
        Objects.requireNonNull(level, "log.level");
    }

    /** @return the built-in defaults */
    public static LogConfig defaults() {
        return from(new Values());
    }

    static LogConfig from(Values v) {
        return new LogConfig(v.get(ConfigKeys.LOG_LEVEL));
    }

    /** @return the level as written in the file, e.g. {@code "info"} */
    public String levelName() {
        return level.name().toLowerCase(Locale.ROOT);
    }
}
