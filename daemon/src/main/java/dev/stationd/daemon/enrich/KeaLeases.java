package dev.stationd.daemon.enrich;

import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Kea's memfile lease files ({@code kea-leases4.csv}, {@code kea-leases6.csv}): CSV with a header
 * line naming the columns (their set and order differ between Kea versions, so columns are found
 * by name). The file is append-only between clean-ups: each change of a lease appends a line, and
 * the last line for an address is the lease. A line with {@code valid_lifetime} 0 deletes the
 * lease; {@code state} other than 0 (declined, expired-reclaimed, released) means not leased.
 * Commas inside a value are written as {@code &#x2c}.
 *
 * <p>v4 columns used: {@code address,hwaddr,valid_lifetime,expire,hostname,state}; v6 also
 * {@code duid,lease_type} ({@code 2} = a delegated prefix, not a station address), with the MAC
 * from {@code hwaddr} or else from a DUID-LLT / DUID-LL.
 */
final class KeaLeases implements LeaseParser {
    /** {@code valid_lifetime} of an infinite lease (0xffffffff). */
    private static final long INFINITE = 0xFFFF_FFFFL;
    private static final String PREFIX_DELEGATION = "2";

    @Override
    public void parse(LineReader lines, Sink sink, ParseProblems problems) throws IOException {
        Columns c = null;
        for (LineReader.Line line = lines.next(); line != null; line = lines.next()) {
            if (line.damage() != null) {
                problems.add(line.number(), line.damage().reason, null);
                continue;
            }
            String text = line.text();
            if (text.isBlank()) {
                continue;
            }
            if (text.startsWith("address,")) {
                c = Columns.of(Arrays.asList(text.split(",", -1)));
                if (c == null) {
                    problems.add(line.number(), "header without the columns address, hwaddr or duid, "
                            + "valid_lifetime, expire", text);
                }
                continue;
            }
            if (c == null) {
                problems.add(line.number(), "no header line before the leases", text);
                continue;
            }
            String[] f = text.split(",", -1);
            if (f.length < c.width) {
                problems.add(line.number(), "expected " + c.width + " columns, found " + f.length, text);
                continue;
            }
            InetAddress address = c.v6 ? LeaseFields.ipv6(f[c.address]) : LeaseFields.ipv4(f[c.address]);
            if (address == null) {
                problems.add(line.number(), c.v6 ? "bad IPv6 address" : "bad IPv4 address", text);
                continue;
            }
            long lifetime = LeaseFields.number(f[c.validLifetime]);
            long expire = LeaseFields.number(f[c.expire]);
            if (lifetime < 0 || expire < 0) {
                problems.add(line.number(), "bad valid_lifetime or expire", text);
                continue;
            }
            if (lifetime == 0 || (c.state >= 0 && !f[c.state].equals("0"))
                    || (c.leaseType >= 0 && f[c.leaseType].equals(PREFIX_DELEGATION))) {
                sink.free(address);
                continue;
            }
            MacAddress mac = c.hwaddr >= 0 && !f[c.hwaddr].isEmpty() ? LeaseFields.mac(f[c.hwaddr]) : null;
            if (mac == null && c.duid >= 0) {
                mac = LeaseFields.macOfDuid(f[c.duid]);
            }
            if (mac == null) {
                if (c.v6) {
                    continue; // a v6 client known only by a DUID without a MAC in it
                }
                problems.add(line.number(), "bad MAC", text);
                continue;
            }
            String hostname = c.hostname >= 0 ? Hostnames.clean(unescape(f[c.hostname])) : "";
            sink.lease(new Lease(mac, address, hostname, lifetime == INFINITE ? Lease.NEVER : expire * 1000));
        }
    }

    private static String unescape(String v) {
        return v.replace("&#x2c", ",");
    }

    /** Column indexes of one header, -1 where absent. */
    private record Columns(boolean v6, int width, int address, int hwaddr, int duid, int validLifetime, int expire,
                           int hostname, int state, int leaseType) {
        static Columns of(List<String> names) {
            boolean v6 = names.contains("duid");
            Columns c = new Columns(v6, names.size(), names.indexOf("address"), names.indexOf("hwaddr"),
                    names.indexOf("duid"), names.indexOf("valid_lifetime"), names.indexOf("expire"),
                    names.indexOf("hostname"), names.indexOf("state"), names.indexOf("lease_type"));
            boolean complete = c.address == 0 && c.validLifetime >= 0 && c.expire >= 0 && (v6 || c.hwaddr >= 0);
            return complete ? c : null;
        }
    }
}
