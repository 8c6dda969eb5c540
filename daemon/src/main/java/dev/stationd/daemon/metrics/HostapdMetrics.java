package dev.stationd.daemon.metrics;

import dev.stationd.daemon.hostapd.HostapdLinkStats;
import dev.stationd.daemon.hostapd.HostapdSource;
import java.util.function.ToDoubleFunction;

/** The links to hostapd, one series per followed interface in each family ({@code ifname}). */
final class HostapdMetrics {
    private HostapdMetrics() {
    }

    static void register(Families f, HostapdSource hostapd) {
        gauge(f, hostapd, "stationd_hostapd_up", "Whether the link to hostapd's control socket of the interface is up"
                + " (1: attached and in step; 0: connecting, reading the BSS, or hostapd is away).", s -> s.up() ? 1 : 0);
        f.counter("stationd_hostapd_reconnects_total",
                "How often the link came up again after losing an established connection to hostapd.",
                cb -> hostapd.stats().forEach(s -> cb.call(s.reconnects(), s.ifname())), "ifname");
        gauge(f, hostapd, "stationd_hostapd_stations", "Stations the link put in the table for this BSS.",
                HostapdLinkStats::stations);
        gauge(f, hostapd, "stationd_hostapd_deny_list_entries",
                "Entries of hostapd's deny list that stationd manages for its filters on this BSS.",
                HostapdLinkStats::denyListEntries);
        f.counter("stationd_hostapd_deny_list_restores_total",
                "Entries of stationd's found missing from hostapd's deny list (hostapd reloaded or restarted) and added"
                        + " again.", cb -> hostapd.stats().forEach(s -> cb.call(s.denyListRestores(), s.ifname())),
                "ifname");
        f.gauge("stationd_hostapd_resync_stations_per_second", "Stations a second the periodic re-reads of all"
                + " followed interfaces may ask hostapd about: hostapd_resync_rate, or more while the stations need it to"
                + " be each re-read before table.expire_after.", cb -> hostapd.resyncRate().ifPresent(cb::call));
        f.counter("stationd_hostapd_deauthentications_total", "Filtered stations deauthenticated on this BSS.",
                cb -> hostapd.stats().forEach(s -> cb.call(s.deauthentications(), s.ifname())), "ifname");
    }

    private static void gauge(Families f, HostapdSource hostapd, String name, String help,
            ToDoubleFunction<HostapdLinkStats> value) {
        f.gauge(name, help, cb -> hostapd.stats().forEach(s -> cb.call(value.applyAsDouble(s), s.ifname())), "ifname");
    }
}
