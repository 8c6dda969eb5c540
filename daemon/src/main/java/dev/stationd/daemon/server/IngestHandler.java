package dev.stationd.daemon.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.DomainDatagramPacket;

/**
 * Netty's receive path for the ingest socket: each {@code sta_event} datagram Netty reads goes to
 * {@link EventIngest}. Used when {@link NativeIngest} is not available. One per ingest channel.
 */
public final class IngestHandler extends SimpleChannelInboundHandler<DomainDatagramPacket> {
    private final EventIngest ingest;
    private final ServerContext server;

    /** @param server the shared daemon state */
    public IngestHandler(ServerContext server) {
        super(DomainDatagramPacket.class);
        this.server = server;
        this.ingest = new EventIngest(server);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
        // Netty reads no credentials: a restricted ingest.access needs the batched reader (the daemon
        // does not start without it), and drops everything here should it ever come to this path
        ingest.accept(packet.content(),
                () -> EventIngest.describeSender(packet.sender() == null ? "" : packet.sender().path()),
                EventIngest.Sender.UNKNOWN);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        server.log(Noise.IO_ERROR).warn("ingest socket error: {}", String.valueOf(cause));
    }
}
