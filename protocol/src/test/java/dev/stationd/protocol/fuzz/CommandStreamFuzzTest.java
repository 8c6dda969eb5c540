package dev.stationd.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.codec.CommandDecoder;
import dev.stationd.protocol.codec.CommandError;
import dev.stationd.protocol.codec.CommandFrameDecoder;
import dev.stationd.protocol.codec.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Fuzzes the daemon's command path: {@link CommandFrameDecoder} + {@link CommandDecoder} in an
 * {@link EmbeddedChannel}, fed arbitrary bytes in arbitrary chunks (pooled direct, pooled heap
 * and unpooled buffers). Properties: no exception escapes; exactly {@code len / 64} outputs, each a
 * {@link CloudCmdAttr} or a {@link CommandError} that agrees with an independent reference
 * decoder written from protocol.md; {@code len % 64} trailing bytes reported at EOF; every input
 * buffer released. A decoded command re-encodes to the same 64 bytes, except one documented
 * normalisation: the bytes of {@code ifname} after its first NUL come back as zeros.
 *
 * <p>Normal test runs replay the corpus in {@code src/test/resources/.../CommandStreamFuzzTestInputs}
 * (Jazzer regression mode); {@code JAZZER_FUZZ=1} fuzzes for {@code maxDuration}. Input layout:
 * the stream bytes, then 8 bytes (consumed from the end) seeding the chunk sizes.
 */
class CommandStreamFuzzTest {
    private static final ByteOrder HOST = ByteOrder.nativeOrder();

    @FuzzTest(maxDuration = "10s")
    void commandStream(FuzzedDataProvider data) {
        long chunkSeed = data.consumeLong();
        check(data.consumeRemainingAsBytes(), chunkSeed);
    }

