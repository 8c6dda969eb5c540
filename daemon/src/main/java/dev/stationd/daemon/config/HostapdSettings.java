package dev.stationd.daemon.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The hostapd station source: the top-level {@code hostapd:} list and {@code hostapd_resync}.
 *
 * @param interfaces the control sockets to follow, in file order (empty = the source is off);
 *     no two share a path or an interface name
 * @param resync how often each interface's stations are re-read in full; at least 1 s
 */
public record HostapdSettings(List<HostapdConfig> interfaces, Duration resync) {
    /** Default {@code hostapd_resync}. */
    public static final Duration DEFAULT_RESYNC = Duration.ofSeconds(30);
    /** Shortest {@code hostapd_resync}. */
    public static final Duration MIN_RESYNC = Duration.ofSeconds(1);

    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public HostapdSettings {
        interfaces = List.copyOf(Objects.requireNonNull(interfaces, "hostapd"));
        Require.positive(resync, "hostapd_resync");
        if (resync.compareTo(MIN_RESYNC) < 0) {
            throw new IllegalArgumentException("hostapd_resync must be >= 1s, got " + resync);
        }
        Set<String> names = new HashSet<>();
        for (HostapdConfig c : interfaces) {
            if (!names.add(c.ifname())) {
                throw new IllegalArgumentException("hostapd: two control sockets named " + c.ifname());
            }
        }
    }

    /** @return no hostapd interfaces, the default resync period */
    public static HostapdSettings defaults() {
        return new HostapdSettings(List.of(), DEFAULT_RESYNC);
    }

    /** @return whether no interface is configured */
    public boolean isEmpty() {
        return interfaces.isEmpty();
    }
}
