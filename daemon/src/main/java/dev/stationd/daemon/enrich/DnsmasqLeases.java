package dev.stationd.daemon.enrich;

import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.net.InetAddress;

/**
 * dnsmasq's lease file ({@code /var/lib/misc/dnsmasq.leases}, OpenWrt {@code /tmp/dhcp.leases}),
 * one lease per line, rewritten whole on every change:
 *
 * <pre>
 * 1795894417 02:aa:bb:cc:dd:01 10.77.0.152 phone-anna 01:02:aa:bb:cc:dd:01     (expiry MAC IPv4 name client-id)
 * duid 00:01:00:01:32:9d:40:4d:12:36:94:3a:20:4e                                (the server's DUID)
 * 1795858731 3150765313 fd77::115 tablet-carl 00:01:00:01:32:9d:40:5e:02:aa:bb:cc:dd:01  (expiry IAID IPv6 name client-DUID)
 * </pre>
 *
 * Expiry is Unix seconds, {@code 0} for an infinite lease; {@code *} is "none". DHCPv6 lines
 * (those after the {@code duid} line) hold no MAC: it is taken from a DUID-LLT / DUID-LL client
 * DUID, and a line with another kind of DUID is skipped without complaint.
 */
final class DnsmasqLeases implements LeaseParser {
    @Override
    public void parse(LineReader lines, Sink sink, ParseProblems problems) throws IOException {
        boolean v6 = false;
        for (LineReader.Line line = lines.next(); line != null; line = lines.next()) {
            if (line.damage() != null) {
                problems.add(line.number(), line.damage().reason, null);
                continue;
            }
            String text = line.text().strip();
            if (text.isEmpty()) {
                continue;
            }
            String[] f = text.split("\\s+");
            if (f[0].equals("duid")) {
                v6 = true;
                continue;
            }
            if (f.length < 4) {
                problems.add(line.number(), "expected 'expiry MAC-or-IAID address hostname [client-id]'", text);
                continue;
            }
            long expiry = LeaseFields.number(f[0]);
            if (expiry < 0) {
                problems.add(line.number(), "bad expiry time", text);
                continue;
            }
            InetAddress address = v6 ? LeaseFields.ipv6(f[2]) : LeaseFields.ipv4(f[2]);
            if (address == null) {
                problems.add(line.number(), v6 ? "bad IPv6 address" : "bad IPv4 address", text);
                continue;
            }
            MacAddress mac;
            if (v6) {
                if (f.length < 5) {
                    continue; // no client DUID: nothing ties the lease to a MAC
                }
                mac = LeaseFields.macOfDuid(f[4]);
                if (mac == null) {
                    continue; // a DUID without a MAC in it is normal, not damage
                }
            } else {
                mac = LeaseFields.mac(f[1]);
                if (mac == null) {
                    problems.add(line.number(), "bad MAC", text);
                    continue;
                }
            }
            String hostname = f[3].equals("*") ? "" : Hostnames.clean(f[3]);
            sink.lease(new Lease(mac, address, hostname, expiry == 0 ? Lease.NEVER : expiry * 1000));
        }
    }
}
