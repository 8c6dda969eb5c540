package dev.stationd.daemon.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
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
 * <p>Reference counted: the table version holds one reference and each {@link #region()} in flight
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
    private static final RateLimitedLog REFUSED = new RateLimitedLog(LOG);
    private static final boolean AVAILABLE = NativeLibrary.offers("reply file", ReplyFile::abiVersion, ABI_VERSION,
            "table replies are copied to each client");

    private final int fd;
    private final ByteBuffer mapping;
    private final FileChannel channel;
    /** Over the mapping: writable until sealed, then a read-only view (the pages are read-only). */
    private ByteBuf buffer;
    private State state = State.WRITING;

    /** Writing through the mapping, then sealed and only read. */
    private enum State { WRITING, SEALED }

    private ReplyFile(int fd, ByteBuffer mapping, FileChannel channel) {
        this.fd = fd;
        this.mapping = mapping;
        this.channel = channel;
        this.buffer = Unpooled.wrappedBuffer(mapping).clear();
    }

    /** @return whether memory files can be made here (the library with these calls is loaded) */
    static boolean available() {
        return AVAILABLE;
    }

    /**
     * @param size bytes of the reply
     * @return an empty file of that size, mapped for writing; {@code null} when there is no library
     *     or the kernel refused one (logged, at most once a second)
     */
    static ReplyFile create(int size) {
        if (!AVAILABLE) {
            return null;
        }
        int[] fd = new int[1];
        ByteBuffer mapping = create(size, fd);
        if (mapping == null) {
            REFUSED.warn("no memory file for a table reply of {} bytes (errno {}); it is copied to each client",
                    size, -fd[0]);
            return null;
        }
        FileDescriptor descriptor = descriptor(fd[0]);
        if (descriptor == null) {
            unmap(mapping);
            close(fd[0]);
            return null;
        }
        return new ReplyFile(fd[0], mapping, new FileInputStream(descriptor).getChannel());
    }

    /** @return the reply's bytes: written from index 0 before {@link #seal}, read-only after */
    ByteBuf buffer() {
        return buffer;
    }

    /**
     * Ends the writing: the mapping becomes read-only and the file may no longer change.
     *
     * @return whether it is sealed; otherwise (the kernel refused, logged) the file must not be sent
     */
    boolean seal() {
        if (state != State.WRITING) {
            throw new IllegalStateException("sealed twice");
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

    /** @return the whole file as a message to write; it holds a reference until Netty releases it */
    FileRegion region() {
        if (state != State.SEALED) {
            throw new IllegalStateException("not sealed");
        }
        retain();
        return new Region(this);
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
    private static final class Region extends DefaultFileRegion {
        private final ReplyFile file;

        Region(ReplyFile file) {
            super(file.channel, 0, file.mapping.capacity());
            this.file = file;
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
