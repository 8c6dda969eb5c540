package dev.stationd.daemon.server;

import dev.stationd.protocol.ProtocolException;
import dev.stationd.protocol.StaEvent;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.DomainDatagramPacket;

/**
 * Applies each {@code sta_event} datagram to the table. Malformed datagrams are dropped,
 * counted and logged at most once per second; they never change the table. One per ingest
 * channel (it tracks the sequence numbers).
 */
public final class IngestHandler extends SimpleChannelInboundHandler<DomainDatagramPacket> {
    private final ServerContext server;
    private int lastSeq;
    private boolean seenSeq;

    /** @param server the shared daemon state */
    public IngestHandler(ServerContext server) {
        super(DomainDatagramPacket.class);
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
        StaEvent event;
        try {
            event = StaEvent.decodeDatagram(packet.content());
        } catch (ProtocolException e) {
            server.stats().eventsMalformed.increment();
            server.badInputLog().warn("dropped malformed sta_event datagram from {}: {}",
                    sender(packet), e.getMessage());
            return;
        }
        countGap(event.seq());
        server.table().apply(event);
        server.stats().eventsApplied.increment();
    }

    private static String sender(DomainDatagramPacket packet) {
        String path = packet.sender() == null ? "" : packet.sender().path();
        return path.isEmpty() ? "an unnamed socket" : path;
    }

    private void countGap(int seq) {
        // Senders number their datagrams; a jump forward is counted as lost events. Several
        // senders interleaving make this a rough figure, which is what it is for.
        if (seenSeq && seq - lastSeq > 1) {
            server.stats().eventSeqGaps.add(seq - lastSeq - 1L);
        }
        lastSeq = seq;
        seenSeq = true;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        server.ioLog().warn("ingest socket error: {}", String.valueOf(cause));
    }
}
