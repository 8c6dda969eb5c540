package dev.stationd.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.slf4j.event.Level;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Maps a composed YAML document onto the configuration records: defaults for absent keys,
 * every bad key or value reported to {@link Problems}, records built only from valid values.
 */
final class ConfigBinder {
    private final Problems problems;
    private final Path baseDir;
    private final Ids ids;

    /**
     * @param problems where errors go
     * @param baseDir absolute directory that relative paths are resolved against
     * @param resolver resolves user and group names
     */
    ConfigBinder(Problems problems, Path baseDir, IdResolver resolver) {
        this.problems = problems;
        this.baseDir = baseDir;
        this.ids = new Ids(resolver);
    }

    /**
     * @param document the composed document, or {@code null} for an empty file
     * @param source recorded as {@link StationdConfig#source()}
     */
    StationdConfig bind(Node document, Path source) throws ConfigException {
        Section root = Section.root(document, problems,
                "server", "ingest", "state", "table", "filters", "log", "access");
        Section serverSection = root.section("server",
                "socket", "socket_mode", "socket_group", "backlog", "max_connections", "idle_timeout",
                "io_threads", "write_buffer_high", "write_buffer_low", "subscriber_backlog");
        ServerConfig server = server(serverSection);
        Section ingestSection = root.section("ingest", "socket", "socket_mode", "socket_group");
        IngestConfig ingest = ingest(ingestSection);
        StateConfig state = state(root.section("state", "directory"));
        TableConfig table = table(root.section("table", "max_stations", "expire_after"));
        FiltersConfig filters = filters(root.section("filters", "max_filters"));
        LogConfig log = log(root.section("log", "level"));
        AccessConfig access = access(root.section("access", "read", "admin"));
        if (server != null && ingest != null && server.socket().equals(ingest.socket())) {
            // the defaults differ, so at least one of the two keys is present
            Node at = ingestSection.node("socket").orElseGet(() -> serverSection.node("socket").orElseThrow());
            problems.at(at, "ingest.socket: must differ from server.socket (" + ingest.socket() + ")");
        }
        problems.throwIfAny();
        return new StationdConfig(source, server, ingest, state, table, filters, log, access);
    }

    private ServerConfig server(Section s) {
        int before = problems.count();
        Path socket = s.get("socket", ServerConfig.DEFAULT_SOCKET,
                Scalars.path(baseDir, Scalars.MAX_SOCKET_PATH_BYTES));
        int mode = s.get("socket_mode", ServerConfig.DEFAULT_SOCKET_MODE, Scalars.fileMode());
        SocketGroup group = s.get("socket_group", SocketGroup.LEAVE, ids.socketGroup());
        int backlog = s.get("backlog", ServerConfig.DEFAULT_BACKLOG,
                Scalars.integer(1, ServerConfig.MAX_BACKLOG));
        int maxConnections = s.get("max_connections", ServerConfig.DEFAULT_MAX_CONNECTIONS,
                Scalars.integer(1, Integer.MAX_VALUE));
        Duration idleTimeout = s.get("idle_timeout", ServerConfig.DEFAULT_IDLE_TIMEOUT,
                Scalars.positiveDuration());
        int ioThreads = s.get("io_threads", ServerConfig.DEFAULT_IO_THREADS,
                Scalars.integer(0, ServerConfig.MAX_IO_THREADS));
        int high = s.get("write_buffer_high", ServerConfig.DEFAULT_WRITE_BUFFER_HIGH,
                Scalars.integer(1, Integer.MAX_VALUE));
        int low = s.get("write_buffer_low", ServerConfig.DEFAULT_WRITE_BUFFER_LOW,
                Scalars.integer(1, Integer.MAX_VALUE));
        int subscriberBacklog = s.get("subscriber_backlog", ServerConfig.DEFAULT_SUBSCRIBER_BACKLOG,
                Scalars.integer(1, Integer.MAX_VALUE));
        if (problems.count() == before && high < low) {
            Node at = s.node("write_buffer_high").orElseGet(() -> s.node("write_buffer_low").orElseThrow());
            problems.at(at, s.path("write_buffer_high") + ": must be >= " + s.path("write_buffer_low")
                    + ", got " + high + " < " + low);
        }
        if (problems.count() != before) {
            return null;
        }
        return new ServerConfig(socket, mode, group.spec(), group.gid(), backlog, maxConnections,
                idleTimeout, ioThreads, high, low, subscriberBacklog);
    }

    private IngestConfig ingest(Section s) {
        int before = problems.count();
        Path socket = s.get("socket", IngestConfig.DEFAULT_SOCKET,
                Scalars.path(baseDir, Scalars.MAX_SOCKET_PATH_BYTES));
        int mode = s.get("socket_mode", IngestConfig.DEFAULT_SOCKET_MODE, Scalars.fileMode());
        SocketGroup group = s.get("socket_group", SocketGroup.LEAVE, ids.socketGroup());
        return problems.count() != before ? null : new IngestConfig(socket, mode, group.spec(), group.gid());
    }

    private StateConfig state(Section s) {
        int before = problems.count();
        Path directory = s.get("directory", StateConfig.DEFAULT_DIRECTORY, Scalars.path(baseDir, 0));
        return problems.count() != before ? null : new StateConfig(directory);
    }

    private TableConfig table(Section s) {
        int before = problems.count();
        int maxStations = s.get("max_stations", TableConfig.DEFAULT_MAX_STATIONS,
                Scalars.integer(1, Integer.MAX_VALUE));
        Duration expireAfter = s.get("expire_after", TableConfig.DEFAULT_EXPIRE_AFTER,
                Scalars.positiveDuration());
        return problems.count() != before ? null : new TableConfig(maxStations, expireAfter);
    }

    private FiltersConfig filters(Section s) {
        int before = problems.count();
        int maxFilters = s.get("max_filters", FiltersConfig.DEFAULT_MAX_FILTERS,
                Scalars.integer(1, Integer.MAX_VALUE));
        return problems.count() != before ? null : new FiltersConfig(maxFilters);
    }

    private LogConfig log(Section s) {
        int before = problems.count();
        Level level = s.get("level", LogConfig.DEFAULT_LEVEL, Scalars.logLevel());
        return problems.count() != before ? null : new LogConfig(level);
    }

    private AccessConfig access(Section s) {
        int before = problems.count();
        AccessRule read = rule(s.section("read", "uids", "gids"));
        AccessRule admin = rule(s.section("admin", "uids", "gids"));
        return problems.count() != before ? null : new AccessConfig(read, admin);
    }

    private AccessRule rule(Section s) {
        Set<Integer> uids = s.get("uids", Set.of(), ids.users());
        Set<Integer> gids = s.get("gids", Set.of(), ids.groups());
        return new AccessRule(uids, gids);
    }
}
