package dev.stationd.daemon.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.slf4j.event.Level;

/**
 * The two line formats of the daemon's log.
 *
 * <ul>
 *   <li>plain: {@code 2026-11-26T10:00:00.000Z INFO  [thread] Logger: message}, the time in UTC</li>
 *   <li>journal: {@code <6>[thread] Logger: message}, every line (a stack trace has many) with the
 *       {@code <N>} syslog priority of the event and no timestamp, since the journal keeps its own
 *       and reads each line as a record of its own.</li>
 * </ul>
 */
public final class LineFormat {
    private LineFormat() {
    }

    /**
     * @param level the event's level
     * @return its syslog priority: error 3, warn 4, info 6, debug/trace 7
     */
    public static int syslogPriority(Level level) {
        switch (level) {
            case ERROR:
                return 3;
            case WARN:
                return 4;
            case INFO:
                return 6;
            default:
                return 7;
        }
    }

    /**
     * @param journal journal format instead of plain
     * @param epochMillis when
     * @param level the level
     * @param thread the thread name
     * @param logger the logger name (only its last dot-separated part is printed)
     * @param message the formatted message
     * @param thrown a throwable whose stack trace follows, or {@code null}
     * @return the complete text, ending with a newline
     */
    public static String format(boolean journal, long epochMillis, Level level, String thread, String logger,
                                String message, Throwable thrown) {
        StringBuilder sb = new StringBuilder(96 + message.length());
        if (!journal) {
            UtcTimestamp.append(sb, epochMillis);
            sb.append(' ').append(level.name());
            for (int i = level.name().length(); i < 5; i++) {
                sb.append(' ');
            }
            sb.append(' ');
        }
        sb.append('[').append(thread).append("] ").append(logger, logger.lastIndexOf('.') + 1, logger.length())
                .append(": ").append(message).append('\n');
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            sb.append(trace.toString().replace(System.lineSeparator(), "\n"));
        }
        return journal ? prefixEveryLine(sb, "<" + syslogPriority(level) + ">") : sb.toString();
    }

    private static String prefixEveryLine(CharSequence text, String prefix) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        int start = 0;
        while (start < text.length()) {
            int end = start;
            while (end < text.length() && text.charAt(end) != '\n') {
                end++;
            }
            out.append(prefix).append(text, start, end).append('\n');
            start = end + 1;
        }
        return out.toString();
    }
}
