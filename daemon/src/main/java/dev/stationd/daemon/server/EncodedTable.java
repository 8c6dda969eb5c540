package dev.stationd.daemon.server;

import dev.stationd.daemon.table.TableSnapshot;
import dev.stationd.protocol.HostOrder;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.codec.ReplyEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;

/**
 * The whole table, encoded once per table version as a ready {@code STA_LIST} reply
 * ({@code int32 num} + every record, sorted by MAC); a new version copies the records that did not
 * change from the previous one and encodes the rest. Every full reply until the next change sends
 * that encoding as it is (no encoding, no copy in the daemon); selective and paged replies copy
 * their 176-byte records out of it. From {@link ReplyFile#FROM_BYTES} to {@link ReplyFile#TO_BYTES}
 * the encoding is a sealed memory file sent with {@code sendfile}, so the kernel does not copy it
 * either; other sizes, or all of them without the daemon's JNI library, are a direct buffer of
 * their own, sent as retained duplicates.
 *
 * <p>Each version is charged to the {@link PendingBudget} once, when it is encoded
 * ({@link PendingBudget#tryVersion}), and released when it is no longer the newest and the last
 * reply that uses it has been sent: a client that does not read can keep an old version alive,
 * and that memory counts. When the new version fits only in place of the newest one and no reply
 * uses that, the newest gives way first and the new one is encoded whole.
 *
 * <p>When the budget has no room for a new encoding, a query is answered from the newest one
 * there is, if it was made at most {@link #STALE_NANOS} ago and has the filters in force (a filter
 * change is always visible to the next query); otherwise there is no answer (the client gets
 * {@code E_BUSY}). Slow clients then share fewer versions, which is what frees the memory.
 *
 * <p>Retain, release and the lease counts change under one lock, so a reply can never pick up a
 * buffer that is being released for a newer version.
 */
public final class EncodedTable implements AutoCloseable {
    /** How old an encoding may be to answer a query while the budget has no room for a new one. */
    static final long STALE_NANOS = 1_000_000_000L;
    private final ByteBufAllocator alloc;
    private Version current;
    /** Records the newest version encoded rather than copied from the one before it. */
    private int encodedLast;
    /** Buffers of dropped versions kept for new ones ({@link #spares}). */
    static final int SPARES = 2;
    /**
     * A new buffer has room for a 64th more (250 records at 16,056 stations): on a busy access
     * point the table is a few stations larger or smaller from one version to the next, and a
     * spare one record too small for the next version is as good as none.
     */
    static final int SLACK_SHIFT = 6;
    /**
     * The buffers of the last {@link #SPARES} versions dropped that were larger than
     * {@link ReplyFile#TO_BYTES}, oldest first, for the next versions to be encoded into: a new
     * buffer of a few megabytes is a page fault per page and zeroed before it is written (16,056
     * stations: most of the 3 to 7 ms of a new version). A buffer is kept even while replies
     * still hold it (a subscriber reading its list slowly, a slow client), and taken once none
     * does; had only a free buffer been kept, a reader that held each version a little longer
     * than the next one took to come would leave none. Not charged to the budget: at most the
     * memory of two more tables once their replies are out.
     */
    private final ArrayDeque<ByteBuf> spares = new ArrayDeque<>(SPARES + 1);
    /** After {@link #close()}: versions still leased then are released when done, never kept as spares. */
    private boolean closed;

