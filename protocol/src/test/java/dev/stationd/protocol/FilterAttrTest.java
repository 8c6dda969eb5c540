package dev.stationd.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FilterAttrTest {
    private static final MacAddress MAC = MacAddress.parse("02:a1:b2:c3:d4:e5");
    private static final long CREATED = 1_764_312_345_678L;
    private static final long EXPIRES = CREATED + 600_000;

    /** A valid 32-byte record, written field by field at the offsets of protocol.md. */
    private static byte[] fixture() {
        byte[] f = new byte[32];
        byte[] mac = MAC.toBytes();
        System.arraycopy(mac, 0, f, 0, 6);   // 0  mac[6]
        Wire.putU16(f, 6, 0);                // 6  reserved0
        Wire.putI32(f, 8, 7);                // 8  group_id
        Wire.putI32(f, 12, 0x3);             // 12 flags = PRESENT | TIMED
        Wire.putI64(f, 16, CREATED);         // 16 created_ms
        Wire.putI64(f, 24, EXPIRES);         // 24 expires_ms
        return f;
    }

    private static FilterAttr decode(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            FilterAttr f = FilterAttr.decode(buf);
            assertEquals(0, buf.readableBytes(), "decode consumes exactly 32 bytes");
            return f;
        } finally {
            buf.release();
        }
    }

    @Test
    void decodesTheHandWrittenFixture() {
        FilterAttr f = decode(fixture());
        assertEquals(new FilterAttr(MAC, 7, FilterAttr.PRESENT | FilterAttr.TIMED, CREATED, EXPIRES), f);
        assertTrue(f.present() && f.timed());
    }

    @Test
    void encodesExactlyTheFixture() {
        ByteBuf buf = Unpooled.buffer();
        try {
            FilterAttr.of(MAC, 7, true, CREATED, EXPIRES).encode(buf);
            assertArrayEquals(fixture(), Wire.readable(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void permanentAbsentFilterRoundTripsWithUnsignedGroup() {
        FilterAttr f = FilterAttr.of(MAC, -1, false, 0, 0); // group 0xFFFFFFFF, created unknown, permanent
        assertEquals(0, f.flags());
        ByteBuf buf = Unpooled.buffer();
        try {
            f.encode(buf);
            assertEquals(32, buf.readableBytes(), "sizeof(filter_attr)");
            assertEquals(0xFFFF_FFFFL, Wire.u32(buf, 8), "8 group_id");
            assertEquals(0, Wire.i32(buf, 12), "12 flags");
            assertEquals(0, Wire.i64(buf, 24), "24 expires_ms");
            assertEquals(f, FilterAttr.decode(buf));
        } finally {
            buf.release();
        }
        assertTrue(f.toString().contains("groupId=4294967295"), f.toString());
    }

    @Test
    void decodeAdvancesBy32EvenOnFailure() {
        byte[] two = Wire.concat(fixture(), fixture());
        two[6] = 1; // 6 reserved0 of the first record
        ByteBuf buf = Unpooled.wrappedBuffer(two);
        try {
            assertThrowsExactly(ProtocolException.class, () -> FilterAttr.decode(buf));
            assertEquals(32, buf.readableBytes());
            assertEquals(decode(fixture()), FilterAttr.decode(buf));
        } finally {
            buf.release();
        }
    }

    // ---------------------------------------------------------------- one case per malformed input

    static Stream<Arguments> malformed() {
        byte[] zeroMac = fixture();
        System.arraycopy(new byte[6], 0, zeroMac, 0, 6);          // 0  mac all zero
        byte[] reserved = fixture();
        Wire.putU16(reserved, 6, 0x8000);                         // 6  reserved0 != 0
        byte[] unknownFlag = fixture();
        Wire.putI32(unknownFlag, 12, 0x7);                        // 12 flags bit2 undefined
        byte[] timedWithoutExpiry = fixture();
        Wire.putI64(timedWithoutExpiry, 24, 0);                   // 24 expires_ms 0 but TIMED set
        byte[] expiryWithoutTimed = fixture();
        Wire.putI32(expiryWithoutTimed, 12, FilterAttr.PRESENT); // 12 TIMED clear but expires_ms set
        byte[] negativeCreated = fixture();
        Wire.putI64(negativeCreated, 16, -1);                     // 16 created_ms 2^64-1
        byte[] negativeExpires = fixture();
        Wire.putI64(negativeExpires, 24, Long.MIN_VALUE);         // 24 expires_ms 2^63
        return Stream.of(
                Arguments.of("zero mac", zeroMac, "mac", 0),
                Arguments.of("reserved0", reserved, "reserved0", 6),
                Arguments.of("unknown flag", unknownFlag, "flags", 12),
                Arguments.of("TIMED without expires_ms", timedWithoutExpiry, "flags", 12),
                Arguments.of("expires_ms without TIMED", expiryWithoutTimed, "flags", 12),
                Arguments.of("created_ms beyond 2^63", negativeCreated, "created_ms", 16),
                Arguments.of("expires_ms beyond 2^63", negativeExpires, "expires_ms", 24));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedRecordIsEArgNamingTheField(String what, byte[] bytes, String field, int offset) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            ProtocolException e = assertThrowsExactly(ProtocolException.class, () -> FilterAttr.decode(buf), what);
            assertEquals(ErrorCode.E_ARG, e.errorCode(), e.getMessage());
            assertEquals(field, e.field(), e.getMessage());
            assertEquals(offset, e.offset(), e.getMessage());
            assertTrue(e.getMessage().contains("offset " + offset), e.getMessage());
        } finally {
            buf.release();
        }
    }

    @Test
    void shortBufferIsEArg() {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[31]);
        try {
            ProtocolException e = assertThrowsExactly(ProtocolException.class, () -> FilterAttr.decode(buf));
            assertTrue(e.getMessage().contains("31 bytes") && e.getMessage().contains("32 bytes"), e.getMessage());
        } finally {
            buf.release();
        }
    }

    static Stream<Arguments> invalidConstructions() {
        return Stream.of(
                Arguments.of("null mac", (Runnable) () -> new FilterAttr(null, 0, 0, 0, 0)),
                Arguments.of("zero mac", (Runnable) () -> new FilterAttr(MacAddress.ZERO, 0, 0, 0, 0)),
                Arguments.of("flags 0x4", (Runnable) () -> new FilterAttr(MAC, 0, 4, 0, 0)),
                Arguments.of("TIMED without expiry", (Runnable) () -> new FilterAttr(MAC, 0, FilterAttr.TIMED, 0, 0)),
                Arguments.of("expiry without TIMED", (Runnable) () -> new FilterAttr(MAC, 0, 0, 0, EXPIRES)),
                Arguments.of("negative created", (Runnable) () -> new FilterAttr(MAC, 0, 0, -1, 0)),
                Arguments.of("negative expires", (Runnable) () -> new FilterAttr(MAC, 0, FilterAttr.TIMED, 0, -5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConstructions")
    void constructorRejects(String what, Runnable construction) {
        assertThrowsExactly(IllegalArgumentException.class, construction::run, what);
    }

    @Test
    void ofDerivesTimedFromTheExpiry() {
        assertFalse(FilterAttr.of(MAC, 1, true, CREATED, 0).timed());
        assertEquals(FilterAttr.TIMED, FilterAttr.of(MAC, 1, false, CREATED, EXPIRES).flags());
    }
}
