package dev.stationd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.stationd.daemon.logging.LogSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journald line format of {@link LogSetup}. */
class JournalFormatTest {
    @TempDir
    Path dir;

    @Test
    void syslogPriorities() {
        assertEquals(3, LogSetup.syslogPriority(Level.ERROR));
        assertEquals(4, LogSetup.syslogPriority(Level.WARN));
        assertEquals(6, LogSetup.syslogPriority(Level.INFO));
        assertEquals(7, LogSetup.syslogPriority(Level.DEBUG));
        assertEquals(7, LogSetup.syslogPriority(Level.TRACE));
    }

    @Test
    void journalStreamMatchesDeviceAndInode() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "");
        String devIno = Files.getAttribute(f, "unix:dev") + ":" + Files.getAttribute(f, "unix:ino");
        assertTrue(LogSetup.matchesJournalStream(devIno, f));
        assertFalse(LogSetup.matchesJournalStream(devIno + "1", f));
        assertFalse(LogSetup.matchesJournalStream(null, f));
        assertFalse(LogSetup.matchesJournalStream("garbage", f));
        assertFalse(LogSetup.matchesJournalStream(devIno, dir.resolve("missing")));
    }

    @Test
    void everyLineGetsThePriorityAndNoTimestamp() {
        LoggerContext ctx = new LoggerContext();
        LogSetup.JournalLayout layout = new LogSetup.JournalLayout();
        layout.setContext(ctx);
        layout.start();
        LoggingEvent e = new LoggingEvent("x", ctx.getLogger("dev.stationd.Foo"), Level.WARN, "two\nlines", null, null);
        e.setThreadName("main");
        assertEquals("<4>[main] Foo: two\n<4>lines\n", layout.doLayout(e));
        LoggingEvent err = new LoggingEvent("x", ctx.getLogger("Bar"), Level.ERROR, "boom", new IllegalStateException("bad"), null);
        err.setThreadName("t");
        String out = layout.doLayout(err);
        assertTrue(out.startsWith("<3>[t] Bar: boom\n<3>java.lang.IllegalStateException: bad\n"), out);
        out.lines().forEach(l -> assertTrue(l.startsWith("<3>"), l));
    }
}
