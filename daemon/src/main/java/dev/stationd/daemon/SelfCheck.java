package dev.stationd.daemon;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A client of the daemon's own socket for {@code --exit-after-start}: one {@code PING} and one
 * {@code STA_LIST} over a plain JDK socket, so a run that builds the class-data archive also
 * loads the request path's classes.
 */
final class SelfCheck {
    /** The requests sent. */
    private static final Command[] REQUESTS = {Command.PING, Command.STA_LIST};

    private SelfCheck() {
    }

    /**
     * @param socket the daemon's stream socket
     * @throws IOException if the daemon does not answer
     */
    static void run(Path socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuf req = Unpooled.buffer(CloudCmdAttr.SIZE * REQUESTS.length);
            for (Command c : REQUESTS) {
                CloudCmdAttr.of(c).encode(req);
            }
            ch.write(req.nioBuffer());
            ByteBuffer reply = ByteBuffer.allocate(8); // "ACK\0" + int32 num (an empty table)
            while (reply.hasRemaining()) {
                if (ch.read(reply) < 0) {
                    throw new IOException("the daemon closed the connection during the self-check");
                }
            }
        }
    }
}
