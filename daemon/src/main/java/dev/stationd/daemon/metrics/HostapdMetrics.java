package dev.stationd.daemon.metrics;

import dev.stationd.daemon.hostapd.HostapdSource;
import java.util.Map;

/**
 * The links to hostapd, one per followed interface. What HostapdSource reports of a link is all
 * there is: its state today; its reconnects, stations and deny-list restores belong here as
 * families labelled {@code ifname} once it reports them.
 */
final class HostapdMetrics {
    private HostapdMetrics() {
    }

    static void register(Families f, HostapdSource hostapd) {
        f.gauge("stationd_hostapd_up", "Whether the link to hostapd's control socket of the interface is up"
                + " (1: attached and in step; 0: connecting, reading the BSS, or hostapd is away).", cb -> {
                    for (Map.Entry<String, Boolean> e : hostapd.linksUp().entrySet()) {
                        cb.call(e.getValue() ? 1 : 0, e.getKey());
                    }
                }, "ifname");
    }
}