    /**
     * @param alloc allocator of the encoded buffers (direct; unpooled, so a version's memory goes
     *     when it does, but for the spares kept for the next large versions)
     */
    public EncodedTable(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** One encoded version; {@code leases} and {@code superseded} are guarded by the table's lock. */
    private static final class Version {
        final TableSnapshot snapshot;
        /**
         * The MACs of its records in order ({@link dev.stationd.protocol.MacAddress#value()}), for
         * the next version's encoding to line its records up with these: read from the records,
         * each would be a read somewhere in the heap. Copied in runs with the bytes, or taken from
         * the records being encoded anyway, so they cost no such read.
         */
        final long[] keys;
        /** The reply's bytes (read-only when in a file). */
        final ByteBuf encoded;
        /** The file they are in, or {@code null} when {@link #encoded} is a buffer of its own. */
        final ReplyFile file;
        /** Bytes of its reply. */
        final int size;
        /** Bytes charged for it ({@link ReplyFile#footprint}), and where. */
        final int charged;
        final PendingBudget budget;
        final long encodedAt = System.nanoTime();
        int leases;
        /** Read without the lock by {@link Lease#staleBytes()}. */
        volatile boolean superseded;

        Version(TableSnapshot snapshot, long[] keys, ByteBuf encoded, ReplyFile file, int size, PendingBudget budget) {
            this.snapshot = snapshot;
            this.keys = keys;
            this.encoded = encoded;
            this.file = file;
            this.size = size;
            this.charged = ReplyFile.footprint(size);
            this.budget = budget;
        }
    }

    /** A snapshot with its encoded form, held for one reply; {@link #done()} ends it. */
    public final class Lease {
        private final Version version;
        private boolean done;

        private Lease(Version version) {
            this.version = version;
        }

        /** @return the snapshot */
        public TableSnapshot snapshot() {
            return version.snapshot;
        }

        /** @return bytes of the full-table reply */
        public int size() {
            return version.size;
        }

        /**
         * @return this lease's share of its version when that is no longer the newest (only leases
         *     keep it alive), else 0; any thread may ask
         */
        public long staleBytes() {
            int n = version.leases; // a racy read is fine: an estimate for choosing whom to disconnect
            return version.superseded ? version.charged / Math.max(1, n) : 0;
        }

        /**
         * @return the full-table reply: a region of the version's file or a retained duplicate of
         *     its buffer, released by whoever writes it; the lease stays open until {@link #done()},
         *     once the reply is sent
         */
        public Object fullReply() {
            synchronized (EncodedTable.this) {
                return version.file != null ? version.file.region(1) : version.encoded.retainedDuplicate();
            }
        }

        /**
         * Builds a reply of some records of this snapshot by copying their encoded bytes, and
         * ends the lease.
         *
         * @param records records of {@link #snapshot()} (sorted)
         * @param alloc allocator for the reply
         * @return the reply buffer
         */
        public ByteBuf select(List<StaListAttr> records, ByteBufAllocator alloc) {
            try {
                int n = records.size();
                ByteBuf out = alloc.ioBuffer(replySize(n));
                HostOrder.writeI32(out, n);                                   // int32 num
                for (StaListAttr r : records) {
                    int i = version.snapshot.indexOf(r.macValue());
                    out.writeBytes(version.encoded, ReplyEncoder.NUM_SIZE + i * StaListAttr.SIZE, StaListAttr.SIZE);
                }
                return out;
            } finally {
                done();
            }
        }

        /** Ends the lease: an older version goes once its last lease ends. Idempotent. */
        public void done() {
            synchronized (EncodedTable.this) {
                if (done) {
                    return;
                }
                done = true;
                if (--version.leases == 0 && version.superseded) {
                    drop(version);
                }
            }
        }
    }

    /**
     * @param records number of records
     * @return bytes of a table reply with that many records
     */
    public static int replySize(int records) {
        return ReplyEncoder.NUM_SIZE + records * StaListAttr.SIZE;
    }

    /**
     * @param latest the newest snapshot the caller knows
     * @param budget where a new encoding is charged
     * @return that snapshot (or a newer one already encoded, or, when the budget has no room for a
     *     new one, a recent one with the same filters), leased; {@code null} when none of them can answer
     */
    public synchronized Lease acquire(TableSnapshot latest, PendingBudget budget) {
        if (current == null || latest.version() > current.snapshot.version()) {
            int size = replySize(latest.size());
            int charge = ReplyFile.footprint(size);
            PendingBudget.Room room = budget.tryVersion(charge, current != null && current.leases == 0 ? current.charged : 0);
            if (room == PendingBudget.Room.NONE) {
                if (current == null || System.nanoTime() - current.encodedAt > STALE_NANOS
                        || current.snapshot.filters() != latest.filters()) {
                    return null;
                }
                current.leases++; // no room for a new version: the recent one answers
                return new Lease(current);
            }
            if (room == PendingBudget.Room.INSTEAD) {
                drop(current); // its bytes are the new one's: encoded from scratch, not copied from it
                current = null;
            }
            Version next;
            try {
                next = encode(latest, size, current, budget);
            } catch (OutOfMemoryError e) {
                throw Fatal.outOfMemory("encoding the table", e);
            } catch (RuntimeException e) {
                budget.release(charge);
                throw e;
            }
            if (current != null) {
                current.superseded = true;
                if (current.leases == 0) {
                    drop(current);
                }
            }
            current = next;
        }
        current.leases++;
        return new Lease(current);
    }

    /** @return records of the newest version that were encoded, not copied from the version before */
    synchronized int encodedLast() {
        return encodedLast;
    }

    /** @return the table version of the newest encoding, -1 before the first */
    public synchronized long version() {
        return current == null ? -1 : current.snapshot.version();
    }

    /**
     * @param latest the newest snapshot the caller knows
     * @return that snapshot (or a newer one) leased when it is already encoded, {@code null} when
     *     encoding it would be needed
     */
    public synchronized Lease acquireIfEncoded(TableSnapshot latest) {
        if (current == null || latest.version() > current.snapshot.version()) {
            return null;
        }
        current.leases++;
        return new Lease(current);
    }

    private void drop(Version v) {
        if (v.file != null) {
            v.file.release();
        } else if (!closed && v.encoded.capacity() > ReplyFile.TO_BYTES) {
            spares.addLast(v.encoded); // replies may still hold it: it is taken only once they do not
            if (spares.size() > SPARES) {
                spares.removeFirst().release();
            }
        } else {
            v.encoded.release();
        }
        v.budget.release(v.charged);
    }

    /**
     * @return a direct buffer for {@code size} bytes: a spare that no reply holds any more when one
     *     fits without wasting half of it (one that does not fit is given back), else a new one
     *     with room for {@link #SLACK_SHIFT a little more}
     */
    private ByteBuf buffer(int size) {
        for (Iterator<ByteBuf> i = spares.iterator(); i.hasNext(); ) {
            ByteBuf b = i.next();
            if (b.refCnt() != 1) {
                continue; // a reply still holds it (only ours is left once all are out)
            }
            i.remove();
            if (b.capacity() >= size && size > b.capacity() / 2) {
                return b.clear();
            }
            b.release();
        }
        int capacity = size + (size >> SLACK_SHIFT);
        return alloc.directBuffer(capacity, capacity);
    }

    /** @return how many buffers are kept as spares */
    synchronized int spares() {
        return spares.size();
    }

    /** Encodes a snapshot into a sealed file when its size is in the files' range and one can be made, else into a buffer. */
    private Version encode(TableSnapshot s, int size, Version previous, PendingBudget budget) {
        ReplyFile file = size >= ReplyFile.FROM_BYTES && size <= ReplyFile.TO_BYTES ? ReplyFile.create(size) : null;
        ByteBuf buf = file != null ? file.buffer() : buffer(size);
        long[] keys;
        try {
            keys = encode(s, previous, buf);
        } catch (RuntimeException e) {
            if (file != null) {
                file.release();
            } else {
                buf.release();
            }
            throw e;
        }
        if (file == null) {
            return new Version(s, keys, buf, null, size, budget);
        }
        if (file.seal()) {
            return new Version(s, keys, file.buffer(), file, size, budget);
        }
        ByteBuf copy = alloc.directBuffer(size, size).writeBytes(buf); // the kernel refused the seal
        file.release();
        return new Version(s, keys, copy, null, size, budget);
    }

    /**
     * Encodes a snapshot into {@code buf} (exactly its reply's size); records that {@code previous}
     * has too (the same instances: snapshots share unchanged records) are copied from its encoding in
     * runs, so only what changed is encoded.
     */
    private long[] encode(TableSnapshot s, Version previous, ByteBuf buf) {
        int n = s.size();
        long[] keys = new long[n];
        StaListAttr.Writer changed = new StaListAttr.Writer();
        HostOrder.writeI32(buf, n);
        if (previous == null) {
            for (int i = 0; i < keys.length; i++) {
                StaListAttr r = s.at(i);
                keys[i] = r.macValue();
                changed.add(r, buf);
            }
            changed.flush(buf);
            encodedLast = keys.length;
            return keys;
        }
        TableSnapshot had = previous.snapshot;
        int hadSize = had.size();
        long[] hadKeys = previous.keys;
        int j = 0;        // next record of the old snapshot to compare with
        int runFrom = 0;  // old records [runFrom, runTo) are still to be copied
        int runTo = 0;
        int encoded = 0;
        for (int i = 0; i < n; i++) {
            StaListAttr r = s.at(i);
            if (j < hadSize && had.at(j) != r) {
                // skip the old records that sort before this one (removed or replaced)
                long key = r.macValue(); // read only where the snapshots differ
                while (j < hadSize && hadKeys[j] < key) {
                    j++;
                }
            }
            if (j < hadSize && had.at(j) == r) {
                if (j != runTo) { // not adjacent to the run: send the run, start another
                    copy(previous, runFrom, runTo, changed, buf, keys);
                    runFrom = j;
                }
                runTo = ++j;
            } else {
                copy(previous, runFrom, runTo, changed, buf, keys);
                runFrom = runTo;
                keys[i] = r.macValue();
                changed.add(r, buf);
                encoded++;
            }
        }
        copy(previous, runFrom, runTo, changed, buf, keys);
        changed.flush(buf);
        encodedLast = encoded;
        return keys;
    }

    /**
     * Appends the encoded records {@code [from, to)} of an older version, after the changed records
     * before them, and their keys at the same place in {@code keys}.
     */
    private static void copy(Version older, int from, int to, StaListAttr.Writer changed, ByteBuf out, long[] keys) {
        if (to > from) {
            changed.flush(out);
            int at = (out.writerIndex() - ReplyEncoder.NUM_SIZE) / StaListAttr.SIZE;
            System.arraycopy(older.keys, from, keys, at, to - from);
            out.writeBytes(older.encoded, ReplyEncoder.NUM_SIZE + from * StaListAttr.SIZE, (to - from) * StaListAttr.SIZE);
        }
    }

    /** Releases the newest version (older ones go with their last lease). */
    @Override
    public synchronized void close() {
        closed = true;
        if (current != null) {
            current.superseded = true;
            if (current.leases == 0) {
                drop(current);
            }
            current = null;
        }
        spares.forEach(ByteBuf::release);
        spares.clear();
    }
}
