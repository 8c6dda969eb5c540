package dev.stationd.protocol;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code struct sta_list_attr}: one station, 176 bytes.
 *
 * <p>The addresses are kept as their bits, not as {@link InetAddress} objects: those take three
 * objects and an array per address, about 180 bytes a station (10,000 stations: 1.8 MB of a small
 * heap); {@link #ipv4()} and {@link #ipv6()} make the objects when asked. The MAC likewise: a
 * {@link MacAddress} per record would be a second object per station for the serial collector to
 * mark and move in every full collection, and 24 more bytes in each record a re-read replaces;
 * {@link #mac()} makes it when asked.
 *
 * @param macValue station MAC as {@link MacAddress#value()}, the table key
 * @param vlanId {@code u16}, 0 = none
 * @param ipv4Bits {@code struct in_addr} as a number in network order ({@code a.b.c.d} =
 *     {@code a << 24 | b << 16 | c << 8 | d}), 0 = unknown
 * @param groupId policy group ({@code u32})
 * @param ipv6High the first 8 bytes of {@code struct in6_addr} in network order
 * @param ipv6Low its last 8 bytes; both 0 = unknown
 * @param ifname interface (BSS) the station is on, at most 15 bytes
 * @param ssid at most 32 bytes
 * @param signalDbm {@code i8}, 0 = unknown
 * @param band the band
 * @param flags {@link StaFlags} bits
 * @param txRateKbps {@code u32} last TX bitrate
 * @param rxRateKbps {@code u32} last RX bitrate
 * @param txBytes {@code u64}
 * @param rxBytes {@code u64}
 * @param txPackets {@code u64}
 * @param rxPackets {@code u64}
 * @param assocTimeMs Unix epoch milliseconds of association
 * @param lastSeenMs Unix epoch milliseconds of the last update
 * @param hostname from DHCP, at most 31 bytes, {@code ""} = unknown
 */
public record StaListAttr(long macValue, int vlanId, int ipv4Bits, int groupId, long ipv6High, long ipv6Low,
                          String ifname, String ssid, int signalDbm, Band band, int flags,
                          long txRateKbps, long rxRateKbps, long txBytes, long rxBytes,
                          long txPackets, long rxPackets, long assocTimeMs, long lastSeenMs,
                          String hostname) {
    /** {@code sizeof(sta_list_attr)}. */
    public static final int SIZE = 176;
    /** Per thread, where {@link #encode} assembles a record. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SIZE]);
    /** {@code char ifname[16]}. */
    public static final int IFNAME_SIZE = 16;
    /** {@code char ssid[33]}. */
    public static final int SSID_SIZE = 33;
    /** {@code char hostname[32]}. */
    public static final int HOSTNAME_SIZE = 32;
    /** Largest {@code u16}. */
    public static final int U16_MAX = 0xFFFF;

    /** Offset of {@code mac}. */
    public static final int OFFSET_MAC = 0;
    /** Offset of {@code vlan_id}. */
    public static final int OFFSET_VLAN_ID = 6;
    /** Offset of {@code ipv4}. */
    public static final int OFFSET_IPV4 = 8;
    /** Offset of {@code group_id}. */
    public static final int OFFSET_GROUP_ID = 12;
    /** Offset of {@code ipv6}. */
    public static final int OFFSET_IPV6 = 16;
    /** Offset of {@code ifname}. */
    public static final int OFFSET_IFNAME = 32;
    /** Offset of {@code ssid}. */
    public static final int OFFSET_SSID = 48;
    /** Offset of {@code signal_dbm}. */
    public static final int OFFSET_SIGNAL_DBM = 81;
    /** Offset of {@code band}. */
    public static final int OFFSET_BAND = 82;
    /** Offset of {@code reserved0}. */
    public static final int OFFSET_RESERVED0 = 83;
    /** Offset of {@code flags}. */
    public static final int OFFSET_FLAGS = 84;
    /** Offset of {@code tx_rate_kbps}. */
    public static final int OFFSET_TX_RATE_KBPS = 88;
    /** Offset of {@code rx_rate_kbps}. */
    public static final int OFFSET_RX_RATE_KBPS = 92;
    /** Offset of {@code tx_bytes}. */
    public static final int OFFSET_TX_BYTES = 96;
    /** Offset of {@code rx_bytes}. */
    public static final int OFFSET_RX_BYTES = 104;
    /** Offset of {@code tx_packets}. */
    public static final int OFFSET_TX_PACKETS = 112;
    /** Offset of {@code rx_packets}. */
    public static final int OFFSET_RX_PACKETS = 120;
    /** Offset of {@code assoc_time_ms}. */
    public static final int OFFSET_ASSOC_TIME_MS = 128;
    /** Offset of {@code last_seen_ms}. */
    public static final int OFFSET_LAST_SEEN_MS = 136;
    /** Offset of {@code hostname}. */
    public static final int OFFSET_HOSTNAME = 144;

    /** {@code 0.0.0.0}. */
    public static final Inet4Address NO_IPV4 = (Inet4Address) address(new byte[4]);
    /** {@code ::}. */
    public static final Inet6Address NO_IPV6 = ipv6Of(new byte[16]);

    /** Validates every component. */
    public StaListAttr {
        if (macValue < 0 || macValue > MacAddress.MAX_VALUE) {
            throw new IllegalArgumentException("macValue out of 48-bit range: " + Long.toHexString(macValue));
        }
        if (band == null) {
            throw new IllegalArgumentException("band must not be null");
        }
        if (vlanId < 0 || vlanId > U16_MAX) {
            throw new IllegalArgumentException("vlanId out of u16 range: " + vlanId);
        }
        if (signalDbm < Byte.MIN_VALUE || signalDbm > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("signalDbm out of i8 range: " + signalDbm);
        }
        if (txRateKbps < 0 || txRateKbps > CloudCmdAttr.U32_MAX || rxRateKbps < 0 || rxRateKbps > CloudCmdAttr.U32_MAX) {
            throw new IllegalArgumentException("rates must be u32: " + txRateKbps + "/" + rxRateKbps);
        }
        WireStrings.requireFits("ifname", ifname, IFNAME_SIZE);
        WireStrings.requireFits("ssid", ssid, SSID_SIZE);
        WireStrings.requireFits("hostname", hostname, HOSTNAME_SIZE);
    }

    /**
     * @param mac the station
     * @return a builder with every other field zero / empty
     */
    public static Builder builder(MacAddress mac) {
        return new Builder(mac);
    }

    /** @return a builder holding this record's values */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** @return the station's MAC (a new object) */
    public MacAddress mac() {
        return new MacAddress(macValue);
    }

    /** @return whether the IPv4 address is known (not {@code 0.0.0.0}); no object is made */
    public boolean hasIpv4() {
        return ipv4Bits != 0;
    }

    /** @return whether the IPv6 address is known (not {@code ::}); no object is made */
    public boolean hasIpv6() {
        return ipv6High != 0 || ipv6Low != 0;
    }

    /** @return the IPv4 address, {@link #NO_IPV4} when unknown (a new object otherwise) */
    public Inet4Address ipv4() {
        if (!hasIpv4()) {
            return NO_IPV4;
        }
        byte[] raw = new byte[4];
        NetworkOrder.putI32(raw, 0, ipv4Bits);
        return (Inet4Address) address(raw);
    }

    /** @return the IPv6 address, {@link #NO_IPV6} when unknown (a new object otherwise) */
    public Inet6Address ipv6() {
        if (!hasIpv6()) {
            return NO_IPV6;
        }
        byte[] raw = new byte[16];
        NetworkOrder.putI64(raw, 0, ipv6High);
        NetworkOrder.putI64(raw, 8, ipv6Low);
        return ipv6Of(raw);
    }

    /**
     * @param newFlags the flags word
     * @return this record with {@code flags} replaced (this record if unchanged)
     */
    public StaListAttr withFlags(int newFlags) {
        return newFlags == flags ? this : toBuilder().flags(newFlags).build();
    }

    /**
     * Writes the 176 bytes.
     *
     * @param buf the destination
     */
    public void encode(ByteBuf buf) {
        byte[] b = SCRATCH.get();
        put(b, 0);
        buf.writeBytes(b, 0, SIZE);
    }

    /**
     * Assembles the 176 bytes in an array: a record is built in one piece and written with one
     * bounds-checked write (see {@link Writer} for many) instead of twenty, most of the cost of
     * encoding a table reply otherwise.
     *
     * @param b the array
     * @param off where the record starts; {@link #SIZE} bytes from there are overwritten
     */
    public void put(byte[] b, int off) {
        MacAddress.put(macValue, b, off + OFFSET_MAC);
        HostOrder.putU16(b, off + OFFSET_VLAN_ID, vlanId);
        NetworkOrder.putI32(b, off + OFFSET_IPV4, ipv4Bits);
        HostOrder.putI32(b, off + OFFSET_GROUP_ID, groupId);
        NetworkOrder.putI64(b, off + OFFSET_IPV6, ipv6High);
        NetworkOrder.putI64(b, off + OFFSET_IPV6 + 8, ipv6Low);
        WireStrings.put(b, off + OFFSET_IFNAME, ifname, IFNAME_SIZE);
        WireStrings.put(b, off + OFFSET_SSID, ssid, SSID_SIZE);
        b[off + OFFSET_SIGNAL_DBM] = (byte) signalDbm;
        b[off + OFFSET_BAND] = (byte) band.code();
        b[off + OFFSET_RESERVED0] = 0;
        HostOrder.putI32(b, off + OFFSET_FLAGS, flags);
        HostOrder.putI32(b, off + OFFSET_TX_RATE_KBPS, (int) txRateKbps);
        HostOrder.putI32(b, off + OFFSET_RX_RATE_KBPS, (int) rxRateKbps);
        HostOrder.putI64(b, off + OFFSET_TX_BYTES, txBytes);
        HostOrder.putI64(b, off + OFFSET_RX_BYTES, rxBytes);
        HostOrder.putI64(b, off + OFFSET_TX_PACKETS, txPackets);
        HostOrder.putI64(b, off + OFFSET_RX_PACKETS, rxPackets);
        HostOrder.putI64(b, off + OFFSET_ASSOC_TIME_MS, assocTimeMs);
        HostOrder.putI64(b, off + OFFSET_LAST_SEEN_MS, lastSeenMs);
        WireStrings.put(b, off + OFFSET_HOSTNAME, hostname, HOSTNAME_SIZE);
    }

    /**
     * Writes many records into a buffer a group at a time: one write per {@link #GROUP} records (or
     * per fewer, when fewer were expected).
     * Records added reach the buffer at the latest with {@link #flush}. Not thread-safe; cheap to make.
     */
    public static final class Writer {
        /** Records assembled before one write. */
        public static final int GROUP = 16;
        /** Room for the records of one write (fewer than a group when fewer are expected). */
        private final byte[] group;
        private int n;

        /** A writer for any number of records. */
        public Writer() {
            this(GROUP);
        }

        /** @param expected how many records are coming (a small reply needs no room for a whole group; more still work) */
        public Writer(int expected) {
            group = new byte[Math.max(1, Math.min(GROUP, expected)) * SIZE];
        }

        /**
         * @param r a record to write after those added before
         * @param buf where the group goes when it is full
         */
        public void add(StaListAttr r, ByteBuf buf) {
            r.put(group, n * SIZE);
            if (++n * SIZE == group.length) {
                flush(buf);
            }
        }

        /** @param buf where the records added so far go (nothing when there are none) */
        public void flush(ByteBuf buf) {
            if (n > 0) {
                buf.writeBytes(group, 0, n * SIZE);
                n = 0;
            }
        }
    }

    /**
     * Reads one record at the reader index; the reader index advances by {@link #SIZE}
     * whether or not decoding succeeds.
     *
     * @param buf a buffer with at least {@link #SIZE} readable bytes
     * @return the record
     * @throws ProtocolException ({@link ErrorCode#E_ARG}) for a short buffer, a string without
     *     NUL, a non-zero {@code reserved0} or an unknown band. Bytes of a string that are not
     *     UTF-8 are read as {@code '?'} (an SSID may be any octets).
     */
    public static StaListAttr decode(ByteBuf buf) {
        return FixedSize.decode(buf, SIZE, "sta_list_attr", StaListAttr::decodeFields);
    }

    private static StaListAttr decodeFields(ByteBuf buf) {
        long mac = MacAddress.readValue(buf);             // 0   mac[6]
        int vlanId = HostOrder.readU16(buf);              // 6   vlan_id
        int ipv4 = buf.readInt();                         // 8   ipv4 (network order, as ByteBuf reads)
        int groupId = HostOrder.readI32(buf);             // 12  group_id
        long ipv6High = buf.readLong();                   // 16  ipv6
        long ipv6Low = buf.readLong();
        String ifname = WireStrings.readShared(buf, IFNAME_SIZE, "ifname", OFFSET_IFNAME);         // 32
        String ssid = WireStrings.readShared(buf, SSID_SIZE, "ssid", OFFSET_SSID);                 // 48
        int signal = buf.readByte();                      // 81  signal_dbm
        int band = buf.readUnsignedByte();                // 82  band
        if (!Band.isKnown(band)) {
            throw new ProtocolException(ErrorCode.E_ARG, "band", OFFSET_BAND, String.valueOf(band), "0..4");
        }
        int reserved0 = buf.readUnsignedByte();           // 83  reserved0
        if (reserved0 != 0) {
            throw new ProtocolException(ErrorCode.E_ARG, "reserved0", OFFSET_RESERVED0,
                    ProtocolException.hex(reserved0), "0");
        }
        int flags = HostOrder.readI32(buf);               // 84  flags
        long txRate = HostOrder.readU32(buf);             // 88  tx_rate_kbps
        long rxRate = HostOrder.readU32(buf);             // 92  rx_rate_kbps
        long txBytes = HostOrder.readI64(buf);            // 96  tx_bytes
        long rxBytes = HostOrder.readI64(buf);            // 104 rx_bytes
        long txPackets = HostOrder.readI64(buf);          // 112 tx_packets
        long rxPackets = HostOrder.readI64(buf);          // 120 rx_packets
        long assoc = HostOrder.readI64(buf);              // 128 assoc_time_ms
        long lastSeen = HostOrder.readI64(buf);           // 136 last_seen_ms
        String hostname = WireStrings.readLenient(buf, HOSTNAME_SIZE, "hostname", OFFSET_HOSTNAME); // 144
        return new StaListAttr(mac, vlanId, ipv4, groupId, ipv6High, ipv6Low, ifname, ssid,
                signal, Band.valueOf(band), flags, txRate, rxRate, txBytes, rxBytes, txPackets, rxPackets,
                assoc, lastSeen, hostname);
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw); // no name lookup for a raw address
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Inet6Address ipv6Of(byte[] raw) {
        try {
            return Inet6Address.getByAddress(null, raw, -1); // never folds ::ffff:a.b.c.d into IPv4
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Parses an IPv4 literal without any name lookup.
     *
     * @param text dotted quad
     * @return the address
     */
    public static Inet4Address parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        byte[] raw = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = Integer.parseInt(parts[i]);
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            raw[i] = (byte) v;
        }
        return (Inet4Address) address(raw);
    }

    /**
     * @param raw 16 bytes in network order
     * @return the address (never folded into IPv4)
     */
    public static Inet6Address ipv6(byte[] raw) {
        return ipv6Of(raw.clone());
    }

    @Override
    public String toString() {
        return "StaListAttr[mac=" + mac() + ", vlanId=" + vlanId + ", ipv4=" + ipv4().getHostAddress()
                + ", groupId=" + Integer.toUnsignedString(groupId) + ", ipv6=" + ipv6().getHostAddress()
                + ", ifname=" + ifname + ", ssid=" + ssid + ", signalDbm=" + signalDbm + ", band=" + band
                + ", flags=" + StaFlags.describe(flags) + ", txRateKbps=" + txRateKbps
                + ", rxRateKbps=" + rxRateKbps + ", txBytes=" + Long.toUnsignedString(txBytes)
                + ", rxBytes=" + Long.toUnsignedString(rxBytes) + ", txPackets=" + Long.toUnsignedString(txPackets)
                + ", rxPackets=" + Long.toUnsignedString(rxPackets) + ", assocTimeMs=" + assocTimeMs
                + ", lastSeenMs=" + lastSeenMs + ", hostname=" + hostname + "]";
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        /** {@code -1} until a MAC is given: {@link #build()} then refuses. */
        private long macValue = -1;
        private int vlanId;
        private int ipv4Bits;
        private int groupId;
        private long ipv6High;
        private long ipv6Low;
        private String ifname = "";
        private String ssid = "";
        private int signalDbm;
        private Band band = Band.UNKNOWN;
        private int flags;
        private long txRateKbps;
        private long rxRateKbps;
        private long txBytes;
        private long rxBytes;
        private long txPackets;
        private long rxPackets;
        private long assocTimeMs;
        private long lastSeenMs;
        private String hostname = "";

        private Builder(MacAddress mac) {
            mac(mac);
        }

        private Builder(StaListAttr r) {
            macValue = r.macValue;
            vlanId = r.vlanId;
            ipv4Bits = r.ipv4Bits;
            groupId = r.groupId;
            ipv6High = r.ipv6High;
            ipv6Low = r.ipv6Low;
            ifname = r.ifname;
            ssid = r.ssid;
            signalDbm = r.signalDbm;
            band = r.band;
            flags = r.flags;
            txRateKbps = r.txRateKbps;
            rxRateKbps = r.rxRateKbps;
            txBytes = r.txBytes;
            rxBytes = r.rxBytes;
            txPackets = r.txPackets;
            rxPackets = r.rxPackets;
            assocTimeMs = r.assocTimeMs;
            lastSeenMs = r.lastSeenMs;
            hostname = r.hostname;
        }

        /** @param v mac @return this */
        public Builder mac(MacAddress v) { macValue = v == null ? -1 : v.value(); return this; }
        /** @param v vlan id @return this */
        public Builder vlanId(int v) { vlanId = v; return this; }
        /** @param v address ({@link #NO_IPV4} = unknown) @return this */
        public Builder ipv4(Inet4Address v) {
            ipv4Bits = NetworkOrder.getI32(required("ipv4", v).getAddress(), 0);
            return this;
        }
        /** @param v group @return this */
        public Builder groupId(int v) { groupId = v; return this; }
        /** @param v address ({@link #NO_IPV6} = unknown) @return this */
        public Builder ipv6(Inet6Address v) {
            byte[] raw = required("ipv6", v).getAddress();
            ipv6High = NetworkOrder.getI64(raw, 0);
            ipv6Low = NetworkOrder.getI64(raw, 8);
            return this;
        }
        /** @param v interface @return this */
        public Builder ifname(String v) { ifname = v; return this; }
        /** @param v SSID @return this */
        public Builder ssid(String v) { ssid = v; return this; }
        /** @param v dBm @return this */
        public Builder signalDbm(int v) { signalDbm = v; return this; }
        /** @param v band @return this */
        public Builder band(Band v) { band = v; return this; }
        /** @param v flags @return this */
        public Builder flags(int v) { flags = v; return this; }
        /** @param v kbit/s @return this */
        public Builder txRateKbps(long v) { txRateKbps = v; return this; }
        /** @param v kbit/s @return this */
        public Builder rxRateKbps(long v) { rxRateKbps = v; return this; }
        /** @param v bytes @return this */
        public Builder txBytes(long v) { txBytes = v; return this; }
        /** @param v bytes @return this */
        public Builder rxBytes(long v) { rxBytes = v; return this; }
        /** @param v packets @return this */
        public Builder txPackets(long v) { txPackets = v; return this; }
        /** @param v packets @return this */
        public Builder rxPackets(long v) { rxPackets = v; return this; }
        /** @param v epoch ms @return this */
        public Builder assocTimeMs(long v) { assocTimeMs = v; return this; }
        /** @param v epoch ms @return this */
        public Builder lastSeenMs(long v) { lastSeenMs = v; return this; }
        /** @param v host name @return this */
        public Builder hostname(String v) { hostname = v; return this; }

        private static <T> T required(String field, T v) {
            if (v == null) {
                throw new IllegalArgumentException(field + " must not be null");
            }
            return v;
        }

        /** @return the validated record */
        public StaListAttr build() {
            if (macValue < 0) {
                throw new IllegalArgumentException("mac must not be null");
            }
            return new StaListAttr(macValue, vlanId, ipv4Bits, groupId, ipv6High, ipv6Low, ifname, ssid, signalDbm, band, flags,
                    txRateKbps, rxRateKbps, txBytes, rxBytes, txPackets, rxPackets, assocTimeMs, lastSeenMs,
                    hostname);
        }
    }
}
