package dev.stationd.daemon.server;

import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.FileRegion;
import io.netty.channel.MessageSizeEstimator;

/**
 * What a write weighs in a connection's writability: Netty's default counts a buffer's bytes but a
 * {@link FileRegion} as nothing, and a full-table reply sent from a {@link ReplyFile} is one. Counted
 * as its bytes, a client that does not read stops being answered (and read from) at the same
 * high-water mark whichever way its replies go out.
 */
final class WriteSizes implements MessageSizeEstimator, MessageSizeEstimator.Handle {
    /** The estimator of every client connection. */
    static final WriteSizes INSTANCE = new WriteSizes();
    private final Handle others = DefaultMessageSizeEstimator.DEFAULT.newHandle();

    private WriteSizes() {
    }

    @Override
    public Handle newHandle() {
        return this;
    }

    @Override
    public int size(Object msg) {
        if (msg instanceof FileRegion r) {
            return (int) Math.min(Integer.MAX_VALUE, r.count());
        }
        return others.size(msg);
    }
}
