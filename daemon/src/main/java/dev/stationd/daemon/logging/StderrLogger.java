package dev.stationd.daemon.logging;

import java.io.PrintStream;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One named logger of the daemon's slf4j backend: a line per event on stderr. */
final class StderrLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    StderrLogger(String name) {
        this.name = name;
    }

    private boolean enabled(Level level) {
        return LogLevels.enabled(name, level);
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                               Throwable thrown) {
        String message = args == null || args.length == 0 ? String.valueOf(pattern)
                : MessageFormatter.basicArrayFormat(pattern, args);
        String line = LineFormat.format(LogLevels.journal(), System.currentTimeMillis(), level,
                Thread.currentThread().getName(), name, message, thrown);
        PrintStream err = System.err;
        synchronized (err) {
            err.print(line);
            err.flush();
        }
    }
}
