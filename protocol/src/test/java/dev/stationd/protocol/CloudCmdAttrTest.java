package dev.stationd.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CloudCmdAttrTest {
    private static final MacAddress MAC = MacAddress.parse("02:a1:b2:c3:d4:e5");

    // ---------------------------------------------------------------- round trip

    static Stream<CloudCmdAttr> roundTripTable() {
        List<CloudCmdAttr> all = new ArrayList<>();
        int[] groups = {0, 1, 0x7FFF_FFFF, 0x8000_0000, -1 /* 0xFFFFFFFF */};
        int[] seqs = {0, 1, -1, 0x1234_5678};
        int[] flags = {0, CloudCmdAttr.ONLY_FILTERED, CloudCmdAttr.EXCLUDE_FILTERED};
        long[] pages = {0, 1, 0x7FFF_FFFFL, 0x8000_0000L, CloudCmdAttr.U32_MAX};
        String[] ifnames = {"", "w", "wlan0", Wire.ascii(15), "wlän-ü" /* multi-byte, 8 bytes */};
        MacAddress[] macs = {MAC, MacAddress.parse("ff:ff:ff:ff:ff:ff"), MacAddress.parse("00:00:00:00:00:01")};
        long[] lifetimes = {0, 1, 600, 0x8000_0000L, CloudCmdAttr.U32_MAX};
        int i = 0;
        for (Command c : Command.values()) {
            for (int g : groups) {
                for (int f : flags) {
                    for (String ifn : ifnames) {
                        // vary the remaining fields deterministically so every value is used with every command
                        boolean zeroMacOk = !c.needsMac() && (!c.needsMacOrSelector() || g != 0 || !ifn.isEmpty());
                        MacAddress mac = zeroMacOk && i % 4 == 0 ? MacAddress.ZERO : macs[i % macs.length];
                        long lifetime = c.takesLifetime() ? lifetimes[i % lifetimes.length] : 0;
                        all.add(new CloudCmdAttr(c, seqs[i % seqs.length], g, mac, f,
                                pages[i % pages.length], pages[(i / pages.length + i) % pages.length], ifn, lifetime));
                        i++;
                    }
                }
            }
            all.add(new CloudCmdAttr(c, -1, -1, MacAddress.parse("ff:ff:ff:ff:ff:ff"), CloudCmdAttr.EXCLUDE_FILTERED,
                    CloudCmdAttr.U32_MAX, CloudCmdAttr.U32_MAX, Wire.ascii(15), c.takesLifetime() ? CloudCmdAttr.U32_MAX : 0));
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("roundTripTable")
    void encodeCheckBytesDecode(CloudCmdAttr cmd) {
        ByteBuf buf = Unpooled.buffer();
        try {
            cmd.encode(buf);
            assertEquals(64, buf.readableBytes(), "sizeof(cloud_cmd_attr)");
            assertEquals(Wire.CMD_MAGIC, Wire.i32(buf, 0), "0 magic");
            assertEquals(1, Wire.u16(buf, 4), "4 version");
            assertEquals(cmd.command().code(), Wire.u16(buf, 6), "6 cmd");
            assertEquals(cmd.seq(), Wire.i32(buf, 8), "8 seq");
            assertEquals(cmd.groupId(), Wire.i32(buf, 12), "12 group_id");
            assertArrayEquals(cmd.mac().toBytes(), Wire.slice(buf, 16, 6), "16 mac[6] in octet order");
            assertEquals(cmd.flags(), Wire.u16(buf, 22), "22 flags");
            assertEquals(cmd.offset(), Wire.u32(buf, 24), "24 offset");
            assertEquals(cmd.maxEntries(), Wire.u32(buf, 28), "28 max_entries");
            assertArrayEquals(Wire.cString(cmd.ifname(), 16), Wire.slice(buf, 32, 16), "32 ifname[16] NUL padded");
            assertEquals(cmd.lifetimeS(), Wire.u32(buf, 48), "48 lifetime_s");
            assertArrayEquals(new byte[12], Wire.slice(buf, 52, 12), "52 reserved[12] zero");

            CloudCmdAttr back = CloudCmdAttr.decode(buf);
            assertEquals(cmd, back);
            assertEquals(0, buf.readableBytes(), "decode consumes exactly 64 bytes");
        } finally {
            buf.release();
        }
    }

    @Test
    void decodeFromHandWrittenFixture() {
        byte[] frame = Wire.CmdFrame.cmd(1)                 // 6  cmd = STA_LIST
                .seq(0xCAFEBABE)                            // 8  seq
                .groupId(-1)                                // 12 group_id = 0xFFFFFFFF
                .mac(0x02, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5)    // 16 mac
                .flags(2)                                   // 22 flags = EXCLUDE_FILTERED
                .offset(-1)                                 // 24 offset = 0xFFFFFFFF
                .maxEntries(100)                            // 28 max_entries
                .ifname("wlan1")                            // 32 ifname
                .bytes();
        CloudCmdAttr cmd = decode(frame);
        assertEquals(new CloudCmdAttr(Command.STA_LIST, 0xCAFEBABE, -1, MAC, CloudCmdAttr.EXCLUDE_FILTERED,
                0xFFFF_FFFFL, 100, "wlan1"), cmd);
        assertEquals("4294967295", Integer.toUnsignedString(cmd.groupId()));
    }

    @Test
    void decodeTimedFilterAddFromHandWrittenFixture() {
        byte[] frame = Wire.CmdFrame.cmd(3)                 // 6  cmd = FILTER_ADD
                .groupId(7)                                 // 12 group_id
                .mac(0x02, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5)    // 16 mac
                .lifetime(600)                              // 48 lifetime_s = 10 min
                .bytes();
        assertEquals(CloudCmdAttr.forMac(Command.FILTER_ADD, MAC, 7).withLifetime(600), decode(frame));
        byte[] max = Wire.CmdFrame.cmd(3).mac(2, 0, 0, 0, 0, 1).lifetime(-1).bytes(); // 48 lifetime_s = 2^32-1
        assertEquals(CloudCmdAttr.U32_MAX, decode(max).lifetimeS(), "lifetime_s is unsigned");
    }

    @Test
    void decodeKicksFromHandWrittenFixtures() {
        byte[] one = Wire.CmdFrame.cmd(10)                  // 6  cmd = STA_KICK
                .mac(0x02, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5)    // 16 mac: one station
                .lifetime(60)                               // 48 lifetime_s: banned for a minute
                .bytes();
        assertEquals(CloudCmdAttr.forMac(Command.STA_KICK, MAC, 0).withLifetime(60), decode(one));
        byte[] group = Wire.CmdFrame.cmd(10).groupId(3).bytes();     // 12 group_id = 3, 16 mac all zero
        assertEquals(new CloudCmdAttr(Command.STA_KICK, 0, 3, MacAddress.ZERO, 0, 0, 0, ""), decode(group));
        byte[] ifname = Wire.CmdFrame.cmd(10).ifname("wlan1").bytes(); // 32 ifname, group 0, mac zero
        assertEquals(new CloudCmdAttr(Command.STA_KICK, 0, 0, MacAddress.ZERO, 0, 0, 0, "wlan1"), decode(ifname));
    }

    @Test
    void decodeFilterDumpFromHandWrittenFixture() {
        byte[] frame = Wire.CmdFrame.cmd(9)                 // 6  cmd = FILTER_DUMP
                .groupId(5)                                 // 12 group_id
                .offset(10)                                 // 24 offset
                .maxEntries(20)                             // 28 max_entries
                .bytes();
        assertEquals(new CloudCmdAttr(Command.FILTER_DUMP, 0, 5, MacAddress.ZERO, 0, 10, 20, ""), decode(frame));
    }

    @Test
    void decodeAtNonZeroReaderIndexAndAdvancesExactly64() {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeBytes(new byte[] {9, 9, 9});
            buf.writeBytes(Wire.CmdFrame.cmd(7).seq(5).bytes());   // PING, seq 5
            buf.writeBytes(Wire.CmdFrame.cmd(5).groupId(3).bytes()); // FILTER_FLUSH, group 3
            buf.skipBytes(3);
            assertEquals(CloudCmdAttr.of(Command.PING).withSeq(5), CloudCmdAttr.decode(buf));
            assertEquals(64, buf.readableBytes());
            assertEquals(new CloudCmdAttr(Command.FILTER_FLUSH, 0, 3, MacAddress.ZERO, 0, 0, 0, ""),
                    CloudCmdAttr.decode(buf));
        } finally {
            buf.release();
        }
    }

    // ---------------------------------------------------------------- decode errors

    private static CloudCmdAttr decode(byte[] frame) {
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        try {
            return CloudCmdAttr.decode(buf);
        } finally {
            buf.release();
        }
    }

    private static ProtocolException decodeFails(byte[] frame, ErrorCode code, String field, int offset) {
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        try {
            ProtocolException e = assertThrowsExactly(ProtocolException.class, () -> CloudCmdAttr.decode(buf));
            assertEquals(code, e.errorCode(), e.getMessage());
            assertEquals(field, e.field(), e.getMessage());
            assertEquals(offset, e.offset(), e.getMessage());
            assertTrue(e.getMessage().contains(field), e.getMessage());
            assertTrue(e.getMessage().contains("offset " + offset), e.getMessage());
            assertEquals(0, buf.readableBytes(), "reader index advances by 64 even on failure");
            return e;
        } finally {
            buf.release();
        }
    }

    @Test
    void wrongMagic() {
        byte[] frame = Wire.CmdFrame.cmd(7).magic(0x12345678).bytes(); // 0 magic
        ProtocolException e = decodeFails(frame, ErrorCode.E_MAGIC, "magic", 0);
        assertTrue(e.getMessage().contains("0x12345678"), "value: " + e.getMessage());
        assertTrue(e.getMessage().contains("0x53544344"), "expected: " + e.getMessage());
    }

    @Test
    void byteSwappedMagicIsWrong() {
        byte[] frame = Wire.CmdFrame.cmd(7).magic(Integer.reverseBytes(Wire.CMD_MAGIC)).bytes();
        decodeFails(frame, ErrorCode.E_MAGIC, "magic", 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 0x100, 0xFFFF})
    void wrongVersion(int version) {
        ProtocolException e = decodeFails(Wire.CmdFrame.cmd(7).version(version).bytes(),
                ErrorCode.E_VERSION, "version", 4);
        assertTrue(e.getMessage().contains("got " + version), e.getMessage());
        assertTrue(e.getMessage().contains("expected 1"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 11, 12, 0x100, 0xFFFF})
    void unknownCmd(int cmd) {
        ProtocolException e = decodeFails(Wire.CmdFrame.cmd(cmd).bytes(), ErrorCode.E_CMD, "cmd", 6);
        assertTrue(e.getMessage().contains("got " + cmd), e.getMessage());
    }

    @Test
    void checksFollowWireOrderMagicFirst() {
        // bad magic, version and cmd at once: magic wins
        decodeFails(Wire.CmdFrame.cmd(0).magic(0).version(9).bytes(), ErrorCode.E_MAGIC, "magic", 0);
        // bad version and cmd: version wins
        decodeFails(Wire.CmdFrame.cmd(0).version(9).bytes(), ErrorCode.E_VERSION, "version", 4);
        // bad cmd and reserved: cmd wins
        decodeFails(Wire.CmdFrame.cmd(0).reserved(0, 1).bytes(), ErrorCode.E_CMD, "cmd", 6);
    }

    @ParameterizedTest
    @EnumSource(value = Command.class, names = {"STA_LIST", "STA_GET", "FILTER_DEL", "FILTER_FLUSH", "FILTER_LIST",
        "PING", "SUBSCRIBE", "FILTER_DUMP"})
    void lifetimeOnACommandThatTakesNoneIsEArg(Command c) {
        byte[] frame = Wire.CmdFrame.cmd(c.code()).mac(2, 0, 0, 0, 0, 1).lifetime(60).bytes(); // 48 lifetime_s = 60
        ProtocolException e = decodeFails(frame, ErrorCode.E_ARG, "lifetime_s", 48);
        assertTrue(e.getMessage().contains("got 60") && e.getMessage().contains(c.name()), e.getMessage());
    }

    @Test
    void lifetimeHighByteAloneIsStillALifetime() {
        byte[] frame = Wire.CmdFrame.cmd(7).bytes();
        frame[51] = 1; // 51 = last byte of lifetime_s, not reserved: PING takes no lifetime
        decodeFails(frame, ErrorCode.E_ARG, "lifetime_s", 48);
    }

    @Test
    void kickWithNeitherMacGroupNorIfnameIsEArg() {
        ProtocolException e = decodeFails(Wire.CmdFrame.cmd(10).lifetime(60).bytes(), // mac, group_id, ifname all empty
                ErrorCode.E_ARG, "mac", 16);
        assertTrue(e.getMessage().contains("STA_KICK") && e.getMessage().contains("group_id"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 11})
    void nonZeroReserved(int index) {
        ProtocolException e = decodeFails(Wire.CmdFrame.cmd(7).reserved(index, 0x80).bytes(), // 52+i reserved
                ErrorCode.E_ARG, "reserved", 52 + index);
        assertTrue(e.getMessage().contains("0x80"), e.getMessage());
    }

    @Test
    void ifnameWithoutNul() {
        byte[] raw = Wire.ascii(16).getBytes(StandardCharsets.US_ASCII); // 16 non-zero bytes, no NUL
        ProtocolException e = decodeFails(Wire.CmdFrame.cmd(1).ifnameBytes(raw).bytes(), ErrorCode.E_ARG, "ifname", 32);
        assertTrue(e.getMessage().contains("without NUL"), e.getMessage());
    }

    @Test
    void ifnameOf15BytesThenNulIsAccepted() {
        byte[] raw = Wire.ascii(15).getBytes(StandardCharsets.US_ASCII);
        assertEquals(Wire.ascii(15), decode(Wire.CmdFrame.cmd(1).ifnameBytes(raw).bytes()).ifname());
    }

    @Test
    void ifnameBytesAfterTheNulAreIgnored() {
        byte[] raw = {'w', 'l', 0, 'x', 'y'}; // garbage after the terminator, as a C client may leave
        assertEquals("wl", decode(Wire.CmdFrame.cmd(1).ifnameBytes(raw).bytes()).ifname());
    }

    /**
     * An ifname holding bytes that are not UTF-8 (here 6 x 0xFF then NUL) is E_ARG at offset 32:
     * decoded leniently it would become 6 x U+FFFD, 18 UTF-8 bytes, which the record's own
     * constructor rejects with an exception the command decoder does not turn into a reply.
     */
    @Test
    void nonUtf8IfnameIsEArg() {
        byte[] raw = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}; // 32 ifname, then NUL
        decodeFails(Wire.CmdFrame.cmd(7).ifnameBytes(raw).bytes(), ErrorCode.E_ARG, "ifname", 32);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x3, 0x4, 0x8, 0x100, 0x8000, 0xFFFF})
    void badFlags(int flags) {
        ProtocolException e = decodeFails(Wire.CmdFrame.cmd(1).flags(flags).bytes(), ErrorCode.E_ARG, "flags", 22);
        assertTrue(e.getMessage().contains("0x" + Integer.toHexString(flags)), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Command.class, names = {"STA_GET", "FILTER_ADD", "FILTER_DEL"})
    void zeroMacForCommandThatNeedsOne(Command c) {
        ProtocolException e = decodeFails(Wire.CmdFrame.cmd(c.code()).bytes(), ErrorCode.E_ARG, "mac", 16);
        assertTrue(e.getMessage().contains("00:00:00:00:00:00"), e.getMessage());
        assertTrue(e.getMessage().contains(c.name()), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Command.class, names = {"STA_LIST", "FILTER_FLUSH", "FILTER_LIST", "PING", "SUBSCRIBE",
        "FILTER_DUMP"})
    void zeroMacIsFineForOtherCommands(Command c) {
        assertEquals(CloudCmdAttr.of(c), decode(Wire.CmdFrame.cmd(c.code()).bytes()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63})
    void shortBufferIsEArg(int size) {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[size]);
        try {
            ProtocolException e = assertThrowsExactly(ProtocolException.class, () -> CloudCmdAttr.decode(buf));
            assertEquals(ErrorCode.E_ARG, e.errorCode());
            assertTrue(e.getMessage().contains(size + " bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("64 bytes"), e.getMessage());
        } finally {
            buf.release();
        }
    }

    // ---------------------------------------------------------------- compact constructor

    static Stream<Arguments> invalidConstructions() {
        return Stream.of(
                Arguments.of("null command", (Runnable) () -> new CloudCmdAttr(null, 0, 0, MacAddress.ZERO, 0, 0, 0, "")),
                Arguments.of("null mac", (Runnable) () -> new CloudCmdAttr(Command.PING, 0, 0, null, 0, 0, 0, "")),
                Arguments.of("null ifname", (Runnable) () -> new CloudCmdAttr(Command.PING, 0, 0, MacAddress.ZERO, 0, 0, 0, null)),
                Arguments.of("flags 0x3", (Runnable) () -> new CloudCmdAttr(Command.STA_LIST, 0, 0, MacAddress.ZERO, 3, 0, 0, "")),
                Arguments.of("flags 0x4", (Runnable) () -> new CloudCmdAttr(Command.STA_LIST, 0, 0, MacAddress.ZERO, 4, 0, 0, "")),
                Arguments.of("flags 0x10000", (Runnable) () -> new CloudCmdAttr(Command.STA_LIST, 0, 0, MacAddress.ZERO, 0x10000, 0, 0, "")),
                Arguments.of("flags -1", (Runnable) () -> new CloudCmdAttr(Command.STA_LIST, 0, 0, MacAddress.ZERO, -1, 0, 0, "")),
                Arguments.of("offset -1", (Runnable) () -> new CloudCmdAttr(Command.STA_LIST, 0, 0, MacAddress.ZERO, 0, -1, 0, "")),
                Arguments.of("offset 2^32", (Runnable) () -> new CloudCmdAttr(Command.STA_LIST, 0, 0, MacAddress.ZERO, 0, 1L << 32, 0, "")),
                Arguments.of("maxEntries -1", (Runnable) () -> new CloudCmdAttr(Command.STA_LIST, 0, 0, MacAddress.ZERO, 0, 0, -1, "")),
                Arguments.of("maxEntries 2^32", (Runnable) () -> new CloudCmdAttr(Command.STA_LIST, 0, 0, MacAddress.ZERO, 0, 0, 1L << 32, "")),
                Arguments.of("FILTER_ADD zero mac", (Runnable) () -> CloudCmdAttr.forMac(Command.FILTER_ADD, MacAddress.ZERO, 1)),
                Arguments.of("FILTER_DEL zero mac", (Runnable) () -> CloudCmdAttr.forMac(Command.FILTER_DEL, MacAddress.ZERO, 1)),
                Arguments.of("STA_GET zero mac", (Runnable) () -> CloudCmdAttr.of(Command.STA_GET)),
                Arguments.of("ifname 16 bytes", (Runnable) () -> new CloudCmdAttr(Command.PING, 0, 0, MacAddress.ZERO, 0, 0, 0, Wire.ascii(16))),
                Arguments.of("ifname 16 UTF-8 bytes", (Runnable) () -> new CloudCmdAttr(Command.PING, 0, 0, MacAddress.ZERO, 0, 0, 0, "éééééééé")),
                Arguments.of("ifname with NUL", (Runnable) () -> new CloudCmdAttr(Command.PING, 0, 0, MacAddress.ZERO, 0, 0, 0, "wl\0an0")),
                Arguments.of("lifetime on PING", (Runnable) () -> CloudCmdAttr.of(Command.PING).withLifetime(1)),
                Arguments.of("lifetime on FILTER_DEL", (Runnable) () -> CloudCmdAttr.forMac(Command.FILTER_DEL, MAC, 1).withLifetime(1)),
                Arguments.of("lifetime -1", (Runnable) () -> CloudCmdAttr.forMac(Command.FILTER_ADD, MAC, 1).withLifetime(-1)),
                Arguments.of("lifetime 2^32", (Runnable) () -> CloudCmdAttr.forMac(Command.FILTER_ADD, MAC, 1).withLifetime(1L << 32)),
                Arguments.of("STA_KICK without target", (Runnable) () -> new CloudCmdAttr(Command.STA_KICK, 0, 0, MacAddress.ZERO, 0, 0, 0, "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConstructions")
    void constructorRejects(String what, Runnable construction) {
        assertThrowsExactly(IllegalArgumentException.class, construction::run, what);
    }

    @Test
    void constructorAcceptsBoundaries() {
        CloudCmdAttr c = new CloudCmdAttr(Command.STA_LIST, -1, -1, MacAddress.ZERO, CloudCmdAttr.ONLY_FILTERED,
                CloudCmdAttr.U32_MAX, CloudCmdAttr.U32_MAX, Wire.ascii(15));
        assertEquals(CloudCmdAttr.U32_MAX, c.offset());
        assertEquals("ééééééé", new CloudCmdAttr(Command.PING, 0, 0, MacAddress.ZERO, 0, 0, 0, "ééééééé").ifname()); // 14 bytes
    }

    @Test
    void factories() {
        assertEquals(new CloudCmdAttr(Command.SUBSCRIBE, 0, 0, MacAddress.ZERO, 0, 0, 0, ""), CloudCmdAttr.of(Command.SUBSCRIBE));
        assertEquals(new CloudCmdAttr(Command.FILTER_ADD, 0, 7, MAC, 0, 0, 0, ""), CloudCmdAttr.forMac(Command.FILTER_ADD, MAC, 7));
        assertEquals(new CloudCmdAttr(Command.PING, 42, 0, MacAddress.ZERO, 0, 0, 0, ""), CloudCmdAttr.of(Command.PING).withSeq(42));
    }

    @Test
    void toStringShowsUnsignedValues() {
        String s = new CloudCmdAttr(Command.STA_LIST, -1, -1, MAC, 0, CloudCmdAttr.U32_MAX, 0, "wlan0").toString();
        assertTrue(s.contains("seq=4294967295"), s);
        assertTrue(s.contains("groupId=4294967295"), s);
        assertTrue(s.contains("02:a1:b2:c3:d4:e5"), s);
    }
}
