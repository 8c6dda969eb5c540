package dev.stationd.daemon.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batched receive path for the ingest socket: a thread of its own reads up to
 * {@link #MAX_BATCH} datagrams per {@code recvmmsg(2)} (JNI, {@code libstationd_ingest_<arch>.so},
 * built from {@code daemon/src/main/c/stationd_ingest.c} into the directory of
 * {@code -Djava.library.path}) into one direct buffer and hands each to {@link EventIngest} in place.
 * Netty's own path reads one datagram per {@code recvfrom} and builds a sender address object
 * through JNI for each; this one is the W4 ingest lever of the benchmark.
 *
 * <p>The socket stays a Netty channel (bound, adopted, closed and its file removed as before) that
 * does not read ({@code AUTO_READ} off); this reader owns the fd's reads. The fd is not changed
 * (still non-blocking, as systemd shares it): when nothing is queued the native call waits in
 * {@code poll} for up to {@link #POLL_MILLIS}, so {@link #stopAndJoin()} is noticed within that time.
 * {@link #stopAndJoin()} reports whether the thread is gone, so the fd is only closed after it (a
 * later {@code open} could reuse the number). If the reader fails for good (an {@link Error}, a library
 * that does not match), it logs it and hands the socket back to Netty through {@code onFailure}.
 */
final class NativeIngest {
    private static final Logger LOG = LoggerFactory.getLogger(NativeIngest.class);
    /** {@code ABI_VERSION} in the C file: a library from another build is not used. */
    static final int ABI_VERSION = 3;
    /** Datagrams per {@code recvmmsg}; {@code MAX_BATCH} in the C file. */
    static final int MAX_BATCH = 64;
    /**
     * Per-datagram metadata: length, sender path length, the sender's pid, uid and gid, sender
     * path; {@code META_BYTES} and the offsets in the C file.
     */
    static final int META_BYTES = 136;
    private static final int META_PID_OFFSET = 8;
    private static final int META_UID_OFFSET = 12;
    private static final int META_GID_OFFSET = 16;
    private static final int META_PATH_OFFSET = 24;
    /** The longest wait in the kernel: how long {@link #stopAndJoin()} may take to be noticed. */
    static final int POLL_MILLIS = 200;
    /** How long {@link #stopAndJoin()} waits for the thread. */
    static final int JOIN_MILLIS = 5 * POLL_MILLIS;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final boolean LOADED = NativeLibrary.offers("ingest", NativeIngest::abiVersion, ABI_VERSION,
            "ingest through Netty");

    private final int fd;
    private final int slot;
    private final EventIngest ingest;
    private final ServerContext server;
    private final Runnable onFailure;
    private final ByteBuffer data;
    private final ByteBuffer meta;
    private final ByteBuf view;
    private final Thread thread;
    private volatile boolean stop;

    private NativeIngest(int fd, int slot, ServerContext server, Runnable onFailure) {
        this.fd = fd;
        this.slot = slot;
        this.server = server;
        this.onFailure = onFailure;
        this.ingest = new EventIngest(server);
        this.data = ByteBuffer.allocateDirect(slot * MAX_BATCH);
        this.meta = ByteBuffer.allocateDirect(META_BYTES * MAX_BATCH).order(ByteOrder.nativeOrder());
        this.view = Unpooled.wrappedBuffer(data);
        this.thread = new Thread(this::run, "stationd-ingest");
        thread.setDaemon(true);
    }

    /** @return whether the library is loaded and of this build (it is on {@code java.library.path}) */
    static boolean available() {
        return LOADED;
    }

    /**
     * Takes over the reads of {@code fd} on a new thread.
     *
     * @param fd a bound or inherited datagram socket whose channel does not read
     * @param slot bytes per datagram buffer (a longer datagram arrives as exactly {@code slot} bytes)
     * @param server the shared daemon state
     * @param onFailure gives the socket back to Netty; run on the reader's thread if it fails for good
     * @return the running reader
     * @throws IOException if the library is not there
     */
    static NativeIngest start(int fd, int slot, ServerContext server, Runnable onFailure) throws IOException {
        if (!LOADED) {
            throw new IOException(NativeLibrary.fileName() + " is not loaded");
        }
        int err = passCredentials(fd);
        if (err < 0) { // without them ingest.access cannot be checked: Netty's path decides what to do
            throw new IOException("cannot turn on SO_PASSCRED on the ingest socket: errno " + -err);
        }
        NativeIngest reader = new NativeIngest(fd, slot, server, onFailure);
        reader.thread.start();
        return reader;
    }

    private void run() {
        try {
            while (!stop) {
                int n = receive(fd, data, slot, MAX_BATCH, meta, POLL_MILLIS);
                if (n < 0) {
                    if (-n != EAGAIN && -n != EINTR && !stop) {
                        server.log(Noise.IO_ERROR).warn("ingest socket error: errno {}", -n);
                        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // an fd in a lasting error state must not spin
                    }
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    deliver(i);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) { // whatever it is, the socket must not be left without a reader
            LOG.error("batched ingest reader failed; Netty reads the ingest socket from now on (it reads no"
                    + " credentials: with a restricted ingest.access every datagram is dropped)", t);
            onFailure.run();
        }
    }

    private void deliver(int i) {
        int base = i * META_BYTES;
        int length = meta.getInt(base);
        int offset = i * slot;
        view.setIndex(offset, offset + length);
        try {
            ingest.accept(view, () -> EventIngest.describeSender(senderPath(base)), new EventIngest.Sender(
                    meta.getInt(base + META_PID_OFFSET), meta.getInt(base + META_UID_OFFSET),
                    meta.getInt(base + META_GID_OFFSET)));
        } catch (RuntimeException e) {
            // as Netty's pipeline would: logged, and the reader goes on with the next datagram
            server.log(Noise.IO_ERROR).warn("ingest: {}", String.valueOf(e));
        }
    }

    private String senderPath(int base) {
        int length = meta.getInt(base + 4);
        byte[] path = new byte[length];
        meta.get(base + META_PATH_OFFSET, path);
        // an abstract address starts with a NUL byte: shown as '@name', like ss(8) does
        if (length > 0 && path[0] == 0) {
            return "@" + new String(path, 1, length - 1, StandardCharsets.UTF_8);
        }
        int end = 0;
        while (end < length && path[end] != 0) {
            end++;
        }
        return new String(path, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * Stops the reader and waits for its thread (up to {@link #JOIN_MILLIS}).
     *
     * @return whether the thread is gone (only then may the fd be closed)
     */
    boolean stopAndJoin() {
        stop = true;
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("ingest reader did not stop within {} ms", JOIN_MILLIS);
            return false;
        }
        view.release();
        return true;
    }

    private static native int abiVersion();

    private static native int passCredentials(int fd);

    private static native int receive(int fd, ByteBuffer data, int slot, int max, ByteBuffer meta, int timeoutMillis);
}
