package dev.stationd.daemon.server;

import dev.stationd.daemon.hostapd.StationKicker;
import dev.stationd.daemon.persist.FilterResult;
import dev.stationd.daemon.persist.FilterService;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.codec.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * {@code STA_KICK}: finds the stations the followed hostapd BSSs hold, bans each in its group
 * when a lifetime is given (durably, before anything is kicked, so a kicked station cannot come
 * straight back), kicks them, and answers. A ban that does not fit under
 * {@code filters.max_filters} answers {@code E_FULL} and kicks nobody.
 */
final class StaKick {
    private final StationKicker kicker;
    private final FilterService filters;

    StaKick(StationKicker kicker, FilterService filters) {
        this.kicker = Objects.requireNonNull(kicker, "kicker");
        this.filters = Objects.requireNonNull(filters, "filters");
    }

    /**
     * @param cmd a decoded {@code STA_KICK} (MAC, or group / ifname, validated by the codec)
     * @return the reply: ACK; {@code NAK E_NOENT} when no followed BSS holds the one MAC asked
     *     for (or none confirmed its kick); {@code NAK E_FULL} when the bans do not fit
     */
    CompletableFuture<Reply> run(CloudCmdAttr cmd) {
        boolean one = !cmd.mac().isZero();
        return kicker.find(cmd.mac(), cmd.groupId(), cmd.ifname()).thenCompose(targets -> {
            if (targets.isEmpty()) {
                return CompletableFuture.completedFuture(one ? Reply.nak(ErrorCode.E_NOENT) : Reply.ack());
            }
            CompletableFuture<FilterResult> banned = cmd.lifetimeS() == 0
                    ? CompletableFuture.completedFuture(FilterResult.OK)
                    : filters.ban(bans(targets), Duration.ofSeconds(cmd.lifetimeS()));
            return banned.thenCompose(result -> result == FilterResult.FULL
                    ? CompletableFuture.completedFuture(Reply.nak(ErrorCode.E_FULL))
                    : kicker.kick(targets).thenApply(kicked ->
                            one && kicked.isEmpty() ? Reply.nak(ErrorCode.E_NOENT) : Reply.ack()));
        });
    }

    private static List<FilterSet.Filter> bans(List<StationKicker.Target> targets) {
        List<FilterSet.Filter> out = new ArrayList<>(targets.size());
        for (StationKicker.Target t : targets) {
            out.add(new FilterSet.Filter(t.groupId(), t.mac()));
        }
        return out;
    }
}
