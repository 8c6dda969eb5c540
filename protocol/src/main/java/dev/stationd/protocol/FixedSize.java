package dev.stationd.protocol;

import io.netty.buffer.ByteBuf;
import java.util.function.Function;

/** Decoding of a fixed-size struct: whatever the outcome, the reader index moves by exactly its size. */
final class FixedSize {
    private FixedSize() {
    }

    /**
     * @param buf the source, at the struct
     * @param size the struct's size
     * @param struct its C name, for the message of a short buffer
     * @param fields reads the fields (may throw {@link ProtocolException})
     * @param <T> the record
     * @return the record
     * @throws ProtocolException {@code E_ARG} when fewer than {@code size} bytes are readable, or what
     *     {@code fields} throws
     */
    static <T> T decode(ByteBuf buf, int size, String struct, Function<ByteBuf, T> fields) {
        if (buf.readableBytes() < size) {
            throw new ProtocolException(ErrorCode.E_ARG, struct, 0, buf.readableBytes() + " bytes", size + " bytes");
        }
        int start = buf.readerIndex();
        try {
            return fields.apply(buf);
        } finally {
            buf.readerIndex(start + size);
        }
    }
}
