package dev.stationd.daemon.enrich;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Field syntax shared by the lease formats. Each method returns {@code null} for text that is not
 * what it should be (the caller reports the line), never throws, and never resolves a name.
 */
final class LeaseFields {
    private LeaseFields() {
    }

    /** @return the MAC of {@code aa:bb:cc:dd:ee:ff}, or null (also for the zero MAC) */
    static MacAddress mac(String text) {
        try {
            MacAddress m = MacAddress.parse(text);
            return m.isZero() ? null : m;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return the IPv4 address of a dotted quad, or null */
    static Inet4Address ipv4(String text) {
        if (text.isEmpty() || text.length() > 15) {
            return null;
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(p) > 255) {
                return null;
            }
        }
        return StaListAttr.parseIpv4(text);
    }

    /** @return the IPv6 address of a textual IPv6 address (no zone, no brackets), or null */
    static Inet6Address ipv6(String text) {
        if (text.isEmpty() || text.length() > 45 || text.indexOf(':') < 0) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return null; // in particular no '%zone' and nothing a resolver would look up
            }
        }
        try {
            InetAddress a = InetAddress.getByName(text); // a literal: no lookup happens
            return a instanceof Inet6Address v6 ? StaListAttr.ipv6(v6.getAddress()) : null;
        } catch (java.net.UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    /** @return the non-negative decimal number, or -1 */
    static long number(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * The MAC inside a DHCPv6 client DUID, where there is one: DUID-LLT (type 1) and DUID-LL
     * (type 3) of hardware type 1 (Ethernet) end with it. DUID-EN and DUID-UUID carry none.
     *
     * @param hex the DUID as colon-separated hex bytes
     * @return the MAC, or null
     */
    static MacAddress macOfDuid(String hex) {
        String[] parts = hex.split(":", -1);
        int type;
        int prefix;
        if (parts.length == 14) {
            type = 1;
            prefix = 8; // type(2) hwtype(2) time(4)
        } else if (parts.length == 10) {
            type = 3;
            prefix = 4; // type(2) hwtype(2)
        } else {
            return null;
        }
        byte[] raw = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].length() != 2) {
                return null;
            }
            int hi = Character.digit(parts[i].charAt(0), 16);
            int lo = Character.digit(parts[i].charAt(1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            raw[i] = (byte) (hi << 4 | lo);
        }
        if (raw[0] != 0 || raw[1] != type || raw[2] != 0 || raw[3] != 1) {
            return null;
        }
        byte[] mac = new byte[MacAddress.SIZE];
        System.arraycopy(raw, prefix, mac, 0, MacAddress.SIZE);
        MacAddress m = MacAddress.of(mac);
        return m.isZero() ? null : m;
    }
}
