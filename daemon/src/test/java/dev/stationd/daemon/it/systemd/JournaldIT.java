package dev.stationd.daemon.it.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With stderr being the journal (JOURNAL_STREAM = stderr's dev:ino): {@code <N>} prefixes, no timestamps. */
class JournaldIT {
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d");

    @TempDir
    Path dir;

    @Test
    void journalFormatWhenStderrIsTheJournalStream() throws Exception {
        List<String> lines = run(true);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<6>") && l.contains("stationd ") && l.contains(" started")),
                "start line at info priority: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<4>") && l.contains("only on restart")),
                "warn line at priority 4: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<3>") && l.contains("reload failed")),
                "error line at priority 3: " + lines);
        for (String l : lines) {
            assertTrue(Pattern.matches("<[0-7]>.*", l), "every line has a priority prefix: " + l);
            assertTrue(!TIMESTAMP.matcher(l).find(), "no timestamp under journald: " + l);
        }
    }

    @Test
    void plainFormatWhenJournalStreamIsAnotherFile() throws Exception {
        List<String> lines = run(false);
        assertTrue(lines.stream().anyMatch(l -> TIMESTAMP.matcher(l).lookingAt() && l.contains(" started")), "" + lines);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("<")), "" + lines);
    }

    private List<String> run(boolean matching) throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        Path err = dir.resolve("stderr-" + matching + ".log");
        Files.writeString(err, "");
        Path other = dir.resolve("other");
        Files.writeString(other, "");
        Path id = matching ? err : other;
        String stream = Files.getAttribute(id, "unix:dev") + ":" + Files.getAttribute(id, "unix:ino");
        try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(List.of()).stderrTo(err)
                .env("JOURNAL_STREAM", stream).launch()) {
            DaemonProcess.await(DaemonProcess.START_DEADLINE, "the start line", () -> d.output().contains(" started"));
            // A restart-only change gives a WARN line, an invalid file an ERROR line.
            Files.writeString(cfg, Files.readString(cfg).replace("stationd.sock", "moved.sock"));
            d.signal("HUP");
            DaemonProcess.await(Duration.ofSeconds(10), "the warning", () -> d.output().contains("only on restart"));
            Files.writeString(cfg, "server: [\n");
            d.signal("HUP");
            DaemonProcess.await(Duration.ofSeconds(10), "the error", () -> d.output().contains("reload failed"));
            d.signal("TERM");
            assertEquals(0, d.awaitExit(DaemonProcess.STOP_DEADLINE), d.output());
        }
        return Files.readAllLines(err).stream().filter(l -> !l.isBlank()).filter(l -> !l.startsWith("WARNING:")).toList();
    }
}
