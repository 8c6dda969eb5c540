package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Test stations with distinct, non-trivial values in every field, and helpers to send and compare them. */
public final class Stations {
    /** First MAC of {@link #make}'s range (a locally administered unicast prefix). */
    static final long MAC_BASE = 0x02_5A_00_00_00_00L;

    private Stations() {
    }

    /**
     * @param i index (0..65535)
     * @param nowMs the "now" used for {@code last_seen_ms} (so nothing expires)
     * @return station {@code i}: every field distinct per index and non-trivial
     */
    public static StaListAttr make(int i, long nowMs) {
        return make(MAC_BASE, i, nowMs);
    }

    /**
     * @param macBase first MAC of the range
     * @param i index
     * @param nowMs the {@code last_seen_ms}
     * @return the station
     */
    static StaListAttr make(long macBase, int i, long nowMs) {
        // MACs spread over several octets, so sorting by MAC is not the sending order
        long macValue = macBase + (((long) (i * 7919 % 65536)) << 16) + (i % 251) + 1;
        byte[] v6 = new byte[16];
        v6[0] = (byte) 0xfd;
        v6[1] = 0x5a;
        v6[7] = (byte) (i >>> 8);
        v6[8] = (byte) 0x80;
        v6[13] = (byte) i;
        v6[14] = (byte) (i * 31);
        v6[15] = (byte) (i + 1);
        String ssid = i % 10 == 0
                ? "S" + "x".repeat(27) + String.format("%04d", i % 10_000) // 32 bytes: the largest that fits
                : "guest-" + i + (i % 3 == 0 ? "-caf\u00e9" : "");       // some UTF-8
        String hostname = i % 7 == 0
                ? "h" + "y".repeat(26) + String.format("%04d", i % 10_000) // 31 bytes
                : "host-" + i;
        long flags = ((long) i * 13 + 5) & 0x1FF;                       // bits 0..8, never FILTERED
        return StaListAttr.builder(new MacAddress(macValue))
                .vlanId(1 + (i * 37) % 4094)
                .ipv4(StaListAttr.parseIpv4("10." + (i >>> 8 & 0xFF) + "." + (i & 0xFF) + "." + (1 + i % 253)))
                .groupId(i % 4 + 1)
                .ipv6(StaListAttr.ipv6(v6))
                .ifname(i % 2 == 0 ? "wlan0" : "wlan1")
                .ssid(ssid)
                .signalDbm(-(20 + i % 100))
                .band(Band.valueOf(1 + i % 4))
                .flags((int) flags)
                .txRateKbps(0xFFFF_FFFFL - i)                              // u32 above 2^31
                .rxRateKbps(6_500L + 1_000L * i)
                .txBytes((1L << 32) + 1_000_003L * i)                      // above 2^32
                .rxBytes((5L << 40) + 7L * i)
                .txPackets((3L << 32) + i)
                .rxPackets(i == 999 ? -1L : Long.MIN_VALUE + 11L * i)      // above 2^63 as u64
                .assocTimeMs(nowMs - 3_600_000L - 1_000L * i)
                .lastSeenMs(nowMs - i)                                     // all "now", so nothing expires
                .hostname(hostname)
                .build();
    }

    /**
     * @param n how many
     * @param nowMs last_seen_ms base
     * @return stations 0..n-1
     */
    static List<StaListAttr> makeAll(int n, long nowMs) {
        List<StaListAttr> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(make(i, nowMs));
        }
        return out;
    }

    /**
     * Sends every station as an UPSERT datagram.
     *
     * @param ingest the ingest socket
     * @param stations the stations
     * @throws IOException if sending fails
     */
    public static void send(Path ingest, Collection<StaListAttr> stations) throws IOException {
        try (EventSender s = EventSender.connect(ingest)) {
            int seq = 1;
            for (StaListAttr sta : stations) {
                s.send(StaEvent.upsert(seq++, sta));
            }
        }
    }

    /**
     * Sends station {@code i} ({@link #make}, last seen now) as one UPSERT datagram.
     *
     * @param ingest the ingest socket
     * @param i its index
     * @throws IOException if sending fails
     */
    public static void sendOne(Path ingest, int i) throws IOException {
        send(ingest, List.of(make(i, System.currentTimeMillis())));
    }

    /** @param stations any @return sorted by MAC (a copy) */
    static List<StaListAttr> sorted(Collection<StaListAttr> stations) {
        List<StaListAttr> out = new ArrayList<>(stations);
        out.sort(Comparator.comparing(StaListAttr::mac));
        return out;
    }

    /** @param sta a station @return it with FILTERED set */
    static StaListAttr filtered(StaListAttr sta) {
        return sta.withFlags(sta.flags() | StaFlags.FILTERED);
    }

    /**
     * Compares two station lists field by field, with a message naming the index, MAC and field.
     *
     * @param expected expected, in order
     * @param actual actual, in order
     */
    static void assertSameStations(List<StaListAttr> expected, List<StaListAttr> actual) {
        assertEquals(expected.size(), actual.size(), "number of records");
        for (int i = 0; i < expected.size(); i++) {
            assertSameStation(expected.get(i), actual.get(i), "record " + i);
        }
    }

    /**
     * @param e expected
     * @param a actual
     * @param where context for the message
     */
    static void assertSameStation(StaListAttr e, StaListAttr a, String where) {
        String w = where + " (" + e.mac() + ") ";
        assertEquals(e.mac(), a.mac(), w + "mac");
        assertEquals(e.vlanId(), a.vlanId(), w + "vlan_id");
        assertEquals(e.ipv4(), a.ipv4(), w + "ipv4");
        assertEquals(e.groupId(), a.groupId(), w + "group_id");
        assertEquals(e.ipv6(), a.ipv6(), w + "ipv6");
        assertEquals(e.ifname(), a.ifname(), w + "ifname");
        assertEquals(e.ssid(), a.ssid(), w + "ssid");
        assertEquals(e.signalDbm(), a.signalDbm(), w + "signal_dbm");
        assertEquals(e.band(), a.band(), w + "band");
        assertEquals(StaFlags.describe(e.flags()), StaFlags.describe(a.flags()), w + "flags");
        assertEquals(e.flags(), a.flags(), w + "flags");
        assertEquals(e.txRateKbps(), a.txRateKbps(), w + "tx_rate_kbps");
        assertEquals(e.rxRateKbps(), a.rxRateKbps(), w + "rx_rate_kbps");
        assertEquals(e.txBytes(), a.txBytes(), w + "tx_bytes");
        assertEquals(e.rxBytes(), a.rxBytes(), w + "rx_bytes");
        assertEquals(e.txPackets(), a.txPackets(), w + "tx_packets");
        assertEquals(e.rxPackets(), a.rxPackets(), w + "rx_packets");
        assertEquals(e.assocTimeMs(), a.assocTimeMs(), w + "assoc_time_ms");
        assertEquals(e.lastSeenMs(), a.lastSeenMs(), w + "last_seen_ms");
        assertEquals(e.hostname(), a.hostname(), w + "hostname");
        assertEquals(e, a, w + "record"); // catches any component added later
    }
}
