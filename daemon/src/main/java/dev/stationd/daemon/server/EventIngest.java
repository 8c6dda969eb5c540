package dev.stationd.daemon.server;

import dev.stationd.protocol.ProtocolException;
import dev.stationd.protocol.StaEvent;
import io.netty.buffer.ByteBuf;
import java.util.function.Supplier;

/**
 * Applies {@code sta_event} datagrams to the table, whichever path received them (Netty's
 * {@link IngestHandler} or the batched {@link NativeIngest}). Malformed datagrams are dropped,
 * counted and logged at most once per second; they never change the table. One per ingest socket,
 * used by one thread at a time (it tracks the senders' sequence numbers).
 */
final class EventIngest {
    private final ServerContext server;
    private int lastSeq;
    private boolean seenSeq;

    /** @param server the shared daemon state */
    EventIngest(ServerContext server) {
        this.server = server;
    }

    /**
     * @param datagram one datagram's bytes, from its reader index to its writer index (not released here)
     * @param sender the sender's socket path for the log, asked only for a malformed datagram
     */
    void accept(ByteBuf datagram, Supplier<String> sender) {
        StaEvent event;
        try {
            event = StaEvent.decodeDatagram(datagram);
        } catch (ProtocolException e) {
            server.stats().datagram(ServerStats.Datagram.MALFORMED);
            server.badInputLog().warn("dropped malformed sta_event datagram from {}: {}", sender.get(), e.getMessage());
            return;
        }
        countGap(event.seq());
        switch (server.table().offer(event)) {
            case DROPPED_FULL -> server.stats().datagram(ServerStats.Datagram.TABLE_FULL);
            case DROPPED_INVALID -> server.stats().datagram(ServerStats.Datagram.INVALID_MAC);
            default -> server.stats().datagram(ServerStats.Datagram.APPLIED);
        }
    }

    /** @return how a sender's path reads in the log ({@code ""}: an unnamed socket) */
    static String describeSender(String path) {
        return path == null || path.isEmpty() ? "an unnamed socket" : path;
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
}
