package dev.stationd.daemon.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The hostapd station source: the top-level {@code hostapd:} list, {@code hostapd_resync} and
 * {@code hostapd_resync_rate}.
 *
 * @param interfaces the control sockets to follow, in file order (empty = the source is off);
 *     no two share a path or an interface name
 * @param resync how often each interface's stations are re-read in full
 *     (range: {@link ConfigKeys#HOSTAPD_RESYNC})
 * @param resyncRate most stations a second the re-reads of all interfaces ask about together
 *     (range: {@link ConfigKeys#HOSTAPD_RESYNC_RATE})
 */
public record HostapdSettings(List<HostapdConfig> interfaces, Duration resync, int resyncRate) {
    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public HostapdSettings {
        interfaces = List.copyOf(Objects.requireNonNull(interfaces, "hostapd"));
        ConfigKeys.HOSTAPD_RESYNC.require(resync);
        ConfigKeys.HOSTAPD_RESYNC_RATE.require(resyncRate);
        Set<String> names = new HashSet<>();
        for (HostapdConfig c : interfaces) {
            if (!names.add(c.ifname())) {
                throw new IllegalArgumentException("hostapd: two control sockets named " + c.ifname());
            }
        }
    }

    /**
     * The given interfaces and resync period at the default pace.
     *
     * @param interfaces the control sockets to follow
     * @param resync how often each interface's stations are re-read in full
     */
    public HostapdSettings(List<HostapdConfig> interfaces, Duration resync) {
        this(interfaces, resync, ConfigKeys.HOSTAPD_RESYNC_RATE.defaultValue());
    }

    /** @return no hostapd interfaces, the default resync period and pace */
    public static HostapdSettings defaults() {
        return from(new Values());
    }

    static HostapdSettings from(Values v) {
        return new HostapdSettings(v.get(ConfigKeys.HOSTAPD), v.get(ConfigKeys.HOSTAPD_RESYNC),
                v.get(ConfigKeys.HOSTAPD_RESYNC_RATE));
    }

    /** @return whether no interface is configured */
    public boolean isEmpty() {
        return interfaces.isEmpty();
    }
}
