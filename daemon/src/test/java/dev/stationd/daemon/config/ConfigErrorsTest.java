package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error is reported as {@code FILE:LINE:COLUMN: message}, 1-based. */
class ConfigErrorsTest {
    @TempDir
    Path dir;

    private Path file;

    private ConfigException load(String yaml) throws IOException {
        file = Files.writeString(dir.resolve("bad.yaml"), yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, ConfigLoaderTest.IDS));
    }

    /** Asserts error {@code index} starts with {@code file:line:col: } and contains {@code text}. */
    private void assertError(ConfigException e, int index, int line, int column, String text) {
        String error = e.errors().get(index);
        String prefix = file + ":" + line + ":" + column + ": ";
        assertTrue(error.startsWith(prefix), () -> "expected prefix '" + prefix + "' in: " + error);
        assertTrue(error.contains(text), () -> "expected '" + text + "' in: " + error);
    }

    private void assertOnlyError(ConfigException e, int line, int column, String text) {
        assertEquals(1, e.errors().size(), () -> "errors: " + e.errors());
        assertError(e, 0, line, column, text);
        assertEquals(e.errors().get(0), e.getMessage());
        assertEquals(e.errors().get(0), e.firstError());
    }

    @Test
    void unknownTopLevelKey() throws IOException {
        ConfigException e = load("server:\n  backlog: 5\nsevrer:\n  backlog: 6\n");
        assertOnlyError(e, 3, 1, "unknown key 'sevrer' (did you mean 'server'?)");
    }

    @Test
    void unknownNestedKey() throws IOException {
        ConfigException e = load("log:\n  level: info\nserver:\n  backlog: 5\n  sockett: /x\n");
        assertOnlyError(e, 5, 3, "unknown key 'sockett' in server (did you mean 'socket'?)");
    }

    @Test
    void unknownKeyWithoutCloseMatchListsKnownKeys() throws IOException {
        ConfigException e = load("access:\n  read: { uids: [], owners: [] }\n");
        assertOnlyError(e, 2, 21, "unknown key 'owners' in access.read (expected one of: uids, gids)");
    }

    @Test
    void mappingWhereScalarExpected() throws IOException {
        ConfigException e = load("server:\n  backlog: { value: 5 }\n");
        assertOnlyError(e, 2, 12, "server.backlog: expected an integer, got a mapping");
    }

    @Test
    void textWhereIntegerExpected() throws IOException {
        ConfigException e = load("table:\n  max_stations: abc\n");
        assertOnlyError(e, 2, 17, "table.max_stations: expected an integer, got 'abc'");
    }

    @Test
    void quotedIntegerIsRejected() throws IOException {
        ConfigException e = load("server:\n  backlog: \"12\"\n");
        assertOnlyError(e, 2, 12, "remove the quotes");
    }

    @Test
    void scalarWhereSectionExpected() throws IOException {
        ConfigException e = load("server: 5\n");
        assertOnlyError(e, 1, 9, "server: expected a mapping of keys, got '5'");
    }

    @Test
    void listAtTopLevel() throws IOException {
        ConfigException e = load("- server\n");
        assertOnlyError(e, 1, 1, "expected a mapping of sections");
    }

    @Test
    void badDuration() throws IOException {
        ConfigException e = load("server:\n  idle_timeout: 5x\n");
        assertOnlyError(e, 2, 17, "server.idle_timeout: bad duration '5x'");
    }

    @Test
    void durationWithoutUnit() throws IOException {
        ConfigException e = load("table:\n  expire_after: 300\n");
        assertOnlyError(e, 2, 17, "a unit is required");
    }

    @Test
    void zeroDuration() throws IOException {
        ConfigException e = load("table:\n  expire_after: 0\n");
        assertOnlyError(e, 2, 17, "table.expire_after: must be between 1s and 30d, got 0");
    }

    @Test
    void unquotedModeIsRejected() throws IOException {
        ConfigException e = load("server:\n  socket_mode: 0660\n");
        assertOnlyError(e, 2, 16, "server.socket_mode: the mode must be a quoted string, e.g. socket_mode: \"0660\"");
    }

    @Test
    void nonOctalModeIsRejected() throws IOException {
        ConfigException e = load("ingest:\n  socket_mode: \"0680\"\n");
        assertOnlyError(e, 2, 16, "ingest.socket_mode: bad file mode '0680'");
    }

    @Test
    void specialModeBitsAreRejected() throws IOException {
        ConfigException e = load("ingest:\n  socket_mode: '4660'\n");
        assertOnlyError(e, 2, 16, "setuid");
    }

    @Test
    void zeroLimit() throws IOException {
        ConfigException e = load("filters:\n  max_filters: 0\n");
        assertOnlyError(e, 2, 16, "filters.max_filters: must be between 1 and 1000000, got 0");
    }

    @Test
    void negativeLimit() throws IOException {
        ConfigException e = load("server:\n  max_connections: -5\n");
        assertOnlyError(e, 2, 20, "server.max_connections: must be between 1 and 65536, got -5");
    }

    @Test
    void outOfRange() throws IOException {
        ConfigException e = load("server:\n  backlog: 70000\n");
        assertOnlyError(e, 2, 12, "server.backlog: must be between 1 and 65535, got 70000");
    }

    @Test
    void hugeNumberIsOutOfRangeNotACrash() throws IOException {
        ConfigException e = load("server:\n  io_threads: 99999999999999999999999\n");
        assertOnlyError(e, 2, 15, "must be between 0 and 256");
    }

    @Test
    void writeBufferLowAboveHigh() throws IOException {
        ConfigException e = load("server:\n  write_buffer_high: 4096\n  write_buffer_low: 8192\n");
        assertOnlyError(e, 2, 22, "server.write_buffer_high: must be >= server.write_buffer_low");
    }

    @Test
    void emptyPath() throws IOException {
        ConfigException e = load("state:\n  directory: \"\"\n");
        assertOnlyError(e, 2, 14, "state.directory: the path must not be empty");
    }

    @Test
    void socketPathTooLong() throws IOException {
        ConfigException e = load("server:\n  socket: /" + "s".repeat(120) + "\n");
        assertOnlyError(e, 2, 11, "socket path is too long");
    }

    @Test
    void sameSocketTwice() throws IOException {
        ConfigException e = load("server:\n  socket: /run/x.sock\ningest:\n  socket: /run/x.sock\n");
        assertOnlyError(e, 4, 11, "ingest.socket: must differ from server.socket");
    }

    @Test
    void duplicateTopLevelKey() throws IOException {
        ConfigException e = load("log:\n  level: info\nserver: {}\nlog:\n  level: debug\n");
        assertOnlyError(e, 4, 1, "duplicate key 'log' (first given at line 1)");
    }

    @Test
    void duplicateNestedKey() throws IOException {
        ConfigException e = load("server:\n  backlog: 1\n  max_connections: 3\n  backlog: 2\n");
        assertOnlyError(e, 4, 3, "duplicate key 'backlog' in server (first given at line 2)");
    }

    @Test
    void unknownLogLevel() throws IOException {
        ConfigException e = load("log:\n  level: verbose\n");
        assertOnlyError(e, 2, 10, "log.level: unknown log level 'verbose' (expected one of: error, warn, info, debug, trace)");
    }

    @Test
    void unknownUserName() throws IOException {
        ConfigException e = load("access:\n  admin:\n    uids: [root, mallory]\n");
        assertOnlyError(e, 3, 18, "access.admin.uids: unknown user 'mallory'");
    }

    @Test
    void unknownGroupNameInBlockList() throws IOException {
        ConfigException e = load("access:\n  read:\n    gids:\n      - netdev\n      - wheel\n");
        assertOnlyError(e, 5, 9, "access.read.gids: unknown group 'wheel'");
    }

    @Test
    void unknownSocketGroup() throws IOException {
        ConfigException e = load("server:\n  socket_group: nosuchgroup\n");
        assertOnlyError(e, 2, 17, "server.socket_group: unknown group 'nosuchgroup'");
    }

    @Test
    void negativeIdAndScalarInsteadOfList() throws IOException {
        ConfigException e = load("access:\n  read: { uids: [-1] }\n  admin: { gids: 5 }\n");
        assertEquals(2, e.errors().size(), () -> "errors: " + e.errors());
        assertError(e, 0, 2, 18, "must not be negative");
        assertError(e, 1, 3, 18, "access.admin.gids: expected a list");
    }

    @Test
    void allErrorsAreCollectedInFileOrder() throws IOException {
        ConfigException e = load("""
                server:
                  backlog: 0
                  bogus: 1
                log:
                  level: loud
                table:
                  expire_after: soon
                """);
        assertEquals(4, e.errors().size(), () -> "errors: " + e.errors());
        assertError(e, 0, 2, 12, "server.backlog");
        assertError(e, 1, 3, 3, "unknown key 'bogus'");
        assertError(e, 2, 5, 10, "log.level");
        assertError(e, 3, 7, 17, "table.expire_after");
        assertEquals(String.join("\n", e.errors()), e.getMessage());
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, ConfigLoaderTest.IDS));
        assertEquals(List.of(missing + ": cannot read: no such file or directory"), e.errors());
    }

    @Test
    void directoryInsteadOfFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir, ConfigLoaderTest.IDS));
        assertTrue(e.getMessage().startsWith(dir + ": cannot read: "), e.getMessage());
    }

    @Test
    void yamlSyntaxError() throws IOException {
        ConfigException e = load("server:\n  backlog: 5\n  socket: [unclosed\n");
        assertEquals(1, e.errors().size(), () -> "errors: " + e.errors());
        assertTrue(e.errors().get(0).matches("\\Q" + file + "\\E:[34]:\\d+: .+"), e.errors().get(0));
    }

    @Test
    void yamlSyntaxErrorPosition() throws IOException {
        ConfigException e = load("server:\n  backlog: 5\n bad: x\n");
        assertOnlyError(e, 3, 2, "expected <block end>");
    }

    @Test
    void tabIndentation() throws IOException {
        ConfigException e = load("server:\n\tbacklog: 1\n");
        assertOnlyError(e, 2, 1, "TAB");
    }

    @Test
    void unterminatedQuote() throws IOException {
        ConfigException e = load("log:\n  level: \"info\n");
        assertOnlyError(e, 3, 1, "while scanning a quoted scalar (line 2)");
    }

    @Test
    void twoDocuments() throws IOException {
        ConfigException e = load("log: {}\n---\nserver: {}\n");
        assertOnlyError(e, 2, 1, "expected a single document");
    }

    @Test
    void controlCharacter() throws IOException {
        ConfigException e = load("log:\n  level: \"a\u0001\"\n");
        assertOnlyError(e, 2, 12, "U+0001");
    }

    @Test
    void invalidUtf8() throws IOException {
        file = dir.resolve("bin.yaml");
        Files.write(file, new byte[] {'l', 'o', 'g', ':', '\n', ' ', ' ', (byte) 0xff, '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, ConfigLoaderTest.IDS));
        assertOnlyError(e, 2, 3, "not valid UTF-8");
    }

    @Test
    void mergeKeysAreRejected() throws IOException {
        ConfigException e = load("base: &b { backlog: 1 }\n");
        assertOnlyError(e, 1, 1, "unknown key 'base'");
        ConfigException e2 = load("server:\n  <<: { backlog: 1 }\n");
        assertOnlyError(e2, 2, 3, "merge keys are not supported");
    }
}
