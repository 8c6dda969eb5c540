package dev.stationd.bench;

import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import java.util.ArrayList;
import java.util.List;

/** The bench table in Java: the same stations as {@code bench/c/bench_common.h} builds in C. */
final class BenchData {
    private BenchData() {
    }

    /**
     * @param i station number, 0-based
     * @param now epoch milliseconds for {@code last_seen_ms}
     * @return station {@code i} (MAC 02:00:00 + (i + 1))
     */
    static StaListAttr station(int i, long now) {
        byte[] v4 = {10, (byte) ((i + 1) >> 16), (byte) ((i + 1) >> 8), (byte) (i + 1)};
        return StaListAttr.builder(new MacAddress(0x0200_0000_0000L + i + 1))
                .vlanId(10 + i % 4)
                .ipv4(StaListAttr.parseIpv4((v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff)))
                .groupId(1 + i % 4)
                .ifname("wlan" + i % 2)
                .ssid("bench-ssid-" + i % 4)
                .signalDbm(-40 - i % 50)
                .band(Band.valueOf(1 + i % 3))
                .flags(StaFlags.AUTHORIZED | StaFlags.AUTHENTICATED | StaFlags.ASSOCIATED | StaFlags.WMM | StaFlags.HT)
                .txRateKbps(866_000)
                .rxRateKbps(433_000)
                .txBytes(1_000_000L + i)
                .rxBytes(2_000_000L + i)
                .txPackets(1000L + i)
                .rxPackets(2000L + i)
                .assocTimeMs(now - 60_000)
                .lastSeenMs(now)
                .hostname("bench-host-" + i)
                .build();
    }

    /** @param n how many @return stations 0..n-1, in MAC order */
    static List<StaListAttr> stations(int n) {
        long now = System.currentTimeMillis();
        List<StaListAttr> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(station(i, now));
        }
        return list;
    }
}
