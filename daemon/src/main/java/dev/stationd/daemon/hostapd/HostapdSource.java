package dev.stationd.daemon.hostapd;

import dev.stationd.daemon.config.HostapdConfig;
import dev.stationd.daemon.config.HostapdSettings;
import dev.stationd.daemon.persist.HostapdDenyFile;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.MacAddress;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * hostapd as a station source and filter enforcer: one {@link HostapdLink} per configured control
 * socket, all on one event loop of the daemon's group (so they never block it and never race
 * each other).
 *
 * <p>Each link binds a private client socket in {@code <runtimeDir>/hostapd-client/<ifname>},
 * connects it to hostapd's control socket, {@code ATTACH}es, loads the stations with
 * {@code STA-FIRST}/{@code STA-NEXT}, follows {@code AP-STA-CONNECTED}/{@code AP-STA-DISCONNECTED},
 * re-reads everything every {@code hostapd_resync} (at the {@link ResyncPace} all links share),
 * {@code PING}s for liveness and reconnects with backoff when hostapd goes away. With
 * {@code enforce_filters} it keeps hostapd's deny list ({@code DENY_ACL}) in step with stationd's
 * filters and deauthenticates filtered stations.
 *
 * <p>Pieces, one job each: {@link HostapdLink} (life cycle: connect, backoff, attach, timers),
 * {@link ControlChannel} (one connection: request queue, fences, timeouts, events),
 * {@link BssStations} (the BSS's stations and their table records), {@link DenyListEnforcer}
 * (the deny list and deauthentication of filtered stations).
 *
 * <p>Thread-safety: {@link #filtersChanged} may be called from any thread; {@link #start} and
 * {@link #close} from the daemon's main thread.
 */
public final class HostapdSource implements StationKicker, AutoCloseable {
    /** Name of the directory (under the runtime directory) holding the client sockets. */
    public static final String CLIENT_DIR = "hostapd-client";
    private static final Logger LOG = LoggerFactory.getLogger(HostapdSource.class);
    /** Longest Unix socket path ({@code sun_path} minus the NUL). */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final HostapdSettings settings;
    private final StationTable table;
    private final Supplier<Duration> expireAfter;
    private final Path clientDir;
    private final Path stateDir;
    private final ResyncPace pace;
    private DenyLedger ledger;
    /** Set once by {@link #start}; never changed after. */
    private volatile List<HostapdLink> links = List.of();
    private volatile FilterSet filters = FilterSet.empty();
    private volatile EventLoop loop;
    private boolean started;
    private boolean closed;

    /**
     * @param settings the {@code hostapd:} list and {@code hostapd_resync}
     * @param table the station table the stations go to
     * @param expireAfter the current {@code table.expire_after} (read on every use: it may change on reload)
     * @param runtimeDir directory for the private client sockets (the daemon's socket directory)
     * @param stateDir the state directory ({@code state.directory}): {@link HostapdDenyFile} records
     *     there which deny-list entries stationd added
     */
    public HostapdSource(HostapdSettings settings, StationTable table, Supplier<Duration> expireAfter,
            Path runtimeDir, Path stateDir) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.table = Objects.requireNonNull(table, "table");
        this.expireAfter = Objects.requireNonNull(expireAfter, "expireAfter");
        this.clientDir = runtimeDir.toAbsolutePath().resolve(CLIENT_DIR);
        this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
        this.pace = new ResyncPace(settings.resyncRate(), this::stationCount, expireAfter, this::resync);
    }

    /**
     * Publishes the filters in force (the {@code FilterService} publish hook). Never blocks: the
     * links pick the set up on their event loop. May be called before {@link #start}.
     *
     * @param newFilters the durable filter set
     */
    public void filtersChanged(FilterSet newFilters) {
        filters = Objects.requireNonNull(newFilters, "filters");
        EventLoop l = loop;
        if (l != null) {
            try {
                l.execute(() -> {
                    for (HostapdLink link : links) {
                        link.filtersChanged();
                    }
                });
            } catch (RejectedExecutionException e) {
                LOG.debug("hostapd: filter change after the event loop stopped");
            }
        }
    }

    /**
     * Starts following every configured control socket. hostapd need not be running: each link
     * retries with backoff. Call once, after the daemon's own sockets are bound.
     *
     * @param group the daemon's event loop group; one of its loops runs every link
     */
    public synchronized void start(EventLoopGroup group) {
        if (started || closed) {
            return;
        }
        started = true;
        if (settings.isEmpty()) {
            return;
        }
        try {
            prepareClientDir();
        } catch (IOException e) {
            LOG.error("hostapd: cannot create the client socket directory {}: {}; hostapd support is off",
                    clientDir, e.toString());
            return;
        }
        ledger = DenyLedger.open(new HostapdDenyFile(stateDir));
        EventLoop l = group.next();
        List<HostapdLink> created = new ArrayList<>();
        for (HostapdConfig c : settings.interfaces()) {
            Path client = clientDir.resolve(c.ifname());
            int len = client.toString().getBytes(StandardCharsets.UTF_8).length;
            if (len > MAX_SOCKET_PATH_BYTES) {
                LOG.error("hostapd {}: client socket path {} is {} bytes, more than {}; skipping this interface",
                        c.ifname(), client, len, MAX_SOCKET_PATH_BYTES);
                continue;
            }
            created.add(new HostapdLink(this, c, client, l, ledger));
        }
        links = List.copyOf(created);
        loop = l;
        l.execute(() -> {
            for (HostapdLink link : links) {
                link.start();
            }
        });
        LOG.info("hostapd: following {} control socket(s), resync every {}s at up to {} stations/s", links.size(),
                settings.resync().toSeconds(), settings.resyncRate());
    }

    /** Stops every link (sending {@code DETACH}), waits briefly, and removes the client sockets. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        EventLoop l = loop;
        if (l != null) {
            CountDownLatch done = new CountDownLatch(1);
            try {
                l.execute(() -> {
                    try {
                        for (HostapdLink link : links) {
                            link.stop();
                        }
                    } finally {
                        done.countDown();
                    }
                });
                if (!done.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("hostapd: links did not stop within {}", CLOSE_WAIT);
                }
            } catch (RejectedExecutionException e) {
                LOG.debug("hostapd: event loop already stopped");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ledger != null) {
            ledger.close();
        }
        if (started && !settings.isEmpty()) {
            removeClientDir();
        }
    }

    /** @return e.g. {@code "hostapd 1/2 up"}, or {@code ""} when no hostapd is configured */
    public String status() {
        List<HostapdLink> all = links;
        if (all.isEmpty()) {
            return "";
        }
        int up = 0;
        for (HostapdLink link : all) {
            if (link.state() == LinkState.UP) {
                up++;
            }
        }
        return "hostapd " + up + "/" + all.size() + " up";
    }

    /** @return a snapshot of every link, in configuration order (empty before {@link #start}) */
    public List<HostapdLinkStats> stats() {
        List<HostapdLinkStats> out = new ArrayList<>();
        for (HostapdLink link : links) {
            DenyListEnforcer e = link.enforcer();
            out.add(new HostapdLinkStats(link.ifname(), link.state(), link.reconnects(), link.stations(),
                    e.entries(), e.restores(), e.deauthentications(), link.problem()));
        }
        return out;
    }

    /**
     * @return the stations a second the periodic re-reads of all links may ask hostapd about now
     *     ({@code hostapd_resync_rate}, or more when the table's expiry needs it); empty when no
     *     interface is followed
     */
    public OptionalDouble resyncRate() {
        return links.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(pace.rate());
    }

    /** @return the client socket directory */
    public Path clientDir() {
        return clientDir;
    }

    @Override
    public CompletableFuture<List<Target>> find(MacAddress mac, int groupId, String ifname) {
        return onLoop(() -> {
            List<Target> out = new ArrayList<>();
            for (HostapdLink link : links) {
                out.addAll(link.holding(mac, groupId, ifname));
            }
            return CompletableFuture.completedFuture(out);
        });
    }

    @Override
    public CompletableFuture<List<Target>> kick(List<Target> targets) {
        return onLoop(() -> {
            Map<String, List<Target>> byBss = new LinkedHashMap<>();
            for (Target t : targets) {
                byBss.computeIfAbsent(t.ifname(), k -> new ArrayList<>()).add(t);
            }
            List<CompletableFuture<List<Target>>> rounds = new ArrayList<>();
            for (HostapdLink link : links) {
                List<Target> mine = byBss.remove(link.ifname());
                if (mine != null) {
                    KickRound round = new KickRound(mine);
                    link.kick(round); // one round of requests per BSS, all BSSs at once
                    rounds.add(round.done());
                }
            }
            return CompletableFuture.allOf(rounds.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                List<Target> kicked = new ArrayList<>();
                for (CompletableFuture<List<Target>> r : rounds) {
                    kicked.addAll(r.join());
                }
                return kicked;
            });
        });
    }

    /** Runs {@code task} on the links' loop; no loop (nothing followed): an empty result. */
    private CompletableFuture<List<Target>> onLoop(Supplier<CompletableFuture<List<Target>>> task) {
        EventLoop l = loop;
        if (l == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        CompletableFuture<List<Target>> out = new CompletableFuture<>();
        try {
            l.execute(() -> task.get().whenComplete((r, t) -> {
                if (t != null) {
                    out.completeExceptionally(t);
                } else {
                    out.complete(r);
                }
            }));
        } catch (RejectedExecutionException e) {
            out.complete(List.of()); // shutting down: the links are gone
        }
        return out;
    }

    // ---- for the links (on the loop) ----

    StationTable table() {
        return table;
    }

    FilterSet filters() {
        return filters;
    }

    Duration resync() {
        Duration expire = expireAfter.get();
        Duration half = expire.dividedBy(2);
        Duration r = settings.resync();
        if (half.compareTo(r) < 0) {
            r = half; // refresh last_seen_ms before table expiry would remove a present station
        }
        return r.compareTo(Duration.ofMillis(250)) < 0 ? Duration.ofMillis(250) : r;
    }

    /** @return the pace all re-reads share */
    ResyncPace resyncPace() {
        return pace;
    }

    private int stationCount() {
        int n = 0;
        for (HostapdLink link : links) {
            n += link.stations();
        }
        return n;
    }

    Duration expireAfter() {
        return expireAfter.get();
    }

    private void prepareClientDir() throws IOException {
        if (!Files.isDirectory(clientDir)) {
            Files.createDirectories(clientDir);
            Files.setPosixFilePermissions(clientDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(clientDir)) {
            for (Path p : ds) { // stale sockets of a previous run that did not exit cleanly
                Files.deleteIfExists(p);
            }
        }
    }

    private void removeClientDir() {
        try {
            if (Files.isDirectory(clientDir)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(clientDir)) {
                    for (Path p : ds) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(clientDir);
            }
        } catch (IOException e) {
            LOG.warn("hostapd: cannot remove {}: {}", clientDir, e.toString());
        }
    }
}
