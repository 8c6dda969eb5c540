package dev.stationd.protocol.codec;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.HostOrder;
import dev.stationd.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Decodes one 64-byte frame (from {@link CommandFrameDecoder}) into a {@link CloudCmdAttr},
 * or into a {@link CommandError} when the frame is malformed. Stateless and {@link Sharable}.
 */
@Sharable
public final class CommandDecoder extends MessageToMessageDecoder<ByteBuf> {
    /** The shared instance. */
    public static final CommandDecoder INSTANCE = new CommandDecoder();

    private CommandDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(decodeFrame(frame));
    }

    /**
     * Decodes one frame without a pipeline.
     *
     * @param frame exactly {@link CloudCmdAttr#SIZE} readable bytes (not released here)
     * @return a {@link CloudCmdAttr} or a {@link CommandError}
     */
    public static Object decodeFrame(ByteBuf frame) {
        int start = frame.readerIndex();
        try {
            return CloudCmdAttr.decode(frame);
        } catch (ProtocolException e) {
            Command command = null;
            if (!e.errorCode().isBare() && frame.writerIndex() - start >= CloudCmdAttr.SIZE) {
                int cmd = HostOrder.LITTLE_ENDIAN
                        ? frame.getUnsignedShortLE(start + CloudCmdAttr.OFFSET_CMD)  // 6 cmd
                        : frame.getUnsignedShort(start + CloudCmdAttr.OFFSET_CMD);
                command = Command.isKnown(cmd) ? Command.valueOf(cmd) : null;
            }
            return new CommandError(e.errorCode(), command, e.getMessage());
        }
    }
}
