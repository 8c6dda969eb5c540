package dev.stationd.protocol.codec;

import dev.stationd.protocol.CloudCmdAttr;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import java.util.List;

/**
 * Frames the command stream into {@link CloudCmdAttr#SIZE}-byte slices (Netty's
 * {@link FixedLengthFrameDecoder}). Stateful (it holds the partial frame): one instance per
 * channel, never shared.
 *
 * <p>Bytes of an incomplete frame left when the peer closes are dropped and reported through
 * {@link #trailingBytes()}; no frame is emitted for them.
 */
public final class CommandFrameDecoder extends FixedLengthFrameDecoder {
    private int trailingBytes;

    /** Creates a decoder for one channel. */
    public CommandFrameDecoder() {
        super(CloudCmdAttr.SIZE);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        for (Object frame = decode(ctx, in); frame != null; frame = decode(ctx, in)) {
            out.add(frame);
        }
        int rest = in.readableBytes();
        trailingBytes += rest; // decodeLast may run twice (input shutdown, then inactive)
        in.skipBytes(rest);
    }

    /** @return bytes of a partial frame discarded at end of input (0 if none) */
    public int trailingBytes() {
        return trailingBytes;
    }
}