    /**
     * Entry point for a long stand-alone run with the Jazzer driver (see package-info.java).
     *
     * @param data the fuzzer's input
     */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        long chunkSeed = data.consumeLong();
        check(data.consumeRemainingAsBytes(), chunkSeed);
    }

    static void check(byte[] stream, long chunkSeed) {
        CommandFrameDecoder frames = new CommandFrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(frames, CommandDecoder.INSTANCE);
        Random random = new Random(chunkSeed);
        List<ByteBuf> inputs = new ArrayList<>();
        int at = 0;
        while (at < stream.length) {
            int n = 1 + random.nextInt(Math.min(stream.length - at, 1 + random.nextInt(200)));
            ByteBuf b = allocator(random.nextInt(3), n);
            b.writeBytes(stream, at, n);
            inputs.add(b);
            ch.writeInbound(b); // rethrows anything the pipeline threw
            at += n;
        }
        ch.finish();
        List<Object> out = new ArrayList<>();
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
            out.add(o);
        }
        assertEquals(stream.length / CloudCmdAttr.SIZE, out.size(), "one output per complete 64-byte frame");
        assertEquals(stream.length % CloudCmdAttr.SIZE, frames.trailingBytes(), "trailing partial frame");
        for (int i = 0; i < out.size(); i++) {
            byte[] frame = Arrays.copyOfRange(stream, i * CloudCmdAttr.SIZE, (i + 1) * CloudCmdAttr.SIZE);
            checkFrame(frame, out.get(i), "frame " + i);
        }
        for (ByteBuf b : inputs) {
            assertEquals(0, b.refCnt(), "input buffer not released");
        }
    }

    private static ByteBuf allocator(int kind, int n) {
        switch (kind) {
            case 0: return PooledByteBufAllocator.DEFAULT.directBuffer(n);
            case 1: return PooledByteBufAllocator.DEFAULT.heapBuffer(n);
            default: return Unpooled.buffer(n);
        }
    }

    /** The reference decoder's verdict for one frame: null = valid, else the error code. */
    static ErrorCode reference(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f).order(HOST);
        if (b.getInt(0) != CloudCmdAttr.MAGIC) {
            return ErrorCode.E_MAGIC;
        }
        if (Short.toUnsignedInt(b.getShort(4)) != 1) {
            return ErrorCode.E_VERSION;
        }
        int cmd = Short.toUnsignedInt(b.getShort(6));
        if (cmd < 1 || cmd > 10) {
            return ErrorCode.E_CMD;
        }
        String ifname = cString(f, 32, 16);
        if (ifname == null) {
            return ErrorCode.E_ARG;
        }
        if (b.getInt(48) != 0 && cmd != 3 && cmd != 10) { // lifetime_s: FILTER_ADD and STA_KICK only
            return ErrorCode.E_ARG;
        }
        for (int i = 52; i < 64; i++) {
            if (f[i] != 0) {
                return ErrorCode.E_ARG;
            }
        }
        int flags = Short.toUnsignedInt(b.getShort(22));
        if ((flags & ~3) != 0 || flags == 3) {
            return ErrorCode.E_ARG;
        }
        boolean macZero = true;
        for (int i = 16; i < 22; i++) {
            macZero &= f[i] == 0;
        }
        if ((cmd == 2 || cmd == 3 || cmd == 4) && macZero) {
            return ErrorCode.E_ARG;
        }
        if (cmd == 10 && macZero && b.getInt(12) == 0 && ifname.isEmpty()) { // STA_KICK needs a target
            return ErrorCode.E_ARG;
        }
        return null;
    }

    /** @return the NUL-terminated UTF-8 string in {@code f[off..off+size)}, or null when invalid */
    static String cString(byte[] f, int off, int size) {
        int nul = -1;
        for (int i = off; i < off + size; i++) {
            if (f[i] == 0) {
                nul = i;
                break;
            }
        }
        if (nul < 0) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(f, off, nul - off)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static void checkFrame(byte[] f, Object decoded, String where) {
        ErrorCode expected = reference(f);
        ByteBuffer b = ByteBuffer.wrap(f).order(HOST);
        int cmd = Short.toUnsignedInt(b.getShort(6));
        if (expected == null) {
            CloudCmdAttr c = assertInstanceOf(CloudCmdAttr.class, decoded, where + ": valid frame not decoded");
            assertEquals(cmd, c.command().code(), where + " cmd");
            assertEquals(b.getInt(8), c.seq(), where + " seq");
            assertEquals(b.getInt(12), c.groupId(), where + " group_id");
            long mac = 0;
            for (int i = 16; i < 22; i++) {
                mac = (mac << 8) | (f[i] & 0xFF);
            }
            assertEquals(mac, c.mac().value(), where + " mac");
            assertEquals(Short.toUnsignedInt(b.getShort(22)), c.flags(), where + " flags");
            assertEquals(Integer.toUnsignedLong(b.getInt(24)), c.offset(), where + " offset");
            assertEquals(Integer.toUnsignedLong(b.getInt(28)), c.maxEntries(), where + " max_entries");
            assertEquals(cString(f, 32, 16), c.ifname(), where + " ifname");
            assertEquals(Integer.toUnsignedLong(b.getInt(48)), c.lifetimeS(), where + " lifetime_s");
            ByteBuf re = Unpooled.buffer(CloudCmdAttr.SIZE);
            try {
                c.encode(re);
                byte[] again = new byte[re.readableBytes()];
                re.readBytes(again);
                assertArrayEquals(normalised(f), again, where + ": re-encoding differs");
            } finally {
                re.release();
            }
        } else {
            CommandError e = assertInstanceOf(CommandError.class, decoded, where + ": invalid frame accepted, expected " + expected);
            assertEquals(expected, e.code(), where + ": error code (" + e.detail() + ")");
            assertNotNull(e.detail(), where + " detail");
            Reply reply = e.reply();
            if (expected.isBare()) {
                assertNull(e.command(), where + ": bare errors carry no command");
                assertEquals(Reply.error(expected), reply, where + ": bare reply");
            } else {
                assertEquals(Command.valueOf(cmd), e.command(), where + ": command of an E_ARG frame");
                assertEquals(Command.valueOf(cmd).replyForm() == Command.ReplyForm.ACK ? Reply.nak(expected) : Reply.error(expected),
                        reply, where + ": reply in the command's form");
            }
            assertEquals(expected == ErrorCode.E_MAGIC, e.closesConnection(), where + ": only E_MAGIC closes");
        }
    }

    /** The frame with the bytes of ifname after its first NUL zeroed. */
    static byte[] normalised(byte[] f) {
        byte[] n = f.clone();
        zeroAfterNul(n, 32, 16);
        return n;
    }

    static void zeroAfterNul(byte[] f, int off, int size) {
        boolean after = false;
        for (int i = off; i < off + size; i++) {
            if (after) {
                f[i] = 0;
            } else if (f[i] == 0) {
                after = true;
            }
        }
    }
}
