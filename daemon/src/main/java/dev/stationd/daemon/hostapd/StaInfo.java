package dev.stationd.daemon.hostapd;

import dev.stationd.protocol.Band;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One station as hostapd reports it in reply to {@code STA <mac>}, {@code STA-FIRST} and
 * {@code STA-NEXT} (hostapd 2.x {@code src/ap/ctrl_iface_ap.c}, {@code hostapd_ctrl_iface_sta_mib}).
 *
 * <p>The reply is the MAC on the first line, then {@code key=value} lines. The fields used here,
 * with hostapd's units:
 * <ul>
 *   <li>{@code flags=[AUTH][ASSOC][AUTHORIZED][WMM][MFP][HT][VHT][HE]...} ({@code ap_sta_flags_txt})</li>
 *   <li>{@code rx_packets}, {@code tx_packets}, {@code rx_bytes}, {@code tx_bytes}: counters from the
 *       driver, from the AP's side ({@code tx} = AP to station, as in {@code iw station dump});
 *       absent when the driver cannot read them (the {@code wired} driver)</li>
 *   <li>{@code inactive_msec}: milliseconds since the station was last heard</li>
 *   <li>{@code signal}: dBm</li>
 *   <li>{@code rx_rate_info} / {@code tx_rate_info}: {@code "<rate> [mcs N] [vhtmcs N] [vhtnss N] [shortGI]..."}
 *       where rate is {@code current_rx_rate} / {@code current_tx_rate}, in <b>100 kbit/s</b> units
 *       (nl80211's {@code NL80211_RATE_INFO_BITRATE(32)})</li>
 *   <li>{@code connected_time}: seconds since the station connected</li>
 *   <li>{@code vlan_id}: only when not 0</li>
 * </ul>
 * Absent numbers are {@code -1} here (0 in {@code sta_list_attr}).
 *
 * @param mac the station
 * @param flagsText the value of {@code flags=}, e.g. {@code [AUTH][ASSOC]} ({@link #flagNames()} splits it)
 * @param flags the {@link StaFlags} bits its names map to
 * @param rxBytes bytes received from the station, or -1
 * @param txBytes bytes sent to the station, or -1
 * @param rxPackets packets received from the station, or -1
 * @param txPackets packets sent to the station, or -1
 * @param inactiveMsec ms since last activity, or -1
 * @param signalDbm signal in dBm, or {@link Integer#MIN_VALUE} when absent
 * @param rxRate100kbps last RX rate in 100 kbit/s, or -1
 * @param txRate100kbps last TX rate in 100 kbit/s, or -1
 * @param connectedTimeSec seconds since connection, or -1
 * @param vlanId the VLAN, 0 = none
 */
public record StaInfo(MacAddress mac, String flagsText, int flags, long rxBytes, long txBytes,
                      long rxPackets, long txPackets, long inactiveMsec, int signalDbm,
                      long rxRate100kbps, long txRate100kbps, long connectedTimeSec, int vlanId) {
    /** No signal reported. */
    public static final int NO_SIGNAL = Integer.MIN_VALUE;

    /** @return the bracketed flag names, in order, e.g. {@code AUTH}, {@code ASSOC} (for log lines) */
    public Set<String> flagNames() {
        return flagNames(flagsText);
    }

    /**
     * @return whether hostapd considers the station connected: associated (802.11) or authorized
     *     (802.1X on the wired driver, which never sets ASSOC). A station that is only
     *     authenticated, or that logged off (no flags), is not connected.
     */
    public boolean connected() {
        return (flags & (StaFlags.ASSOCIATED | StaFlags.AUTHORIZED)) != 0;
    }

    /**
     * Parses a {@code STA}/{@code STA-FIRST}/{@code STA-NEXT} reply.
     *
     * @param reply the reply text
     * @return the station, or {@code null} for an empty reply (end of the list) or {@code FAIL}
     * @throws IllegalArgumentException when the first line is not a MAC address
     */
    public static StaInfo parse(String reply) {
        if (reply == null || reply.isBlank() || reply.startsWith("FAIL")) {
            return null;
        }
        // One pass over the text, no line or key strings: a busy access point parses one of these
        // (about 1 KB, 40 lines) per connect and per station re-read.
        int nl = reply.indexOf('\n');
        MacAddress mac = MacAddress.parse((nl < 0 ? reply : reply.substring(0, nl)).trim());
        String flagsText = "";
        int flags = 0;
        long rxBytes = -1;
        long txBytes = -1;
        long rxPackets = -1;
        long txPackets = -1;
        long inactive = -1;
        int signal = NO_SIGNAL;
        long rxRate = -1;
        long txRate = -1;
        long connected = -1;
        int vlan = 0;
        for (int line = nl + 1; nl >= 0 && line < reply.length(); line = nl + 1) {
            nl = reply.indexOf('\n', line);
            int end = nl < 0 ? reply.length() : nl;
            int eq = reply.indexOf('=', line);
            if (eq <= line || eq >= end) {
                continue;
            }
            Key key = Key.of(reply, line, eq);
            if (key == null) {
                continue; // every other key (dot1x MIB, capabilities, ...) is not part of sta_list_attr
            }
            // the value, trimmed: [from, to) (no object per value: C1 code does not take them apart)
            int from = eq + 1;
            int to = end;
            while (from < to && reply.charAt(from) <= ' ') {
                from++;
            }
            while (to > from && reply.charAt(to - 1) <= ' ') {
                to--;
            }
            switch (key) {
                case FLAGS -> {
                    flagsText = reply.substring(from, to);
                    flags = flagBits(flagsText);
                }
                case RX_BYTES -> rxBytes = unsigned(reply, from, to);
                case TX_BYTES -> txBytes = unsigned(reply, from, to);
                case RX_PACKETS -> rxPackets = unsigned(reply, from, to);
                case TX_PACKETS -> txPackets = unsigned(reply, from, to);
                case INACTIVE_MSEC -> inactive = unsigned(reply, from, to);
                case SIGNAL -> signal = signed(reply, from, to);
                case RX_RATE_INFO -> rxRate = unsigned(reply, from, firstTokenEnd(reply, from, to));
                case TX_RATE_INFO -> txRate = unsigned(reply, from, firstTokenEnd(reply, from, to));
                case CONNECTED_TIME -> connected = unsigned(reply, from, to);
                case VLAN_ID -> {
                    long id = unsigned(reply, from, to);
                    vlan = id < 0 || id > StaListAttr.U16_MAX ? 0 : (int) id;
                }
            }
        }
        return new StaInfo(mac, flagsText, flags, rxBytes, txBytes, rxPackets, txPackets, inactive, signal,
                rxRate, txRate, connected, vlan);
    }

    /**
     * @param value e.g. {@code [AUTH][ASSOC][AUTHORIZED]}
     * @return the names between brackets, in order
     */
    static Set<String> flagNames(String value) {
        Set<String> out = new LinkedHashSet<>();
        int i = 0;
        while (true) {
            int open = value.indexOf('[', i);
            if (open < 0) {
                return out;
            }
            int close = value.indexOf(']', open + 1);
            if (close < 0) {
                return out;
            }
            if (close > open + 1) {
                out.add(value.substring(open + 1, close));
            }
            i = close + 1;
        }
    }

    /**
     * @param value e.g. {@code [AUTH][ASSOC][AUTHORIZED]}
     * @return the {@link StaFlags} bits of its names (names without a bit are ignored)
     */
    static int flagBits(String value) {
        int bits = 0;
        for (int open = value.indexOf('['); open >= 0; open = value.indexOf('[', open + 1)) {
            int close = value.indexOf(']', open + 1);
            if (close < 0) {
                break;
            }
            bits |= flagBit(value, open + 1, close);
        }
        return bits;
    }

    /** The bit of the flag name {@code value[from, to)}, compared in place. */
    private static int flagBit(String value, int from, int to) {
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            String n = FLAG_NAMES[i];
            if (n.length() == to - from && value.startsWith(n, from)) {
                return FLAG_BITS[i];
            }
        }
        return 0;
    }

    /** hostapd's flag names ({@code ap_sta_flags_txt}) that have a bit, and their bits. */
    private static final String[] FLAG_NAMES = {"AUTH", "ASSOC", "AUTHORIZED", "WMM", "HT", "VHT", "VENDOR_VHT", "HE",
        "EHT", "MFP"};
    private static final int[] FLAG_BITS = {StaFlags.AUTHENTICATED, StaFlags.ASSOCIATED, StaFlags.AUTHORIZED,
        StaFlags.WMM, StaFlags.HT, StaFlags.VHT, StaFlags.VHT, StaFlags.HE, StaFlags.EHT, StaFlags.MFP};

    /**
     * Builds the table record.
     *
     * @param ifname the interface (the control socket's name)
     * @param ssid the BSS's SSID
     * @param groupId the configured group
     * @param band the BSS's band
     * @param nowMs the current time (becomes {@code last_seen_ms})
     * @param knownAssocMs the association time already known for this station, 0 if none; kept
     *     when hostapd does not report {@code connected_time}, or when what it reports agrees with
     *     it to within that count's second
     * @return the record
     */
    public StaListAttr toAttr(String ifname, String ssid, int groupId, Band band, long nowMs, long knownAssocMs) {
        long assoc;
        if (connectedTimeSec >= 0) {
            assoc = nowMs - Math.min(connectedTimeSec, nowMs / 1000) * 1000;
            // connected_time counts whole seconds: read again, the same association would move by
            // up to a second each time (every re-read a different assoc_time_ms)
            if (knownAssocMs != 0 && Math.abs(assoc - knownAssocMs) < 1000) {
                assoc = knownAssocMs;
            }
        } else {
            assoc = knownAssocMs != 0 ? knownAssocMs : nowMs;
        }
        return StaListAttr.builder(mac)
                .vlanId(vlanId)
                .groupId(groupId)
                .ifname(ifname)
                .ssid(ssid)
                .signalDbm(signalDbm == NO_SIGNAL ? 0 : Math.max(Byte.MIN_VALUE, Math.min(Byte.MAX_VALUE, signalDbm)))
                .band(band)
                .flags(flags)
                .txRateKbps(kbps(txRate100kbps))
                .rxRateKbps(kbps(rxRate100kbps))
                .txBytes(Math.max(0, txBytes))
                .rxBytes(Math.max(0, rxBytes))
                .txPackets(Math.max(0, txPackets))
                .rxPackets(Math.max(0, rxPackets))
                .assocTimeMs(assoc)
                .lastSeenMs(nowMs)
                .build();
    }

    /** @return a rate in 100 kbit/s as kbit/s, clamped to {@code u32}; 0 when unknown */
    static long kbps(long rate100k) {
        if (rate100k <= 0) {
            return 0;
        }
        return rate100k > CloudCmdAttr.U32_MAX / 100 ? CloudCmdAttr.U32_MAX : rate100k * 100;
    }

    /** The keys {@link #parse} reads; the rest of hostapd's 40 or so are skipped. */
    private enum Key {
        FLAGS("flags"), RX_BYTES("rx_bytes"), TX_BYTES("tx_bytes"), RX_PACKETS("rx_packets"), TX_PACKETS("tx_packets"),
        INACTIVE_MSEC("inactive_msec"), SIGNAL("signal"), RX_RATE_INFO("rx_rate_info"), TX_RATE_INFO("tx_rate_info"),
        CONNECTED_TIME("connected_time"), VLAN_ID("vlan_id");

        private static final Key[] ALL = values();
        private final String text;

        Key(String text) {
            this.text = text;
        }

        /** @return the key that {@code line[from, eq)} is, compared in place, or {@code null} */
        static Key of(String line, int from, int eq) {
            for (Key k : ALL) {
                if (eq - from == k.text.length() && line.startsWith(k.text, from)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** @return where the first word of {@code [from, to)} ends ({@code rx_rate_info=65 vht-mcs 0}: the rate) */
    private static int firstTokenEnd(String text, int from, int to) {
        int sp = text.indexOf(' ', from);
        return sp < 0 || sp >= to ? to : sp;
    }

    /** @return the decimal number in {@code [from, to)}, -1 when empty or not all digits, huge past 19 digits */
    private static long unsigned(String text, int from, int to) {
        if (from == to) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            int d = c - '0';
            if (n > (Long.MAX_VALUE - d) / 10) {
                n = Long.MAX_VALUE; // more than 19 digits: not a real counter, but keep it huge
            } else if (n != Long.MAX_VALUE) {
                n = n * 10 + d;
            }
        }
        return n;
    }

    /** @return the signed {@code int} in {@code [from, to)}, {@link #NO_SIGNAL} when it is not one */
    private static int signed(String text, int from, int to) {
        try {
            return Integer.parseInt(text, from, to, 10);
        } catch (NumberFormatException e) {
            return NO_SIGNAL;
        }
    }
}
