package dev.stationd.daemon.metrics;

import dev.stationd.daemon.server.PendingBudget;
import dev.stationd.daemon.server.RequestCounts;
import dev.stationd.daemon.server.ServerContext;
import dev.stationd.daemon.server.ServerStats;
import dev.stationd.daemon.server.StationServer;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Locale;

/** Connections, requests, subscribers and ingest datagrams: the counters of {@link ServerStats}. */
final class ServerMetrics {
    private ServerMetrics() {
    }

    static void register(Families f, ServerContext context, StationServer server) {
        ServerStats stats = context.stats();
        f.gauge("stationd_connections", "Open connections to the command socket.",
                cb -> cb.call(stats.connections.get()));
        f.gauge("stationd_connections_max", "Most connections to the command socket (server.max_connections).",
                cb -> cb.call(context.config().server().maxConnections()));
        f.counter("stationd_connections_refused_total",
                "Connections to the command socket answered E_BUSY and closed, by reason.", cb -> {
                    for (ServerStats.Refusal r : ServerStats.Refusal.values()) {
                        cb.call(stats.refusedCount(r), label(r));
                    }
                }, "reason");
        f.counter("stationd_connections_outsiders_dropped_total",
                "Connections of peers outside access.read closed at once without a reply, because the most such"
                        + " connections were already waiting for their one E_PERM.",
                cb -> cb.call(stats.outsidersDropped.sum()));
        f.counter("stationd_requests_total",
                "Requests answered, by command and result (OK or the error code; command unknown when the frame"
                        + " named none that could be read).", cb -> {
                    RequestCounts requests = stats.requests;
                    for (int c = 0; c <= RequestCounts.UNKNOWN_COMMAND; c++) {
                        for (int r = 0; r < RequestCounts.results(); r++) {
                            long n = requests.get(c, r);
                            // every command's OK series always exists (so rate() sees its start); the
                            // error series of a command appear once it happened
                            if (n > 0 || (r == RequestCounts.OK && c != RequestCounts.UNKNOWN_COMMAND)) {
                                cb.call(n, RequestCounts.commandName(c), RequestCounts.resultName(r));
                            }
                        }
                    }
                }, "command", "result");
        f.counter("stationd_requests_truncated_bytes_total",
                "Bytes of incomplete commands discarded because the client closed the connection mid-frame.",
                Unit.BYTES, cb -> cb.call(stats.trailingBytes.sum()));
        f.gauge("stationd_subscribers", "Connections subscribed to table events (SUBSCRIBE).",
                cb -> cb.call(stats.subscribers.get()));
        f.counter("stationd_subscribers_dropped_total",
                "Subscribers disconnected because their unread events passed server.subscriber_backlog.",
                cb -> cb.call(stats.subscribersDropped.sum()));
        f.gauge("stationd_reply_pending_bytes",
                "Reply and event bytes written by the daemon but not yet taken by clients, over all connections.",
                Unit.BYTES, cb -> cb.call(server.pendingReplyBytes()));
        PendingBudget budget = context.budget();
        f.gauge("stationd_reply_budget_used_bytes",
                "Bytes charged to the budget of pending replies and encoded table versions.",
                Unit.BYTES, cb -> cb.call(budget.used()));
        f.gauge("stationd_reply_budget_limit_bytes", "The budget of pending replies (server.max_pending_bytes).",
                Unit.BYTES, cb -> cb.call(budget.limit()));
        f.counter("stationd_reply_budget_refusals_total",
                "Requests answered E_BUSY because the budget of pending replies had no room.",
                cb -> cb.call(stats.budgetRefusals.sum()));
        f.counter("stationd_reply_budget_evictions_total",
                "Connections disconnected as the heaviest holders of pending replies when the budget had no room.",
                cb -> cb.call(stats.budgetEvictions.sum()));
        f.counter("stationd_commit_timeouts_total",
                "Filter changes and kicks answered E_BUSY because they were not done within filters.commit_timeout"
                        + " (a stuck disk, or hostapd not confirming a kick).", cb -> cb.call(stats.commitTimeouts.sum()));
        f.counter("stationd_ingest_datagrams_total",
                "Datagrams received on the ingest socket, by what became of them.", cb -> {
                    for (ServerStats.Datagram d : ServerStats.Datagram.values()) {
                        cb.call(stats.datagramCount(d), label(d));
                    }
                }, "result");
        f.counter("stationd_ingest_sequence_gaps_total",
                "sta_event sequence numbers skipped by the senders (events presumably lost before the socket)."
                        + " Rough when several senders interleave.",
                cb -> cb.call(stats.eventSeqGaps.sum()));
    }

    /** @return an enum constant as a label value: {@code MAX_CONNECTIONS} reads {@code max_connections} */
    static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
