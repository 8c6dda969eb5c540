package dev.stationd.daemon.server;

import dev.stationd.daemon.table.TableSnapshot;
import dev.stationd.protocol.HostOrder;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.codec.ReplyEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * The whole table, encoded once per table version as a ready {@code STA_LIST} reply
 * ({@code int32 num} + every record, sorted by MAC) in one pooled direct buffer. Every reply
 * until the next change is a retained duplicate of it (no copying, no encoding); selective and
 * paged replies copy their 176-byte records out of it.
 *
 * <p>Retain and release happen under one lock, so a reply can never pick up a buffer that is
 * being released for a newer version.
 */
public final class EncodedTable implements AutoCloseable {
    private final ByteBufAllocator alloc;
    private TableSnapshot snapshot;
    private ByteBuf encoded;

    /** @param alloc allocator of the encoded buffers (pooled direct) */
    public EncodedTable(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** A snapshot with its encoded form, retained for one reply. */
    public record Lease(TableSnapshot snapshot, ByteBuf encoded) {
        /**
         * @return the full-table reply; the lease's reference passes to the caller
         */
        public ByteBuf fullReply() {
            return encoded;
        }

        /**
         * Builds a reply of some records of this snapshot by copying their encoded bytes, and
         * releases the lease.
         *
         * @param records records of {@link #snapshot()} (sorted)
         * @param alloc allocator for the reply
         * @return the reply buffer
         */
        public ByteBuf select(List<StaListAttr> records, ByteBufAllocator alloc) {
            try {
                int n = records.size();
                ByteBuf out = alloc.ioBuffer(ReplyEncoder.NUM_SIZE + n * StaListAttr.SIZE);
                HostOrder.writeI32(out, n);                                   // int32 num
                for (StaListAttr r : records) {
                    int i = snapshot.indexOf(r.mac());
                    out.writeBytes(encoded, ReplyEncoder.NUM_SIZE + i * StaListAttr.SIZE, StaListAttr.SIZE);
                }
                return out;
            } finally {
                encoded.release();
            }
        }
    }

    /**
     * @param latest the newest snapshot the caller knows
     * @return that snapshot (or a newer one already encoded) with a retained buffer; release it
     */
    public synchronized Lease acquire(TableSnapshot latest) {
        if (snapshot == null || latest.version() > snapshot.version()) {
            ByteBuf next = encode(latest);
            if (encoded != null) {
                encoded.release();
            }
            snapshot = latest;
            encoded = next;
        }
        return new Lease(snapshot, encoded.retainedDuplicate());
    }

    /**
     * @param latest the newest snapshot the caller knows
     * @return that snapshot (or a newer one) with a retained buffer when it is already encoded,
     *     {@code null} when encoding it would be needed
     */
    public synchronized Lease acquireIfEncoded(TableSnapshot latest) {
        if (snapshot == null || latest.version() > snapshot.version()) {
            return null;
        }
        return new Lease(snapshot, encoded.retainedDuplicate());
    }

    private ByteBuf encode(TableSnapshot s) {
        List<StaListAttr> all = s.all();
        ByteBuf buf = alloc.directBuffer(ReplyEncoder.NUM_SIZE + all.size() * StaListAttr.SIZE);
        HostOrder.writeI32(buf, all.size());
        for (StaListAttr r : all) {
            r.encode(buf);
        }
        return buf;
    }

    /** Releases the cached buffer. */
    @Override
    public synchronized void close() {
        if (encoded != null) {
            encoded.release();
            encoded = null;
            snapshot = null;
        }
    }
}
