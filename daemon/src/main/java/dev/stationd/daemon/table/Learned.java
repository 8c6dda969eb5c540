package dev.stationd.daemon.table;

import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.WireStrings;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Objects;

/**
 * What the daemon learned about a MAC by itself (neighbour table, DHCP leases): the three fields
 * of {@code sta_list_attr} a station's source may leave at zero.
 *
 * @param ipv4 {@link StaListAttr#NO_IPV4} when unknown
 * @param ipv6 {@link StaListAttr#NO_IPV6} when unknown
 * @param hostname {@code ""} when unknown; at most 31 UTF-8 bytes
 */
public record Learned(Inet4Address ipv4, Inet6Address ipv6, String hostname) {
    /** Nothing learned. */
    public static final Learned NOTHING = new Learned(StaListAttr.NO_IPV4, StaListAttr.NO_IPV6, "");

    /** Checks that every field fits {@code sta_list_attr}. */
    public Learned {
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(ipv6, "ipv6");
        WireStrings.requireFits("hostname", hostname, StaListAttr.HOSTNAME_SIZE);
    }

    /** @return whether nothing is known */
    public boolean isEmpty() {
        return equals(NOTHING);
    }
}
