package dev.stationd.daemon.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP address to listen on, written {@code 127.0.0.1:9089} or {@code [::1]:9089}; {@link #OFF}
 * ({@code ""}) listens nowhere. The host is an IP address, never a name: a name lookup at start-up
 * would wait on DNS, and the daemon's sandbox has no network to ask.
 *
 * @param host the IP address as written (without brackets), {@code ""} for {@link #OFF}
 * @param port {@code 1..65535}, {@code 0} for {@link #OFF}
 */
public record ListenAddress(String host, int port) {
    /** Listen nowhere. */
    public static final ListenAddress OFF = new ListenAddress("", 0);

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern FORM = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([0-9.]+)):(\\d{1,5})");

    /** Checks the invariants; throws {@link IllegalArgumentException} or NPE when one fails. */
    public ListenAddress {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() != (port == 0)) {
            throw new IllegalArgumentException("an address needs both a host and a port: '" + host + "' port " + port);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
        }
    }

    /**
     * @param text {@code ""}, {@code IPV4:PORT} or {@code [IPV6]:PORT}
     * @return the address
     * @throws IllegalArgumentException saying what is wrong and what is expected
     */
    public static ListenAddress parse(String text) {
        if (text.isEmpty()) {
            return OFF;
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected IP:PORT such as 127.0.0.1:9089 or [::1]:9089, or \"\" for off, got '"
                    + text + "' (a host name is not accepted: no name lookup at start-up)");
        }
        String host = m.group(1) != null ? m.group(1) : m.group(2);
        if (m.group(1) == null && !validIpv4(host)) {
            throw new IllegalArgumentException("'" + host + "' is not an IPv4 address (four numbers 0..255)");
        }
        if (m.group(1) != null && !host.contains(":")) {
            throw new IllegalArgumentException("'[" + host + "]' is not an IPv6 address (an IPv4 address needs no brackets)");
        }
        int port = Integer.parseInt(m.group(3));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
        }
        if (m.group(1) != null) {
            literal(host); // throws for a malformed IPv6 address
        }
        return new ListenAddress(host, port);
    }

    private static boolean validIpv4(String host) {
        Matcher m = IPV4.matcher(host);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress literal(String host) {
        try {
            // an IP literal: InetAddress parses it without a name lookup
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address");
        }
    }

    /** @return whether this is {@link #OFF} */
    public boolean isOff() {
        return port == 0;
    }

    /**
     * @return the socket address to bind
     * @throws IllegalStateException for {@link #OFF}
     */
    public InetSocketAddress socketAddress() {
        if (isOff()) {
            throw new IllegalStateException("no address");
        }
        return new InetSocketAddress(literal(host), port);
    }

    /** @return the address as written in the file: {@code 127.0.0.1:9089}, {@code [::1]:9089} or {@code ""} */
    @Override
    public String toString() {
        if (isOff()) {
            return "";
        }
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
