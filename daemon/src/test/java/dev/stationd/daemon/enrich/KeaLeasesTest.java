package dev.stationd.daemon.enrich;

import static dev.stationd.daemon.enrich.LeaseFixtures.assertLeases;
import static dev.stationd.daemon.enrich.LeaseFixtures.assertProblems;
import static dev.stationd.daemon.enrich.LeaseFixtures.lease;
import static dev.stationd.daemon.enrich.LeaseFixtures.parse;

import org.junit.jupiter.api.Test;

/** Kea's memfile CSV, v4 and v6: the real files, and one damaged line per case. */
class KeaLeasesTest {
    private static final LeaseFormat F = LeaseFormat.KEA;
    private static final String V4 = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
            + "hostname,state,user_context\n";
    private static final String GOOD = "10.77.0.100,02:aa:bb:cc:dd:01,01:02:aa:bb:cc:dd:01,3600,1795854855,1,0,0,"
            + "phone-anna,0,\n";

    @Test
    void realV4FileOfKea220() {
        LeaseFile.Read r = LeaseFixtures.fixture(F, "kea-2.2.0-leases4.csv");
        // renewals replace earlier lines; 10.77.0.103 expired and was reclaimed (valid_lifetime 0)
        assertLeases(r,
                lease("02:aa:bb:cc:dd:03", "10.77.0.102", "", 1795854855),
                lease("02:aa:bb:cc:dd:01", "10.77.0.100", "phone-anna", 1795854861),
                lease("02:aa:bb:cc:dd:02", "10.77.0.101", "laptop-bob", 1795854872));
        assertProblems(r, 0, "");
    }

    @Test
    void realV6FileOfKea220() {
        LeaseFile.Read r = LeaseFixtures.fixture(F, "kea-2.2.0-leases6.csv");
        // laptop-bob released fd77::101; the FQDN's trailing dot is not part of the name shown
        assertLeases(r, lease("02:aa:bb:cc:dd:01", "fd77::100", "tablet-carl", 1795855875));
        assertProblems(r, 0, "");
    }

    @Test
    void v6MacFromTheDuidWhenHwaddrIsEmpty() {
        String v6 = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,"
                + "fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source\n";
        LeaseFile.Read r = parse(F, v6
                + "fd77::7,00:03:00:01:02:aa:bb:cc:dd:07,4000,1795855875,1,3000,0,1,128,0,0,seven,,0,,0,0\n"
                + "fd77:1::,00:03:00:01:02:aa:bb:cc:dd:08,4000,1795855875,1,3000,2,1,64,0,0,,,0,,0,0\n");
        // DUID-LL names the MAC; the second line is a delegated prefix (lease_type 2), not an address
        assertLeases(r, lease("02:aa:bb:cc:dd:07", "fd77::7", "seven", 1795855875));
    }

    @Test
    void stateOtherThanDefaultIsNotALease() {
        LeaseFile.Read r = parse(F, V4 + GOOD + GOOD.replace(",0,\n", ",1,\n"));  // declined
        assertLeases(r);
    }

    @Test
    void infiniteLifetime() {
        assertLeases(parse(F, V4 + GOOD.replace(",3600,", ",4294967295,")),
                lease("02:aa:bb:cc:dd:01", "10.77.0.100", "phone-anna", 0));
    }

    @Test
    void escapedCommaInHostname() {
        assertLeases(parse(F, V4 + GOOD.replace("phone-anna", "anna&#x2cphone")),
                lease("02:aa:bb:cc:dd:01", "10.77.0.100", "anna,phone", 1795854855));
    }

    @Test
    void columnsFoundByNameWhateverTheirOrder() {
        String header = "address,hostname,expire,valid_lifetime,hwaddr,state,pool_id\n";
        assertLeases(parse(F, header + "10.1.0.9,nine,1795854855,3600,02:aa:bb:cc:dd:09,0,0\n"),
                lease("02:aa:bb:cc:dd:09", "10.1.0.9", "nine", 1795854855));
    }

    @Test
    void noHeader() {
        LeaseFile.Read r = parse(F, GOOD);
        assertLeases(r);
        assertProblems(r, 1, "line 1: no header line before the leases");
    }

    @Test
    void headerWithoutNeededColumns() {
        LeaseFile.Read r = parse(F, "address,hwaddr,expire\n" + GOOD);
        assertLeases(r);
        assertProblems(r, 2, "line 1: header without the columns");
    }

    @Test
    void truncatedLine() {
        LeaseFile.Read r = parse(F, V4 + "10.77.0.101,02:aa:bb:cc:dd:02,01:02\n" + GOOD);
        assertLeases(r, lease("02:aa:bb:cc:dd:01", "10.77.0.100", "phone-anna", 1795854855));
        assertProblems(r, 1, "line 2: expected 11 columns, found 3");
    }

    @Test
    void truncatedLastLine() {
        LeaseFile.Read r = parse(F, V4 + GOOD + "10.77.0.101,02:aa:bb:cc:dd:02,01:02:aa:bb:cc:dd:02,3600,17958548");
        assertLeases(r, lease("02:aa:bb:cc:dd:01", "10.77.0.100", "phone-anna", 1795854855));
        assertProblems(r, 1, "line 3: last line has no newline");
    }

    @Test
    void badMac() {
        LeaseFile.Read r = parse(F, V4 + GOOD.replace("02:aa:bb:cc:dd:01,01", "02-aa-bb-cc-dd,01"));
        assertLeases(r);
        assertProblems(r, 1, "line 2: bad MAC");
    }

    @Test
    void badIp() {
        LeaseFile.Read r = parse(F, V4 + GOOD.replace("10.77.0.100", "10.77.0"));
        assertLeases(r);
        assertProblems(r, 1, "line 2: bad IPv4 address");
    }

    @Test
    void badNumbers() {
        assertProblems(parse(F, V4 + GOOD.replace(",3600,", ",-1,")), 1, "line 2: bad valid_lifetime or expire");
    }

    @Test
    void binaryGarbage() {
        byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        LeaseFile.Read r = parse(F, junk);
        assertLeases(r);
        assertProblems(r, r.problems().count(), "line 1:");
    }
}
