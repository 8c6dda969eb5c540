package dev.stationd.daemon.it;

import dev.stationd.protocol.Wire;
import java.nio.ByteBuffer;
import java.util.function.IntConsumer;

/**
 * Follows a stream of table replies ({@code int32 num}, then {@code num} records) as its bytes
 * arrive in pieces, keeping none of the records: for load clients that check the counts of
 * megabytes of replies. A negative {@code num} (an error code) is a reply without records.
 */
public final class TableReplySkipper {
    /** Record bytes of the current reply still to come; 0 = a header is next. */
    private long skip;

    /**
     * Consumes {@code in} (ready to read) as far as it goes; an incomplete header stays in it
     * (compact it before reading more).
     *
     * @param in the bytes received
     * @param header told each reply's {@code num} as its header arrives (it may throw to fail the caller)
     * @return how many replies with records ({@code num >= 0}) ended in these bytes
     */
    public int feed(ByteBuffer in, IntConsumer header) {
        int ended = 0;
        while (true) {
            if (skip > 0) {
                int k = (int) Math.min(skip, in.remaining());
                in.position(in.position() + k);
                skip -= k;
                if (skip > 0) {
                    return ended;
                }
                ended++;
                continue;
            }
            if (in.remaining() < Integer.BYTES) {
                return ended;
            }
            int num = in.order(Wire.HOST).getInt();
            header.accept(num);
            if (num == 0) {
                ended++;
            } else if (num > 0) {
                skip = (long) num * Wire.RECORD_SIZE;
            }
        }
    }

    /** Forgets a reply in progress (the connection was replaced). */
    public void reset() {
        skip = 0;
    }
}
