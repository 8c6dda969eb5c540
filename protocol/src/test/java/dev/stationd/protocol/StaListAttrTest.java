package dev.stationd.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet6Address;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StaListAttrTest {
    static final MacAddress MAC = MacAddress.parse("02:11:22:33:44:55");
    /** ::ffff:1.2.3.4 as raw bytes; InetAddress.getByName would fold it into an Inet4Address. */
    static final byte[] V4_MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4};
    /** 2001:db8::1 as raw bytes. */
    static final byte[] DOC_V6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    /** 32 UTF-8 bytes: 16 x U+00E9. */
    static final String SSID_32_MULTIBYTE = "é".repeat(16);
    /** 32 UTF-8 bytes mixing 1-, 2-, 3- and 4-byte sequences: 1+2+3+4 + 22. */
    static final String SSID_32_MIXED = "a" + "ß" + "€" + "\uD83D\uDCF6" + Wire.ascii(22);

    /** A station with every field different from zero. */
    static StaListAttr full() {
        return StaListAttr.builder(MAC)
                .vlanId(100)
                .ipv4(StaListAttr.parseIpv4("192.168.1.23"))
                .groupId(7)
                .ipv6(StaListAttr.ipv6(DOC_V6))
                .ifname("wlan0")
                .ssid("Café ☕ net")
                .signalDbm(-61)
                .band(Band.GHZ_5)
                .flags(StaFlags.AUTHORIZED | StaFlags.ASSOCIATED | StaFlags.WMM | StaFlags.HE | StaFlags.MFP)
                .txRateKbps(866_700)
                .rxRateKbps(433_300)
                .txBytes(123_456_789_012L)
                .rxBytes(987_654_321L)
                .txPackets(1_000_001)
                .rxPackets(2_000_002)
                .assocTimeMs(1_700_000_000_000L)
                .lastSeenMs(1_700_000_123_456L)
                .hostname("laptop-01")
                .build();
    }

    static Stream<StaListAttr> roundTripTable() {
        List<StaListAttr> all = new ArrayList<>();
        all.add(StaListAttr.builder(MacAddress.ZERO).build());                      // every field zero / empty
        all.add(full());
        // minimum values
        all.add(full().toBuilder().mac(MacAddress.parse("00:00:00:00:00:01")).vlanId(0).signalDbm(-128)
                .groupId(Integer.MIN_VALUE).flags(0).txRateKbps(0).rxRateKbps(0)
                .txBytes(Long.MIN_VALUE).rxBytes(Long.MIN_VALUE).txPackets(0).rxPackets(0)
                .assocTimeMs(Long.MIN_VALUE).lastSeenMs(0).ifname("").ssid("").hostname("").build());
        // maximum values
        all.add(full().toBuilder().mac(MacAddress.parse("ff:ff:ff:ff:ff:ff")).vlanId(0xFFFF).signalDbm(127)
                .ipv4(StaListAttr.parseIpv4("255.255.255.255"))
                .ipv6(StaListAttr.ipv6(filled(16, 0xff)))
                .groupId(-1).flags(-1)
                .txRateKbps(0xFFFF_FFFFL).rxRateKbps(0xFFFF_FFFFL)
                .txBytes(-1L).rxBytes(-1L).txPackets(-1L).rxPackets(-1L)
                .assocTimeMs(Long.MAX_VALUE).lastSeenMs(-1L)
                .ifname(Wire.ascii(15)).ssid(Wire.ascii(32)).hostname(Wire.ascii(31)).build());
        // strings at their limits in multi-byte UTF-8
        all.add(full().toBuilder().ssid(SSID_32_MULTIBYTE).hostname("ü".repeat(15) + "x").ifname("wlän0").build());
        all.add(full().toBuilder().ssid(SSID_32_MIXED).hostname("\uD83D\uDCBB" + Wire.ascii(27)).build());
        // IPv4-mapped IPv6 must stay an Inet6Address
        all.add(full().toBuilder().ipv6(StaListAttr.ipv6(V4_MAPPED)).build());
        // every band
        for (Band b : Band.values()) {
            all.add(full().toBuilder().band(b).build());
        }
        // every single flag bit, including FILTERED
        for (int bit = 0; bit < 32; bit++) {
            all.add(full().toBuilder().flags(1 << bit).build());
        }
        return all.stream();
    }

    static byte[] filled(int n, int v) {
        byte[] a = new byte[n];
        java.util.Arrays.fill(a, (byte) v);
        return a;
    }

    @ParameterizedTest
    @MethodSource("roundTripTable")
    void encodeCheckBytesDecode(StaListAttr s) {
        ByteBuf buf = Unpooled.buffer();
        try {
            s.encode(buf);
            assertEquals(176, buf.readableBytes(), "sizeof(sta_list_attr)");
            assertArrayEquals(s.mac().toBytes(), Wire.slice(buf, 0, 6), "0 mac[6] in octet order");
            assertEquals(s.vlanId(), Wire.u16(buf, 6), "6 vlan_id");
            assertArrayEquals(s.ipv4().getAddress(), Wire.slice(buf, 8, 4), "8 ipv4 in network order");
            assertEquals(s.groupId(), Wire.i32(buf, 12), "12 group_id");
            assertArrayEquals(s.ipv6().getAddress(), Wire.slice(buf, 16, 16), "16 ipv6 in network order");
            assertArrayEquals(Wire.cString(s.ifname(), 16), Wire.slice(buf, 32, 16), "32 ifname[16]");
            assertArrayEquals(Wire.cString(s.ssid(), 33), Wire.slice(buf, 48, 33), "48 ssid[33]");
            assertEquals(s.signalDbm(), buf.getByte(81), "81 signal_dbm (i8)");
            assertEquals(s.band().code(), buf.getUnsignedByte(82), "82 band");
            assertEquals(0, buf.getByte(83), "83 reserved0");
            assertEquals(s.flags(), Wire.i32(buf, 84), "84 flags");
            assertEquals(s.txRateKbps(), Wire.u32(buf, 88), "88 tx_rate_kbps");
            assertEquals(s.rxRateKbps(), Wire.u32(buf, 92), "92 rx_rate_kbps");
            assertEquals(s.txBytes(), Wire.i64(buf, 96), "96 tx_bytes");
            assertEquals(s.rxBytes(), Wire.i64(buf, 104), "104 rx_bytes");
            assertEquals(s.txPackets(), Wire.i64(buf, 112), "112 tx_packets");
            assertEquals(s.rxPackets(), Wire.i64(buf, 120), "120 rx_packets");
            assertEquals(s.assocTimeMs(), Wire.i64(buf, 128), "128 assoc_time_ms");
            assertEquals(s.lastSeenMs(), Wire.i64(buf, 136), "136 last_seen_ms");
            assertArrayEquals(Wire.cString(s.hostname(), 32), Wire.slice(buf, 144, 32), "144 hostname[32]");

            StaListAttr back = StaListAttr.decode(buf);
            assertEquals(s, back);
            assertEquals(0, buf.readableBytes(), "decode consumes exactly 176 bytes");
            assertInstanceOf(Inet6Address.class, back.ipv6());
            assertArrayEquals(s.ipv6().getAddress(), back.ipv6().getAddress());
        } finally {
            buf.release();
        }
    }

    @Test
    void ipv4MappedIpv6StaysInet6() throws Exception {
        // the trap this guards against: the JDK folds ::ffff:a.b.c.d into an Inet4Address
        assertInstanceOf(java.net.Inet4Address.class, InetAddress.getByName("::ffff:1.2.3.4"));
        StaListAttr s = full().toBuilder().ipv6(StaListAttr.ipv6(V4_MAPPED)).build();
        ByteBuf buf = Unpooled.buffer();
        try {
            s.encode(buf);
            assertArrayEquals(V4_MAPPED, Wire.slice(buf, 16, 16), "16 ipv6 = 00*10 ff ff 01 02 03 04");
            StaListAttr back = StaListAttr.decode(buf);
            assertInstanceOf(Inet6Address.class, back.ipv6());
            assertArrayEquals(V4_MAPPED, back.ipv6().getAddress());
            assertEquals(s, back);
        } finally {
            buf.release();
        }
    }

    @Test
    void unknownAddressesAndRepeatedNamesAreSharedNotCopiedPerStation() {
        StaListAttr a = StaListAttr.builder(MAC).ifname("wlan0").ssid("home").hostname("laptop").build();
        StaListAttr b = StaListAttr.builder(new MacAddress(0x020000000002L)).ifname("wlan0").ssid("home")
                .hostname("laptop").build();
        ByteBuf buf = Unpooled.buffer();
        try {
            a.encode(buf);
            b.encode(buf);
            StaListAttr da = StaListAttr.decode(buf);
            StaListAttr db = StaListAttr.decode(buf);
            assertEquals(a, da);
            assertEquals(b, db);
            assertSame(StaListAttr.NO_IPV4, da.ipv4(), "0.0.0.0 (unknown) is the one constant");
            assertSame(StaListAttr.NO_IPV6, da.ipv6(), ":: (unknown) is the one constant");
            assertSame(da.ifname(), db.ifname(), "the same ifname bytes: the same string");
            assertSame(da.ssid(), db.ssid());
            assertTrue(da.hostname() != db.hostname(), "hostnames differ per station: not cached");
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, StaListAttr.Writer.GROUP - 1, StaListAttr.Writer.GROUP, StaListAttr.Writer.GROUP + 1, 40})
    void aWriterWritesWhatEncodingEachRecordWrites(int n) {
        // records with and without addresses, the same name instances again and again (cached after
        // their first write) and names of their own (never cached)
        List<StaListAttr> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StaListAttr.Builder b = full().toBuilder().mac(new MacAddress(0x020000000000L + i)).txBytes(i)
                    .hostname(i % 2 == 0 ? "host-" + i : "");
            if (i % 3 == 0) {
                b.ipv4(StaListAttr.NO_IPV4).ipv6(StaListAttr.NO_IPV6).ssid(SSID_32_MIXED);
            }
            records.add(b.build());
        }
        ByteBuf want = Unpooled.buffer();
        ByteBuf got = Unpooled.buffer();
        try {
            want.writeByte(0x5a); // something before: the writer appends
            got.writeByte(0x5a);
            StaListAttr.Writer writer = new StaListAttr.Writer();
            StaListAttr.Writer sized = new StaListAttr.Writer(n); // room for fewer than a group when n is small
            ByteBuf alsoGot = Unpooled.buffer();
            alsoGot.writeByte(0x5a);
            for (StaListAttr r : records) {
                r.encode(want);
                writer.add(r, got);
                sized.add(r, alsoGot);
            }
            writer.flush(got);
            writer.flush(got); // nothing left: writes nothing
            sized.flush(alsoGot);
            assertEquals(want, alsoGot);
            alsoGot.release();
            assertEquals(1 + n * StaListAttr.SIZE, got.readableBytes());
            assertEquals(want, got);
            got.skipBytes(1);
            for (StaListAttr r : records) {
                assertEquals(r, StaListAttr.decode(got));
            }
        } finally {
            want.release();
            got.release();
        }
    }

    @Test
    void addressesAreKeptAsTheirBits() throws Exception {
        StaListAttr s = StaListAttr.builder(MAC).ipv4(StaListAttr.parseIpv4("10.20.30.40"))
                .ipv6(StaListAttr.ipv6(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42}))
                .build();
        assertEquals(0x0A14_1E28, s.ipv4Bits(), "a.b.c.d = a << 24 | b << 16 | c << 8 | d");
        assertEquals(0x2001_0db8_0000_0000L, s.ipv6High(), "2001:db8:: first");
        assertEquals(0x42L, s.ipv6Low(), "::42 last");
        assertEquals(InetAddress.getByName("10.20.30.40"), s.ipv4());
        // a link-local address with a scope names the same bytes: the record is the same
        byte[] linkLocal = {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        StaListAttr scoped = s.toBuilder().ipv6(Inet6Address.getByAddress(null, linkLocal, 2)).build();
        StaListAttr plain = s.toBuilder().ipv6(StaListAttr.ipv6(linkLocal)).build();
        assertEquals(plain, scoped);
        assertEquals(plain.hashCode(), scoped.hashCode());
        assertArrayEquals(linkLocal, scoped.ipv6().getAddress());
    }

    @Test
    void theMacIsKeptAsItsNumber() {
        StaListAttr s = StaListAttr.builder(MAC).build();
        assertEquals(0x02_11_22_33_44_55L, s.macValue());
        assertEquals(MAC, s.mac());
        // a full collection marks and moves each station's record alone: nothing in it is an object
        // of its own but the strings (shared between stations) and the band (an enum constant)
        for (RecordComponent c : StaListAttr.class.getRecordComponents()) {
            Class<?> t = c.getType();
            assertTrue(t.isPrimitive() || t == String.class || t == Band.class, c.getName() + " is a " + t.getName());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {-1L, MacAddress.MAX_VALUE + 1, Long.MIN_VALUE})
    void aMacValueOutside48BitsIsRefused(long value) {
        StaListAttr ok = StaListAttr.builder(MAC).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StaListAttr(value,
                ok.vlanId(), ok.ipv4Bits(), ok.groupId(), ok.ipv6High(), ok.ipv6Low(), ok.ifname(), ok.ssid(),
                ok.signalDbm(), ok.band(), ok.flags(), ok.txRateKbps(), ok.rxRateKbps(), ok.txBytes(), ok.rxBytes(),
                ok.txPackets(), ok.rxPackets(), ok.assocTimeMs(), ok.lastSeenMs(), ok.hostname()));
        assertTrue(e.getMessage().contains("macValue"), e.getMessage());
    }

    @Test
    void aBuilderWithoutMacIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StaListAttr.builder(null).build());
        assertTrue(e.getMessage().contains("mac"), e.getMessage());
    }

    @Test
    void ipv4IsNetworkOrderAndSignalIsSignedByte() {
        StaListAttr s = StaListAttr.builder(MAC).ipv4(StaListAttr.parseIpv4("10.20.30.40")).signalDbm(-1).build();
        ByteBuf buf = Unpooled.buffer();
        try {
            s.encode(buf);
            assertArrayEquals(new byte[] {10, 20, 30, 40}, Wire.slice(buf, 8, 4), "8 ipv4: first octet first");
            assertEquals((byte) 0xFF, buf.getByte(81), "81 signal_dbm -1 = 0xff");
        } finally {
            buf.release();
        }
    }

    @Test
    void decodeFromHandWrittenFixture() {
        byte[] r = new byte[176];
        byte[] mac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
        System.arraycopy(mac, 0, r, 0, 6);                         // 0   mac
        Wire.putU16(r, 6, 4094);                                   // 6   vlan_id
        r[8] = (byte) 192; r[9] = (byte) 168; r[10] = 1; r[11] = 23; // 8   ipv4 192.168.1.23
        Wire.putI32(r, 12, -2);                                    // 12  group_id 0xFFFFFFFE
        System.arraycopy(V4_MAPPED, 0, r, 16, 16);                 // 16  ipv6 ::ffff:1.2.3.4
        System.arraycopy(Wire.cString("wlan1", 16), 0, r, 32, 16); // 32  ifname
        System.arraycopy(Wire.cString("home", 33), 0, r, 48, 33);  // 48  ssid
        r[81] = (byte) -90;                                        // 81  signal_dbm
        r[82] = 3;                                                 // 82  band 6 GHz
        Wire.putI32(r, 84, StaFlags.FILTERED | StaFlags.HT);       // 84  flags
        Wire.putI32(r, 88, 0xFFFF_FFFF);                           // 88  tx_rate_kbps = u32 max
        Wire.putI32(r, 92, 54_000);                                // 92  rx_rate_kbps
        Wire.putI64(r, 96, -1L);                                   // 96  tx_bytes = u64 max
        Wire.putI64(r, 104, 5);                                    // 104 rx_bytes
        Wire.putI64(r, 112, 6);                                    // 112 tx_packets
        Wire.putI64(r, 120, 7);                                    // 120 rx_packets
        Wire.putI64(r, 128, 1_600_000_000_000L);                   // 128 assoc_time_ms
        Wire.putI64(r, 136, 1_600_000_000_999L);                   // 136 last_seen_ms
        System.arraycopy(Wire.cString("printer", 32), 0, r, 144, 32); // 144 hostname
        ByteBuf buf = Unpooled.wrappedBuffer(r);
        try {
            StaListAttr s = StaListAttr.decode(buf);
            StaListAttr expected = StaListAttr.builder(MacAddress.of(mac)).vlanId(4094)
                    .ipv4(StaListAttr.parseIpv4("192.168.1.23")).groupId(-2).ipv6(StaListAttr.ipv6(V4_MAPPED))
                    .ifname("wlan1").ssid("home").signalDbm(-90).band(Band.GHZ_6)
                    .flags(StaFlags.FILTERED | StaFlags.HT).txRateKbps(0xFFFF_FFFFL).rxRateKbps(54_000)
                    .txBytes(-1L).rxBytes(5).txPackets(6).rxPackets(7)
                    .assocTimeMs(1_600_000_000_000L).lastSeenMs(1_600_000_000_999L).hostname("printer").build();
            assertEquals(expected, s);
            assertEquals("18446744073709551615", Long.toUnsignedString(s.txBytes()));
        } finally {
            buf.release();
        }
    }

    // ---------------------------------------------------------------- decode errors

    private static byte[] encoded(StaListAttr s) {
        ByteBuf buf = Unpooled.buffer();
        try {
            s.encode(buf);
            return Wire.readable(buf);
        } finally {
            buf.release();
        }
    }

    private static ProtocolException decodeFails(byte[] record, String field, int offset) {
        ByteBuf buf = Unpooled.wrappedBuffer(record);
        try {
            ProtocolException e = assertThrowsExactly(ProtocolException.class, () -> StaListAttr.decode(buf));
            assertEquals(ErrorCode.E_ARG, e.errorCode());
            assertEquals(field, e.field(), e.getMessage());
            assertEquals(offset, e.offset(), e.getMessage());
            assertTrue(e.getMessage().contains(field) && e.getMessage().contains("offset " + offset), e.getMessage());
            assertEquals(0, buf.readableBytes(), "reader index advances by 176 even on failure");
            return e;
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 6, 0x80, 0xFF})
    void unknownBand(int band) {
        byte[] r = encoded(full());
        r[82] = (byte) band; // 82 band
        ProtocolException e = decodeFails(r, "band", 82);
        assertTrue(e.getMessage().contains("got " + band) && e.getMessage().contains("0..4"), e.getMessage());
    }

    @Test
    void nonZeroReserved0() {
        byte[] r = encoded(full());
        r[83] = 1; // 83 reserved0
        ProtocolException e = decodeFails(r, "reserved0", 83);
        assertTrue(e.getMessage().contains("0x1"), e.getMessage());
    }

    @Test
    void ifnameWithoutNul() {
        byte[] r = encoded(full());
        System.arraycopy(Wire.ascii(16).getBytes(StandardCharsets.US_ASCII), 0, r, 32, 16); // 32 ifname, no NUL
        decodeFails(r, "ifname", 32);
    }

    @Test
    void ssidWithoutNul() {
        byte[] r = encoded(full());
        System.arraycopy(Wire.ascii(33).getBytes(StandardCharsets.US_ASCII), 0, r, 48, 33); // 48 ssid, no NUL
        decodeFails(r, "ssid", 48);
    }

    @Test
    void hostnameWithoutNul() {
        byte[] r = encoded(full());
        System.arraycopy(Wire.ascii(32).getBytes(StandardCharsets.US_ASCII), 0, r, 144, 32); // 144 hostname, no NUL
        decodeFails(r, "hostname", 144);
    }

    @Test
    void shortBuffer() {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[175]);
        try {
            ProtocolException e = assertThrowsExactly(ProtocolException.class, () -> StaListAttr.decode(buf));
            assertEquals(ErrorCode.E_ARG, e.errorCode());
            assertTrue(e.getMessage().contains("175 bytes") && e.getMessage().contains("176 bytes"), e.getMessage());
        } finally {
            buf.release();
        }
    }

    // ---------------------------------------------------------------- compact constructor

    static Stream<Arguments> invalidBuilders() {
        return Stream.of(
                Arguments.of("vlan -1", (Runnable) () -> full().toBuilder().vlanId(-1).build()),
                Arguments.of("vlan 65536", (Runnable) () -> full().toBuilder().vlanId(0x10000).build()),
                Arguments.of("signal -129", (Runnable) () -> full().toBuilder().signalDbm(-129).build()),
                Arguments.of("signal 128", (Runnable) () -> full().toBuilder().signalDbm(128).build()),
                Arguments.of("txRate -1", (Runnable) () -> full().toBuilder().txRateKbps(-1).build()),
                Arguments.of("txRate 2^32", (Runnable) () -> full().toBuilder().txRateKbps(1L << 32).build()),
                Arguments.of("rxRate -1", (Runnable) () -> full().toBuilder().rxRateKbps(-1).build()),
                Arguments.of("rxRate 2^32", (Runnable) () -> full().toBuilder().rxRateKbps(1L << 32).build()),
                Arguments.of("ifname 16 bytes", (Runnable) () -> full().toBuilder().ifname(Wire.ascii(16)).build()),
                Arguments.of("ifname 16 UTF-8 bytes", (Runnable) () -> full().toBuilder().ifname("ü".repeat(8)).build()),
                Arguments.of("ssid 33 bytes", (Runnable) () -> full().toBuilder().ssid(Wire.ascii(33)).build()),
                Arguments.of("ssid 33 UTF-8 bytes", (Runnable) () -> full().toBuilder().ssid(SSID_32_MULTIBYTE + "a").build()),
                Arguments.of("ssid 34 UTF-8 bytes (4-byte char)", (Runnable) () -> full().toBuilder().ssid(Wire.ascii(30) + "\uD83D\uDCF6").build()),
                Arguments.of("hostname 32 bytes", (Runnable) () -> full().toBuilder().hostname(Wire.ascii(32)).build()),
                Arguments.of("hostname 33 UTF-8 bytes", (Runnable) () -> full().toBuilder().hostname("€".repeat(11)).build()),
                Arguments.of("NUL in ifname", (Runnable) () -> full().toBuilder().ifname("wl\0").build()),
                Arguments.of("NUL in ssid", (Runnable) () -> full().toBuilder().ssid("a\0b").build()),
                Arguments.of("NUL in hostname", (Runnable) () -> full().toBuilder().hostname("\0").build()),
                Arguments.of("null mac", (Runnable) () -> full().toBuilder().mac(null).build()),
                Arguments.of("null ipv4", (Runnable) () -> full().toBuilder().ipv4(null).build()),
                Arguments.of("null ipv6", (Runnable) () -> full().toBuilder().ipv6(null).build()),
                Arguments.of("null band", (Runnable) () -> full().toBuilder().band(null).build()),
                Arguments.of("null ifname", (Runnable) () -> full().toBuilder().ifname(null).build()),
                Arguments.of("null ssid", (Runnable) () -> full().toBuilder().ssid(null).build()),
                Arguments.of("null hostname", (Runnable) () -> full().toBuilder().hostname(null).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBuilders")
    void constructorRejects(String what, Runnable construction) {
        assertThrowsExactly(IllegalArgumentException.class, construction::run, what);
    }

    @Test
    void constructorAcceptsBoundaries() {
        StaListAttr s = full().toBuilder().vlanId(0xFFFF).signalDbm(-128).txRateKbps(0xFFFF_FFFFL)
                .ifname(Wire.ascii(15)).ssid(SSID_32_MIXED).hostname(Wire.ascii(31)).build();
        assertEquals(0xFFFF, s.vlanId());
        assertEquals(127, s.toBuilder().signalDbm(127).build().signalDbm());
        assertEquals(32, s.ssid().getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void withFlags() {
        StaListAttr s = full();
        assertSame(s, s.withFlags(s.flags()));
        StaListAttr f = s.withFlags(s.flags() | StaFlags.FILTERED);
        assertEquals(s.flags() | StaFlags.FILTERED, f.flags());
        assertEquals(s, f.withFlags(s.flags()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "1.2.3.4.5", "256.1.1.1", "-1.0.0.0", "a.b.c.d", "", "1..2.3"})
    void parseIpv4RejectsNonAddresses(String text) {
        assertThrows(IllegalArgumentException.class, () -> StaListAttr.parseIpv4(text));
    }

    @Test
    void parseIpv4() {
        assertArrayEquals(new byte[] {(byte) 255, 0, 10, 1}, StaListAttr.parseIpv4("255.0.10.1").getAddress());
        assertEquals(StaListAttr.NO_IPV4, StaListAttr.parseIpv4("0.0.0.0"));
        assertArrayEquals(new byte[16], StaListAttr.NO_IPV6.getAddress());
    }

    @Test
    void ipv6CopiesItsInput() {
        byte[] raw = DOC_V6.clone();
        Inet6Address a = StaListAttr.ipv6(raw);
        raw[0] = 0;
        assertArrayEquals(DOC_V6, a.getAddress());
    }
}
