package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line of the packaged jar: configuration errors exit 78 with
 * {@code FILE:LINE:COLUMN: message}, {@code --check-config}, {@code --version}, usage errors.
 * The JVMs of one test run side by side to keep the suite fast.
 */
class ConfigErrorIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private record Case(String name, String yaml, int line, int column, String message) {
    }

    private record Result(int code, String output) {
    }

    private static final List<Case> BAD = List.of(
            new Case("unknown-key", "server:\n  backlog: 5\n  sockett: x.sock\n", 3, 3,
                    "unknown key 'sockett' in server (did you mean 'socket'?)"),
            new Case("bad-type", "table:\n  max_stations: abc\n", 2, 17,
                    "table.max_stations: expected an integer, got 'abc'"),
            new Case("bad-duration", "# comment\nserver:\n  backlog: 5\n  idle_timeout: 5x\n", 4, 17,
                    "server.idle_timeout: bad duration '5x'"),
            new Case("bad-mode", "ingest:\n  socket_mode: \"0680\"\n", 2, 16,
                    "ingest.socket_mode: bad file mode '0680'"),
            // would overflow Duration.toNanos() in every new connection if it were accepted
            new Case("out-of-range", "server:\n  socket: x.sock\n  idle_timeout: 200000d\n", 3, 17,
                    "server.idle_timeout: must be between 100ms and 1d, got 200000d"));

    private static DaemonProcess launch(Path work, String... args) throws Exception {
        return DaemonProcess.launch(work, args);
    }

    private static Result finish(DaemonProcess p) throws Exception {
        try (p) {
            int code = p.awaitExit(DEADLINE);
            return new Result(code, p.output());
        }
    }

    @Test
    void badConfigurationsExit78WithFileLineColumn() throws Exception {
        List<Path> files = new ArrayList<>();
        List<DaemonProcess> running = new ArrayList<>();
        for (Case c : BAD) {
            Path work = Files.createDirectory(dir.resolve(c.name()));
            Path file = Files.writeString(work.resolve("bad.yaml"), c.yaml());
            files.add(file);
            running.add(launch(work, "--config", file.toString()));
        }
        for (int i = 0; i < BAD.size(); i++) {
            Case c = BAD.get(i);
            Result r = finish(running.get(i));
            String expected = files.get(i) + ":" + c.line() + ":" + c.column() + ": " + c.message();
            assertEquals(78, r.code(), () -> c.name() + ":\n" + r.output());
            assertTrue(r.output().contains(expected), () -> c.name() + ": expected '" + expected + "' in:\n" + r.output());
            assertTrue(r.output().contains("configuration " + files.get(i) + " is invalid"), r.output());
            assertFalse(Files.exists(files.get(i).resolveSibling("x.sock")), "a socket was bound");
        }
    }

    @Test
    void checkConfigAndCommandLine() throws Exception {
        // a valid file: the effective configuration, defaults included
        Path good = Files.writeString(dir.resolve("good.yaml"),
                "server:\n  socket: s.sock\n  backlog: 77\ningest:\n  socket: e.sock\nstate:\n  directory: st\n"
                        + "table:\n  expire_after: 90s\n");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "table:\n  expire_after: soon\n");
        Path outOfRange = Files.writeString(dir.resolve("range.yaml"), "table:\n  max_stations: 1000001\n");
        Path missing = dir.resolve("missing.yaml");
        DaemonProcess check = launch(dir, "--config", good.toString(), "--check-config");
        DaemonProcess checkBad = launch(dir, "--check-config", "--config", bad.toString());
        DaemonProcess checkRange = launch(dir, "--check-config", "--config", outOfRange.toString());
        DaemonProcess checkMissing = launch(dir, "--check-config", "--config", missing.toString());
        DaemonProcess version = launch(dir, "--version");
        DaemonProcess unknown = launch(dir, "--config", good.toString(), "--frobnicate");
        DaemonProcess noFile = launch(dir, "--config");

        Result r = finish(check);
        assertEquals(0, r.code(), r::output);
        String out = r.output();
        for (String line : List.of(
                "  socket: \"" + dir.resolve("s.sock") + "\"",   // relative paths resolved against the file
                "  backlog: 77",                                 // as given
                "  expire_after: 90s",
                "  directory: \"" + dir.resolve("st") + "\"",
                "  socket_mode: \"0660\"",                        // defaults
                "  socket_mode: \"0620\"",
                "  max_connections: 1024",
                "  idle_timeout: 1m",                            // 60s, printed in its largest unit
                "  max_stations: 65536",
                "  max_filters: 65536",
                "  level: info")) {
            assertTrue(out.contains(line + "\n"), () -> "'" + line + "' missing from --check-config output:\n" + out);
        }
        for (String section : List.of("server:", "ingest:", "state:", "table:", "filters:", "log:", "access:")) {
            assertTrue(Pattern.compile("(?m)^" + section + "$").matcher(out).find(), () -> section + " missing:\n" + out);
        }
        assertFalse(Files.exists(dir.resolve("s.sock")), "--check-config must not start the daemon");
        assertFalse(Files.exists(dir.resolve("st")), "--check-config must not create the state directory");

        Result rb = finish(checkBad);
        assertEquals(78, rb.code(), rb::output);
        assertTrue(rb.output().contains(bad + ":2:17: table.expire_after: bad duration 'soon'"), rb::output);

        Result rr = finish(checkRange);
        assertEquals(78, rr.code(), rr::output);
        assertTrue(rr.output().contains(outOfRange + ":2:17: table.max_stations: must be between 1 and 1000000, got 1000001"),
                rr::output);

        Result rm = finish(checkMissing);
        assertEquals(78, rm.code(), rm::output);
        assertTrue(rm.output().contains(missing.toString()), rm::output);

        Result rv = finish(version);
        assertEquals(0, rv.code(), rv::output);
        assertTrue(Pattern.compile("(?m)^stationd \\d+\\.\\d+\\.\\d+\\S*$").matcher(rv.output()).find(),
                () -> "version line: " + rv.output());

        Result ru = finish(unknown);
        assertEquals(64, ru.code(), ru::output);
        assertTrue(ru.output().contains("--frobnicate"), ru::output);
        assertFalse(Files.exists(dir.resolve("s.sock")), "started despite a usage error");

        Result rn = finish(noFile);
        assertEquals(64, rn.code(), rn::output);
        assertTrue(rn.output().contains("--config"), rn::output);
    }
}
