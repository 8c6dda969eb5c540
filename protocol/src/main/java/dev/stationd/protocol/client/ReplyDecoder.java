package dev.stationd.protocol.client;

import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.HostOrder;
import dev.stationd.protocol.ProtocolException;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.codec.Reply;
import dev.stationd.protocol.codec.ReplyEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Client side: decodes the daemon's replies. Replies carry no type, so the decoder is told the
 * form of each request it sent ({@link #expect}) and decodes replies in that order. After the
 * {@code "ACK\0"} of a {@code SUBSCRIBE} the stream carries {@link StaEvent} records only.
 * Stateful: one instance per channel.
 */
public final class ReplyDecoder extends ByteToMessageDecoder {
    /** Largest {@code num} accepted in a table reply (rejects before allocating). */
    public static final int MAX_TABLE_RECORDS = 4 * 1024 * 1024;

    private final ArrayDeque<Command> expected = new ArrayDeque<>();
    private boolean subscribed;

    /** Creates a decoder for one channel. */
    public ReplyDecoder() {
    }

    /**
     * Records that a request of this command was written; call in write order.
     *
     * @param command the command sent
     */
    public void expect(Command command) {
        expected.add(command);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            Object msg = subscribed ? decodeEvent(in) : decodeReply(in);
            if (msg == null) {
                return;
            }
            out.add(msg);
        }
    }

    private Object decodeEvent(ByteBuf in) {
        return in.readableBytes() < StaEvent.SIZE ? null : StaEvent.decode(in);
    }

    private Object decodeReply(ByteBuf in) {
        Command head = expected.peek();
        if (head == null) {
            if (in.isReadable()) {
                throw new ProtocolException(ErrorCode.E_ARG, "reply", 0, in.readableBytes() + " unexpected bytes",
                        "no data without a request");
            }
            return null;
        }
        Reply reply = switch (head.replyForm()) {
            case TABLE -> decodeTable(in, StaListAttr.SIZE, StaListAttr::decode, Reply.Table::new);
            case FILTER_TABLE -> decodeTable(in, FilterAttr.SIZE, FilterAttr::decode, Reply.FilterTable::new);
            case ACK -> decodeAck(in);
        };
        if (reply != null) {
            expected.poll();
            if (head == Command.SUBSCRIBE && reply instanceof Reply.Ack) {
                subscribed = true;
            }
        }
        return reply;
    }

    private static <T> Reply decodeTable(ByteBuf in, int recordSize, Function<ByteBuf, T> record,
                                         Function<List<T>, Reply> reply) {
        if (in.readableBytes() < ReplyEncoder.NUM_SIZE) {
            return null;
        }
        int start = in.readerIndex();
        int num = HostOrder.getI32(in, start);                       // 0 int32 num
        if (num < 0) {
            in.skipBytes(ReplyEncoder.NUM_SIZE);
            return Reply.error(errorCode(num));
        }
        if (num > MAX_TABLE_RECORDS) {
            throw new ProtocolException(ErrorCode.E_ARG, "num", 0, String.valueOf(num), "<= " + MAX_TABLE_RECORDS);
        }
        long total = ReplyEncoder.NUM_SIZE + (long) num * recordSize;
        if (in.readableBytes() < total) {
            return null;
        }
        in.skipBytes(ReplyEncoder.NUM_SIZE);
        List<T> records = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            records.add(record.apply(in));                           // 4 + i*size: sta_list_attr / filter_attr
        }
        return reply.apply(records);
    }

    private static Reply decodeAck(ByteBuf in) {
        if (in.readableBytes() < 4) {
            return null;
        }
        int start = in.readerIndex();
        int word = in.getInt(start);                                 // 0 "ACK\0" / "NAK\0" / int32
        if (word == ReplyEncoder.ACK_BYTES) {
            in.skipBytes(4);
            return Reply.ack();
        }
        if (word == ReplyEncoder.NAK_BYTES) {
            if (in.readableBytes() < 8) {
                return null;
            }
            int code = HostOrder.getI32(in, start + 4);              // 4 int32 code
            in.skipBytes(8);
            return Reply.nak(errorCode(code));
        }
        int code = HostOrder.getI32(in, start);
        in.skipBytes(4);
        return Reply.error(errorCode(code));
    }

    private static ErrorCode errorCode(int code) {
        if (!ErrorCode.isKnown(code)) {
            throw new ProtocolException(ErrorCode.E_ARG, "code", 0, String.valueOf(code), "-8..-1");
        }
        return ErrorCode.valueOf(code);
    }
}
