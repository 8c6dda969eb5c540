package dev.stationd.daemon.config;

import dev.stationd.daemon.enrich.LeaseFile;
import dev.stationd.daemon.enrich.LeaseFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.event.Level;

/**
 * THE table of configuration keys: each key is declared here once, with its path, type,
 * default, range, reload behaviour and a one-line doc. Everything else is derived from it: the
 * keys the loader accepts ({@link ConfigBinder}), {@code --check-config} ({@link ConfigWriter}),
 * what a reload applies or keeps ({@link #restartOnlyChanges}, {@link #keepRestartOnly}), the
 * range checks of the records, and {@code docs/configuration.md} ({@link ConfigReference}).
 *
 * <p>To add a key:
 * <ol>
 * <li>declare it below, in file order: {@code FILE.key("section.name", Types.X).byDefault(v)
 *     .range(min, max).live()|restart().doc("...").of(c -> c.section().name())}. Integers, sizes
 *     and durations must have a range (say why in a comment); types are in {@link Types}:
 *     {@code INT, SIZE, U32, BOOL, DURATION, STRING, PATH, SOCKET_PATH, FILE_MODE, GROUP, USERS,
 *     GROUPS, oneOf(Enum.class), listOf(type)}, {@code mapping(schema)}, {@code listOf(schema, ...)};
 * <li>add the component to the section's record and pass {@code v.get(KEY)} in its
 *     {@code from(Values)}; its compact constructor checks a ranged value with {@code KEY.require(x)};
 *     a new section is a new record plus a component of {@link StationdConfig};
 * <li>a list of mappings is {@code Types.listOf(schema, "what")} over a {@code Schema.fields(...)}
 *     declared above it with its own keys (see {@link #HOSTAPD_ENTRY}); a nested mapping such as
 *     a uids/gids rule is {@code Types.mapping(RULE)} (see {@link #ACCESS_READ}); a check across
 *     keys is a {@code FILE.rule(...)} in the static block; {@code TypesTest} declares an
 *     {@code enrich:}-shaped sample;
 * <li>{@code live()} only if the running daemon reads it through {@code ServerContext.config()}
 *     or {@code Daemon.reload()} applies it; otherwise {@code restart()};
 * <li>add the key to {@code config/stationd.yaml} and regenerate {@code docs/configuration.md}
 *     with {@link ConfigReference#REGENERATE} after {@code mvn package}; {@code ExampleConfigTest},
 *     {@code ConfigReferenceTest} and {@code LimitsTest} fail until that is done.
 * </ol>
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    // ---- access rules: {uids, gids}, the value of access.read, access.admin ----

    static final Schema<AccessRule> RULE = Schema.fields(AccessRule::from);
    static final Key<AccessRule, Set<Integer>> RULE_UIDS = RULE.key("uids", Types.USERS).byDefault(Set.of())
            .doc("Users allowed (names or uids).").of(AccessRule::uids);
    static final Key<AccessRule, Set<Integer>> RULE_GIDS = RULE.key("gids", Types.GROUPS).byDefault(Set.of())
            .doc("Groups allowed (names or gids): a command socket peer's primary or supplementary groups, an"
                    + " ingest datagram sender's primary group.").of(AccessRule::gids);

    // ---- one item of the hostapd: list ----

    static final Schema<HostapdConfig> HOSTAPD_ENTRY = Schema.fields(HostapdConfig::from);
    static final Key<HostapdConfig, Path> HOSTAPD_CTRL = HOSTAPD_ENTRY
            .key("ctrl", Types.socketNamedAfter("interface name", HostapdConfig.MAX_IFNAME_BYTES))
            .required("each hostapd entry needs the path of a control socket"
                    + " (ctrl_interface/<interface>, e.g. /run/hostapd/wlan0)")
            .doc("hostapd's control socket of one BSS; its file name is the interface name the stations get.")
            .of(HostapdConfig::ctrl);
    static final Key<HostapdConfig, Integer> HOSTAPD_GROUP_ID = HOSTAPD_ENTRY.key("group_id", Types.U32).byDefault(0)
            .doc("Policy group of the stations seen on this BSS; 0 = none.").of(HostapdConfig::groupId);
    static final Key<HostapdConfig, Boolean> HOSTAPD_ENFORCE_FILTERS = HOSTAPD_ENTRY
            .key("enforce_filters", Types.BOOL).byDefault(true)
            .doc("Put filtered MACs on hostapd's deny list (DENY_ACL) and deauthenticate them.")
            .of(HostapdConfig::enforceFilters);

    // ---- one item of the enrich.leases list ----

    static final Schema<LeaseFile> LEASE_ENTRY = Schema.fields(EnrichConfig::lease);
    static final Key<LeaseFile, Path> LEASE_PATH = LEASE_ENTRY.key("path", Types.PATH)
            .required("each lease file needs a path and a format (dnsmasq, isc or kea)")
            .doc("A DHCP server's lease file, read again whenever it changes.").of(LeaseFile::path);
    static final Key<LeaseFile, LeaseFormat> LEASE_FORMAT = LEASE_ENTRY.key("format", Types.oneOf(LeaseFormat.class))
            .required("each lease file needs a path and a format (dnsmasq, isc or kea)")
            .doc("dnsmasq (dnsmasq.leases), isc (dhcpd.leases) or kea (kea-leases4.csv, kea-leases6.csv).")
            .of(LeaseFile::format);

    // ---- the file ----

    /** The keys of the configuration file, in file order. */
    static final Schema<StationdConfig> FILE = Schema.file(StationdConfig::from);

    static final Key<StationdConfig, Path> SERVER_SOCKET = FILE.key("server.socket", Types.SOCKET_PATH)
            .byDefault(Path.of("/run/stationd/stationd.sock")).restart()
            .doc("Stream socket serving the command protocol.").of(c -> c.server().socket());
    static final Key<StationdConfig, Integer> SERVER_SOCKET_MODE = FILE.key("server.socket_mode", Types.FILE_MODE)
            .byDefault(0660).restart()
            .doc("Permission bits of the socket file.").of(c -> c.server().socketMode());
    static final Key<StationdConfig, SocketGroup> SERVER_SOCKET_GROUP = FILE.key("server.socket_group", Types.GROUP)
            .byDefault(SocketGroup.LEAVE).restart()
            .doc("Group owning the socket file.").of(c -> new SocketGroup(c.server().socketGroup(), c.server().socketGid()));
    // The kernel caps the backlog at net.core.somaxconn; 65535 is its largest value.
    static final Key<StationdConfig, Integer> SERVER_BACKLOG = FILE.key("server.backlog", Types.INT)
            .byDefault(128).range(1, 65535).restart()
            .doc("listen() backlog.").of(c -> c.server().backlog());
    // Far above what one AP's local clients need; each connection holds buffers and a descriptor.
    static final Key<StationdConfig, Integer> SERVER_MAX_CONNECTIONS = FILE.key("server.max_connections", Types.INT)
            .byDefault(1024).range(1, 65536).live()
            .doc("Concurrent client connections; the next one gets E_BUSY and is closed.")
            .of(c -> c.server().maxConnections());
    // Enough for a client that keeps a pool of connections; an eighth of the default max_connections,
    // so one user cannot take the slots of the others.
    static final Key<StationdConfig, Integer> SERVER_MAX_CONNECTIONS_PER_UID = FILE
            .key("server.max_connections_per_uid", Types.INT).byDefault(128).range(1, 65536).live()
            .doc("Connections one user may hold (root and the daemon's own user excepted); the next one gets"
                    + " E_BUSY and is closed.")
            .of(c -> c.server().maxConnectionsPerUid());
    // A few slots for root, the daemon's user and access.admin even when readers fill the rest.
    static final Key<StationdConfig, Integer> SERVER_ADMIN_RESERVE = FILE.key("server.admin_reserve", Types.INT)
            .byDefault(8).range(0, 65535).live()
            .doc("Of max_connections, the slots only admins (root, the daemon's user, access.admin) may take;"
                    + " at most max_connections - 1 of them.")
            .of(c -> c.server().adminReserve());
    // Below 100ms a client cannot send its request after connecting; a day keeps nanosecond timers far from overflow.
    static final Key<StationdConfig, Duration> SERVER_IDLE_TIMEOUT = FILE.key("server.idle_timeout", Types.DURATION)
            .byDefault(Duration.ofSeconds(60)).range(Duration.ofMillis(100), Duration.ofDays(1)).live()
            .doc("A connection with no complete request for this long is closed.").of(c -> c.server().idleTimeout());
    static final Key<StationdConfig, Integer> SERVER_IO_THREADS = FILE.key("server.io_threads", Types.INT)
            .byDefault(0).range(0, 256).restart()
            .doc("Event loop threads; 0 = one per CPU the daemon may run on.").of(c -> c.server().ioThreads());
    // Watermarks: below 1 KiB every reply toggles writability; above 64 MiB one client could take all direct memory.
    static final Key<StationdConfig, Integer> SERVER_WRITE_BUFFER_HIGH = FILE.key("server.write_buffer_high", Types.SIZE)
            .byDefault(1024 * 1024).range(1024, 64 * 1024 * 1024).restart()
            .doc("A client with this many reply bytes unsent is not read from until they drain below write_buffer_low.")
            .of(c -> c.server().writeBufferHigh());
    static final Key<StationdConfig, Integer> SERVER_WRITE_BUFFER_LOW = FILE.key("server.write_buffer_low", Types.SIZE)
            .byDefault(512 * 1024).range(1024, 64 * 1024 * 1024).restart()
            .doc("See write_buffer_high.").of(c -> c.server().writeBufferLow());
    // One log shared by every subscriber: 65536 events of 192 bytes = 12 MiB, however many subscribe.
    static final Key<StationdConfig, Integer> SERVER_SUBSCRIBER_BACKLOG = FILE
            .key("server.subscriber_backlog", Types.INT).byDefault(4096).range(1, 65536).live()
            .doc("Events a SUBSCRIBE client may have unread before it is disconnected.")
            .of(c -> c.server().subscriberBacklog());
    // With its reserve (a quarter more) and the room for new encodings of the table (half more), the
    // default stays at 12 MiB of the 64 MiB of direct memory of the shipped jvm.options; below 256 KiB
    // not even a 1,500-station table fits.
    static final Key<StationdConfig, Integer> SERVER_MAX_PENDING_BYTES = FILE
            .key("server.max_pending_bytes", Types.SIZE).byDefault(8 * 1024 * 1024)
            .range(256 * 1024, 1024 * 1024 * 1024).live()
            .doc("Bytes of replies waiting to be sent, over all connections; beyond it requests get E_BUSY and the"
                    + " slowest readers are disconnected (docs/security.md).")
            .of(c -> c.server().maxPendingBytes());

    static final Key<StationdConfig, Path> INGEST_SOCKET = FILE.key("ingest.socket", Types.SOCKET_PATH)
            .byDefault(Path.of("/run/stationd/events.sock")).restart()
            .doc("Datagram socket receiving one sta_event per datagram.").of(c -> c.ingest().socket());
    static final Key<StationdConfig, Integer> INGEST_SOCKET_MODE = FILE.key("ingest.socket_mode", Types.FILE_MODE)
            .byDefault(0620).restart()
            .doc("Permission bits of the ingest socket file.").of(c -> c.ingest().socketMode());
    static final Key<StationdConfig, SocketGroup> INGEST_SOCKET_GROUP = FILE.key("ingest.socket_group", Types.GROUP)
            .byDefault(SocketGroup.LEAVE).restart()
            .doc("Group owning the ingest socket file.").of(c -> new SocketGroup(c.ingest().socketGroup(), c.ingest().socketGid()));

    static final Key<StationdConfig, AccessRule> INGEST_ACCESS = FILE.key("ingest.access", Types.mapping(RULE))
            .byDefault(AccessRule.ANYONE).live()
            .doc("Who may send datagrams to the ingest socket, checked per datagram by the sender's credentials"
                    + " (uid, and gid as the primary group only); both lists empty = anyone who can open the socket;"
                    + " root and the daemon's own uid always may. Needs the daemon's JNI library.")
            .of(c -> c.ingest().access());

    static final Key<StationdConfig, Path> STATE_DIRECTORY = FILE.key("state.directory", Types.PATH)
            .byDefault(Path.of("/var/lib/stationd")).restart()
            .doc("Directory of the durable state: filters.conf and hostapd-deny.conf (the deny-list entries stationd added).")
            .of(c -> c.state().directory());

    // A million stations is far beyond one AP, and needs a larger heap than the shipped 64 MiB.
    static final Key<StationdConfig, Integer> TABLE_MAX_STATIONS = FILE.key("table.max_stations", Types.INT)
            .byDefault(65536).range(1, 1_000_000).live()
            .doc("Most stations kept; new stations beyond it are dropped and counted.")
            .of(c -> c.table().maxStations());
    // Below 1s stations would vanish between two expiry sweeps; 30 days is a month of silence.
    static final Key<StationdConfig, Duration> TABLE_EXPIRE_AFTER = FILE.key("table.expire_after", Types.DURATION)
            .byDefault(Duration.ofSeconds(300)).range(Duration.ofSeconds(1), Duration.ofDays(30)).live()
            .doc("A station not updated for this long is removed.").of(c -> c.table().expireAfter());

    // Every filter is on disk and in every table snapshot; a million is far beyond one AP.
    static final Key<StationdConfig, Integer> FILTERS_MAX_FILTERS = FILE.key("filters.max_filters", Types.INT)
            .byDefault(65536).range(1, 1_000_000).live()
            .doc("Most MAC filters; FILTER_ADD beyond it gets NAK E_FULL.").of(c -> c.filters().maxFilters());
    // A healthy fsync takes milliseconds, a slow SD card seconds; an hour is a disk that is gone.
    static final Key<StationdConfig, Duration> FILTERS_COMMIT_TIMEOUT = FILE
            .key("filters.commit_timeout", Types.DURATION).byDefault(Duration.ofSeconds(10))
            .range(Duration.ofMillis(100), Duration.ofHours(1)).live()
            .doc("A filter change (or kick) not done within this gets NAK E_BUSY and its connection is closed;"
                    + " the change may still be saved later (FILTER_LIST tells).")
            .of(c -> c.filters().commitTimeout());

    static final Key<StationdConfig, Level> LOG_LEVEL = FILE.key("log.level", Types.LOG_LEVEL)
            .byDefault(Level.INFO).live()
            .doc("Log level; under systemd each line goes to the journal with its priority.").of(c -> c.log().level());

    static final Key<StationdConfig, AccessRule> ACCESS_READ = FILE.key("access.read", Types.mapping(RULE))
            .byDefault(AccessRule.ANYONE).live()
            .doc("Who may query (list, get, ping, subscribe); both lists empty = anyone who can open the socket.")
            .of(c -> c.access().read());
    static final Key<StationdConfig, AccessRule> ACCESS_ADMIN = FILE.key("access.admin", Types.mapping(RULE))
            .byDefault(AccessRule.ANYONE).live()
            .doc("Who may change filters (FILTER_ADD/DEL/FLUSH); root and the daemon's own uid always may.")
            .of(c -> c.access().admin());

    static final Key<StationdConfig, List<HostapdConfig>> HOSTAPD = FILE.key("hostapd",
                    Types.listOf(HOSTAPD_ENTRY, "control sockets (- ctrl: /run/hostapd/wlan0)")
                            .unique(HostapdConfig::ctrl, (c, line) -> ".ctrl: " + c.ctrl()
                                    + " is listed twice (first at line " + line + ")")
                            .unique(HostapdConfig::ifname, (c, line) -> ".ctrl: another control socket is also named '"
                                    + c.ifname() + "' (line " + line
                                    + "); the socket name is the interface name, so it must be unique"))
            .byDefault(List.of()).restart()
            .doc("hostapd control sockets (one per BSS) to follow as a station source; none = the source is off."
                    + " No two entries may share a control socket or an interface name.")
            .of(c -> c.hostapd().interfaces());
    // Below 1s the resync is a busy loop against hostapd; an hour still repairs missed events the same day.
    static final Key<StationdConfig, Duration> HOSTAPD_RESYNC = FILE.key("hostapd_resync", Types.DURATION)
            .byDefault(Duration.ofSeconds(30)).range(Duration.ofSeconds(1), Duration.ofHours(1)).restart()
            .doc("Full re-read of each hostapd interface's stations (never longer than half of table.expire_after).")
            .of(c -> c.hostapd().resync());
    // hostapd is single-threaded: every STA-NEXT of a re-read (a driver round trip on real hardware)
    // delays its handling of the air, so a big access point is re-read at an even pace, not in bursts.
    static final Key<StationdConfig, Integer> HOSTAPD_RESYNC_RATE = FILE.key("hostapd_resync_rate", Types.INT)
            .byDefault(100).range(10, 1_000_000).restart()
            .doc("Most stations a second the re-reads of all hostapd interfaces ask about together (raised when"
                    + " needed so that every station is re-read within four fifths of table.expire_after).")
            .of(c -> c.hostapd().resyncRate());

    static final Key<StationdConfig, Boolean> ENRICH_NEIGHBOURS = FILE.key("enrich.neighbours", Types.BOOL)
            .byDefault(false).restart()
            .doc("Learn stations' ipv4/ipv6 from the kernel's neighbour table (rtnetlink; needs the JNI library"
                    + " and, under systemd, stationd-netlink.socket).")
            .of(c -> c.enrich().neighbours());
    static final Key<StationdConfig, List<String>> ENRICH_INTERFACES = FILE.key("enrich.interfaces",
                    Types.listOf(Types.INTERFACE))
            .byDefault(List.of()).restart()
            .doc("Only neighbour entries on these interfaces count (e.g. the bridge the BSSes are on); [] = all.")
            .of(c -> c.enrich().interfaces());
    static final Key<StationdConfig, List<LeaseFile>> ENRICH_LEASES = FILE.key("enrich.leases",
                    Types.listOf(LEASE_ENTRY, "lease files (- { path: /var/lib/misc/dnsmasq.leases, format: dnsmasq })")
                            .unique(LeaseFile::path, (l, line) -> ".path: " + l.path() + " is listed twice (first at line "
                                    + line + ")"))
            .byDefault(List.of()).restart()
            .doc("DHCP lease files whose addresses and host names stations get; none = leases are not read."
                    + " No file may be listed twice.")
            .of(c -> c.enrich().leases());
    // The Prometheus endpoint; under systemd a socket unit passes it instead (stationd-metrics.socket).
    static final Key<StationdConfig, ListenAddress> METRICS_LISTEN = FILE.key("metrics.listen", Types.LISTEN)
            .byDefault(ListenAddress.OFF).restart()
            .doc("Serve GET /metrics (Prometheus) on this TCP address, e.g. 127.0.0.1:9089; \"\" = off."
                    + " A socket named metrics passed by systemd is used instead. No authentication: keep it local"
                    + " or firewalled.")
            .of(c -> c.metrics().listen());
    static final Key<StationdConfig, Boolean> METRICS_PER_STATION = FILE.key("metrics.per_station", Types.BOOL)
            .byDefault(false).live()
            .doc("Also export series per station (signal, rates, bytes), labelled by MAC: one set per station,"
                    + " so thousands of series on a busy AP.")
            .of(c -> c.metrics().perStation());

    static {
        FILE.rule("`server.write_buffer_high` is at least `server.write_buffer_low`.",
                List.of(SERVER_WRITE_BUFFER_HIGH, SERVER_WRITE_BUFFER_LOW), (v, problems) -> {
                    int high = v.get(SERVER_WRITE_BUFFER_HIGH);
                    int low = v.get(SERVER_WRITE_BUFFER_LOW);
                    if (high < low) {
                        problems.at(v.nodeOfFirst(SERVER_WRITE_BUFFER_HIGH, SERVER_WRITE_BUFFER_LOW),
                                "server.write_buffer_high: must be >= server.write_buffer_low, got " + high + " < " + low);
                    }
                });
        FILE.rule("`ingest.socket` and `server.socket` are different paths.",
                List.of(SERVER_SOCKET, INGEST_SOCKET), (v, problems) -> {
                    if (v.get(SERVER_SOCKET).equals(v.get(INGEST_SOCKET))) {
                        // the defaults differ, so at least one of the two keys is present
                        problems.at(v.nodeOfFirst(INGEST_SOCKET, SERVER_SOCKET),
                                "ingest.socket: must differ from server.socket (" + v.get(INGEST_SOCKET) + ")");
                    }
                });
    }

    /** @return the built-in defaults: every key at its default */
    static StationdConfig defaults() {
        return FILE.build(new Values());
    }

    /**
     * @return the paths of the keys that differ between {@code running} and {@code next} but
     *     only take effect on restart, in file order
     */
    public static List<String> restartOnlyChanges(StationdConfig running, StationdConfig next) {
        return FILE.changed(running, next, Reload.RESTART).stream().map(Key::path).toList();
    }

    /** @return {@code next} with the running values of every key that only changes on restart */
    public static StationdConfig keepRestartOnly(StationdConfig running, StationdConfig next) {
        return FILE.keep(running, next, Reload.RESTART).withSource(next.source());
    }

    /** @return one {@code key: old -> new} entry per live key that differs, in file order */
    public static List<String> liveChanges(StationdConfig running, StationdConfig next) {
        return FILE.changed(running, next, Reload.LIVE).stream().map(k -> change(k, running, next)).toList();
    }

    private static <T> String change(Key<StationdConfig, T> key, StationdConfig a, StationdConfig b) {
        return key.path() + ": " + key.type().show(key.get(a)) + " -> " + key.type().show(key.get(b));
    }
}
