package dev.stationd.daemon.hostapd;

import dev.stationd.daemon.hostapd.StationKicker.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code DEAUTHENTICATE} requests of one kick on one BSS, all queued at once: completes when
 * hostapd has answered each of them, or when the link is lost or stopped (with the confirmed ones
 * so far). Confined to the link's event loop.
 */
final class KickRound {
    private final List<Target> targets;
    private final List<Target> confirmed = new ArrayList<>();
    private final CompletableFuture<List<Target>> done = new CompletableFuture<>();
    private int answered;

    KickRound(List<Target> targets) {
        this.targets = List.copyOf(targets);
        if (this.targets.isEmpty()) {
            done.complete(List.of());
        }
    }

    List<Target> targets() {
        return targets;
    }

    CompletableFuture<List<Target>> done() {
        return done;
    }

    /** @param t a target of this round @param ok whether hostapd answered {@code OK} */
    void answered(Target t, boolean ok) {
        if (ok) {
            confirmed.add(t);
        }
        if (++answered == targets.size()) {
            done.complete(List.copyOf(confirmed));
        }
    }

    /** The link went away: the unanswered requests are dropped with it. */
    void abort() {
        done.complete(List.copyOf(confirmed));
    }
}
