package dev.stationd.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.Wire.CmdFrame;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command pipeline end to end on an {@link io.netty.channel.embedded.EmbeddedChannel}, one per
 * test: framing, decoding, the reply form of each error and whether the connection survives.
 */
class CommandPipelineTest {
    // replies, spelled out from protocol.md
    private static final byte[] ACK = Wire.ACK;                 // "ACK\0"
    private static final byte[] EMPTY_TABLE = Wire.int32(0);    // int32 num = 0
    private static final byte[] E_MAGIC = Wire.int32(-1);       // bare -1
    private static final byte[] E_VERSION = Wire.int32(-2);     // bare -2
    private static final byte[] E_CMD = Wire.int32(-3);         // bare -3
    private static final byte[] E_ARG_TABLE = Wire.int32(-4);   // negative num
    private static final byte[] E_ARG_NAK = Wire.nak(-4);       // "NAK\0" + int32 -4

    // command codes, spelled out from protocol.md
    private static final int STA_LIST = 1;
    private static final int STA_GET = 2;
    private static final int FILTER_ADD = 3;
    private static final int FILTER_DEL = 4;
    private static final int FILTER_FLUSH = 5;
    private static final int FILTER_LIST = 6;
    private static final int PING = 7;

    private static byte[] ping() {
        return CmdFrame.cmd(PING).bytes();
    }

    /** Every fed buffer released, nothing left queued in either direction. */
    private static void assertClean(Pipe p) {
        assertFalse(p.ch.finish(), "no inbound or outbound messages left");
        p.assertInputReleased();
    }

    /** Sends a PING and expects it answered: the connection survived and is still in sync. */
    private static void assertStillServing(Pipe p) {
        assertTrue(p.ch.isOpen(), "connection kept");
        p.feedByteByByte(ping());
        p.expectReply(ACK);
        p.expectNoReply();
    }

    private static void assertErrorAnswered(Pipe p, ErrorCode code) {
        Object last = p.handler.answered.get(p.handler.answered.size() - 1);
        CommandError err = assertInstanceOf(CommandError.class, last);
        assertEquals(code, err.code(), err.detail());
    }

    // ---------------------------------------------------------------- framing

    @Test
    void frameSplitAcrossManyReadsByteByByte() {
        Pipe p = new Pipe();
        byte[] frame = CmdFrame.cmd(STA_LIST)                  // 6  cmd
                .seq(0x01020304)                               // 8  seq
                .groupId(-1)                                   // 12 group_id = 0xFFFFFFFF
                .mac(0x02, 0, 0, 0, 0, 0x09)                   // 16 mac
                .flags(1)                                      // 22 ONLY_FILTERED
                .offset(10)                                    // 24 offset
                .maxEntries(-1)                                // 28 max_entries = 0xFFFFFFFF
                .ifname("wlan0")                               // 32 ifname
                .bytes();
        for (int i = 0; i < 63; i++) {
            p.feed(new byte[] {frame[i]});
            assertNull(p.ch.readOutbound(), "no reply before the frame completes, byte " + i);
            assertTrue(p.handler.answered.isEmpty(), "nothing decoded before the frame completes, byte " + i);
        }
        p.feed(new byte[] {frame[63]});
        p.expectReply(EMPTY_TABLE);
        p.expectNoReply();
        assertEquals(List.of(new CloudCmdAttr(Command.STA_LIST, 0x01020304, -1, MacAddress.parse("02:00:00:00:00:09"),
                CloudCmdAttr.ONLY_FILTERED, 10, 0xFFFF_FFFFL, "wlan0")), p.handler.answered);
        assertStillServing(p);
        assertEquals(0, p.frames.trailingBytes());
        assertClean(p);
    }

