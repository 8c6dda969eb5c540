package dev.stationd.daemon.server;

import dev.stationd.daemon.config.StationdConfig;
import dev.stationd.daemon.table.StationTable;
import io.netty.buffer.PooledByteBufAllocator;

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
    private final int selfUid = ownUid();
    private final Admission admission = new Admission();
    private final Noise.Logs logs = new Noise.Logs();

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

    /**
     * @param kind a kind of event clients cause
     * @return its log, at least one line a second, whatever the other kinds do
     */
    public RateLimitedLog log(Noise kind) {
        return logs.of(kind);
    }

    /**
     * @param why a reason for refusing connections
     * @return its log, at least one line a second for each reason
     */
    public RateLimitedLog log(ServerStats.Refusal why) {
        return logs.of(why);
    }

    /** @return who gets a connection */
    Admission admission() {
        return admission;
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
