package dev.stationd.protocol.codec;

import dev.stationd.protocol.CloudCmdAttr;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the command stream into {@link CloudCmdAttr#SIZE}-byte slices. Stateful (it holds the
 * partial frame): one instance per channel, never shared.
 *
 * <p>Bytes of an incomplete frame left when the peer closes are dropped and reported through
 * {@link #trailingBytes()}; no frame is emitted for them.
 */
public final class CommandFrameDecoder extends ByteToMessageDecoder {
    private int trailingBytes;

    /** Creates a decoder for one channel. */
    public CommandFrameDecoder() {
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= CloudCmdAttr.SIZE) {
            out.add(in.readRetainedSlice(CloudCmdAttr.SIZE));
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        int rest = in.readableBytes();
        trailingBytes += rest; // decodeLast may run twice (input shutdown, then inactive)
        in.skipBytes(rest);
    }

    /** @return bytes of a partial frame discarded at end of input (0 if none) */
    public int trailingBytes() {
        return trailingBytes;
    }
}
