package dev.stationd.daemon.enrich;

import dev.stationd.protocol.MacAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * ISC dhcpd's {@code dhcpd.leases}: {@code lease ADDRESS { ... }} blocks, one statement per line,
 * appended as leases change (the file is rewritten now and then), so the last complete block for
 * an address is the lease:
 *
 * <pre>
 * lease 10.77.0.50 {
 *   starts 6 2026/11/28 07:35:00;
 *   ends 6 2026/11/28 07:45:00;        (UTC; or "ends epoch 1795851900;", or "ends never;")
 *   binding state active;              (free, released, expired, abandoned, backup: not leased)
 *   hardware ethernet 02:aa:bb:cc:dd:01;
 *   client-hostname "phone-anna";      (octal escapes such as \303\251 for UTF-8)
 * }
 * </pre>
 *
 * Other blocks ({@code host}, {@code failover peer}, DHCPv6 {@code ia-na}) are skipped by counting
 * braces outside quotes. A block the file ends in (half-written) or without a valid
 * {@code hardware ethernet} is reported and changes nothing.
 */
final class IscLeases implements LeaseParser {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu/MM/dd HH:mm:ss");

    @Override
    public void parse(LineReader lines, Sink sink, ParseProblems problems) throws IOException {
        int depth = 0;
        Block block = null;
        for (LineReader.Line line = lines.next(); line != null; line = lines.next()) {
            if (line.damage() != null) {
                problems.add(line.number(), line.damage().reason, null);
                if (block != null) {
                    block.damaged = true;
                }
                continue;
            }
            Scan scan = Scan.of(line.text());
            String text = scan.code().strip();
            if (text.isEmpty()) {
                continue;
            }
            boolean inLease = depth == 1 && block != null;
            if ((depth == 0 || inLease) && text.startsWith("lease ") && text.endsWith("{")) {
                if (inLease) { // a torn block followed by a new one (the writer crashed mid-block)
                    problems.add(block.line, "lease block not closed", null);
                    block = null;
                }
                Inet4Address address = LeaseFields.ipv4(text.substring(6, text.length() - 1).strip());
                if (address == null) {
                    problems.add(line.number(), "bad IPv4 address", text);
                } else {
                    block = new Block(line.number(), address);
                }
                depth = 1;
                continue;
            }
            int delta = scan.braces();
            if (block != null && depth == 1 && delta == 0) {
                statement(block, text, line.number(), problems);
            }
            depth = Math.max(0, depth + delta);
            if (depth == 0 && block != null) {
                finish(block, sink, problems);
                block = null;
            }
        }
        if (block != null) {
            problems.add(block.line, "lease block not closed (file being written?)", null);
        }
    }

    private static void finish(Block b, Sink sink, ParseProblems problems) {
        if (b.damaged) {
            problems.add(b.line, "lease block with a damaged line", null);
            return;
        }
        if (b.mac == null) {
            problems.add(b.line, "lease block without 'hardware ethernet'", null);
            return;
        }
        if (b.ends == 0) {
            problems.add(b.line, "lease block without 'ends'", null);
            return;
        }
        if (b.active) {
            sink.lease(new Lease(b.mac, b.address, b.hostname, b.ends));
        } else {
            sink.free(b.address);
        }
    }

    private static void statement(Block b, String text, int line, ParseProblems problems) {
        if (!text.endsWith(";")) {
            problems.add(line, "statement without ';'", text);
            b.damaged = true;
            return;
        }
        String s = text.substring(0, text.length() - 1).strip();
        if (s.startsWith("hardware ethernet ")) {
            b.mac = LeaseFields.mac(s.substring("hardware ethernet ".length()).strip());
            if (b.mac == null) {
                problems.add(line, "bad MAC", text);
                b.damaged = true;
            }
        } else if (s.startsWith("ends ")) {
            b.ends = ends(s.substring(5).strip());
            if (b.ends == 0) {
                problems.add(line, "bad 'ends' time", text);
                b.damaged = true;
            }
        } else if (s.startsWith("binding state ")) {
            b.active = s.substring("binding state ".length()).strip().equals("active");
        } else if (s.startsWith("client-hostname ")) {
            String q = s.substring("client-hostname ".length()).strip();
            String name = q.length() >= 2 && q.startsWith("\"") && q.endsWith("\"") ? unquote(q) : null;
            if (name == null) {
                problems.add(line, "bad client-hostname", text);
                b.damaged = true;
            } else {
                b.hostname = Hostnames.clean(name);
            }
        }
    }

    /** @return epoch ms, {@link Lease#NEVER}, or 0 when unreadable */
    private static long ends(String v) {
        if (v.equals("never")) {
            return Lease.NEVER;
        }
        if (v.startsWith("epoch ")) {
            long s = LeaseFields.number(v.substring(6).strip());
            return s <= 0 ? 0 : s * 1000;
        }
        // "W YYYY/MM/DD HH:MM:SS" in UTC; W is the weekday
        int sp = v.indexOf(' ');
        if (sp < 0) {
            return 0;
        }
        try {
            return LocalDateTime.parse(v.substring(sp + 1).strip(), TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    /** @return the text between the quotes with {@code \"}, {@code \\} and octal escapes decoded; null if malformed */
    private static String unquote(String q) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(q.length());
        byte[] raw = q.substring(1, q.length() - 1).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            byte c = raw[i];
            if (c == '"') {
                return null;
            }
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (i + 1 >= raw.length) {
                return null;
            }
            byte n = raw[++i];
            if (n >= '0' && n <= '7') {
                if (i + 2 >= raw.length) {
                    return null;
                }
                int v = 0;
                for (int k = 0; k < 3; k++, i++) {
                    byte d = raw[i];
                    if (d < '0' || d > '7') {
                        return null;
                    }
                    v = v * 8 + (d - '0');
                }
                i--;
                out.write(v & 0xFF);
            } else {
                out.write(n);
            }
        }
        return Hostnames.decode(out.toByteArray());
    }

    /**
     * One pass over a line outside double quotes (a backslash escapes inside them).
     *
     * @param code the line up to a {@code #} comment, as in {@code ends epoch 1795851900; # Sat ...}
     * @param braces opening minus closing braces in {@code code}
     */
    private record Scan(String code, int braces) {
        static Scan of(String text) {
            int d = 0;
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\' && quoted) {
                    i++;
                } else if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && c == '#') {
                    return new Scan(text.substring(0, i), d);
                } else if (!quoted && c == '{') {
                    d++;
                } else if (!quoted && c == '}') {
                    d--;
                }
            }
            return new Scan(text, d);
        }
    }

    /** The statements of one {@code lease} block read so far. */
    private static final class Block {
        final int line;
        final Inet4Address address;
        MacAddress mac;
        long ends;
        boolean active = true;
        String hostname = "";
        boolean damaged;

        Block(int line, Inet4Address address) {
            this.line = line;
            this.address = address;
        }
    }
}
