package dev.stationd.daemon.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The STA reply parser, on replies captured from hostapd 2.10 (see resources/hostapd/README.md). */
class StaInfoTest {
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void wiredStationFromRealHostapd() {
        StaInfo s = StaInfo.parse(Captures.read("wired-2.10/sta-first.txt"));
        assertEquals(MacAddress.parse("02:00:00:00:00:02"), s.mac());
        assertEquals(Set.of("AUTHORIZED"), s.flagNames());
        assertEquals(StaFlags.AUTHORIZED, s.flags());
        assertTrue(s.connected(), "the wired driver never sets ASSOC: AUTHORIZED alone is connected");
        // the wired driver cannot read station counters: hostapd prints none of these lines
        assertEquals(-1, s.rxBytes());
        assertEquals(-1, s.txBytes());
        assertEquals(-1, s.rxPackets());
        assertEquals(-1, s.txPackets());
        assertEquals(-1, s.connectedTimeSec());
        assertEquals(StaInfo.NO_SIGNAL, s.signalDbm());

        StaListAttr a = s.toAttr("wlan0", "stationd-test", 7, Band.UNKNOWN, NOW, 0);
        assertEquals("wlan0", a.ifname());
        assertEquals("stationd-test", a.ssid());
        assertEquals(7, a.groupId());
        assertEquals(StaFlags.AUTHORIZED, a.flags());
        assertEquals(0, a.txBytes());
        assertEquals(0, a.signalDbm());
        assertEquals(NOW, a.lastSeenMs());
        assertEquals(NOW, a.assocTimeMs(), "no connected_time: first seen now");
        assertEquals(NOW - 5000, s.toAttr("wlan0", "", 0, Band.UNKNOWN, NOW, NOW - 5000).assocTimeMs(),
                "no connected_time: the known association time is kept");
    }

    @Test
    void everyCapturedStaReplyParses() {
        for (String f : List.of("sta.txt", "sta-first.txt", "sta-next.txt")) {
            StaInfo s = StaInfo.parse(Captures.read("wired-2.10/" + f));
            assertTrue(s.connected(), f);
        }
        assertEquals(MacAddress.parse("02:00:00:00:00:01"), StaInfo.parse(Captures.read("wired-2.10/sta-next.txt")).mac());
    }

    @Test
    void loggedOffStationIsListedButNotConnected() {
        StaInfo s = StaInfo.parse(Captures.read("wired-2.10/sta-logged-off.txt"));
        assertEquals(MacAddress.parse("02:00:00:00:00:03"), s.mac());
        assertEquals(Set.of(), s.flagNames());
        assertFalse(s.connected());
    }

    @Test
    void endOfListAndFailAreNull() {
        assertNull(StaInfo.parse(Captures.read("wired-2.10/sta-next-end.txt")));
        assertNull(StaInfo.parse(Captures.read("wired-2.10/sta-unknown.txt")));
        assertNull(StaInfo.parse(""));
    }

    @Test
    void nl80211StationWithCountersRatesAndFlags() {
        StaInfo s = StaInfo.parse(Captures.read("nl80211-2.10-sta.txt"));
        assertEquals(MacAddress.parse("a4:83:e7:12:34:56"), s.mac());
        assertEquals(StaFlags.AUTHENTICATED | StaFlags.ASSOCIATED | StaFlags.AUTHORIZED | StaFlags.WMM
                | StaFlags.MFP | StaFlags.HT | StaFlags.VHT, s.flags());
        assertEquals(48213, s.rxPackets());
        assertEquals(61877, s.txPackets());
        assertEquals(5384212, s.rxBytes());
        assertEquals(71733905, s.txBytes());
        assertEquals(120, s.inactiveMsec());
        assertEquals(-52, s.signalDbm());
        assertEquals(6500, s.rxRate100kbps());
        assertEquals(8667, s.txRate100kbps());
        assertEquals(3742, s.connectedTimeSec());

        StaListAttr a = s.toAttr("wlan1", "home", 1, Band.GHZ_5, NOW, 0);
        assertEquals(866_700, a.txRateKbps(), "tx_rate_info is in 100 kbit/s");
        assertEquals(650_000, a.rxRateKbps());
        assertEquals(71733905, a.txBytes(), "tx = AP to station, as hostapd reports it");
        assertEquals(5384212, a.rxBytes());
        assertEquals(61877, a.txPackets());
        assertEquals(48213, a.rxPackets());
        assertEquals(-52, a.signalDbm());
        assertEquals(Band.GHZ_5, a.band());
        assertEquals(NOW - 3_742_000, a.assocTimeMs(), "association = now - connected_time");
        assertEquals(NOW, a.lastSeenMs());
        // read again 1.4 s later, connected_time 3743 (whole seconds): the association did not move
        long later = NOW + 1_400;
        StaInfo again = StaInfo.parse(Captures.read("nl80211-2.10-sta.txt").replace("connected_time=3742", "connected_time=3743"));
        assertEquals(a.assocTimeMs(), again.toAttr("wlan1", "home", 1, Band.GHZ_5, later, a.assocTimeMs()).assocTimeMs(),
                "within connected_time's second of the known association: kept");
        assertEquals(later - 3_743_000, again.toAttr("wlan1", "home", 1, Band.GHZ_5, later, 0).assocTimeMs(),
                "without a known one: computed");
        assertEquals(later - 3_743_000, again.toAttr("wlan1", "home", 1, Band.GHZ_5, later, NOW - 7_000_000).assocTimeMs(),
                "a known one that disagrees (the station associated again): replaced");
    }

