package dev.stationd.daemon.hostapd;

import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Parsers for the text replies of hostapd's control interface (other than {@code STA}). */
final class CtrlText {
    private CtrlText() {
    }

    /**
     * @param reply {@code key=value} lines ({@code STATUS}, {@code GET_CONFIG})
     * @return the pairs in order; a repeated key keeps its first value
     */
    static Map<String, String> keyValues(String reply) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : reply.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    /**
     * The SSID of one BSS: {@code ssid=} of {@code GET_CONFIG}, or else the {@code ssid[i]=} of
     * {@code STATUS} whose {@code bss[i]=} is {@code ifname}.
     *
     * @param getConfig the GET_CONFIG reply ({@code ""} when it failed)
     * @param status the STATUS reply ({@code ""} when it failed)
     * @param ifname the BSS interface
     * @return the decoded SSID (at most 32 UTF-8 bytes), {@code ""} when unknown
     */
    static String ssid(String getConfig, String status, String ifname) {
        String raw = keyValues(getConfig).get("ssid");
        if (raw == null) {
            Map<String, String> st = keyValues(status);
            for (int i = 0; st.containsKey("bss[" + i + "]"); i++) {
                if (ifname.equals(st.get("bss[" + i + "]"))) {
                    raw = st.get("ssid[" + i + "]");
                    break;
                }
            }
        }
        return raw == null ? "" : fitSsid(printfDecode(raw));
    }

    /**
     * @param status the STATUS reply
     * @return the band of {@code freq=} (MHz)
     */
    static Band band(String status) {
        String f = keyValues(status).get("freq");
        if (f == null) {
            return Band.UNKNOWN;
        }
        int mhz;
        try {
            mhz = Integer.parseInt(f.trim());
        } catch (NumberFormatException e) {
            return Band.UNKNOWN;
        }
        if (mhz >= 2400 && mhz < 2500) {
            return Band.GHZ_2_4;
        }
        if (mhz >= 4900 && mhz < 5925) {
            return Band.GHZ_5;
        }
        if (mhz >= 5925 && mhz <= 7125) {
            return Band.GHZ_6;
        }
        if (mhz >= 57000 && mhz <= 71000) {
            return Band.GHZ_60;
        }
        return Band.UNKNOWN;
    }

    /**
     * @param reply the {@code DENY_ACL SHOW} reply: one {@code MAC VLAN_ID=N} per line
     * @return the MACs on the list
     */
    static Set<MacAddress> aclList(String reply) {
        Set<MacAddress> out = new LinkedHashSet<>();
        for (String line : reply.split("\n")) {
            String t = line.strip();
            if (t.length() >= 17) {
                try {
                    out.add(MacAddress.parse(t.substring(0, 17)));
                } catch (IllegalArgumentException e) {
                    // not a MAC line
                }
            }
        }
        return out;
    }

    /**
     * Undoes hostapd's {@code printf_encode} ({@code wpa_ssid_txt}): {@code \\}, {@code \"},
     * {@code \e}, {@code \n}, {@code \r}, {@code \t} and {@code \xNN}.
     *
     * @param s the encoded text
     * @return the octets
     */
    static byte[] printfDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.write(c & 0xFF);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case '\\', '"' -> out.write(n);
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'e' -> out.write(0x1b);
                case 'x' -> {
                    int v = 0;
                    int digits = 0;
                    while (digits < 2 && i + 1 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0) {
                        v = v * 16 + Character.digit(s.charAt(++i), 16);
                        digits++;
                    }
                    if (digits > 0) {
                        out.write(v);
                    } else {
                        out.write('\\');
                        out.write('x');
                    }
                }
                default -> {
                    out.write('\\');
                    out.write(n & 0xFF);
                }
            }
        }
        return out.toByteArray();
    }

    /**
     * @param octets SSID octets (any bytes)
     * @return them as UTF-8 ({@code U+FFFD} for bytes that are not), cut to the 32 bytes of
     *     {@code sta_list_attr.ssid} on a character boundary, without NULs
     */
    static String fitSsid(byte[] octets) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        String s;
        try {
            s = dec.decode(ByteBuffer.wrap(octets)).toString();
        } catch (CharacterCodingException e) {
            s = "";
        }
        s = s.replace('\0', '?');
        int max = StaListAttr.SSID_SIZE - 1;
        StringBuilder b = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > max) {
                break;
            }
            b.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return b.toString();
    }
}
