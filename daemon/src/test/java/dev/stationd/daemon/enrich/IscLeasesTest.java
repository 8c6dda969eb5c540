package dev.stationd.daemon.enrich;

import static dev.stationd.daemon.enrich.LeaseFixtures.assertLeases;
import static dev.stationd.daemon.enrich.LeaseFixtures.assertProblems;
import static dev.stationd.daemon.enrich.LeaseFixtures.lease;
import static dev.stationd.daemon.enrich.LeaseFixtures.parse;

import org.junit.jupiter.api.Test;

/** ISC dhcpd's dhcpd.leases: the real file, and one damaged block per case. */
class IscLeasesTest {
    private static final LeaseFormat F = LeaseFormat.ISC;

    /** One lease block; {@code ends 6 2026/11/28 07:45:00} is 1795851900 s. */
    private static String block(String address, String mac, String extra) {
        return "lease " + address + " {\n"
                + "  starts 6 2026/11/28 07:35:00;\n"
                + "  ends 6 2026/11/28 07:45:00;\n"
                + "  binding state active;\n"
                + "  hardware ethernet " + mac + ";\n"
                + extra
                + "}\n";
    }

    @Test
    void realFileOfDhcpd443() {
        LeaseFile.Read r = LeaseFixtures.fixture(F, "isc-dhcpd-4.4.3.leases");
        assertLeases(r,
                lease("02:aa:bb:cc:dd:01", "10.77.0.50", "phone-anna", 1795851900),
                lease("02:aa:bb:cc:dd:02", "10.77.0.51", "laptop-bob", 1795851901),
                lease("02:aa:bb:cc:dd:03", "10.77.0.52", "", 1795851902),
                lease("02:aa:bb:cc:dd:05", "10.77.0.54", "", 1795851912),
                // a 40-byte name, cut to the 31 bytes sta_list_attr.hostname holds
                lease("02:aa:bb:cc:dd:06", "10.77.0.55", "a-very-long-hostname-that-does-", 1795851913));
        // 10.77.0.53: the last block (binding state free, a release) wins over the two before it
        assertProblems(r, 0, "");
    }

    @Test
    void endsInEpochFormatAndNever() {
        String a = block("10.0.0.1", "02:00:00:00:00:01", "").replace("ends 6 2026/11/28 07:45:00;",
                "ends epoch 1795851900; # Sat Nov 28 07:45:00 2026");
        String b = block("10.0.0.2", "02:00:00:00:00:02", "").replace("ends 6 2026/11/28 07:45:00;", "ends never;");
        assertLeases(parse(F, a + b), lease("02:00:00:00:00:01", "10.0.0.1", "", 1795851900),
                lease("02:00:00:00:00:02", "10.0.0.2", "", 0));
    }

    @Test
    void octalEscapesAreUtf8() {
        assertLeases(parse(F, block("10.0.0.1", "02:00:00:00:00:01", "  client-hostname \"caf\\303\\251 \\\"x\\\"\";\n")),
                lease("02:00:00:00:00:01", "10.0.0.1", "café \"x\"", 1795851900));
    }

    @Test
    void otherBlocksWithNestedBracesAreSkipped() {
        String failover = "failover peer \"p\" state {\n  my state normal at 6 2026/11/28 07:00:00;\n  partner state "
                + "normal;\n}\n";
        String host = "host fixed { dynamic; hardware ethernet 02:00:00:00:00:09; fixed-address 10.0.0.9; }\n";
        String ia = "ia-na \"\\001\" {\n  cltt 6 2026/11/28 07:35:00;\n  iaaddr fd00::5 {\n    binding state active;\n  }\n}\n";
        assertLeases(parse(F, failover + host + ia + block("10.0.0.1", "02:00:00:00:00:01", "")),
                lease("02:00:00:00:00:01", "10.0.0.1", "", 1795851900));
    }

    @Test
    void blockTheFileEndsIn() {
        String whole = block("10.0.0.1", "02:00:00:00:00:01", "");
        String torn = block("10.0.0.1", "02:00:00:00:00:02", "").substring(0, 60);
        LeaseFile.Read r = parse(F, whole + torn);
        // the earlier complete block for the address stays the lease
        assertLeases(r, lease("02:00:00:00:00:01", "10.0.0.1", "", 1795851900));
        assertProblems(r, 2, "line 9: last line has no newline");
    }

    @Test
    void tornBlockFollowedByANewOne() {
        String torn = "lease 10.0.0.3 {\n  starts 6 2026/11/28 07:35:00;\n";
        LeaseFile.Read r = parse(F, torn + block("10.0.0.1", "02:00:00:00:00:01", ""));
        assertLeases(r, lease("02:00:00:00:00:01", "10.0.0.1", "", 1795851900));
        assertProblems(r, 1, "line 1: lease block not closed");
    }

    @Test
    void badMac() {
        LeaseFile.Read r = parse(F, block("10.0.0.1", "02:00:00:00:01", "") + block("10.0.0.2", "02:00:00:00:00:02", ""));
        assertLeases(r, lease("02:00:00:00:00:02", "10.0.0.2", "", 1795851900));
        assertProblems(r, 2, "line 5: bad MAC");
    }

    @Test
    void badIp() {
        LeaseFile.Read r = parse(F, block("10.0.0.300", "02:00:00:00:00:01", "") + block("10.0.0.2", "02:00:00:00:00:02", ""));
        assertLeases(r, lease("02:00:00:00:00:02", "10.0.0.2", "", 1795851900));
        assertProblems(r, 1, "line 1: bad IPv4 address");
    }

    @Test
    void badEnds() {
        LeaseFile.Read r = parse(F, block("10.0.0.1", "02:00:00:00:00:01", "").replace("07:45:00", "25:61:00"));
        assertLeases(r);
        assertProblems(r, 2, "line 3: bad 'ends' time");
    }

    @Test
    void missingHardware() {
        LeaseFile.Read r = parse(F, "lease 10.0.0.1 {\n  ends never;\n}\n");
        assertLeases(r);
        assertProblems(r, 1, "line 1: lease block without 'hardware ethernet'");
    }

    @Test
    void binaryLineInsideABlockSpoilsTheBlock() {
        String b = block("10.0.0.1", "02:00:00:00:00:01", "  client-hostname \"a\0b\";\n");
        LeaseFile.Read r = parse(F, b);
        assertLeases(r);
        assertProblems(r, 2, "line 6: binary data");
    }
}