    @Test
    void severalFramesInOneReadThenTheRest() {
        Pipe p = new Pipe();
        byte[] fourth = CmdFrame.cmd(FILTER_LIST).seq(4).bytes();
        byte[] first = Wire.concat(
                CmdFrame.cmd(PING).seq(1).bytes(),             // frame 1: ack form
                CmdFrame.cmd(STA_LIST).seq(2).bytes(),         // frame 2: table form
                CmdFrame.cmd(FILTER_FLUSH).seq(3).bytes(),     // frame 3: ack form
                Arrays.copyOfRange(fourth, 0, 32));            // half of frame 4
        p.feed(first);
        p.expectReply(ACK);
        p.expectReply(EMPTY_TABLE);
        p.expectReply(ACK);
        p.expectNoReply();
        assertEquals(3, p.handler.answered.size());
        p.feed(Arrays.copyOfRange(fourth, 32, 64));            // the rest of frame 4
        p.expectReply(EMPTY_TABLE);
        p.expectNoReply();
        int[] seqs = p.handler.answered.stream().mapToInt(o -> ((CloudCmdAttr) o).seq()).toArray();
        assertEquals(List.of(1, 2, 3, 4), Arrays.stream(seqs).boxed().toList(), "in request order");
        assertClean(p);
    }

    @Test
    void pipelinedRequestsMixingErrorsAreAnsweredInOrder() {
        Pipe p = new Pipe();
        p.feed(Wire.concat(
                CmdFrame.cmd(PING).bytes(),
                CmdFrame.cmd(PING).version(2).bytes(),                         // E_VERSION
                CmdFrame.cmd(STA_LIST).flags(3).bytes(),                       // E_ARG, table form
                CmdFrame.cmd(FILTER_ADD).mac(2, 0, 0, 0, 0, 1).bytes(),        // fine
                CmdFrame.cmd(11).bytes(),                                      // E_CMD
                CmdFrame.cmd(FILTER_DEL).bytes()));                            // E_ARG (zero mac), ack form
        p.expectReply(ACK);
        p.expectReply(E_VERSION);
        p.expectReply(E_ARG_TABLE);
        p.expectReply(ACK);
        p.expectReply(E_CMD);
        p.expectReply(E_ARG_NAK);
        p.expectNoReply();
        assertStillServing(p);
        assertClean(p);
    }

    // ---------------------------------------------------------------- E_MAGIC

