package dev.stationd.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stationd.protocol.Band;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyEncoderTest {

    /** Writes one reply through a fresh channel and returns the single outbound buffer's bytes. */
    private static byte[] encodeOnce(Reply reply) {
        EmbeddedChannel ch = new EmbeddedChannel(ReplyEncoder.INSTANCE);
        ch.writeOutbound(reply);
        ByteBuf b = ch.readOutbound();
        assertNotNull(b);
        try {
            assertNull(ch.readOutbound(), "a reply is exactly one outbound buffer");
            assertFalse(ch.finish());
            assertEquals(ReplyEncoder.size(reply), b.readableBytes(), "size() matches the encoding");
            return Wire.readable(b);
        } finally {
            b.release();
        }
    }

    private static List<StaListAttr> stations(int n) {
        List<StaListAttr> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(StaListAttr.builder(new MacAddress(0x020000000000L + i)).vlanId(i).groupId(i * 7)
                    .ifname("wlan" + (i % 3)).ssid("net-" + i).signalDbm(-40 - i % 80).band(Band.valueOf(i % 5))
                    .txBytes(-1L - i).hostname("h" + i).build());
        }
        return list;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void filterTableOfNRecordsIsOneBufferOf4Plus32N(int n) {
        List<FilterAttr> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(FilterAttr.of(new MacAddress(0x020000000000L + i), i, i % 2 == 0, 1000 + i, i == 1 ? 5000 : 0));
        }
        byte[] out = encodeOnce(Reply.filterTable(records));
        assertEquals(4 + 32 * n, out.length);
        ByteBuf b = Unpooled.wrappedBuffer(out);
        try {
            assertEquals(n, Wire.i32(b, 0), "0 int32 num");
            for (int i = 0; i < n; i++) {
                int at = 4 + 32 * i;
                assertEquals(0x020000000000L + i, MacAddress.of(Wire.slice(b, at, 6)).value(), at + " mac");
                assertEquals(i, Wire.i32(b, at + 8), (at + 8) + " group_id");
                assertEquals(records.get(i).flags(), Wire.i32(b, at + 12), (at + 12) + " flags");
                assertEquals(1000 + i, Wire.i64(b, at + 16), (at + 16) + " created_ms");
                assertEquals(i == 1 ? 5000 : 0, Wire.i64(b, at + 24), (at + 24) + " expires_ms");
            }
        } finally {
            b.release();
        }
        assertThrows(IllegalArgumentException.class, () -> new Reply.FilterTable(null));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 5, 100})
    void tableOfNRecordsIsOneBufferOf4Plus176N(int n) {
        List<StaListAttr> records = stations(n);
        byte[] out = encodeOnce(Reply.table(records));
        assertEquals(4 + 176 * n, out.length);
        ByteBuf b = Unpooled.wrappedBuffer(out);
        try {
            assertEquals(n, Wire.i32(b, 0), "0 int32 num");
            for (int i = 0; i < n; i++) {
                ByteBuf one = Unpooled.buffer();
                try {
                    records.get(i).encode(one);
                    assertArrayEquals(Wire.readable(one), Wire.slice(b, 4 + 176 * i, 176), "record " + i);
                } finally {
                    one.release();
                }
            }
            b.skipBytes(4);
            for (int i = 0; i < n; i++) {
                assertEquals(records.get(i), StaListAttr.decode(b), "record " + i + " decodes back");
            }
        } finally {
            b.release();
        }
    }

    @Test
    void ackIsFourBytes() {
        assertArrayEquals(new byte[] {0x41, 0x43, 0x4B, 0x00}, encodeOnce(Reply.ack())); // "ACK\0"
        assertSame(Reply.ACK, Reply.ack());
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void nakIsNakThenHostOrderCode(ErrorCode code) {
        byte[] expected = new byte[8];
        expected[0] = 0x4E; // 'N'
        expected[1] = 0x41; // 'A'
        expected[2] = 0x4B; // 'K'
        expected[3] = 0x00; // NUL
        Wire.putI32(expected, 4, -(code.ordinal() + 1)); // 4 int32 code: E_MAGIC -1 .. E_BUSY -8
        assertArrayEquals(expected, encodeOnce(Reply.nak(code)));
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void errorIsABareHostOrderInt32(ErrorCode code) {
        byte[] expected = new byte[4];
        Wire.putI32(expected, 0, -(code.ordinal() + 1));
        assertArrayEquals(expected, encodeOnce(Reply.error(code)));
    }

    @Test
    void eArgBytesOnThisHost() {
        // -4 as int32: fc ff ff ff little-endian, ff ff ff fc big-endian
        byte[] expected = Wire.HOST == java.nio.ByteOrder.LITTLE_ENDIAN
                ? new byte[] {(byte) 0xFC, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}
                : new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFC};
        assertArrayEquals(expected, encodeOnce(Reply.error(ErrorCode.E_ARG)));
    }

    @Test
    void sizes() {
        assertEquals(4, ReplyEncoder.size(Reply.ack()));
        assertEquals(8, ReplyEncoder.size(Reply.nak(ErrorCode.E_NOENT)));
        assertEquals(4, ReplyEncoder.size(Reply.error(ErrorCode.E_BUSY)));
        assertEquals(4 + 3 * 176, ReplyEncoder.size(Reply.table(stations(3))));
    }

    @Test
    void preEncodedBuffersPassThrough() {
        EmbeddedChannel ch = new EmbeddedChannel(ReplyEncoder.INSTANCE);
        ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        ch.writeOutbound(raw);
        ByteBuf out = ch.readOutbound();
        try {
            assertSame(raw, out);
            assertArrayEquals(new byte[] {1, 2, 3}, Wire.readable(out));
        } finally {
            out.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void encodeToWithoutPipeline() {
        ByteBuf b = Unpooled.buffer();
        try {
            ReplyEncoder.encodeTo(Reply.nak(ErrorCode.E_NOENT), b);
            assertArrayEquals(Wire.nak(-6), Wire.readable(b));
        } finally {
            b.release();
        }
    }

    @Test
    void replyValidation() {
        assertThrows(IllegalArgumentException.class, () -> Reply.nak(null));
        assertThrows(IllegalArgumentException.class, () -> Reply.error(null));
        assertThrows(IllegalArgumentException.class, () -> new Reply.Table(null));
        List<StaListAttr> mutable = new ArrayList<>(stations(1));
        Reply.Table t = Reply.table(mutable);
        mutable.clear();
        assertEquals(1, t.records().size(), "table() copies its list");
    }
}
