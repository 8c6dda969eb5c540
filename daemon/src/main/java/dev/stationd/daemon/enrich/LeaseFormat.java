package dev.stationd.daemon.enrich;

import java.util.Locale;

/** The lease file formats stationd reads; {@link #key()} is the configuration's {@code format:} value. */
public enum LeaseFormat {
    /** dnsmasq's {@code dnsmasq.leases} (OpenWrt {@code /tmp/dhcp.leases}), IPv4 and IPv6. */
    DNSMASQ(new DnsmasqLeases()),
    /** ISC dhcpd's {@code dhcpd.leases} (IPv4). */
    ISC(new IscLeases()),
    /** Kea's memfile CSV, {@code kea-leases4.csv} or {@code kea-leases6.csv}. */
    KEA(new KeaLeases());

    private final LeaseParser parser;

    LeaseFormat(LeaseParser parser) {
        this.parser = parser;
    }

    /** @return the name used in the configuration */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    LeaseParser parser() {
        return parser;
    }

    /**
     * @param key a configuration value
     * @return the format
     * @throws IllegalArgumentException if there is none of that name
     */
    public static LeaseFormat of(String key) {
        for (LeaseFormat f : values()) {
            if (f.key().equals(key)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown lease format '" + key + "' (expected dnsmasq, isc or kea)");
    }
}
