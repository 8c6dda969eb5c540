package dev.stationd.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.logging.LineFormat;
import dev.stationd.daemon.logging.LogSetup;
import org.slf4j.event.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journald line format: {@link LineFormat} and how {@link LogSetup} recognises the journal. */
class JournalFormatTest {
    @TempDir
    Path dir;

    @Test
    void syslogPriorities() {
        assertEquals(3, LineFormat.syslogPriority(Level.ERROR));
        assertEquals(4, LineFormat.syslogPriority(Level.WARN));
        assertEquals(6, LineFormat.syslogPriority(Level.INFO));
        assertEquals(7, LineFormat.syslogPriority(Level.DEBUG));
        assertEquals(7, LineFormat.syslogPriority(Level.TRACE));
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
        assertEquals("<4>[main] Foo: two\n<4>lines\n",
                LineFormat.format(true, 0, Level.WARN, "main", "dev.stationd.Foo", "two\nlines", null));
        String out = LineFormat.format(true, 0, Level.ERROR, "t", "Bar", "boom", new IllegalStateException("bad"));
        assertTrue(out.startsWith("<3>[t] Bar: boom\n<3>java.lang.IllegalStateException: bad\n"), out);
        out.lines().forEach(l -> assertTrue(l.startsWith("<3>"), l));
    }

    @Test
    void plainLinesAreTimestampedWithAPaddedLevel() {
        String line = LineFormat.format(false, 1_700_000_000_123L, Level.INFO, "main", "dev.stationd.daemon.Daemon",
                "started", null);
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.123\\S+ INFO  \\[main\\] Daemon: started\n"), line);
        assertFalse(line.startsWith("<"));
    }
}