    @Test
    void wrongMagicRepliesBareMinusOneAndCloses() {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(PING).magic(0x44435453).bytes()); // 0 magic byte-swapped
        p.expectReply(E_MAGIC);
        p.expectNoReply();
        assertFalse(p.ch.isOpen(), "E_MAGIC closes the connection");
        assertErrorAnswered(p, ErrorCode.E_MAGIC);
        assertNull(((CommandError) p.handler.answered.get(0)).command(), "command not trusted");
        assertClean(p);
    }

    @Test
    void wrongMagicIgnoresLaterFramesOfTheSameRead() {
        Pipe p = new Pipe();
        p.feed(Wire.concat(
                CmdFrame.cmd(STA_LIST).magic(0).bytes(),       // 0 magic = 0
                ping(),                                        // looks valid: must be ignored
                CmdFrame.cmd(STA_LIST).bytes()));              // likewise
        p.expectReply(E_MAGIC);
        p.expectNoReply();
        assertFalse(p.ch.isOpen());
        assertEquals(1, p.handler.answered.size());
        assertEquals(2, p.handler.ignoredAfterClose);
        assertClean(p);
    }

    // ---------------------------------------------------------------- E_VERSION / E_CMD

    @ParameterizedTest
    @ValueSource(ints = {PING, STA_LIST})
    void wrongVersionRepliesBareMinusTwoAndKeepsTheConnection(int cmd) {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(cmd).version(2).bytes()); // 4 version = 2
        p.expectReply(E_VERSION);                              // bare, whatever the command's form
        p.expectNoReply();
        assertErrorAnswered(p, ErrorCode.E_VERSION);
        assertStillServing(p);
        assertClean(p);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 11})
    void unknownCmdRepliesBareMinusThreeAndKeepsTheConnection(int cmd) {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(cmd).bytes());           // 6 cmd
        p.expectReply(E_CMD);
        p.expectNoReply();
        assertErrorAnswered(p, ErrorCode.E_CMD);
        assertStillServing(p);
        assertClean(p);
    }

    // ---------------------------------------------------------------- E_ARG in the command's form

    @Test
    void nonZeroReservedOnPingIsNak() {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(PING).reserved(11, 1).bytes()); // 63 reserved[11] = 1
        p.expectReply(E_ARG_NAK);
        p.expectNoReply();
        assertErrorAnswered(p, ErrorCode.E_ARG);
        assertStillServing(p);
        assertClean(p);
    }

    @Test
    void lifetimeOnPingIsNakAndOnFilterDumpIsNegativeNum() {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(PING).lifetime(60).bytes());          // 48 lifetime_s = 60: PING takes none
        p.expectReply(E_ARG_NAK);
        p.feedByteByByte(CmdFrame.cmd(Wire.FILTER_DUMP).lifetime(1).bytes()); // FILTER_DUMP: table form
        p.expectReply(E_ARG_TABLE);
        p.expectNoReply();
        assertStillServing(p);
        assertClean(p);
    }

    @Test
    void kickWithoutTargetIsNakAndTimedAddAndDumpPass() {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(Wire.STA_KICK).lifetime(60).bytes());  // 16 mac, 12 group_id, 32 ifname all empty
        p.expectReply(E_ARG_NAK);
        p.feedByteByByte(CmdFrame.cmd(FILTER_ADD).mac(2, 0, 0, 0, 0, 1).lifetime(600).bytes()); // a timed filter
        p.expectReply(ACK);
        p.feedByteByByte(CmdFrame.cmd(Wire.FILTER_DUMP).groupId(3).bytes());
        p.expectReply(EMPTY_TABLE); // the mimic daemon's empty filter table: int32 num = 0
        p.expectNoReply();
        assertStillServing(p);
        assertClean(p);
    }

    @Test
    void nonZeroReservedOnStaListIsNegativeNum() {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(STA_LIST).reserved(0, 0xFF).bytes()); // 52 reserved[0] = 0xff
        p.expectReply(E_ARG_TABLE);
        p.expectNoReply();
        assertErrorAnswered(p, ErrorCode.E_ARG);
        assertStillServing(p);
        assertClean(p);
    }

    @Test
    void ifnameWithoutNulOnStaListIsNegativeNum() {
        Pipe p = new Pipe();
        byte[] sixteen = "abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII); // 16 non-zero bytes
        p.feedByteByByte(CmdFrame.cmd(STA_LIST).ifnameBytes(sixteen).bytes());    // 32 ifname[16]
        p.expectReply(E_ARG_TABLE);
        p.expectNoReply();
        assertErrorAnswered(p, ErrorCode.E_ARG);
        assertStillServing(p);
        assertClean(p);
    }

    @Test
    void ifnameWithoutNulOnFilterFlushIsNak() {
        Pipe p = new Pipe();
        byte[] sixteen = new byte[16];
        Arrays.fill(sixteen, (byte) 0x80);                                        // 16 non-zero bytes
        p.feedByteByByte(CmdFrame.cmd(FILTER_FLUSH).ifnameBytes(sixteen).bytes()); // 32 ifname[16]
        p.expectReply(E_ARG_NAK);
        p.expectNoReply();
        assertStillServing(p);
        assertClean(p);
    }

    /** An ifname that is not UTF-8 is answered with E_ARG through the whole pipeline (see CloudCmdAttrTest#nonUtf8IfnameIsEArg). */
    @Test
    void nonUtf8IfnameIsNak() {
        Pipe p = new Pipe();
        byte[] bad = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}; // then NUL
        p.feedByteByByte(CmdFrame.cmd(PING).ifnameBytes(bad).bytes());
        p.expectReply(E_ARG_NAK);
        assertStillServing(p);
        assertClean(p);
    }

    @Test
    void filterAddWithZeroMacIsNak() {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(FILTER_ADD).groupId(1).bytes()); // 16 mac = 00:00:00:00:00:00
        p.expectReply(E_ARG_NAK);
        p.expectNoReply();
        CommandError err = assertInstanceOf(CommandError.class, p.handler.answered.get(0));
        assertEquals(Command.FILTER_ADD, err.command());
        assertTrue(err.detail().contains("mac"), err.detail());
        assertStillServing(p);
        assertClean(p);
    }

    @Test
    void filterAddWithMacIsAcked() {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(FILTER_ADD).mac(0, 0, 0, 0, 0, 1).bytes()); // 16 mac = 00:..:01
        p.expectReply(ACK);
        assertEquals(CloudCmdAttr.forMac(Command.FILTER_ADD, MacAddress.parse("00:00:00:00:00:01"), 0),
                p.handler.answered.get(0));
        assertClean(p);
    }

    @Test
    void staGetWithZeroMacIsNegativeNum() {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(STA_GET).bytes());       // 16 mac = 0
        p.expectReply(E_ARG_TABLE);
        p.expectNoReply();
        assertStillServing(p);
        assertClean(p);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x3, 0x4})
    void badFlagsOnStaListIsNegativeNum(int flags) {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(STA_LIST).flags(flags).bytes()); // 22 flags
        p.expectReply(E_ARG_TABLE);
        p.expectNoReply();
        assertErrorAnswered(p, ErrorCode.E_ARG);
        assertStillServing(p);
        assertClean(p);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x3, 0x4})
    void badFlagsOnAckFormCommandIsNak(int flags) {
        Pipe p = new Pipe();
        p.feedByteByByte(CmdFrame.cmd(FILTER_FLUSH).flags(flags).bytes()); // 22 flags
        p.expectReply(E_ARG_NAK);
        p.expectNoReply();
        assertStillServing(p);
        assertClean(p);
    }

    // ---------------------------------------------------------------- end of input

    @Test
    void trailingPartialFrameAtEofIsDroppedAndCounted() {
        Pipe p = new Pipe();
        p.feedByteByByte(Arrays.copyOf(ping(), 37));           // 37 of 64 bytes
        p.expectNoReply();
        assertFalse(p.ch.finish(), "no output for a partial frame");
        assertEquals(37, p.frames.trailingBytes());
        assertTrue(p.handler.answered.isEmpty());
        p.assertInputReleased();
    }

    @Test
    void trailingBytesAfterWholeFramesAtEof() {
        Pipe p = new Pipe();
        p.feed(Wire.concat(ping(), ping(), Arrays.copyOf(ping(), 10)));
        p.expectReply(ACK);
        p.expectReply(ACK);
        p.expectNoReply();
        assertFalse(p.ch.finish());
        assertEquals(10, p.frames.trailingBytes());
        assertEquals(2, p.handler.answered.size());
        p.assertInputReleased();
    }

    @Test
    void cleanEofHasNoTrailingBytes() {
        Pipe p = new Pipe();
        p.feedByteByByte(ping());
        p.expectReply(ACK);
        assertFalse(p.ch.finish());
        assertEquals(0, p.frames.trailingBytes());
        p.assertInputReleased();
    }

    @Test
    void oneByteShortOfTwoFramesAtEof() {
        Pipe p = new Pipe();
        p.feedByteByByte(Arrays.copyOf(Wire.concat(ping(), ping()), 127));
        p.expectReply(ACK);
        p.expectNoReply();
        assertFalse(p.ch.finish());
        assertEquals(63, p.frames.trailingBytes());
        p.assertInputReleased();
    }
}
