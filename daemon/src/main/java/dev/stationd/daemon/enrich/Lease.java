package dev.stationd.daemon.enrich;

import dev.stationd.protocol.MacAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One DHCP lease as a lease file states it.
 *
 * @param mac the client's hardware address
 * @param address the leased IPv4 or IPv6 address
 * @param hostname the client's host name (option 12 / FQDN), cut to fit {@code sta_list_attr}; {@code ""} if none
 * @param expiresMs Unix epoch milliseconds at which the lease ends, {@link #NEVER} for an infinite lease
 */
public record Lease(MacAddress mac, InetAddress address, String hostname, long expiresMs) {
    /** {@link #expiresMs()} of a lease that never ends. */
    public static final long NEVER = Long.MAX_VALUE;

    /** Checks the fields. */
    public Lease {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(hostname, "hostname");
        if (!(address instanceof Inet4Address) && !(address instanceof Inet6Address)) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + address);
        }
        if (mac.isZero()) {
            throw new IllegalArgumentException("zero MAC");
        }
    }

    /** @return whether the address is IPv4 */
    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /**
     * @param nowMs the time
     * @return whether the lease still holds at {@code nowMs}
     */
    public boolean activeAt(long nowMs) {
        return expiresMs > nowMs;
    }
}
