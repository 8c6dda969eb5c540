package dev.stationd.daemon.hostapd;

/**
 * A read-only snapshot of one hostapd link, for status lines and metrics.
 *
 * @param ifname the interface (BSS): the control socket's file name
 * @param state where the link is
 * @param reconnects how often the link came up again after losing an established connection
 * @param stations this BSS's stations in the table
 * @param denyListEntries deny-list entries stationd manages on this BSS (added, or adopted for a filter)
 * @param denyListRestores how often entries of stationd's were found missing from hostapd's deny list
 *     (hostapd reloaded or restarted) and added again
 * @param deauthentications filtered stations deauthenticated
 * @param problem why the link is not up, {@code null} while it is
 */
public record HostapdLinkStats(String ifname, LinkState state, long reconnects, int stations,
                               int denyListEntries, long denyListRestores, long deauthentications, String problem) {
    /** @return whether the link is up */
    public boolean up() {
        return state == LinkState.UP;
    }
}
