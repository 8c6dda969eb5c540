package dev.stationd.protocol.client;

import dev.stationd.protocol.StaEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends {@code sta_event} datagrams to the daemon's ingest socket (a connected
 * {@code SOCK_DGRAM} Unix socket). When the daemon's receive queue is full, {@link #send}
 * waits until there is room: nothing is dropped on the sending side. Not thread-safe.
 */
public final class EventSender implements AutoCloseable {
    /** Pause between tries while the receiver's queue is full. */
    static final long FULL_QUEUE_PAUSE_NANOS = 20_000;

    private final Socket socket;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.nativeOrder());
    /** The same memory as {@link #buffer}, for {@link StaEvent#encode}. */
    private final ByteBuf encodeView = Unpooled.wrappedBuffer(buffer);

    private EventSender(Socket socket) {
        this.socket = socket;
    }

    /**
     * @param ingestSocket the daemon's ingest socket path
     * @return a connected sender
     * @throws IOException if nobody listens there
     */
    public static EventSender connect(Path ingestSocket) throws IOException {
        Epoll.ensureAvailability(); // loads the native library the socket calls need
        Socket s = Socket.newSocketDomainDgram();
        try {
            s.connect(new DomainSocketAddress(ingestSocket.toString()));
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot connect to ingest socket " + ingestSocket + ": " + e.getMessage(), e);
        }
        return new EventSender(s);
    }

    /**
     * @param event the event to send as one datagram
     * @throws IOException if sending fails
     */
    public void send(StaEvent event) throws IOException {
        encodeView.clear();
        event.encode(encodeView);
        buffer.clear();
        sendBuffer(StaEvent.SIZE);
    }

    /**
     * Sends arbitrary bytes as one datagram (for tests of malformed input).
     *
     * @param datagram the payload, at most 65,536 bytes
     * @throws IOException if sending fails
     */
    public void sendRaw(byte[] datagram) throws IOException {
        buffer.clear();
        buffer.put(datagram);
        sendBuffer(datagram.length);
    }

    private void sendBuffer(int length) throws IOException {
        while (true) {
            int n = socket.send(buffer, 0, length);
            if (n == length) {
                return;
            }
            if (n > 0) {
                throw new IOException("short datagram send: " + n + " of " + length);
            }
            LockSupport.parkNanos(FULL_QUEUE_PAUSE_NANOS); // receive queue full (EAGAIN)
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
