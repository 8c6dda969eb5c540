package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stationd.protocol.Wire;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A byte-exact client: a non-blocking {@link SocketChannel} on the Unix stream socket, every read
 * and write bounded by a deadline (never a sleep). Bytes that arrive while writing are kept, so
 * a long write never deadlocks against the daemon's replies.
 */
public final class RawConnection implements AutoCloseable {
    /** Default time a single expected reply may take. */
    public static final Duration REPLY_DEADLINE = Duration.ofSeconds(20);

    private final SocketChannel ch;
    private final Selector selector;
    private final SelectionKey key;
    /** Received, not yet consumed. */
    private ByteBuffer inbox = ByteBuffer.allocate(1 << 16);
    private boolean eof;

    private RawConnection(SocketChannel ch) throws IOException {
        this.ch = ch;
        ch.configureBlocking(false);
        this.selector = Selector.open();
        this.key = ch.register(selector, SelectionKey.OP_READ);
        inbox.flip();
    }

    public static RawConnection open(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new RawConnection(ch);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    public SocketChannel channel() {
        return ch;
    }

    /** Writes everything (reading what arrives meanwhile). @throws IOException e.g. EPIPE */
    public void write(byte[] data) throws IOException {
        write(data, REPLY_DEADLINE);
    }

    public void write(byte[] data, Duration deadline) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        long end = System.nanoTime() + deadline.toNanos();
        while (buf.hasRemaining()) {
            if (ch.write(buf) > 0) {
                continue;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("write stalled: " + buf.position() + " of " + data.length + " bytes written in " + deadline);
            }
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
            key.interestOps(SelectionKey.OP_READ);
            pull();
        }
    }

    /**
     * Writes without blocking as much as the socket takes now.
     *
     * @param buf the data
     * @return bytes written (0 when the socket buffer is full)
     * @throws IOException on failure
     */
    public int tryWrite(ByteBuffer buf) throws IOException {
        return ch.write(buf);
    }

    /** Moves whatever is readable now into the inbox. @return bytes read, -1 at EOF */
    private int pull() throws IOException {
        if (eof) {
            return -1;
        }
        inbox.compact();
        if (!inbox.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(inbox.capacity() * 2);
            inbox.flip();
            bigger.put(inbox);
            inbox = bigger;
        }
        int n;
        try {
            n = ch.read(inbox);
        } catch (IOException e) {
            n = -1; // ECONNRESET counts as the end of the stream
        }
        inbox.flip();
        if (n < 0) {
            eof = true;
        }
        return n;
    }

    /**
     * @param n bytes
     * @param deadline at most this long
     * @param what description for failures
     * @return exactly {@code n} bytes
     */
    public byte[] read(int n, Duration deadline, String what) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        while (inbox.remaining() < n) {
            if (eof) {
                throw new AssertionError(what + ": EOF after " + inbox.remaining() + " of " + n + " bytes: "
                        + hex(peek()));
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(what + ": no " + n + " bytes within " + deadline + ", got " + inbox.remaining()
                        + ": " + hex(peek()));
            }
            if (pull() == 0) {
                selector.select(Math.max(1, Math.min(left / 1_000_000, 1000)));
                selector.selectedKeys().clear();
            }
        }
        byte[] out = new byte[n];
        inbox.get(out);
        return out;
    }

    public byte[] read(int n, String what) throws IOException {
        return read(n, REPLY_DEADLINE, what);
    }

    /** @return the bytes received but not consumed (not consuming them) */
    public byte[] peek() {
        byte[] out = new byte[inbox.remaining()];
        inbox.duplicate().get(out);
        return out;
    }

    public int readInt(String what) throws IOException {
        return ByteBuffer.wrap(read(4, what)).order(Wire.HOST).getInt();
    }

    public void expectAck(String what) throws IOException {
        byte[] r = read(4, what);
        assertEquals(hex(Wire.ACK), hex(r), what + ": expected ACK\\0");
    }

    public void expectNak(int code, String what) throws IOException {
        byte[] r = read(4, what);
        assertEquals(hex(Wire.NAK), hex(r), what + ": expected NAK\\0");
        assertEquals(code, readInt(what + " (NAK code)"), what + ": NAK code");
    }

    /** A bare negative int32 (E_MAGIC/E_VERSION/E_CMD, or a table command's error). */
    public void expectBare(int code, String what) throws IOException {
        assertEquals(code, readInt(what), what + ": bare error code");
    }

    /**
     * Reads a table reply.
     *
     * @param what description
     * @return the records (num x 176 bytes)
     */
    public byte[] readTable(String what) throws IOException {
        int num = readInt(what);
        if (num < 0) {
            throw new AssertionError(what + ": expected a table, got error " + num);
        }
        return read(num * Wire.RECORD_SIZE, what + " (" + num + " records)");
    }

    public void expectTable(int num, String what) throws IOException {
        byte[] records = readTable(what);
        assertEquals(num, records.length / Wire.RECORD_SIZE, what + ": number of records");
    }

    /** Expects the daemon to close: nothing more arrives, then EOF. */
    public void expectEof(Duration deadline, String what) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!eof || inbox.hasRemaining()) {
            if (inbox.hasRemaining()) {
                throw new AssertionError(what + ": expected EOF, got more bytes: " + hex(peek()));
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(what + ": connection still open after " + deadline);
            }
            if (pull() == 0) {
                selector.select(Math.max(1, Math.min(left / 1_000_000, 1000)));
                selector.selectedKeys().clear();
            }
        }
    }

    public void expectEof(String what) throws IOException {
        expectEof(REPLY_DEADLINE, what);
    }

    /**
     * Reads and discards everything until the daemon closes the connection.
     *
     * @param deadline at most this long
     * @param what description for failures
     * @return the bytes received (with those received earlier and not consumed)
     * @throws IOException on failure
     */
    public long drainToEof(Duration deadline, String what) throws IOException {
        long total = inbox.remaining();
        inbox.position(inbox.limit());
        ByteBuffer sink = ByteBuffer.allocate(1 << 16);
        long end = System.nanoTime() + deadline.toNanos();
        while (!eof) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(what + ": no EOF within " + deadline + " (" + total + " bytes read)");
            }
            int n;
            try {
                n = ch.read(sink.clear());
            } catch (IOException e) {
                n = -1; // ECONNRESET counts as the end of the stream
            }
            if (n < 0) {
                eof = true;
            } else if (n == 0) {
                selector.select(Math.max(1, Math.min(left / 1_000_000, 1000)));
                selector.selectedKeys().clear();
            } else {
                total += n;
            }
        }
        return total;
    }

    /**
     * @param quiet how long to watch
     * @return whether the connection is still open and nothing arrived during {@code quiet}
     */
    public boolean staysQuiet(Duration quiet) throws IOException {
        long end = System.nanoTime() + quiet.toNanos();
        while (true) {
            pull();
            if (eof || inbox.hasRemaining()) {
                return false;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
        }
    }

    /** @return whether EOF has been seen */
    public boolean sawEof() throws IOException {
        pull();
        return eof && !inbox.hasRemaining();
    }

    public void shutdownOutput() throws IOException {
        ch.shutdownOutput();
    }

    public static String hex(byte[] b) {
        int n = Math.min(b.length, 64);
        return HexFormat.of().formatHex(b, 0, n) + (b.length > n ? "... (" + b.length + " bytes)" : "");
    }

    public static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            ch.close();
        }
    }
}
