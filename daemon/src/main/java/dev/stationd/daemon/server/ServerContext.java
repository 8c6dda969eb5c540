package dev.stationd.daemon.server;

import dev.stationd.daemon.config.StationdConfig;
import dev.stationd.daemon.table.StationTable;
import io.netty.buffer.PooledByteBufAllocator;
import org.slf4j.LoggerFactory;

/**
 * What every channel handler shares: configuration, table, command processor, the budget of
 * pending replies, the event log of subscribers, counters and logs.
 */
public final class ServerContext implements AutoCloseable {
    private volatile StationdConfig config;
    private volatile boolean shuttingDown;
    private final StationTable table;
    private final CommandProcessor processor;
    private final ServerStats stats = new ServerStats();
    private final PendingBudget budget;
    private final EventHub events;
    private final RateLimitedLog badInputLog = new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon.BadInput"));
    private final RateLimitedLog busyLog = new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon.Overload"));
    private final int selfUid = ownUid();
    /** One limiter per reason, so that one kind of refusal never hides another. */
    private final java.util.EnumMap<ServerStats.Refusal, RateLimitedLog> refusalLogs = refusalLogs();
    private final RateLimitedLog deniedLog = new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon.Denied"));
    private final Admission admission = new Admission();
    private final RateLimitedLog commitTimeoutLog = new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon.Overload"));
    private final RateLimitedLog ingestDeniedLog = new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon.Denied"));
    private final RateLimitedLog ioLog = new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon.ConnectionErrors"));

    /**
     * @param config the running configuration
     * @param table the station table
     * @param processor the command processor
     */
    public ServerContext(StationdConfig config, StationTable table, CommandProcessor processor) {
        this.config = config;
        this.table = table;
        this.processor = processor;
        this.budget = new PendingBudget(config.server().maxPendingBytes(), stats);
        this.events = new EventHub(config.server().subscriberBacklog(), PooledByteBufAllocator.DEFAULT);
        table.addListener(events);
    }

    /** @return the running configuration (may change on reload) */
    public StationdConfig config() {
        return config;
    }

    /** @param newConfig the configuration to run with from now on */
    public void config(StationdConfig newConfig) {
        this.config = newConfig;
        events.capacity(newConfig.server().subscriberBacklog());
        budget.limit(newConfig.server().maxPendingBytes());
    }

    /** @return the station table */
    public StationTable table() {
        return table;
    }

    /** @return the command processor */
    public CommandProcessor processor() {
        return processor;
    }

    /** @return the budget of pending replies */
    public PendingBudget budget() {
        return budget;
    }

    /** @return the event log of subscribers */
    public EventHub events() {
        return events;
    }

    /** @return the counters */
    public ServerStats stats() {
        return stats;
    }

    /** @return the rate-limited log for malformed input */
    public RateLimitedLog badInputLog() {
        return badInputLog;
    }

    /** @return the rate-limited log of refused peers and commands ({@code denied ... uid= pid=}) */
    public RateLimitedLog deniedLog() {
        return deniedLog;
    }

    /**
     * @param why a reason for refusing connections
     * @return its rate-limited log (at least one line a second for each reason)
     */
    public RateLimitedLog refusalLog(ServerStats.Refusal why) {
        return refusalLogs.get(why);
    }

    private static java.util.EnumMap<ServerStats.Refusal, RateLimitedLog> refusalLogs() {
        java.util.EnumMap<ServerStats.Refusal, RateLimitedLog> logs = new java.util.EnumMap<>(ServerStats.Refusal.class);
        for (ServerStats.Refusal r : ServerStats.Refusal.values()) {
            logs.put(r, new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon.Overload")));
        }
        return logs;
    }

    /** @return the rate-limited log of refused ingest datagrams ({@code denied ... uid= pid=}) */
    public RateLimitedLog ingestDeniedLog() {
        return ingestDeniedLog;
    }

    /** @return the rate-limited log of changes that timed out waiting for the disk */
    public RateLimitedLog commitTimeoutLog() {
        return commitTimeoutLog;
    }

    /** @return who gets a connection */
    Admission admission() {
        return admission;
    }

    /** @return the rate-limited log for overload */
    public RateLimitedLog busyLog() {
        return busyLog;
    }

    /** @return the rate-limited log for connection errors */
    public RateLimitedLog ioLog() {
        return ioLog;
    }

    /** @return the daemon's own uid (always an admin) */
    public int selfUid() {
        return selfUid;
    }

    private static int ownUid() {
        try {
            return (Integer) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** @return whether shutdown has begun */
    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Marks shutdown: new connections are refused with {@code E_BUSY}. */
    public void beginShutdown() {
        shuttingDown = true;
    }

    /** Stops the event log and releases the encoded table; call it once the event loops are gone. */
    @Override
    public void close() {
        table.removeListener(events);
        events.close();
        processor.close();
    }
}
