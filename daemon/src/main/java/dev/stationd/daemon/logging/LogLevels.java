package dev.stationd.daemon.logging;

import java.util.Map;
import org.slf4j.event.Level;

/**
 * The thresholds of the daemon's slf4j backend: one root level that can change while running
 * (reload), and fixed levels for noisy library loggers.
 */
final class LogLevels {
    /**
     * Least levels of library loggers: {@code io.netty} for every Netty logger, plus a few exact
     * logger names kept quieter still. The root level wins where it is higher.
     */
    private static final Map<String, Level> FIXED = Map.of(
            "io.netty", Level.INFO,
            // Netty looks for network interfaces once; under PrivateNetwork= there are none and the
            // daemon uses Unix sockets only: those warnings are noise.
            "io.netty.util.NetUtilInitializations", Level.ERROR,
            "io.netty.util.NetUtil", Level.ERROR,
            "io.netty.util.internal.MacAddressUtil", Level.ERROR);

    private static volatile Level root = Level.INFO;
    private static volatile boolean journal;

    private LogLevels() {
    }

    static void root(Level level) {
        root = level;
    }

    static Level root() {
        return root;
    }

    static void journal(boolean on) {
        journal = on;
    }

    static boolean journal() {
        return journal;
    }

    /**
     * @param logger a logger name
     * @param level an event level
     * @return whether events of that level are printed for that logger
     */
    static boolean enabled(String logger, Level level) {
        Level threshold = root;
        if (logger.startsWith("io.netty")) {
            Level fixed = FIXED.get(logger);
            Level lib = fixed != null ? fixed : FIXED.get("io.netty");
            if (lib.toInt() > threshold.toInt()) {
                threshold = lib;
            }
        }
        return level.toInt() >= threshold.toInt();
    }
}
