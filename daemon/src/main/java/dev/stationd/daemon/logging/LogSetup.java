package dev.stationd.daemon.logging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * Sets up the daemon's slf4j backend ({@link StationdLoggingProvider}): one line per event on
 * stderr. The level can be changed while running (reload).
 *
 * <p>When stderr is connected to the journal (systemd sets {@code JOURNAL_STREAM} to the
 * {@code device:inode} of the stream it gives the service, and stderr is that stream), each line
 * starts with its syslog priority as {@code <N>} ({@code sd-daemon(3)}: error 3, warn 4, info 6,
 * debug and trace 7) and has no timestamp, since the journal keeps its own. Otherwise lines are
 * timestamped ({@link LineFormat}).
 */
public final class LogSetup {
    /** The variable systemd sets for a service whose stdout/stderr is the journal. */
    public static final String JOURNAL_STREAM = "JOURNAL_STREAM";

    private LogSetup() {
    }

    /**
     * Chooses the journal format when stderr is the journal, and sets the level.
     *
     * @param level the initial level of every logger (library loggers may be quieter)
     */
    public static void init(Level level) {
        init(level, stderrIsJournal(System.getenv()));
    }

    /**
     * @param level the initial level
     * @param journalFormat whether to print {@code <N>}-prefixed lines without timestamps
     */
    public static void init(Level level, boolean journalFormat) {
        LogLevels.journal(journalFormat);
        setLevel(level);
    }

    /** @return whether the journal format is in use */
    public static boolean journalFormat() {
        return LogLevels.journal();
    }

    /**
     * @param env the process environment
     * @return whether {@code JOURNAL_STREAM} names this process's stderr
     */
    public static boolean stderrIsJournal(Map<String, String> env) {
        return matchesJournalStream(env.get(JOURNAL_STREAM), Path.of("/proc/self/fd/2"));
    }

    /**
     * @param journalStream the value of {@code JOURNAL_STREAM} ({@code "DEV:INODE"}, decimal), may be {@code null}
     * @param stderr the file to compare (normally {@code /proc/self/fd/2})
     * @return whether {@code stderr} has that device and inode
     */
    public static boolean matchesJournalStream(String journalStream, Path stderr) {
        if (journalStream == null || journalStream.isEmpty()) {
            return false;
        }
        int colon = journalStream.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            long dev = Long.parseUnsignedLong(journalStream.substring(0, colon).trim());
            long ino = Long.parseUnsignedLong(journalStream.substring(colon + 1).trim());
            long actualDev = ((Number) Files.getAttribute(stderr, "unix:dev")).longValue();
            long actualIno = ((Number) Files.getAttribute(stderr, "unix:ino")).longValue();
            return dev == actualDev && ino == actualIno;
        } catch (NumberFormatException | IOException | UnsupportedOperationException | ClassCastException e) {
            return false;
        }
    }

    /**
     * Changes the level of the daemon's loggers.
     *
     * @param level the new level
     */
    public static void setLevel(Level level) {
        LogLevels.root(level);
    }

    /** @return the current level */
    public static Level level() {
        return LogLevels.root();
    }
}
