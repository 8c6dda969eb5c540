package dev.stationd.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Enums, HostOrder, WireStrings, StaFlags and ProtocolException. */
class ProtocolBasicsTest {

    // ---------------------------------------------------------------- ProtocolException

    @Test
    void protocolExceptionMessageHasFieldValueExpectedOffset() {
        ProtocolException e = new ProtocolException(ErrorCode.E_ARG, "group_id", 12, "0xdead", "0 or a group");
        assertEquals("group_id at offset 12: got 0xdead, expected 0 or a group", e.getMessage());
        assertEquals("group_id", e.field());
        assertEquals(12, e.offset());
        assertEquals(ErrorCode.E_ARG, e.errorCode());
        assertInstanceOf(DecoderException.class, e, "Netty treats it as a decoder failure");
    }

    @Test
    void decodeErrorsNameFieldValueExpectedAndOffset() {
        byte[] frame = Wire.CmdFrame.cmd(7).reserved(1, 0x7f).bytes(); // 53 = reserved[1]
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        try {
            ProtocolException e = assertThrowsExactly(ProtocolException.class, () -> CloudCmdAttr.decode(buf));
            String m = e.getMessage();
            assertTrue(m.contains("reserved"), "field: " + m);
            assertTrue(m.contains("0x7f"), "value: " + m);
            assertTrue(m.contains("expected 0"), "expected: " + m);
            assertTrue(m.contains("offset 53"), "offset: " + m);
        } finally {
            buf.release();
        }
    }

    // ---------------------------------------------------------------- enums

    @Test
    void commandCodesAndReplyForms() {
        assertEquals(10, Command.values().length);
        assertEquals(10, Command.MAX_CODE);
        Set<Command> table = EnumSet.of(Command.STA_LIST, Command.STA_GET, Command.FILTER_LIST);
        Set<Command> mac = EnumSet.of(Command.STA_GET, Command.FILTER_ADD, Command.FILTER_DEL);
        Set<Command> admin = EnumSet.of(Command.FILTER_ADD, Command.FILTER_DEL, Command.FILTER_FLUSH, Command.STA_KICK);
        Set<Command> lifetime = EnumSet.of(Command.FILTER_ADD, Command.STA_KICK);
        String[] names = {null, "STA_LIST", "STA_GET", "FILTER_ADD", "FILTER_DEL", "FILTER_FLUSH", "FILTER_LIST", "PING",
            "SUBSCRIBE", "FILTER_DUMP", "STA_KICK"};
        for (int code = 1; code <= 10; code++) {
            Command c = Command.valueOf(code);
            assertEquals(names[code], c.name());
            assertEquals(code, c.code());
            Command.ReplyForm form = c == Command.FILTER_DUMP ? Command.ReplyForm.FILTER_TABLE
                    : table.contains(c) ? Command.ReplyForm.TABLE : Command.ReplyForm.ACK;
            assertEquals(form, c.replyForm(), c.name());
            assertEquals(form == Command.ReplyForm.ACK, c.isAckReply(), c.name());
            assertEquals(mac.contains(c), c.needsMac(), c.name());
            assertEquals(c == Command.STA_KICK, c.needsMacOrSelector(), c.name());
            assertEquals(admin.contains(c), c.isAdmin(), c.name());
            assertEquals(admin.contains(c) ? Command.Access.ADMIN : Command.Access.READ, c.access(), c.name());
            assertEquals(admin.contains(c), c.isMutation(), "every admin command changes state: " + c.name());
            assertEquals(lifetime.contains(c), c.takesLifetime(), c.name());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 11, 12, 0xFFFF, Integer.MAX_VALUE})
    void unknownCommandCodes(int code) {
        assertFalse(Command.isKnown(code));
        assertThrows(IllegalArgumentException.class, () -> Command.valueOf(code));
    }

    @Test
    void errorCodes() {
        String[] names = {null, "E_MAGIC", "E_VERSION", "E_CMD", "E_ARG", "E_PERM", "E_NOENT", "E_FULL", "E_BUSY"};
        Set<ErrorCode> bare = EnumSet.of(ErrorCode.E_MAGIC, ErrorCode.E_VERSION, ErrorCode.E_CMD);
        Set<ErrorCode> closes = EnumSet.of(ErrorCode.E_MAGIC, ErrorCode.E_BUSY);
        assertEquals(8, ErrorCode.values().length);
        for (int n = 1; n <= 8; n++) {
            ErrorCode e = ErrorCode.valueOf(-n);
            assertEquals(names[n], e.name());
            assertEquals(-n, e.code());
            assertEquals(bare.contains(e), e.isBare(), e.name());
            assertEquals(closes.contains(e), e.closesConnection(), e.name());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -9, 0, 1, 8})
    void unknownErrorCodes(int code) {
        assertFalse(ErrorCode.isKnown(code));
        assertThrows(IllegalArgumentException.class, () -> ErrorCode.valueOf(code));
    }

