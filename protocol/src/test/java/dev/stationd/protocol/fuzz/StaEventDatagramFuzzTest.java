package dev.stationd.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stationd.protocol.ProtocolException;
import dev.stationd.protocol.StaEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzzes the ingest path's decoder, {@link StaEvent#decodeDatagram}. Properties: the only
 * exception is {@link ProtocolException}; it is thrown exactly when an independent reference
 * check written from protocol.md rejects the datagram (size not 192, magic, version, type 1..3,
 * reserved, band 0..4, reserved0, a string without NUL); a decoded event re-encodes to the same
 * 192 bytes except two documented normalisations of the station strings ({@code ifname},
 * {@code ssid}, {@code hostname}): bytes after the first NUL come back as zeros, and bytes that
 * are not UTF-8 come back as {@code '?'} (one per malformed sequence; station strings are read
 * leniently, an SSID being any 32 octets). The input buffer
 * is a pooled direct buffer and must still be releasable (not released by the decoder).
 */
class StaEventDatagramFuzzTest {
    private static final ByteOrder HOST = ByteOrder.nativeOrder();
    private static final int STA = StaEvent.OFFSET_STA;

    @FuzzTest(maxDuration = "10s")
    void datagram(byte[] data) {
        check(data);
    }

    /**
     * Entry point for a long stand-alone run with the Jazzer driver (see package-info.java).
     *
     * @param data the fuzzer's input
     */
    public static void fuzzerTestOneInput(byte[] data) {
        check(data);
    }

    static void check(byte[] data) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, data.length));
        buf.writeBytes(data);
        boolean valid = referenceValid(data);
        try {
            StaEvent e;
            try {
                e = StaEvent.decodeDatagram(buf);
            } catch (ProtocolException expected) {
                if (valid) {
                    fail("valid datagram rejected: " + expected.getMessage());
                }
                return;
            }
            if (!valid) {
                fail("invalid datagram accepted: " + e);
            }
            ByteBuf re = Unpooled.buffer(StaEvent.SIZE);
            try {
                e.encode(re);
                byte[] again = new byte[re.readableBytes()];
                re.readBytes(again);
                assertArrayEquals(normalised(data), again, "re-encoding differs");
            } finally {
                re.release();
            }
        } finally {
            assertEquals(1, buf.refCnt(), "decodeDatagram must not release its argument");
            buf.release();
        }
    }

    static boolean referenceValid(byte[] d) {
        if (d.length != 192) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(d).order(HOST);
        int type = Short.toUnsignedInt(b.getShort(6));
        return b.getInt(0) == StaEvent.MAGIC
                && Short.toUnsignedInt(b.getShort(4)) == 1
                && type >= 1 && type <= 3
                && b.getInt(12) == 0
                && hasNul(d, STA + 32, 16)                                     // ifname
                && hasNul(d, STA + 48, 33)                                     // ssid
                && (d[STA + 82] & 0xFF) <= 4                                   // band
                && d[STA + 83] == 0                                            // reserved0
                && hasNul(d, STA + 144, 32);                                   // hostname
    }

    static boolean hasNul(byte[] d, int off, int size) {
        for (int i = off; i < off + size; i++) {
            if (d[i] == 0) {
                return true;
            }
        }
        return false;
    }

    static byte[] normalised(byte[] d) {
        byte[] n = d.clone();
        lenientString(n, STA + 32, 16);
        lenientString(n, STA + 48, 33);
        lenientString(n, STA + 144, 32);
        return n;
    }

    /** Rewrites a char[size] as the daemon reads it: up to the NUL, non-UTF-8 as '?', zero padded. */
    static void lenientString(byte[] d, int off, int size) {
        int nul = off;
        while (d[nul] != 0) {
            nul++;
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).replaceWith("?")
                    .decode(ByteBuffer.wrap(d, off, nul - off)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        Arrays.fill(d, off, off + size, (byte) 0);
        System.arraycopy(text, 0, d, off, text.length);
    }
}
