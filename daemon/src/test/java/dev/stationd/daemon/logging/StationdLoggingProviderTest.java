package dev.stationd.daemon.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** The daemon's slf4j backend: bound through the service loader, levels, formats. */
class StationdLoggingProviderTest {
    private final PrintStream realErr = System.err;

    @AfterEach
    void restore() {
        System.setErr(realErr);
        LogSetup.init(Level.INFO, false);
    }

    private String capture(Runnable r) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(realErr);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void slf4jIsBoundToThisBackend() {
        assertTrue(LoggerFactory.getILoggerFactory().getClass().getName().startsWith(StationdLoggingProvider.class.getName()),
                LoggerFactory.getILoggerFactory().getClass().getName());
    }

    @Test
    void levelChangesApplyAtOnceAndArgumentsAndThrowablesAreFormatted() {
        Logger log = LoggerFactory.getLogger("dev.stationd.test.Thing");
        LogSetup.init(Level.INFO, false);
        String out = capture(() -> {
            log.debug("hidden {}", 1);
            log.info("shown {} and {}", "a", 2);
            log.warn("with trace {}", "x", new IllegalStateException("boom"));
        });
        assertFalse(out.contains("hidden"), out);
        assertTrue(out.contains(" INFO  [main] Thing: shown a and 2\n"), out);
        assertTrue(out.contains(" WARN  [main] Thing: with trace x\njava.lang.IllegalStateException: boom\n"), out);
        LogSetup.setLevel(Level.DEBUG);
        assertTrue(capture(() -> log.debug("now {}", "visible")).contains("Thing: now visible"));
        assertEquals(Level.DEBUG, LogSetup.level());
    }

    @Test
    void journalFormatAndQuietLibraries() {
        LogSetup.init(Level.DEBUG, true);
        String out = capture(() -> {
            LoggerFactory.getLogger("dev.stationd.X").info("hello");
            LoggerFactory.getLogger("io.netty.Y").debug("netty chatter");
            LoggerFactory.getLogger("io.netty.util.NetUtil").warn("no interfaces");
            LoggerFactory.getLogger("io.netty.Z").info("netty info");
        });
        assertEquals("<6>[main] X: hello\n<6>[main] Z: netty info\n", out);
        assertTrue(LogSetup.journalFormat());
    }
}
