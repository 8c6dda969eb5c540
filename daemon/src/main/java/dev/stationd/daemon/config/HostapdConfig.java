package dev.stationd.daemon.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One entry of the {@code hostapd:} list: a hostapd control socket (one per BSS) that stationd
 * follows as a station source and, optionally, enforces its filters on.
 *
 * @param ctrl hostapd's control socket for one BSS, e.g. {@code /run/hostapd/wlan0} (absolute);
 *     its file name is the interface name stations on it get
 * @param groupId policy group ({@code u32}) of the stations seen here; {@code 0} = none
 * @param enforceFilters whether matching filters are pushed to hostapd's deny list and the
 *     station deauthenticated
 */
public record HostapdConfig(Path ctrl, int groupId, boolean enforceFilters) {
    /** Longest interface name: {@code IFNAMSIZ - 1}, also what {@code sta_list_attr.ifname} holds. */
    public static final int MAX_IFNAME_BYTES = 15;

    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public HostapdConfig {
        Require.absolute(ctrl, "hostapd.ctrl");
        if (ctrl.getFileName() == null) {
            throw new IllegalArgumentException("hostapd.ctrl must name a socket file, got " + ctrl);
        }
        int len = ctrl.getFileName().toString().getBytes(StandardCharsets.UTF_8).length;
        if (len > MAX_IFNAME_BYTES) {
            throw new IllegalArgumentException("hostapd.ctrl file name (the interface name) must be at most "
                    + MAX_IFNAME_BYTES + " bytes, got " + len + ": " + ctrl);
        }
    }

    static HostapdConfig from(Values v) {
        return new HostapdConfig(v.get(ConfigKeys.HOSTAPD_CTRL), v.get(ConfigKeys.HOSTAPD_GROUP_ID),
                v.get(ConfigKeys.HOSTAPD_ENFORCE_FILTERS));
    }

    /** @return the interface (BSS) name: the control socket's file name */
    public String ifname() {
        return ctrl.getFileName().toString();
    }
}
