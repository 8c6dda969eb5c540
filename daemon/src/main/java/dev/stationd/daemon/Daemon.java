package dev.stationd.daemon;

import dev.stationd.daemon.config.ConfigException;
import dev.stationd.daemon.config.ConfigKeys;
import dev.stationd.daemon.config.ConfigLoader;
import dev.stationd.daemon.config.StationdConfig;
import dev.stationd.daemon.enrich.Enrichment;
import dev.stationd.daemon.hostapd.HostapdSource;
import dev.stationd.daemon.logging.LogSetup;
import dev.stationd.daemon.metrics.MetricsEndpoint;
import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.persist.FilterService;
import dev.stationd.daemon.persist.StateFileException;
import dev.stationd.daemon.server.CollectionPacer;
import dev.stationd.daemon.server.CommandProcessor;
import dev.stationd.daemon.server.Fatal;
import dev.stationd.daemon.server.NativeMemory;
import dev.stationd.daemon.server.ServerContext;
import dev.stationd.daemon.server.ServerStats;
import dev.stationd.daemon.server.StationServer;
import dev.stationd.daemon.systemd.ListenFds;
import dev.stationd.daemon.systemd.SdNotify;
import dev.stationd.daemon.systemd.Watchdog;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.StationTable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The composition root: loads state, binds the sockets, runs until SIGTERM/SIGINT, reloads the
 * configuration on SIGHUP, and shuts down cleanly (exit 0).
 *
 * <p>Under systemd it adopts socket-activated sockets ({@link ListenFds}), reports its state with
 * {@link SdNotify} ({@code READY=1} once both sockets are bound or adopted and the state is
 * loaded, {@code STATUS=} refreshed, {@code RELOADING=1}/{@code READY=1} around a reload,
 * {@code STOPPING=1}) and feeds the {@link Watchdog}. The daemon starts no child processes, so
 * the activation variables it cannot unset are harmless (they only count for {@code LISTEN_PID}).
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /** sysexits EX_DATAERR: the state file is corrupt. */
    public static final int EX_DATAERR = 65;
    /** sysexits EX_UNAVAILABLE: a socket cannot be bound. */
    public static final int EX_UNAVAILABLE = 69;
    /** How long shutdown waits for replies in flight. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);
    /** Shortest period of the expiry sweep. */
    static final Duration MIN_EXPIRY_PERIOD = Duration.ofMillis(100);
    /** Longest period of the expiry sweep. */
    static final Duration MAX_EXPIRY_PERIOD = Duration.ofSeconds(1);
    /** How often the encoded table is brought up to date ahead of queries (see CommandProcessor.encodeAhead). */
    static final Duration ENCODE_AHEAD_PERIOD = Duration.ofMillis(500);
    /** How often {@code STATUS=} is refreshed (sent only when it changed). */
    static final Duration STATUS_PERIOD = Duration.ofSeconds(Long.getLong("stationd.statusSeconds", 5));

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch testBlockRelease = new CountDownLatch(1);
    private final Map<String, String> env;
    private SdNotify notify = SdNotify.disabled();
    private boolean exitAfterStart;
    private Watchdog watchdog;
    private StationServer server;
    private ScheduledFuture<?> expiryTask;
    private StationdConfig config;
    private StationTable table;
    private FilterService filters;
    private ServerContext context;
    private HostapdSource hostapd;
    private Enrichment enrichment;
    /** The Prometheus endpoint; {@code null} when metrics are off (then none of its classes is loaded). */
    private MetricsEndpoint metrics;

    /** @param config the validated configuration */
    public Daemon(StationdConfig config) {
        this(config, System.getenv());
    }

    /**
     * @param config the validated configuration
     * @param env the environment to read the systemd variables from
     */
    public Daemon(StationdConfig config, Map<String, String> env) {
        this.config = config;
        this.env = Objects.requireNonNull(env, "env");
    }

    /**
     * Makes {@link #runUntilSignalled()} stop right after a complete start-up and one request
     * to itself (for building the class-data sharing archive at package time).
     *
     * @return this daemon
     */
    public Daemon exitAfterStart() {
        this.exitAfterStart = true;
        return this;
    }

    /**
     * Runs the daemon on the calling thread until a stop signal arrives.
     *
     * @return the process exit code
     */
    public int runUntilSignalled() {
        Fatal.install();
        NativeMemory.tune();
        // Stop signals are taken from the first moment: the command socket answers before start-up
        // has finished, and a TERM in that window would otherwise end the JVM with 143 and no clean stop.
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        long pid = ProcessHandle.current().pid();
        ListenFds activated;
        try {
            activated = ListenFds.fromEnvironment(env, pid);
        } catch (IllegalStateException e) {
            LOG.error("cannot start: socket activation: {}", e.getMessage());
            failed("socket activation: " + e.getMessage());
            return EX_UNAVAILABLE;
        }
        FilterFile file = new FilterFile(config.state().directory());
        FilterSet initial;
        try {
            initial = file.load();
        } catch (StateFileException e) {
            LOG.error("cannot start: state file is corrupt: {}", e.getMessage());
            failed("state file is corrupt: " + e.getMessage());
            return EX_DATAERR;
        } catch (IOException e) {
            LOG.error("cannot start: cannot read state in {}: {}", config.state().directory(), e.toString());
            failed("cannot read state: " + e);
            return EX_DATAERR;
        }
        // expiry on the monotonic clock: no step of the wall clock expires or keeps stations
        table = new StationTable(config.table().maxStations(), System::currentTimeMillis,
                () -> System.nanoTime() / 1_000_000);
        if (config.enrich().enabled()) {
            try {
                enrichment = Enrichment.start(new Enrichment.Settings(config.enrich().neighbours(),
                        Set.copyOf(config.enrich().interfaces()), config.enrich().leases()), table, activated.netlink(),
                        System::currentTimeMillis);
            } catch (Enrichment.StartException e) {
                LOG.error("cannot start: {}", e.getMessage());
                failed(e.getMessage());
                return Main.EX_CONFIG;
            }
        } else if (activated.netlink().isPresent()) {
            LOG.info("ignoring the netlink socket from systemd: enrich.neighbours is off");
        }
        hostapd = new HostapdSource(config.hostapd(), table,
                () -> context.config().table().expireAfter(),
                config.server().socket().toAbsolutePath().getParent(), config.state().directory());
        // The service publishes `initial` through this hook right away: the table and hostapd start
        // with the loaded filters.
        filters = new FilterService(file, initial, config.filters().maxFilters(), fs -> {
            table.setFilters(fs);
            hostapd.filtersChanged(fs);
        });
        if (!config.ingest().access().isOpen() && !StationServer.canCheckIngestSenders()) {
            // a rule that cannot be enforced is not started with: it would look enforced
            String why = "ingest.access lists who may send datagrams, but only the batched ingest reader"
                    + " (libstationd_ingest on java.library.path) reads the senders' credentials, and it is not there";
            LOG.error("cannot start: {}", why);
            filters.close();
            failed(why);
            return Main.EX_CONFIG;
        }
        context = new ServerContext(config, table, new CommandProcessor(table, filters, hostapd));
        server = new StationServer(context);
        try {
            server.start(activated);
        } catch (IOException | InterruptedException e) {
            LOG.error("cannot start: {}", e.getMessage());
            server.close();
            filters.close();
            context.processor().close();
            if (enrichment != null) {
                enrichment.close();
            }
            failed(e.getMessage());
            return EX_UNAVAILABLE;
        }
        // The command socket answers from here on. The sd_notify channel (an event loop and a
        // connected datagram socket of its own) is set up only now, off the path to the first
        // answer; READY=1 follows below either way.
        notify = SdNotify.fromEnvironment(env);
        scheduleExpiry();
        scheduleEncodeAhead();
        scheduleCollectionPacer();
        hostapd.start(server.group());
        if (activated.metrics().isPresent() || !config.metrics().listen().isOff()) {
            try {
                metrics = MetricsEndpoint.start(context, server, filters, hostapd, enrichment, activated.metrics());
            } catch (IOException e) {
                // asked for and not served would be worse than not starting: it looks like a healthy daemon
                LOG.error("cannot start: metrics: {}", e.getMessage());
                notify.close();
                failed("metrics: " + e.getMessage());
                hostapd.close();
                filters.close();
                server.close();
                context.processor().close();
                if (enrichment != null) {
                    enrichment.close();
                }
                return EX_UNAVAILABLE;
            }
        }
        Signal.handle(new Signal("HUP"), s -> new Thread(this::reload, "stationd-reload").start());
        if (Boolean.getBoolean(Watchdog.TEST_BLOCK_PROPERTY)) {
            LOG.warn("TEST ONLY: SIGUSR2 blocks an event loop ({}=true)", Watchdog.TEST_BLOCK_PROPERTY);
            Signal.handle(new Signal("USR2"), s -> Watchdog.blockOneLoop(server.group(), testBlockRelease));
        }
        LOG.info("stationd {} started: socket={}{} ingest={}{} state={} stations={} filters={} pid={}", Version.get(),
                config.server().socket(), server.streamAdopted() ? " (from systemd)" : "",
                config.ingest().socket(), server.ingestAdopted() ? " (from systemd)" : "",
                config.state().directory(), table.size(), initial.size(), pid);
        // Both sockets are bound or adopted and registered, the state is loaded: queries are answered.
        notify.ready(status());
        notify.refreshStatus(this::status, STATUS_PERIOD);
        Optional<Duration> watchdogTimeout = Watchdog.timeout(env, pid);
        if (watchdogTimeout.isPresent() && notify.enabled()) {
            watchdog = new Watchdog(server.group(), notify, watchdogTimeout.get(), List.of(filters::stall));
            watchdog.start();
        }
        if (exitAfterStart) {
            try {
                SelfCheck.run(config.server().socket());
                LOG.info("--exit-after-start: answered a self-check, stopping");
            } catch (IOException e) {
                LOG.error("--exit-after-start: self-check failed: {}", e.toString());
            }
            stop.countDown();
        }
        while (true) {
            try {
                stop.await();
                break;
            } catch (InterruptedException e) {
                // keep waiting for the signal
            }
        }
        return shutdown(server);
    }

    /** @return the {@code STATUS=} text: what the daemon holds and serves */
    String status() {
        String h = hostapd == null ? "" : hostapd.status();
        return "serving: " + table.size() + " stations, " + filters.current().size() + " filters, "
                + context.stats().connections.get() + " connections" + (h.isEmpty() ? "" : ", " + h)
                + (enrichment == null ? "" : ", " + enrichment.status());
    }

    /** Tells systemd why the start failed (before the sd_notify channel of a running daemon exists). */
    private void failed(String why) {
        try (SdNotify n = SdNotify.fromEnvironment(env)) {
            if (n.enabled()) {
                n.sendAndWait("STATUS=cannot start: " + why, Duration.ofSeconds(1));
            }
        }
    }

    private void scheduleExpiry() {
        long period = Math.max(MIN_EXPIRY_PERIOD.toMillis(),
                Math.min(MAX_EXPIRY_PERIOD.toMillis(), config.table().expireAfter().toMillis() / 10));
        if (expiryTask != null) {
            expiryTask.cancel(false);
        }
        expiryTask = server.group().next().scheduleAtFixedRate(() -> {
            int removed = table.expire(context.config().table().expireAfter());
            if (removed > 0) {
                LOG.debug("expired {} stations", removed);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    private void scheduleEncodeAhead() {
        server.group().next().scheduleAtFixedRate(() -> context.processor().encodeAhead(context.budget()),
                ENCODE_AHEAD_PERIOD.toMillis(), ENCODE_AHEAD_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduleCollectionPacer() {
        CollectionPacer.startOnChurn(server.group().next(), table::version, context.stats());
    }

    private int shutdown(StationServer server) {
        LOG.info("stopping: {} connections open", context.stats().connections.get());
        notify.stopping("stopping: " + context.stats().connections.get() + " connections open");
        if (watchdog != null) {
            watchdog.close();
        }
        testBlockRelease.countDown();
        context.beginShutdown();
        server.stopAccepting();
        if (metrics != null) {
            metrics.close();
        }
        filters.close(); // drains changes in flight: every ACKed change is on disk
        hostapd.close();
        if (enrichment != null) {
            enrichment.close();
        }
        server.close(SHUTDOWN_GRACE); // replies in flight get up to 2 s
        context.close(); // the event loops are gone: nothing asks for the cached reply nor events any more
        LOG.info("stopped: stations={} filters={} requests={} events={}", table.size(), filters.current().size(),
                context.stats().requests.total(), context.stats().datagramCount(ServerStats.Datagram.APPLIED));
        notify.close();
        return 0;
    }

    /**
     * Re-reads the configuration (SIGHUP, {@code systemctl reload}); applies what can change live
     * (log level, limits, idle timeout, subscriber backlog, access lists, expiry) and keeps the
     * rest, logging what needs a restart. An invalid file changes nothing: every problem is logged
     * as {@code FILE:LINE:COLUMN: message}. Connections and the table are untouched. systemd hears
     * {@code RELOADING=1} before and {@code READY=1} after, whatever the outcome.
     */
    synchronized void reload() {
        if (context == null || context.isShuttingDown()) {
            LOG.info("reload ignored: shutting down");
            return;
        }
        notify.reloading();
        try {
            reloadConfig();
        } catch (RuntimeException e) {
            LOG.error("reload failed, keeping the running configuration", e);
        } finally {
            notify.ready(status());
        }
    }

    private void reloadConfig() {
        StationdConfig next;
        try {
            next = ConfigLoader.load(config.source());
        } catch (ConfigException e) {
            LOG.error("reload failed, keeping the running configuration: {} has {} error(s)", config.source(),
                    e.errors().size());
            for (String line : e.errors()) {
                LOG.error("{}", line);
            }
            return;
        }
        if (!next.ingest().access().isOpen() && !server.checksIngestSenders()) {
            LOG.error("reload failed, keeping the running configuration: ingest.access lists who may send datagrams,"
                    + " but the batched ingest reader that reads the senders' credentials is not running");
            return;
        }
        List<String> restart = ConfigKeys.restartOnlyChanges(config, next);
        if (!restart.isEmpty()) {
            LOG.warn("reload: {} change(s) only on restart; keeping the running values", String.join(", ", restart));
        }
        StationdConfig applied = ConfigKeys.keepRestartOnly(config, next);
        List<String> changes = ConfigKeys.liveChanges(config, applied);
        LogSetup.setLevel(applied.log().level());
        table.setMaxStations(applied.table().maxStations());
        filters.setMaxFilters(applied.filters().maxFilters());
        boolean expiryChanged = !applied.table().expireAfter().equals(config.table().expireAfter());
        context.config(applied);
        config = applied;
        if (expiryChanged) {
            scheduleExpiry();
        }
        LOG.info("configuration reloaded from {}: {}", applied.source(),
                changes.isEmpty() ? "no live changes" : String.join(", ", changes));
        LOG.debug("reload: log level is now {}", applied.log().levelName());
    }
}
