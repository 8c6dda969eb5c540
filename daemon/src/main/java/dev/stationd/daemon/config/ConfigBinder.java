package dev.stationd.daemon.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.event.Level;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

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
                "server", "ingest", "state", "table", "filters", "log", "access", "hostapd", "hostapd_resync");
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
        HostapdSettings hostapd = hostapd(root);
        if (server != null && ingest != null && server.socket().equals(ingest.socket())) {
            // the defaults differ, so at least one of the two keys is present
            Node at = ingestSection.node("socket").orElseGet(() -> serverSection.node("socket").orElseThrow());
            problems.at(at, "ingest.socket: must differ from server.socket (" + ingest.socket() + ")");
        }
        problems.throwIfAny();
        return new StationdConfig(source, server, ingest, state, table, filters, log, access, hostapd);
    }

    private HostapdSettings hostapd(Section root) {
        int before = problems.count();
        Duration resync = root.get("hostapd_resync", HostapdSettings.DEFAULT_RESYNC, Scalars.positiveDuration());
        if (problems.count() == before && resync.compareTo(HostapdSettings.MIN_RESYNC) < 0) {
            problems.at(root.node("hostapd_resync").orElseThrow(),
                    "hostapd_resync: must be at least 1s, got " + Durations.format(resync));
        }
        List<HostapdConfig> interfaces = new ArrayList<>();
        Optional<Node> list = root.node("hostapd");
        if (list.isPresent() && !Scalars.isNull(list.get())) {
            if (!(list.get() instanceof SequenceNode seq)) {
                problems.at(list.get(), "hostapd: expected a list of control sockets (- ctrl: /run/hostapd/wlan0), got "
                        + Scalars.describe(list.get()));
            } else {
                Map<Path, Node> paths = new HashMap<>();
                Map<String, Node> names = new HashMap<>();
                List<Node> items = seq.getValue();
                for (int i = 0; i < items.size(); i++) {
                    HostapdConfig c = hostapdEntry(Section.of("hostapd[" + i + "]", items.get(i), problems,
                            "ctrl", "group_id", "enforce_filters"), items.get(i));
                    if (c == null) {
                        continue;
                    }
                    Node at = items.get(i);
                    Node firstPath = paths.putIfAbsent(c.ctrl(), at);
                    Node firstName = names.putIfAbsent(c.ifname(), at);
                    if (firstPath != null) {
                        problems.at(at, "hostapd[" + i + "].ctrl: " + c.ctrl() + " is listed twice (first at line "
                                + (firstPath.getStartMark().getLine() + 1) + ")");
                    } else if (firstName != null) {
                        problems.at(at, "hostapd[" + i + "].ctrl: another control socket is also named '" + c.ifname()
                                + "' (line " + (firstName.getStartMark().getLine() + 1)
                                + "); the socket name is the interface name, so it must be unique");
                    } else {
                        interfaces.add(c);
                    }
                }
            }
        }
        return problems.count() != before ? null : new HostapdSettings(interfaces, resync);
    }

    private HostapdConfig hostapdEntry(Section s, Node item) {
        int before = problems.count();
        if (!(item instanceof org.yaml.snakeyaml.nodes.MappingNode)) {
            return null; // Section.of reported it
        }
        Optional<Node> ctrlNode = s.node("ctrl");
        if (ctrlNode.isEmpty()) {
            problems.at(item, s.path("ctrl") + ": missing; each hostapd entry needs the path of a control socket"
                    + " (ctrl_interface/<interface>, e.g. /run/hostapd/wlan0)");
            return null;
        }
        Path ctrl = s.get("ctrl", null, Scalars.path(baseDir, Scalars.MAX_SOCKET_PATH_BYTES));
        int groupId = s.get("group_id", HostapdConfig.DEFAULT_GROUP_ID, Scalars.u32());
        boolean enforce = s.get("enforce_filters", HostapdConfig.DEFAULT_ENFORCE_FILTERS, Scalars.bool());
        if (ctrl != null) {
            String name = ctrl.getFileName() == null ? "" : ctrl.getFileName().toString();
            int len = name.getBytes(StandardCharsets.UTF_8).length;
            if (name.isEmpty() || len > HostapdConfig.MAX_IFNAME_BYTES) {
                problems.at(ctrlNode.get(), s.path("ctrl") + ": the socket's file name is the interface name and must be"
                        + " 1.." + HostapdConfig.MAX_IFNAME_BYTES + " bytes, got '" + name + "' (" + len + " bytes)");
            }
        }
        return problems.count() != before || ctrl == null ? null : new HostapdConfig(ctrl, groupId, enforce);
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
