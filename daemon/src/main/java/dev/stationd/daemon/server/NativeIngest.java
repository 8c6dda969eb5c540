package dev.stationd.daemon.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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
 * never reads ({@code AUTO_READ} off); this reader owns the fd's reads. It makes the fd blocking
 * with a receive timeout of {@link #POLL_MILLIS}, so it sleeps in the kernel and sees
 * {@link #close()} within that time; {@link #close()} returns only once the thread is gone, before
 * the channel closes the fd (a later {@code open} could reuse the number).
 */
final class NativeIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NativeIngest.class);
    /** Datagrams per {@code recvmmsg}; {@code MAX_BATCH} in the C file. */
    static final int MAX_BATCH = 64;
    /** Per-datagram metadata: length, sender path length, sender path; {@code META_BYTES} in the C file. */
    static final int META_BYTES = 120;
    private static final int META_PATH_OFFSET = 8;
    /** Receive timeout: how long {@link #close()} may wait for the reader to notice. */
    static final int POLL_MILLIS = 200;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    /** Library base name; the file is {@code lib<name>_<os.arch>.so}. */
    static final String LIBRARY = "stationd_ingest";
    private static final boolean LOADED = load();

    private final int fd;
    private final int slot;
    private final EventIngest ingest;
    private final ServerContext server;
    private final ByteBuffer data;
    private final ByteBuffer meta;
    private final ByteBuf view;
    private final Thread thread;
    private volatile boolean stop;

    private NativeIngest(int fd, int slot, ServerContext server) {
        this.fd = fd;
        this.slot = slot;
        this.server = server;
        this.ingest = new EventIngest(server);
        this.data = ByteBuffer.allocateDirect(slot * MAX_BATCH);
        this.meta = ByteBuffer.allocateDirect(META_BYTES * MAX_BATCH).order(ByteOrder.nativeOrder());
        this.view = Unpooled.wrappedBuffer(data);
        this.thread = new Thread(this::run, "stationd-ingest");
        thread.setDaemon(true);
    }

    /** @return whether the library is loaded (it is on {@code java.library.path} for this architecture) */
    static boolean available() {
        return LOADED;
    }

    /** @return the library's file name on this machine */
    static String libraryFileName() {
        return System.mapLibraryName(LIBRARY + "_" + System.getProperty("os.arch", "").toLowerCase(Locale.ROOT));
    }

    /**
     * Takes over the reads of {@code fd} on a new thread.
     *
     * @param fd a bound or inherited datagram socket nothing else reads from
     * @param slot bytes per datagram buffer (a longer datagram arrives as exactly {@code slot} bytes)
     * @param server the shared daemon state
     * @return the running reader
     * @throws IOException if the fd cannot be set up (the caller falls back to Netty's path)
     */
    static NativeIngest start(int fd, int slot, ServerContext server) throws IOException {
        if (!LOADED) {
            throw new IOException(libraryFileName() + " is not loaded");
        }
        int rc = prepare(fd, POLL_MILLIS);
        if (rc < 0) {
            throw new IOException("cannot set up ingest fd " + fd + " for batched reads: errno " + -rc);
        }
        NativeIngest reader = new NativeIngest(fd, slot, server);
        reader.thread.start();
        return reader;
    }

    private void run() {
        while (!stop) {
            int n = receive(fd, data, slot, MAX_BATCH, meta);
            if (n < 0) {
                if (-n != EAGAIN && -n != EINTR && !stop) {
                    server.ioLog().warn("ingest socket error: errno {}", -n);
                    sleepAfterError();
                }
                continue;
            }
            for (int i = 0; i < n; i++) {
                int base = i * META_BYTES;
                int length = meta.getInt(base);
                int offset = i * slot;
                view.setIndex(offset, offset + length);
                try {
                    ingest.accept(view, () -> EventIngest.describeSender(senderPath(base)));
                } catch (RuntimeException e) {
                    // as Netty's pipeline would: logged, and the reader goes on with the next datagram
                    server.ioLog().warn("ingest: {}", String.valueOf(e));
                }
            }
        }
    }

    private String senderPath(int base) {
        int length = meta.getInt(base + 4);
        byte[] path = new byte[length];
        meta.get(base + META_PATH_OFFSET, path);
        int end = 0;
        while (end < length && path[end] != 0) {
            end++;
        }
        // an abstract address starts with a NUL byte: shown as '@name', like ss(8) does
        if (length > 0 && path[0] == 0) {
            return "@" + new String(path, 1, length - 1, StandardCharsets.UTF_8);
        }
        return new String(path, 0, end, StandardCharsets.UTF_8);
    }

    private void sleepAfterError() {
        try {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // an fd in a persistent error state must not spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop = true;
        }
    }

    /** Stops the reader and waits for its thread (up to a few receive timeouts). */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(5L * POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("ingest reader did not stop within {} ms", 5 * POLL_MILLIS);
        } else {
            view.release();
        }
    }

    private static boolean load() {
        String name = LIBRARY + "_" + System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        try {
            System.loadLibrary(name);
            return true;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            LOG.debug("no {} on java.library.path ({}): ingest through Netty", System.mapLibraryName(name), e.getMessage());
            return false;
        }
    }

    private static native int prepare(int fd, int timeoutMillis);

    private static native int receive(int fd, ByteBuffer data, int slot, int max, ByteBuffer meta);
}
