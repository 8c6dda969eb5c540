package dev.stationd.daemon.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way out when the daemon cannot go on: out of memory of any kind. A daemon that failed to
 * allocate a reply, an event or a table encoding would go on half-broken (some clients answered,
 * others not, subscribers missing events), so it logs one line and exits at once with
 * {@link #EXIT_CODE}, and systemd ({@code Restart=on-failure}) starts a fresh one. Exiting without
 * the shutdown sequence loses nothing: a filter change is acknowledged only once it is on disk.
 *
 * <p>{@code -XX:+ExitOnOutOfMemoryError} covers the heap only; running out of direct memory
 * (Netty's buffers) is an {@link OutOfMemoryError} thrown by the class library, which the JVM lets
 * the program catch. So every place that allocates client or event buffers and every thread's
 * last resort ({@link #install()}) come here.
 */
public final class Fatal {
    /** sysexits EX_SOFTWARE: the process cannot go on; systemd restarts it. */
    public static final int EXIT_CODE = 70;
    private static final Logger LOG = LoggerFactory.getLogger(Fatal.class);

    private Fatal() {
    }

    /** Makes an out-of-memory error that ends any thread end the process. */
    public static void install() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            OutOfMemoryError oom = find(e);
            if (oom != null) {
                outOfMemory("thread " + t.getName(), oom);
            }
            if (previous != null) {
                previous.uncaughtException(t, e);
            } else {
                LOG.error("thread {} died", t.getName(), e);
            }
        });
    }

    /**
     * @param e a throwable and its causes
     * @return the {@link OutOfMemoryError} among them, or {@code null}
     */
    public static OutOfMemoryError find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError oom) {
                return oom;
            }
        }
        return null;
    }

    /**
     * If {@code e} is or was caused by an {@link OutOfMemoryError}, exits (never returns).
     *
     * @param where what was being done
     * @param e what was thrown
     */
    public static void exitIfOutOfMemory(String where, Throwable e) {
        OutOfMemoryError oom = find(e);
        if (oom != null) {
            outOfMemory(where, oom);
        }
    }

    /**
     * Logs and exits; declared to return an error so callers can write {@code throw Fatal.outOfMemory(...)}.
     *
     * @param where what was being done
     * @param e the error
     * @return never
     */
    public static Error outOfMemory(String where, OutOfMemoryError e) {
        try {
            LOG.error("out of memory while {}: {}; exiting with {} so that systemd starts a fresh daemon", where,
                    e.getMessage(), EXIT_CODE);
        } catch (Throwable ignored) { // nothing may stop the exit
        }
        Runtime.getRuntime().halt(EXIT_CODE);
        return e;
    }
}
