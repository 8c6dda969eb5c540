package dev.stationd.daemon.hostapd;

import dev.stationd.protocol.MacAddress;

/**
 * An unsolicited event line from hostapd's control interface, sent to every {@code ATTACH}ed
 * client: {@code <level>NAME [args...]}, e.g. {@code <3>AP-STA-CONNECTED 02:00:00:00:00:01}
 * (a global control interface prefixes {@code IFNAME=wlan0 }). Replies to requests never start
 * with {@code <}, which is how the two are told apart on the one socket.
 *
 * @param level the {@code wpa_msg} level (0 = excessive .. 4 = error)
 * @param name the event name, e.g. {@code AP-STA-CONNECTED}
 * @param mac the first argument when it is a MAC address, else {@code null}
 * @param args everything after the name (may be empty)
 */
public record CtrlEvent(int level, String name, MacAddress mac, String args) {
    /** A station completed association (and 802.1X/4-way handshake where used). */
    public static final String STA_CONNECTED = "AP-STA-CONNECTED";
    /** A station left (deauthenticated, disassociated, logged off). */
    public static final String STA_DISCONNECTED = "AP-STA-DISCONNECTED";
    /** hostapd is exiting. */
    public static final String TERMINATING = "CTRL-EVENT-TERMINATING";
    /** The interface was enabled. */
    public static final String AP_ENABLED = "AP-ENABLED";
    /** The interface was disabled. */
    public static final String AP_DISABLED = "AP-DISABLED";

    /**
     * @param datagram a datagram from the control socket
     * @return whether it is an event ({@code <digits>...}) rather than a reply
     */
    public static boolean isEvent(String datagram) {
        int i = datagram.startsWith("IFNAME=") ? afterIfname(datagram) : 0;
        if (i < 0 || i >= datagram.length() || datagram.charAt(i) != '<') {
            return false;
        }
        int j = i + 1;
        while (j < datagram.length() && Character.isDigit(datagram.charAt(j))) {
            j++;
        }
        return j > i + 1 && j < datagram.length() && datagram.charAt(j) == '>';
    }

    /**
     * @param datagram an event datagram
     * @return the event, or {@code null} if it is not one
     */
    public static CtrlEvent parse(String datagram) {
        if (!isEvent(datagram)) {
            return null;
        }
        int i = datagram.startsWith("IFNAME=") ? afterIfname(datagram) : 0;
        int close = datagram.indexOf('>', i);
        int level = Integer.parseInt(datagram.substring(i + 1, close));
        String rest = datagram.substring(close + 1).strip();
        int sp = rest.indexOf(' ');
        String name = sp < 0 ? rest : rest.substring(0, sp);
        String args = sp < 0 ? "" : rest.substring(sp + 1).strip();
        MacAddress mac = null;
        if (args.length() >= 17 && (args.length() == 17 || args.charAt(17) == ' ')) {
            try {
                mac = MacAddress.parse(args.substring(0, 17));
            } catch (IllegalArgumentException e) {
                mac = null;
            }
        }
        return new CtrlEvent(level, name, mac, args);
    }

    private static int afterIfname(String datagram) {
        int sp = datagram.indexOf(' ');
        return sp < 0 ? -1 : sp + 1;
    }
}
