package dev.stationd.daemon.server;

import dev.stationd.daemon.config.StationdConfig;
import dev.stationd.daemon.table.StationTable;
import org.slf4j.LoggerFactory;

/** What every channel handler shares: configuration, table, command processor, counters. */
public final class ServerContext {
    private volatile StationdConfig config;
    private volatile boolean shuttingDown;
    private final StationTable table;
    private final CommandProcessor processor;
    private final ServerStats stats = new ServerStats();
    private final RateLimitedLog badInputLog = new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon.BadInput"));
    private final RateLimitedLog busyLog = new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon.Overload"));
    private final int selfUid = ownUid();
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
    }

    /** @return the running configuration (may change on reload) */
    public StationdConfig config() {
        return config;
    }

    /** @param newConfig the configuration to run with from now on */
    public void config(StationdConfig newConfig) {
        this.config = newConfig;
    }

    /** @return the station table */
    public StationTable table() {
        return table;
    }

    /** @return the command processor */
    public CommandProcessor processor() {
        return processor;
    }

    /** @return the counters */
    public ServerStats stats() {
        return stats;
    }

    /** @return the rate-limited log for malformed input */
    public RateLimitedLog badInputLog() {
        return badInputLog;
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
}