    @Test
    void flagNamesMapToStaFlagBits() {
        StaInfo s = StaInfo.parse("02:00:00:00:00:09\nflags=[AUTH][ASSOC][AUTHORIZED][WMM][HT][VHT][HE][EHT][MFP]"
                + "[SHORT_PREAMBLE][WPS][6GHZ]\n");
        assertEquals(StaFlags.AUTHENTICATED | StaFlags.ASSOCIATED | StaFlags.AUTHORIZED | StaFlags.WMM | StaFlags.HT
                | StaFlags.VHT | StaFlags.HE | StaFlags.EHT | StaFlags.MFP, s.flags());
        assertTrue(s.flagNames().contains("WPS"), "unknown names are kept, just without a bit");
        assertEquals(0, s.flags() & StaFlags.FILTERED, "FILTERED is the daemon's, never hostapd's");
        StaInfo authOnly = StaInfo.parse("02:00:00:00:00:09\nflags=[AUTH]\n");
        assertFalse(authOnly.connected(), "authenticated but not associated is not a station yet");
    }

    @Test
    void outOfRangeValuesAreClamped() {
        StaInfo s = StaInfo.parse("02:00:00:00:00:09\nflags=[ASSOC]\nsignal=-200\ntx_rate_info=99999999999\n"
                + "rx_rate_info=garbage\ntx_bytes=99999999999999999999999\nvlan_id=5\nconnected_time=x\n");
        StaListAttr a = s.toAttr("wlan0", "", 0, Band.UNKNOWN, NOW, 0);
        assertEquals(-128, a.signalDbm());
        assertEquals(0xFFFF_FFFFL, a.txRateKbps());
        assertEquals(0, a.rxRateKbps());
        assertEquals(Long.MAX_VALUE, a.txBytes());
        assertEquals(5, a.vlanId());
        assertEquals(NOW, a.assocTimeMs());
    }

    @Test
    void replyThatIsNotAStationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> StaInfo.parse(Captures.read("wired-2.10/status.txt")));
    }

    @Test
    void linesAreReadByTheirWholeKeyWithWhiteSpaceAroundValuesIgnored() {
        StaInfo s = StaInfo.parse("02:00:00:00:00:09\r\n"
                + "flags=[AUTH][ASSOC]\r\n"     // CR LF line ends
                + "rx_bytes_total=7\n"            // a longer key that starts with a known one
                + "x_bytes=8\n"                   // a shorter one that ends like one
                + "no equals sign here\n"         // no '=': skipped, the next line's '=' is not its
                + "=9\n"                          // no key
                + "rx_bytes= 42 \n"               // blanks around the value
                + "tx_bytes=9223372036854775807\n" // the largest that fits
                + "rx_packets=18446744073709551615\n" // u64 max: more than fits, kept huge
                + "tx_rate_info=65 mcs 7\n"
                + "signal=-40");                   // the last line without its newline
        assertEquals(StaFlags.AUTHENTICATED | StaFlags.ASSOCIATED, s.flags());
        assertEquals(42, s.rxBytes());
        assertEquals(Long.MAX_VALUE, s.txBytes());
        assertEquals(Long.MAX_VALUE, s.rxPackets());
        assertEquals(-1, s.txPackets(), "absent");
        assertEquals(65, s.txRate100kbps());
        assertEquals(-40, s.signalDbm());
    }
}
