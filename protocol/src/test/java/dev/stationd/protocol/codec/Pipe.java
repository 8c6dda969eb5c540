package dev.stationd.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.stationd.protocol.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@link EmbeddedChannel} with the daemon's command pipeline:
 * CommandFrameDecoder, CommandDecoder.INSTANCE, ReplyEncoder.INSTANCE, {@link MimicDaemonHandler}.
 * Tracks every inbound buffer it creates so a test can assert none leaked.
 */
final class Pipe {
    final CommandFrameDecoder frames = new CommandFrameDecoder();
    final MimicDaemonHandler handler = new MimicDaemonHandler();
    final EmbeddedChannel ch = new EmbeddedChannel(frames, CommandDecoder.INSTANCE, ReplyEncoder.INSTANCE, handler);
    private final List<ByteBuf> fed = new ArrayList<>();

    /** Writes {@code data} as one read. */
    void feed(byte[] data) {
        ByteBuf b = ch.alloc().buffer(data.length).writeBytes(data);
        fed.add(b);
        ch.writeInbound(b);
    }

    /** Writes {@code data} one byte per read. */
    void feedByteByByte(byte[] data) {
        for (byte x : data) {
            feed(new byte[] {x});
        }
    }

    /** Reads, copies and releases the next outbound buffer, which must exist. */
    byte[] nextReply() {
        Object o = ch.readOutbound();
        assertNotNull(o, "expected a reply");
        ByteBuf b = (ByteBuf) o;
        try {
            return Wire.readable(b);
        } finally {
            b.release();
        }
    }

    /** Asserts the next outbound buffer is exactly {@code expected}. */
    void expectReply(byte[] expected) {
        byte[] got = nextReply();
        assertArrayEquals(expected, got, () -> "reply: expected " + Wire.hex(expected) + " got " + Wire.hex(got));
    }

    void expectNoReply() {
        Object o = ch.readOutbound();
        if (o instanceof ByteBuf b) {
            String hex = io.netty.buffer.ByteBufUtil.hexDump(b);
            b.release();
            throw new AssertionError("unexpected reply " + hex);
        }
        assertNull(o);
    }

    /** Asserts every buffer this test fed in has been released by the pipeline. */
    void assertInputReleased() {
        for (int i = 0; i < fed.size(); i++) {
            assertEquals(0, fed.get(i).refCnt(), "inbound buffer #" + i + " leaked");
        }
    }
}
