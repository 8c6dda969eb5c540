package dev.stationd.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Configures the logging backend (logback) in code: one console appender on stderr. The level can
 * be changed while running (reload).
 *
 * <p>When stderr is connected to the journal (systemd sets {@code JOURNAL_STREAM} to the
 * {@code device:inode} of the stream it gives the service, and stderr is that stream), each line
 * starts with its syslog priority as {@code <N>} ({@code sd-daemon(3)}: error 3, warn 4, info 6,
 * debug and trace 7) and has no timestamp, since the journal keeps its own. Otherwise lines have
 * the {@link #PLAIN_PATTERN timestamped format}.
 */
public final class LogSetup {
    /** Timestamped line format for a terminal or a plain log file. */
    public static final String PLAIN_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0}: %msg%n";
    /** Line format under journald (after the {@code <N>} prefix). */
    public static final String JOURNAL_PATTERN = "[%thread] %logger{0}: %msg%n";
    /** The variable systemd sets for a service whose stdout/stderr is the journal. */
    public static final String JOURNAL_STREAM = "JOURNAL_STREAM";

    private static volatile boolean journal;

    private LogSetup() {
    }

    /**
     * Replaces whatever configuration logback found with ours, choosing the journal format when
     * stderr is the journal.
     *
     * @param level the initial level of the {@code dev.stationd} loggers and the root
     */
    public static void init(org.slf4j.event.Level level) {
        init(level, stderrIsJournal(System.getenv()));
    }

    /**
     * @param level the initial level
     * @param journalFormat whether to print {@code <N>}-prefixed lines without timestamps
     */
    public static void init(org.slf4j.event.Level level, boolean journalFormat) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(ctx);
        appender.setName("stderr");
        appender.setTarget("System.err");
        if (journalFormat) {
            JournalLayout layout = new JournalLayout();
            layout.setContext(ctx);
            layout.start();
            LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
            encoder.setContext(ctx);
            encoder.setCharset(StandardCharsets.UTF_8);
            encoder.setLayout(layout);
            encoder.start();
            appender.setEncoder(encoder);
        } else {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(ctx);
            encoder.setPattern(PLAIN_PATTERN);
            encoder.start();
            appender.setEncoder(encoder);
        }
        appender.start();
        journal = journalFormat;
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        setLevel(level);
        ctx.getLogger("io.netty").setLevel(Level.INFO);
        // Netty looks for network interfaces once; under PrivateNetwork= there are none, and the
        // daemon uses Unix sockets only: these warnings are noise.
        ctx.getLogger("io.netty.util.NetUtilInitializations").setLevel(Level.ERROR);
        ctx.getLogger("io.netty.util.NetUtil").setLevel(Level.ERROR);
        ctx.getLogger("io.netty.util.internal.MacAddressUtil").setLevel(Level.ERROR);
    }

    /** @return whether the journal format is in use */
    public static boolean journalFormat() {
        return journal;
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
     * @param level a logback level
     * @return its syslog priority: error 3, warn 4, info 6, debug/trace 7
     */
    public static int syslogPriority(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return 3;
        }
        if (level.isGreaterOrEqual(Level.WARN)) {
            return 4;
        }
        if (level.isGreaterOrEqual(Level.INFO)) {
            return 6;
        }
        return 7;
    }

    /**
     * Changes the level of the daemon's loggers.
     *
     * @param level the new level
     */
    public static void setLevel(org.slf4j.event.Level level) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level.name(), Level.INFO));
    }

    /**
     * {@link #JOURNAL_PATTERN} with every line (a stack trace has many) prefixed by the event's
     * {@code <N>} priority, since the journal reads each line as its own record.
     */
    public static final class JournalLayout extends LayoutBase<ILoggingEvent> {
        private final PatternLayout pattern = new PatternLayout();

        @Override
        public void start() {
            pattern.setContext(getContext());
            pattern.setPattern(JOURNAL_PATTERN);
            pattern.start();
            super.start();
        }

        @Override
        public String doLayout(ILoggingEvent event) {
            String text = pattern.doLayout(event);
            String prefix = "<" + syslogPriority(event.getLevel()) + ">";
            StringBuilder sb = new StringBuilder(text.length() + 8);
            int start = 0;
            while (start < text.length()) {
                int nl = text.indexOf('\n', start);
                int end = nl < 0 ? text.length() : nl;
                sb.append(prefix).append(text, start, end).append('\n');
                start = end + 1;
            }
            return sb.toString();
        }
    }
}
