package dev.stationd.daemon.enrich;

import static dev.stationd.daemon.enrich.LeaseFixtures.assertLeases;
import static dev.stationd.daemon.enrich.LeaseFixtures.assertProblems;
import static dev.stationd.daemon.enrich.LeaseFixtures.lease;
import static dev.stationd.daemon.enrich.LeaseFixtures.parse;

import org.junit.jupiter.api.Test;

/** dnsmasq's lease file: the real one, and one damaged line per case. */
class DnsmasqLeasesTest {
    private static final LeaseFormat F = LeaseFormat.DNSMASQ;
    private static final String GOOD = "1795894417 02:aa:bb:cc:dd:01 10.77.0.152 phone-anna 01:02:aa:bb:cc:dd:01\n";

    @Test
    void realFileOfDnsmasq290() {
        LeaseFile.Read r = LeaseFixtures.fixture(F, "dnsmasq-2.90.leases");
        assertLeases(r,
                lease("02:aa:bb:cc:dd:03", "10.77.0.154", "", 1795894430),
                lease("02:aa:bb:cc:dd:02", "10.77.0.153", "laptop-bob", 1795894427),
                lease("02:aa:bb:cc:dd:01", "10.77.0.152", "phone-anna", 1795894417),
                // after the duid line: DHCPv6, the MAC from the client's DUID-LLT
                lease("02:aa:bb:cc:dd:01", "fd77::115", "tablet-carl", 1795858731));
        assertProblems(r, 0, "");
    }

    @Test
    void infiniteLeaseHasExpiryZero() {
        assertLeases(parse(F, "0 02:aa:bb:cc:dd:01 10.0.0.1 fixed *\n"), lease("02:aa:bb:cc:dd:01", "10.0.0.1", "fixed", 0));
    }

    @Test
    void truncatedLastLine() {
        // the file caught while dnsmasq rewrites it: the last line has no newline yet
        LeaseFile.Read r = parse(F, GOOD + "1795894427 02:aa:bb:cc:dd:02 10.77.0.1");
        assertLeases(r, lease("02:aa:bb:cc:dd:01", "10.77.0.152", "phone-anna", 1795894417));
        assertProblems(r, 1, "line 2: last line has no newline");
    }

    @Test
    void truncatedLine() {
        LeaseFile.Read r = parse(F, "1795894427 02:aa:bb:cc:dd:02\n" + GOOD);
        assertLeases(r, lease("02:aa:bb:cc:dd:01", "10.77.0.152", "phone-anna", 1795894417));
        assertProblems(r, 1, "line 1: expected 'expiry MAC-or-IAID address hostname");
    }

    @Test
    void badMac() {
        LeaseFile.Read r = parse(F, "1795894427 02:aa:bb:cc:dd:zz 10.77.0.153 bob *\n" + GOOD);
        assertLeases(r, lease("02:aa:bb:cc:dd:01", "10.77.0.152", "phone-anna", 1795894417));
        assertProblems(r, 1, "line 1: bad MAC");
    }

    @Test
    void zeroMacIsBad() {
        assertProblems(parse(F, "1795894427 00:00:00:00:00:00 10.77.0.153 bob *\n"), 1, "line 1: bad MAC");
    }

    @Test
    void badIpv4() {
        LeaseFile.Read r = parse(F, GOOD + "1795894427 02:aa:bb:cc:dd:02 10.77.0.256 bob *\n");
        assertLeases(r, lease("02:aa:bb:cc:dd:01", "10.77.0.152", "phone-anna", 1795894417));
        assertProblems(r, 1, "line 2: bad IPv4 address");
    }

    @Test
    void hostNameInsteadOfAddressIsNotLookedUp() {
        assertProblems(parse(F, "1795894427 02:aa:bb:cc:dd:02 localhost bob *\n"), 1, "line 1: bad IPv4 address");
    }

    @Test
    void badIpv6AfterDuid() {
        LeaseFile.Read r = parse(F, "duid 00:01\n1795858731 1 fd77::zz x 00:01:00:01:32:9d:40:5e:02:aa:bb:cc:dd:01\n");
        assertLeases(r);
        assertProblems(r, 1, "line 2: bad IPv6 address");
    }

    @Test
    void ipv6LineWithoutMacInItsDuidIsSkippedQuietly() {
        // DUID-EN (type 2): no MAC to tie the lease to a station; normal, not damage
        LeaseFile.Read r = parse(F, "duid 00:01\n1795858731 1 fd77::5 x 00:02:00:00:ab:11:01:02:03:04\n");
        assertLeases(r);
        assertProblems(r, 0, "");
    }

    @Test
    void badExpiry() {
        assertProblems(parse(F, "-5 02:aa:bb:cc:dd:02 10.77.0.153 bob *\n"), 1, "line 1: bad expiry time");
    }

    @Test
    void binaryGarbage() {
        byte[] junk = {0x7f, 'E', 'L', 'F', 0, 1, 2, '\n', (byte) 0xff, (byte) 0xfe, ' ', '\n'};
        LeaseFile.Read r = parse(F, junk);
        assertLeases(r);
        assertProblems(r, 2, "line 1: binary data (NUL byte)");
    }

    @Test
    void overlongLineIsSkippedAndTheNextOneRead() {
        String longName = "x".repeat(LineReader.MAX_LINE_BYTES * 3);
        LeaseFile.Read r = parse(F, "1 02:aa:bb:cc:dd:02 10.77.0.153 " + longName + " *\n" + GOOD);
        assertLeases(r, lease("02:aa:bb:cc:dd:01", "10.77.0.152", "phone-anna", 1795894417));
        assertProblems(r, 1, "line 1: line longer than " + LineReader.MAX_LINE_BYTES);
    }

    @Test
    void windowsLineEndsAndBlankLines() {
        assertLeases(parse(F, "\r\n" + GOOD.replace("\n", "\r\n") + "\n"),
                lease("02:aa:bb:cc:dd:01", "10.77.0.152", "phone-anna", 1795894417));
    }
}