    @Test
    void eventTypes() {
        assertEquals(EventType.UPSERT, EventType.valueOf(1));
        assertEquals(EventType.REMOVE, EventType.valueOf(2));
        assertEquals(EventType.FLUSH, EventType.valueOf(3));
        for (EventType t : EventType.values()) {
            assertSame(t, EventType.valueOf(t.code()));
        }
        for (int bad : new int[] {-1, 0, 4, 99, 0xFFFF}) {
            assertFalse(EventType.isKnown(bad));
            assertThrows(IllegalArgumentException.class, () -> EventType.valueOf(bad));
        }
    }

    @Test
    void bands() {
        assertEquals(Band.UNKNOWN, Band.valueOf(0));
        assertEquals(Band.GHZ_2_4, Band.valueOf(1));
        assertEquals(Band.GHZ_5, Band.valueOf(2));
        assertEquals(Band.GHZ_6, Band.valueOf(3));
        assertEquals(Band.GHZ_60, Band.valueOf(4));
        for (Band b : Band.values()) {
            assertSame(b, Band.valueOf(b.code()));
            assertFalse(b.label().isEmpty());
        }
        assertEquals("5GHz", Band.GHZ_5.label());
        for (int bad : new int[] {-1, 5, 255}) {
            assertFalse(Band.isKnown(bad));
            assertThrows(IllegalArgumentException.class, () -> Band.valueOf(bad));
        }
    }

    @Test
    void staFlagsDescribe() {
        assertEquals("", StaFlags.describe(0));
        assertEquals("AUTHORIZED|WMM", StaFlags.describe(StaFlags.AUTHORIZED | StaFlags.WMM));
        assertEquals("MFP|FILTERED", StaFlags.describe(StaFlags.MFP | StaFlags.FILTERED));
        assertEquals("AUTHORIZED|AUTHENTICATED|ASSOCIATED|WMM|HT|VHT|HE|EHT|MFP|FILTERED", StaFlags.describe(-1));
        assertEquals(1 << 16, StaFlags.FILTERED);
        assertEquals(1 << 8, StaFlags.MFP);
    }

    // ---------------------------------------------------------------- HostOrder

    @Test
    void hostOrderIsNativeOrder() {
        assertEquals(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, HostOrder.LITTLE_ENDIAN);
    }

    @Test
    void hostOrderWritesPutsAndReads() {
        ByteBuf buf = Unpooled.buffer();
        try {
            HostOrder.writeU16(buf, 0xABCD);
            HostOrder.writeI32(buf, 0x01020304);
            HostOrder.writeI64(buf, 0x0102030405060708L);
            byte[] expected = new byte[14];
            Wire.putU16(expected, 0, 0xABCD);
            Wire.putI32(expected, 2, 0x01020304);
            Wire.putI64(expected, 6, 0x0102030405060708L);
            assertArrayEquals(expected, Wire.readable(buf));
            byte[] put = new byte[14]; // the array form, as StaListAttr.encode assembles a record
            HostOrder.putU16(put, 0, 0xABCD);
            HostOrder.putI32(put, 2, 0x01020304);
            HostOrder.putI64(put, 6, 0x0102030405060708L);
            assertArrayEquals(expected, put);
            // and read back from the array, as CloudCmdAttr.decode reads a command
            assertEquals(0xABCD, HostOrder.getU16(expected, 0));
            assertEquals(0x01020304, HostOrder.getI32(expected, 2));
            byte[] high = new byte[4];
            Wire.putI32(high, 0, 0xFFFF_FFFB);
            assertEquals(-5, HostOrder.getI32(high, 0), "sign kept");
            assertEquals(0xFFFF_FFFBL, HostOrder.getU32(high, 0), "unsigned");
            Wire.putU16(high, 2, 0xFFFE);
            assertEquals(0xFFFE, HostOrder.getU16(high, 2), "unsigned");
            assertEquals(0x01020304, HostOrder.getI32(buf, 2));
            HostOrder.setI32(buf, 2, -5);
            assertEquals(-5, Wire.i32(buf, 2));
            assertEquals(0xABCD, HostOrder.readU16(buf));
            assertEquals(0xFFFF_FFFBL, HostOrder.readU32(buf));
            assertEquals(0x0102030405060708L, HostOrder.readI64(buf));
            HostOrder.writeI32(buf, -1);
            assertEquals(-1, HostOrder.readI32(buf));
        } finally {
            buf.release();
        }
    }

