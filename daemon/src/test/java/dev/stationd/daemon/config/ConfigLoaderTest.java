package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

class ConfigLoaderTest {
    static final IdResolver IDS = IdResolver.of(
            Map.of("root", 0, "alice", 1000, "bob", 1001),
            Map.of("root", 0, "netdev", 108, "stationd", 990));

    static final String FULL = """
            # every key set to a non-default value
            server:
              socket: /tmp/stationd-test/cmd.sock
              socket_mode: "0600"
              socket_group: stationd
              backlog: 64
              max_connections: 10
              max_connections_per_uid: 5
              admin_reserve: 2
              idle_timeout: 90s
              io_threads: 4
              write_buffer_high: 65_536
              write_buffer_low: 32768
              subscriber_backlog: 100
              max_pending_bytes: 1_048_576
            ingest:
              socket: run/events.sock
              socket_mode: '622'
              socket_group: 120
              access: { uids: [alice], gids: [] }
            state:
              directory: ../state
            table:
              max_stations: 1000
              expire_after: 2d
            filters:
              max_filters: 50
              commit_timeout: 2s
            log:
              level: DEBUG
            access:
              read:  { uids: [0, alice, "1002"], gids: ["netdev"] }
              admin: { uids: [root], gids: [] }
            """;

    @Test
    void emptyFileGivesDefaults(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("empty.yaml"), "");
        StationdConfig config = ConfigLoader.load(file, IDS);
        assertEquals(file, config.source());
        assertEquals(StationdConfig.defaults(), config.withSource(null));
    }

    @Test
    void commentsOnlyFileGivesDefaults(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), "# nothing here\n\n   # still nothing\n---\n");
        assertEquals(StationdConfig.defaults(), ConfigLoader.load(file, IDS).withSource(null));
    }

    @Test
    void emptySectionsGiveDefaults(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("s.yaml"), "server:\nlog: {}\naccess:\n  read:\n");
        assertEquals(StationdConfig.defaults(), ConfigLoader.load(file, IDS).withSource(null));
    }

    @Test
    void defaultsAreDocumentedValues() {
        StationdConfig d = StationdConfig.defaults();
        assertEquals(Path.of("/run/stationd/stationd.sock"), d.server().socket());
        assertEquals(0660, d.server().socketMode());
        assertEquals(432, d.server().socketMode());
        assertEquals("0660", d.server().socketModeString());
        assertEquals("", d.server().socketGroup());
        assertEquals(OptionalInt.empty(), d.server().socketGid());
        assertEquals(128, d.server().backlog());
        assertEquals(1024, d.server().maxConnections());
        assertEquals(Duration.ofSeconds(60), d.server().idleTimeout());
        assertEquals(0, d.server().ioThreads());
        assertEquals(1048576, d.server().writeBufferHigh());
        assertEquals(524288, d.server().writeBufferLow());
        assertEquals(4096, d.server().subscriberBacklog());
        assertEquals(8 * 1024 * 1024, d.server().maxPendingBytes());
        assertEquals(Path.of("/run/stationd/events.sock"), d.ingest().socket());
        assertEquals("0620", d.ingest().socketModeString());
        assertEquals(Path.of("/var/lib/stationd"), d.state().directory());
        assertEquals(65536, d.table().maxStations());
        assertEquals(Duration.ofSeconds(300), d.table().expireAfter());
        assertEquals(65536, d.filters().maxFilters());
        assertEquals(Level.INFO, d.log().level());
        assertTrue(d.access().read().isOpen());
        assertTrue(d.access().admin().isOpen());
    }

    @Test
    void fullFileIsParsed(@TempDir Path dir) throws Exception {
        Path confDir = Files.createDirectories(dir.resolve("etc"));
        Path file = Files.writeString(confDir.resolve("stationd.yaml"), FULL);
        StationdConfig c = ConfigLoader.load(file, IDS);

        ServerConfig s = c.server();
        assertEquals(Path.of("/tmp/stationd-test/cmd.sock"), s.socket());
        assertEquals(0600, s.socketMode());
        assertEquals("stationd", s.socketGroup());
        assertEquals(OptionalInt.of(990), s.socketGid());
        assertEquals(64, s.backlog());
        assertEquals(10, s.maxConnections());
        assertEquals(Duration.ofSeconds(90), s.idleTimeout());
        assertEquals(4, s.ioThreads());
        assertEquals(65536, s.writeBufferHigh());
        assertEquals(32768, s.writeBufferLow());
        assertEquals(100, s.subscriberBacklog());
        assertEquals(1024 * 1024, s.maxPendingBytes());

        assertEquals(confDir.resolve("run/events.sock"), c.ingest().socket());
        assertEquals(0622, c.ingest().socketMode());
        assertEquals("120", c.ingest().socketGroup());
        assertEquals(OptionalInt.of(120), c.ingest().socketGid());
        assertEquals(dir.resolve("state"), c.state().directory());
        assertEquals(1000, c.table().maxStations());
        assertEquals(Duration.ofDays(2), c.table().expireAfter());
        assertEquals(50, c.filters().maxFilters());
        assertEquals(Level.DEBUG, c.log().level());
        assertEquals(Set.of(0, 1000, 1002), c.access().read().uids());
        assertEquals(Set.of(108), c.access().read().gids());
        assertEquals(Set.of(0), c.access().admin().uids());
        assertEquals(Set.of(), c.access().admin().gids());
    }

    @Test
    void fullFileRoundTripsThroughToYaml(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.yaml"), FULL);
        StationdConfig first = ConfigLoader.load(file, IDS);

        // written elsewhere, so relative paths would resolve differently if any were left
        Path other = Files.createDirectories(dir.resolve("x/y")).resolve("b.yaml");
        Files.writeString(other, first.toYaml());
        StationdConfig second = ConfigLoader.load(other, IDS);

        assertEquals(first.withSource(null), second.withSource(null));
        assertEquals(first.toYaml().lines().skip(2).toList(), second.toYaml().lines().skip(2).toList());
    }

    @Test
    void defaultsRoundTripThroughToYaml(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("d.yaml"), StationdConfig.defaults().toYaml());
        assertEquals(StationdConfig.defaults(), ConfigLoader.load(file, IDS).withSource(null));
    }

    @Test
    void toYamlQuotesAwkwardPaths(@TempDir Path dir) throws Exception {
        Path weird = dir.resolve("we\"ird: #dir\\\ttab");
        StationdConfig c = new StationdConfig(null, ServerConfig.defaults(), IngestConfig.defaults(),
                new StateConfig(weird), TableConfig.defaults(), FiltersConfig.defaults(),
                LogConfig.defaults(), AccessConfig.defaults());
        Path file = Files.writeString(dir.resolve("w.yaml"), c.toYaml());
        assertEquals(weird, ConfigLoader.load(file, IDS).state().directory());
    }

    @Test
    void relativePathsResolveAgainstTheFilesDirectory(@TempDir Path dir) throws Exception {
        Path confDir = Files.createDirectories(dir.resolve("conf.d"));
        Path file = Files.writeString(confDir.resolve("s.yaml"), """
                server:
                  socket: ./cmd.sock
                ingest:
                  socket: sub/ev.sock
                state:
                  directory: ../var/state
                """);
        StationdConfig c = ConfigLoader.load(file, IDS);
        assertEquals(confDir.resolve("cmd.sock"), c.server().socket());
        assertEquals(confDir.resolve("sub/ev.sock"), c.ingest().socket());
        assertEquals(dir.resolve("var/state"), c.state().directory());
        assertTrue(c.server().socket().isAbsolute());
    }

    @Test
    void relativeFileNameResolvesAgainstWorkingDirectory() throws Exception {
        StationdConfig c = ConfigLoader.parse("state: { directory: st }\n", Path.of("x.yaml"), IDS);
        assertEquals(Path.of("").toAbsolutePath().resolve("st"), c.state().directory());
    }

    @Test
    void absolutePathsAreKept(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.yaml"), "state:\n  directory: /srv/stationd\n");
        assertEquals(Path.of("/srv/stationd"), ConfigLoader.load(file, IDS).state().directory());
    }

    @Test
    void logLevelIsCaseInsensitive() throws Exception {
        for (String level : new String[] {"error", "WARN", "Info", "debug", "TrAcE"}) {
            StationdConfig c = ConfigLoader.parse("log: { level: " + level + " }", Path.of("l.yaml"), IDS);
            assertEquals(level.toUpperCase(java.util.Locale.ROOT), c.log().level().name());
        }
    }

    @Test
    void emptySocketGroupMeansLeave() throws Exception {
        StationdConfig c = ConfigLoader.parse("server: { socket_group: \"\" }\ningest: { socket_group: }\n",
                Path.of("g.yaml"), IDS);
        assertEquals(OptionalInt.empty(), c.server().socketGid());
        assertEquals(OptionalInt.empty(), c.ingest().socketGid());
    }

    @Test
    void accessRulePermits() {
        AccessRule rule = new AccessRule(Set.of(1000), Set.of(108));
        assertTrue(rule.permits(1000, 5));
        assertTrue(rule.permits(5, 108));
        assertFalse(rule.permits(5, 5));
        assertTrue(AccessRule.ANYONE.permits(5, 5));
    }
}
