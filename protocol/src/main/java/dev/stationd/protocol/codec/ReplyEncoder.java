package dev.stationd.protocol.codec;

import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.HostOrder;
import dev.stationd.protocol.StaListAttr;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes a {@link Reply} into exactly one buffer, so each reply is one write and a
 * seed-style client's single {@code read()} sees all of it. Stateless and {@link Sharable}.
 * Pre-encoded {@link ByteBuf} replies pass through untouched.
 */
@Sharable
public final class ReplyEncoder extends MessageToByteEncoder<Reply> {
    /** The shared instance. */
    public static final ReplyEncoder INSTANCE = new ReplyEncoder();
    /** {@code "ACK\0"} as an {@code int} in wire byte order (big-endian read of the 4 bytes). */
    public static final int ACK_BYTES = 0x41434B00;
    /** {@code "NAK\0"} likewise. */
    public static final int NAK_BYTES = 0x4E414B00;
    /** Size of the {@code num} header of a table reply. */
    public static final int NUM_SIZE = 4;

    private ReplyEncoder() {
        super(Reply.class, true);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Reply msg, boolean preferDirect) {
        return ctx.alloc().ioBuffer(size(msg));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Reply msg, ByteBuf out) {
        encodeTo(msg, out);
    }

    /**
     * @param msg a reply
     * @return its exact encoded size
     */
    public static int size(Reply msg) {
        if (msg instanceof Reply.Table t) {
            return NUM_SIZE + t.records().size() * StaListAttr.SIZE;
        }
        if (msg instanceof Reply.FilterTable t) {
            return NUM_SIZE + t.records().size() * FilterAttr.SIZE;
        }
        return msg instanceof Reply.Nak ? 8 : 4;
    }

    /**
     * Encodes without a pipeline.
     *
     * @param msg the reply
     * @param out the destination
     */
    public static void encodeTo(Reply msg, ByteBuf out) {
        if (msg instanceof Reply.Table t) {
            HostOrder.writeI32(out, t.records().size());  // int32 num
            StaListAttr.Writer records = new StaListAttr.Writer(t.records().size());
            for (StaListAttr r : t.records()) {
                records.add(r, out);                        // num x sta_list_attr
            }
            records.flush(out);
        } else if (msg instanceof Reply.FilterTable t) {
            HostOrder.writeI32(out, t.records().size());  // int32 num
            for (FilterAttr r : t.records()) {
                r.encode(out);                              // num x filter_attr
            }
        } else if (msg instanceof Reply.Ack) {
            out.writeInt(ACK_BYTES);                        // "ACK\0"
        } else if (msg instanceof Reply.Nak n) {
            out.writeInt(NAK_BYTES);                        // "NAK\0"
            HostOrder.writeI32(out, n.code().code());       // int32 code
        } else if (msg instanceof Reply.Error e) {
            HostOrder.writeI32(out, e.code().code());       // negative int32
        }
    }
}
