package dev.stationd.daemon.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full-table reply in a sealed memory file ({@code memfd}, through the daemon's JNI library,
 * {@code daemon/src/main/c/stationd_replyfile.c}), sent with {@code sendfile}: the kernel (6.5 and
 * later) gives the socket references to the file's pages instead of copying a table into it for
 * every reply (tables from {@link #FROM_BYTES} to {@link #TO_BYTES}). The encoder writes the file
 * once through a mapping ({@link #buffer()}); {@link #seal} then makes the mapping read-only and
 * the file unchangeable, because a reader may still hold its pages after the daemon has moved on
 * to a newer table and closed this one.
 *
 * <p>A small table is in the file several times over ({@link #copiesFor}), one copy after the
 * other, so that a client asking for it several times in a row (pipelined) gets those replies from
 * one {@code sendfile}, as a copying server gathers them into one {@code writev}: each system call
 * and each write through Netty is then shared by several replies.
 *
 * <p>Reference counted: the table version holds one reference and each {@link #region} in flight
 * one more; the last release unmaps and closes the file. Without the library (or when the kernel
 * refuses a memory file) {@link #create} returns {@code null} and the table stays in a direct
 * buffer, which the kernel copies into each client's socket.
 */
final class ReplyFile extends AbstractReferenceCounted {
    private static final Logger LOG = LoggerFactory.getLogger(ReplyFile.class);
    /** {@code REPLYFILE_ABI_VERSION} in the C file. */
    static final int ABI_VERSION = 1;
    /**
     * Tables from this size up go in a file. Below it, copying costs no more than handing over
     * page references (the C epoll server over 4 connections: the same rate at 1.4 KB either way,
     * sendfile 15 % quicker from 5.6 KB).
     */
    static final int FROM_BYTES = 4096;
    /**
     * Tables up to this size go in a file; larger ones stay a buffer. A new file's pages are
     * allocated one fault at a time on every new version (16,056 stations: about 1.9 ms to encode
     * against 1.3 in a buffer), and one client reading a large reply gets it sooner when the daemon
     * copies it in while the client copies it out (10,000 stations, one client: 348 µs copied, 524
     * from a file, median), so past a megabyte the copy pays for itself on a busy access point.
     */
    static final int TO_BYTES = 1 << 20;
    /**
     * The copies of a table in its file fill up to this many bytes: about what one {@code sendfile}
     * can put in a Unix socket's send buffer (208 KiB by default), so more copies would not go out
     * in one call anyway.
     */
    static final int RUN_BYTES = 192 << 10;
    /** At most this many copies (a 4 KiB table: 64 KiB). */
    static final int MAX_COPIES = 16;
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG);
    private static final boolean AVAILABLE = NativeLibrary.offers("reply file", ReplyFile::abiVersion, ABI_VERSION,
            "table replies are copied to each client");

    private final int fd;
    private final ByteBuffer mapping;
    private final FileChannel channel;
    /** Bytes of one reply; the file holds {@link #copies} of it. */
    private final int size;
    private final int copies;
    /** Over the first copy: writable until sealed, then a read-only view (the pages are read-only). */
    private ByteBuf buffer;
    private State state = State.WRITING;

    /** Writing through the mapping, then sealed and only read. */
    private enum State { WRITING, SEALED }

    private ReplyFile(int fd, ByteBuffer mapping, FileChannel channel, int size, int copies) {
        this.fd = fd;
        this.mapping = mapping;
        this.channel = channel;
        this.size = size;
        this.copies = copies;
        this.buffer = Unpooled.wrappedBuffer(mapping).slice(0, size).clear();
    }

    /** @return whether memory files can be made here (the library with these calls is loaded) */
    static boolean available() {
        return AVAILABLE;
    }

    /**
     * @param size bytes of a reply
     * @return how many copies of a reply of that size its file holds
     */
    static int copiesFor(int size) {
        return Math.max(1, Math.min(MAX_COPIES, RUN_BYTES / size));
    }

    /**
     * @param size bytes of a reply
     * @return the memory a table of that size takes: its file's copies when it is one, else its buffer
     */
    static int footprint(int size) {
        return AVAILABLE && size >= FROM_BYTES && size <= TO_BYTES ? size * copiesFor(size) : size;
    }

    /**
     * @param size bytes of the reply
     * @return an empty file for {@link #copiesFor} copies of it, the first mapped for writing;
     *     {@code null} when there is no library or the kernel refused one (logged, at most once a second)
     */
    static ReplyFile create(int size) {
        if (!AVAILABLE) {
            return null;
        }
        int copies = copiesFor(size);
        int[] fd = new int[1];
        ByteBuffer mapping = create(size * copies, fd);
        if (mapping == null) {
            REFUSED.warn("no memory file for a table reply of {} bytes (errno {}); it is copied to each client",
                    size * copies, -fd[0]);
            return null;
        }
        FileDescriptor descriptor = descriptor(fd[0]);
        if (descriptor == null) {
            unmap(mapping);
            close(fd[0]);
            return null;
        }
        return new ReplyFile(fd[0], mapping, new FileInputStream(descriptor).getChannel(), size, copies);
    }

    /** @return the reply's bytes (the first copy): written from index 0 before {@link #seal}, read-only after */
    ByteBuf buffer() {
        return buffer;
    }

    /**
     * Ends the writing: the reply is copied into the rest of the file, then the mapping becomes
     * read-only and the file may no longer change.
     *
     * @return whether it is sealed; otherwise (the kernel refused, logged) the file must not be sent
     */
    boolean seal() {
        if (state != State.WRITING) {
            throw new IllegalStateException("sealed twice");
        }
        ByteBuf whole = Unpooled.wrappedBuffer(mapping);
        for (int i = 1; i < copies; i++) {
            whole.setBytes(i * size, whole, 0, size);
        }
        int r = seal(fd, mapping);
        if (r != 0) {
            REFUSED.warn("cannot seal the memory file of a table reply (errno {}); it is copied to each client", -r);
            return false;
        }
        state = State.SEALED;
        buffer = buffer.asReadOnly();
        return true;
    }

    /** @return the seals on the file ({@code F_GET_SEALS}), or {@code -errno} */
    int seals() {
        return seals(fd);
    }

    /** @return the file's descriptor (open until the last release) */
    int fd() {
        return fd;
    }

    /** @return how many replies one {@link #region} can carry */
    int copies() {
        return copies;
    }

    /**
     * @param replies how many replies, from 1 to {@link #copies()}
     * @return that many copies of the reply, one after the other, as one message to write; it holds
     *     a reference until Netty releases it
     */
    Region region(int replies) {
        if (state != State.SEALED) {
            throw new IllegalStateException("not sealed");
        }
        if (replies < 1 || replies > copies) {
            throw new IllegalArgumentException("replies: " + replies + ", expected 1 to " + copies);
        }
        retain();
        return new Region(this, replies);
    }

    @Override
    protected void deallocate() {
        unmap(mapping);
        try {
            channel.close(); // closes the descriptor
        } catch (IOException e) {
            LOG.debug("closing a table reply's memory file: {}", e.toString());
        }
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        return this;
    }

    /**
     * One write of the file (Netty's epoll transport sends a {@link DefaultFileRegion} with
     * {@code sendfile}). Its own release gives back the reference to the file rather than closing
     * the channel, which every region of the file shares.
     */
    static final class Region extends DefaultFileRegion {
        private final ReplyFile file;

        private Region(ReplyFile file, int replies) {
            super(file.channel, 0, (long) file.size * replies);
            this.file = file;
        }

        /** @return the file it is a part of */
        ReplyFile file() {
            return file;
        }

        @Override
        protected void deallocate() {
            file.release();
        }
    }

    private static native int abiVersion();

    private static native ByteBuffer create(int size, int[] fdOut);

    private static native int seal(int fd, ByteBuffer mapping);

    private static native int seals(int fd);

    private static native FileDescriptor descriptor(int fd);

    private static native int unmap(ByteBuffer mapping);

    private static native int close(int fd);
}
