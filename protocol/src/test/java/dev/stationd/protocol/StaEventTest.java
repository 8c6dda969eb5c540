package dev.stationd.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StaEventTest {

    static Stream<StaEvent> roundTripTable() {
        StaListAttr full = StaListAttrTest.full();
        StaListAttr max = full.toBuilder().mac(MacAddress.parse("ff:ff:ff:ff:ff:ff")).vlanId(0xFFFF).signalDbm(127)
                .groupId(-1).flags(-1).txRateKbps(0xFFFF_FFFFL).rxRateKbps(0xFFFF_FFFFL).txBytes(-1L).rxBytes(-1L)
                .txPackets(-1L).rxPackets(-1L).assocTimeMs(-1L).lastSeenMs(-1L)
                .ssid(StaListAttrTest.SSID_32_MIXED).hostname(Wire.ascii(31)).ifname(Wire.ascii(15)).build();
        return Stream.of(
                StaEvent.upsert(0, full),
                StaEvent.upsert(-1, max),                                   // seq 0xFFFFFFFF
                StaEvent.upsert(1, full.toBuilder().band(Band.GHZ_60).signalDbm(-128).build()),
                new StaEvent(EventType.UPSERT, Integer.MIN_VALUE, StaListAttr.builder(MacAddress.ZERO).build()),
                StaEvent.remove(2, StaListAttrTest.MAC),
                StaEvent.remove(0x7FFF_FFFF, MacAddress.parse("80:00:00:00:00:01")),
                new StaEvent(EventType.REMOVE, 3, full),
                StaEvent.flush(4, ""),
                StaEvent.flush(5, "wlan0"),
                StaEvent.flush(6, Wire.ascii(15)),
                new StaEvent(EventType.FLUSH, 7, max));
    }

    @ParameterizedTest
    @MethodSource("roundTripTable")
    void encodeCheckBytesDecode(StaEvent ev) {
        ByteBuf buf = Unpooled.buffer();
        ByteBuf sta = Unpooled.buffer();
        try {
            ev.encode(buf);
            assertEquals(192, buf.readableBytes(), "sizeof(sta_event)");
            assertEquals(Wire.EVENT_MAGIC, Wire.i32(buf, 0), "0 magic");
            assertEquals(1, Wire.u16(buf, 4), "4 version");
            assertEquals(ev.type().code(), Wire.u16(buf, 6), "6 type");
            assertEquals(ev.seq(), Wire.i32(buf, 8), "8 seq");
            assertEquals(0, Wire.i32(buf, 12), "12 reserved");
            ev.sta().encode(sta);
            assertArrayEquals(Wire.readable(sta), Wire.slice(buf, 16, 176), "16 sta = the sta_list_attr bytes");
            assertArrayEquals(ev.sta().mac().toBytes(), Wire.slice(buf, 16, 6), "16+0 sta.mac");
            assertEquals(ev.sta().flags(), Wire.i32(buf, 16 + 84), "16+84 sta.flags");
            assertArrayEquals(Wire.cString(ev.sta().ifname(), 16), Wire.slice(buf, 16 + 32, 16), "16+32 sta.ifname");

            StaEvent back = StaEvent.decodeDatagram(buf);
            assertEquals(ev, back);
            assertEquals(0, buf.readableBytes());
        } finally {
            buf.release();
            sta.release();
        }
    }

    @Test
    void factories() {
        StaEvent r = StaEvent.remove(9, StaListAttrTest.MAC);
        assertEquals(EventType.REMOVE, r.type());
        assertEquals(StaListAttr.builder(StaListAttrTest.MAC).build(), r.sta());
        StaEvent f = StaEvent.flush(9, "wlan2");
        assertEquals(EventType.FLUSH, f.type());
        assertEquals("wlan2", f.sta().ifname());
        assertEquals(MacAddress.ZERO, f.sta().mac());
        assertEquals(EventType.UPSERT, StaEvent.upsert(1, StaListAttrTest.full()).type());
    }

    @Test
    void decodeStreamOfRecords() {
        ByteBuf buf = Unpooled.buffer();
        try {
            StaEvent a = StaEvent.upsert(1, StaListAttrTest.full());
            StaEvent b = StaEvent.flush(2, "");
            a.encode(buf);
            b.encode(buf);
            assertEquals(384, buf.readableBytes());
            assertEquals(a, StaEvent.decode(buf));
            assertEquals(b, StaEvent.decode(buf));
            assertEquals(0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    // ---------------------------------------------------------------- bad datagrams

    private static byte[] valid() {
        ByteBuf buf = Unpooled.buffer();
        try {
            StaEvent.upsert(77, StaListAttrTest.full()).encode(buf);
            return Wire.readable(buf);
        } finally {
            buf.release();
        }
    }

    private static ProtocolException datagramFails(byte[] datagram) {
        ByteBuf buf = Unpooled.wrappedBuffer(datagram);
        try {
            // exactly ProtocolException: an IndexOutOfBounds or IllegalArgument here would escape the ingest loop
            return assertThrowsExactly(ProtocolException.class, () -> StaEvent.decodeDatagram(buf));
        } finally {
            buf.release();
        }
    }

    private static void assertFieldError(ProtocolException e, ErrorCode code, String field, int offset) {
        assertEquals(code, e.errorCode(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + " at offset " + offset + ": got "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 176, 191, 193, 384, 65535})
    void wrongDatagramSize(int size) {
        byte[] d = new byte[size];
        // make the first 192 bytes (if any) a valid event so only the size is wrong
        byte[] v = valid();
        System.arraycopy(v, 0, d, 0, Math.min(size, v.length));
        ProtocolException e = datagramFails(d);
        assertEquals(ErrorCode.E_ARG, e.errorCode());
        assertEquals("sta_event", e.field());
        assertTrue(e.getMessage().contains(size + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("192 bytes"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 99, 0xFFFF})
    void unknownType(int type) {
        byte[] d = valid();
        Wire.putU16(d, 6, type); // 6 type
        ProtocolException e = datagramFails(d);
        assertFieldError(e, ErrorCode.E_ARG, "type", 6);
        assertTrue(e.getMessage().contains("got " + type + ","), e.getMessage());
        assertTrue(e.getMessage().contains("expected 1..3"), e.getMessage());
    }

    @Test
    void badMagic() {
        byte[] d = valid();
        Wire.putI32(d, 0, Wire.CMD_MAGIC); // 0 magic: a command magic is not an event magic
        ProtocolException e = datagramFails(d);
        assertFieldError(e, ErrorCode.E_MAGIC, "magic", 0);
        assertTrue(e.getMessage().contains("0x53544344") && e.getMessage().contains("0x53544556"), e.getMessage());
    }

    @Test
    void byteSwappedMagic() {
        byte[] d = valid();
        Wire.putI32(d, 0, Integer.reverseBytes(Wire.EVENT_MAGIC)); // 0 magic in the wrong byte order
        assertFieldError(datagramFails(d), ErrorCode.E_MAGIC, "magic", 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 0x100})
    void badVersion(int version) {
        byte[] d = valid();
        Wire.putU16(d, 4, version); // 4 version
        ProtocolException e = datagramFails(d);
        assertFieldError(e, ErrorCode.E_VERSION, "version", 4);
        assertTrue(e.getMessage().contains("got " + version + ", expected 1"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 0x100, 0x8000_0000})
    void nonZeroReserved(int reserved) {
        byte[] d = valid();
        Wire.putI32(d, 12, reserved); // 12 reserved
        ProtocolException e = datagramFails(d);
        assertFieldError(e, ErrorCode.E_ARG, "reserved", 12);
        assertTrue(e.getMessage().contains("0x" + Integer.toHexString(reserved)), e.getMessage());
    }

    @Test
    void stationWithUnknownBand() {
        byte[] d = valid();
        d[16 + 82] = 5; // 16 sta + 82 band
        ProtocolException e = datagramFails(d);
        assertFieldError(e, ErrorCode.E_ARG, "sta.band", 98);
        assertTrue(e.getMessage().contains("5"), e.getMessage());
    }

    @Test
    void stationWithNonZeroReserved0() {
        byte[] d = valid();
        d[16 + 83] = (byte) 0x80; // 16 sta + 83 reserved0
        ProtocolException e = datagramFails(d);
        assertFieldError(e, ErrorCode.E_ARG, "sta.reserved0", 99);
        assertTrue(e.getMessage().contains("0x80"), e.getMessage());
    }

    @Test
    void stationWithHostnameWithoutNul() {
        byte[] d = valid();
        for (int i = 0; i < 32; i++) {
            d[16 + 144 + i] = 'h'; // 16 sta + 144 hostname, no NUL
        }
        assertFieldError(datagramFails(d), ErrorCode.E_ARG, "sta.hostname", 160);
    }

    /**
     * SSIDs are arbitrary octets (IEEE 802.11): a non-UTF-8 ssid of 11 bytes (11 x 0xE9, Latin-1
     * "é") must neither escape as IllegalArgumentException nor drop the station.
     */
    @Test
    void nonUtf8SsidNeverEscapesAsIllegalArgument() {
        byte[] d = valid();
        for (int i = 0; i < 33; i++) {
            d[16 + 48 + i] = i < 11 ? (byte) 0xE9 : 0; // 16 sta + 48 ssid: 11 x 0xE9, then NUL padding
        }
        ByteBuf buf = Unpooled.wrappedBuffer(d);
        try {
            // Station strings are read leniently: each byte that is not UTF-8 becomes '?', so the
            // station is still delivered and the string still fits its array.
            assertEquals("???????????", StaEvent.decodeDatagram(buf).sta().ssid());
        } finally {
            buf.release();
        }
    }

    @Test
    void checksFollowWireOrder() {
        byte[] d = valid();
        Wire.putU16(d, 4, 9);   // 4 version bad
        Wire.putU16(d, 6, 0);   // 6 type bad
        Wire.putI32(d, 12, 1);  // 12 reserved bad
        assertFieldError(datagramFails(d), ErrorCode.E_VERSION, "version", 4);
        Wire.putU16(d, 4, 1);
        assertFieldError(datagramFails(d), ErrorCode.E_ARG, "type", 6);
        Wire.putU16(d, 6, 1);
        assertFieldError(datagramFails(d), ErrorCode.E_ARG, "reserved", 12);
    }

    @Test
    void decodeOfShortStreamBufferIsProtocolException() {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[191]);
        try {
            ProtocolException e = assertThrowsExactly(ProtocolException.class, () -> StaEvent.decode(buf));
            assertTrue(e.getMessage().contains("191 bytes"), e.getMessage());
            assertEquals(191, buf.readableBytes(), "nothing consumed");
        } finally {
            buf.release();
        }
    }
}