    // ---------------------------------------------------------------- WireStrings

    @Test
    void wireStringsPadsWithNul() {
        ByteBuf buf = Unpooled.buffer();
        try {
            WireStrings.write(buf, "wlän", 16);
            assertArrayEquals(Wire.cString("wlän", 16), Wire.readable(buf));
            assertEquals("wlän", WireStrings.read(buf, 16, "ifname", 32));
            assertEquals(0, buf.readableBytes());
            WireStrings.write(buf, "", 8);
            assertArrayEquals(new byte[8], Wire.readable(buf));
            assertEquals("", WireStrings.read(buf, 8, "x", 0));
        } finally {
            buf.release();
        }
    }

    /** The array form pads and encodes as the buffer form does: ASCII, 2-, 3- and 4-byte UTF-8, empty, full. */
    @ParameterizedTest
    @ValueSource(strings = {"wlan0", "wlän", "café \"net\"", "\u7f51\u7edc", "\uD83D\uDCF6 5G", "", "123456789012345"})
    void wireStringsPutMatchesWrite(String s) {
        ByteBuf buf = Unpooled.buffer();
        try {
            WireStrings.write(buf, s, 16);
            byte[] b = new byte[20];
            Arrays.fill(b, (byte) 0x55); // garbage around and under the field
            WireStrings.put(b, 2, s, 16);
            assertArrayEquals(Wire.readable(buf), Arrays.copyOfRange(b, 2, 18));
            assertEquals(0x55, b[1]);
            assertEquals(0x55, b[18]);
        } finally {
            buf.release();
        }
    }

    @Test
    void wireStringsPutWritesALoneSurrogateAsQuestionMark() {
        byte[] b = new byte[8];
        WireStrings.put(b, 0, "a\uD800b", 8);
        assertArrayEquals(new byte[] {'a', '?', 'b', 0, 0, 0, 0, 0}, b);
    }

    @Test
    void wireStringsReadWithoutNul() {
        ByteBuf buf = Unpooled.wrappedBuffer("abcdefgh".getBytes(StandardCharsets.US_ASCII));
        try {
            ProtocolException e = assertThrowsExactly(ProtocolException.class, () -> WireStrings.read(buf, 8, "name", 40));
            assertEquals(ErrorCode.E_ARG, e.errorCode());
            assertEquals("name", e.field());
            assertEquals(40, e.offset());
            assertTrue(e.getMessage().contains("8 bytes without NUL"), e.getMessage());
            assertTrue(e.getMessage().contains("at most 7 bytes"), e.getMessage());
        } finally {
            buf.release();
        }
    }

    @Test
    void wireStringsRequireFits() {
        assertEquals("abc", WireStrings.requireFits("f", "abc", 4));
        assertThrows(IllegalArgumentException.class, () -> WireStrings.requireFits("f", "abcd", 4));
        assertEquals("éa", WireStrings.requireFits("f", "éa", 4));
        assertThrows(IllegalArgumentException.class, () -> WireStrings.requireFits("f", "éé", 4));
        assertEquals("\uD83D\uDCF6", WireStrings.requireFits("f", "\uD83D\uDCF6", 5));
        assertThrows(IllegalArgumentException.class, () -> WireStrings.requireFits("f", "\uD83D\uDCF6", 4));
        assertThrows(IllegalArgumentException.class, () -> WireStrings.requireFits("f", "a\0", 8));
        assertThrows(IllegalArgumentException.class, () -> WireStrings.requireFits("f", null, 8));
    }

    @ParameterizedTest
    @EnumSource(Command.class)
    void everyCommandRoundTripsThroughItsCode(Command c) {
        assertSame(c, Command.valueOf(c.code()));
        assertTrue(Command.isKnown(c.code()));
    }
}
