package dev.stationd.daemon;

import dev.stationd.daemon.config.ConfigException;
import dev.stationd.daemon.config.ConfigLoader;
import dev.stationd.daemon.config.StationdConfig;
import dev.stationd.daemon.logging.LogSetup;
import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.persist.FilterService;
import dev.stationd.daemon.persist.StateFileException;
import dev.stationd.daemon.server.CommandProcessor;
import dev.stationd.daemon.server.ServerContext;
import dev.stationd.daemon.server.StationServer;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.StationTable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The composition root: loads state, binds the sockets, runs until SIGTERM/SIGINT, reloads the
 * configuration on SIGHUP, and shuts down cleanly (exit 0).
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

    private final CountDownLatch stop = new CountDownLatch(1);
    private StationdConfig config;
    private StationTable table;
    private FilterService filters;
    private ServerContext context;

    /** @param config the validated configuration */
    public Daemon(StationdConfig config) {
        this.config = config;
    }

    /**
     * Runs the daemon on the calling thread until a stop signal arrives.
     *
     * @return the process exit code
     */
    public int runUntilSignalled() {
        FilterFile file = new FilterFile(config.state().directory());
        FilterSet initial;
        try {
            initial = file.load();
        } catch (StateFileException e) {
            LOG.error("cannot start: state file is corrupt: {}", e.getMessage());
            return EX_DATAERR;
        } catch (IOException e) {
            LOG.error("cannot start: cannot read state in {}: {}", config.state().directory(), e.toString());
            return EX_DATAERR;
        }
        table = new StationTable(config.table().maxStations(), System::currentTimeMillis);
        table.setFilters(initial);
        filters = new FilterService(file, initial, config.filters().maxFilters(), table::setFilters);
        context = new ServerContext(config, table, new CommandProcessor(table, filters));
        StationServer server = new StationServer(context);
        try {
            server.start();
        } catch (IOException | InterruptedException e) {
            LOG.error("cannot start: {}", e.getMessage());
            server.close();
            filters.close();
            return EX_UNAVAILABLE;
        }
        scheduleExpiry(server);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("HUP"), s -> new Thread(this::reload, "stationd-reload").start());
        LOG.info("stationd {} started: socket={} ingest={} state={} stations={} filters={} pid={}", Version.get(),
                config.server().socket(), config.ingest().socket(), config.state().directory(), table.size(),
                initial.size(), ProcessHandle.current().pid());
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

    private void scheduleExpiry(StationServer server) {
        long period = Math.max(MIN_EXPIRY_PERIOD.toMillis(),
                Math.min(MAX_EXPIRY_PERIOD.toMillis(), config.table().expireAfter().toMillis() / 10));
        server.group().next().scheduleAtFixedRate(() -> {
            int removed = table.expire(context.config().table().expireAfter());
            if (removed > 0) {
                LOG.debug("expired {} stations", removed);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    private int shutdown(StationServer server) {
        LOG.info("stopping: {} connections open", context.stats().connections.get());
        context.beginShutdown();
        server.stopAccepting();
        filters.close(); // drains changes in flight: every ACKed change is on disk
        server.close();
        LOG.info("stopped: stations={} filters={} requests={} events={}", table.size(), filters.current().size(),
                context.stats().requests.sum(), context.stats().eventsApplied.sum());
        return 0;
    }

    /** Re-reads the configuration; applies what can change live, keeps the rest. */
    void reload() {
        StationdConfig next;
        try {
            next = ConfigLoader.load(config.source());
        } catch (ConfigException e) {
            LOG.error("reload failed, keeping the running configuration: {}", String.join("; ", e.errors()));
            return;
        }
        if (!next.server().socket().equals(config.server().socket())
                || !next.ingest().socket().equals(config.ingest().socket())
                || !next.state().directory().equals(config.state().directory())) {
            LOG.warn("reload: socket paths and state.directory change only on restart; keeping the running ones");
        }
        LogSetup.setLevel(next.log().level());
        table.setMaxStations(next.table().maxStations());
        filters.setMaxFilters(next.filters().maxFilters());
        context.config(next);
        config = next;
        LOG.info("configuration reloaded from {}", next.source());
    }
}
