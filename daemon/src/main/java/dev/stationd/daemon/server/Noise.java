package dev.stationd.daemon.server;

import java.util.EnumMap;
import org.slf4j.LoggerFactory;

/**
 * The kinds of event a client can cause as often as it likes, each logged at most once a second
 * by a limiter of its own ({@link RateLimitedLog}): a flood of one kind (malformed datagrams, say)
 * never hides another (a refused peer, an overload). The logger names group them for the log level.
 */
public enum Noise {
    /** A malformed command frame. */
    BAD_COMMAND("BadInput"),
    /** A malformed ingest datagram. */
    BAD_DATAGRAM("BadInput"),
    /** A malformed request to the metrics endpoint. */
    BAD_METRICS_REQUEST("BadInput"),
    /** A command or a connection refused by {@code access.read}/{@code access.admin}. */
    DENIED("Denied"),
    /** An ingest datagram refused by {@code ingest.access}. */
    DENIED_DATAGRAM("Denied"),
    /** A request answered {@code E_BUSY}: no room in the budget of pending replies. */
    OVERLOADED("Overload"),
    /** A subscriber disconnected past its backlog. */
    SUBSCRIBER_DROPPED("Overload"),
    /** A filter change or kick not done within {@code filters.commit_timeout}. */
    COMMIT_TIMEOUT("Overload"),
    /** An error on a client connection or the ingest socket. */
    IO_ERROR("ConnectionErrors");

    private final String logger;

    Noise(String logger) {
        this.logger = logger;
    }

    /** One limiter per kind, and one per reason of refusing a connection. */
    static final class Logs {
        private final EnumMap<Noise, RateLimitedLog> kinds = new EnumMap<>(Noise.class);
        private final EnumMap<ServerStats.Refusal, RateLimitedLog> refusals = new EnumMap<>(ServerStats.Refusal.class);

        Logs() {
            for (Noise n : Noise.values()) {
                kinds.put(n, new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon." + n.logger)));
            }
            for (ServerStats.Refusal r : ServerStats.Refusal.values()) {
                refusals.put(r, new RateLimitedLog(LoggerFactory.getLogger("dev.stationd.daemon.Overload")));
            }
        }

        RateLimitedLog of(Noise kind) {
            return kinds.get(kind);
        }

        RateLimitedLog of(ServerStats.Refusal why) {
            return refusals.get(why);
        }
    }
}
