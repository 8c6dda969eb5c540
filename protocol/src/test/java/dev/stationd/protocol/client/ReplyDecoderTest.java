package dev.stationd.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.codec.Reply;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's decoding of the {@code FILTER_DUMP} reply form: {@code int32 num} + {@code num} x 32 bytes. */
class ReplyDecoderTest {
    private static final MacAddress A = MacAddress.parse("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("02:00:00:00:00:0b");

    private static byte[] record(MacAddress mac, int group, int flags, long created, long expires) {
        byte[] f = new byte[32];
        System.arraycopy(mac.toBytes(), 0, f, 0, 6);  // 0  mac
        Wire.putI32(f, 8, group);                      // 8  group_id
        Wire.putI32(f, 12, flags);                     // 12 flags
        Wire.putI64(f, 16, created);                   // 16 created_ms
        Wire.putI64(f, 24, expires);                   // 24 expires_ms
        return f;
    }

    private static EmbeddedChannel expecting(Command... commands) {
        ReplyDecoder d = new ReplyDecoder();
        for (Command c : commands) {
            d.expect(c);
        }
        return new EmbeddedChannel(d);
    }

    @Test
    void filterDumpReplyInPiecesThenAnAck() {
        EmbeddedChannel ch = expecting(Command.FILTER_DUMP, Command.PING);
        byte[] reply = Wire.concat(Wire.int32(2),                      // 0 num = 2
                record(A, 1, FilterAttr.PRESENT, 1000, 0),             // 4 permanent, present
                record(B, 3, FilterAttr.TIMED, 2000, 62_000),          // 36 timed
                Wire.ACK);                                             // the PING's reply behind it
        for (byte b : reply) { // byte by byte: nothing is emitted before a reply is complete
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        Reply.FilterTable t = assertInstanceOf(Reply.FilterTable.class, ch.readInbound());
        assertEquals(List.of(new FilterAttr(A, 1, FilterAttr.PRESENT, 1000, 0),
                new FilterAttr(B, 3, FilterAttr.TIMED, 2000, 62_000)), t.records());
        assertEquals(Reply.ack(), ch.readInbound());
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void emptyDumpAndErrorNum() {
        EmbeddedChannel ch = expecting(Command.FILTER_DUMP, Command.FILTER_DUMP);
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.concat(Wire.int32(0), Wire.int32(-5)))); // num 0; num = E_PERM
        assertEquals(Reply.filterTable(List.of()), ch.readInbound());
        assertEquals(Reply.error(ErrorCode.E_PERM), ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void malformedFilterRecordFailsTheChannel() {
        EmbeddedChannel ch = expecting(Command.FILTER_DUMP);
        byte[] bad = record(A, 1, 0x4, 0, 0);                          // 12 flags: undefined bit2
        assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(Wire.concat(Wire.int32(1), bad))));
        ch.finishAndReleaseAll();
    }
}
