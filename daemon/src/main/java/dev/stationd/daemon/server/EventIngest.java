package dev.stationd.daemon.server;

import dev.stationd.daemon.logging.LogText;
import dev.stationd.daemon.config.AccessRule;
import dev.stationd.protocol.ProtocolException;
import dev.stationd.protocol.StaEvent;
import io.netty.buffer.ByteBuf;
import java.util.function.Supplier;

/**
 * Applies {@code sta_event} datagrams to the table, whichever path received them (Netty's
 * {@link IngestHandler} or the batched {@link NativeIngest}). Datagrams of senders outside
 * {@code ingest.access} and malformed ones are dropped, counted and logged (each kind at least once
 * per second); they never change the table. One per ingest socket,
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

    /** The credentials a datagram came with ({@code SCM_CREDENTIALS}); -1 each when it came without. */
    record Sender(int pid, int uid, int gid) {
        /** A datagram without credentials (Netty's path reads none). */
        static final Sender UNKNOWN = new Sender(-1, -1, -1);

        @Override
        public String toString() {
            return "uid=" + uid + " gid=" + gid + " pid=" + pid;
        }
    }

    /**
     * @param datagram one datagram's bytes, from its reader index to its writer index (not released here)
     * @param sender the sender's socket path for the log, asked only for a datagram that is dropped
     * @param creds the sender's credentials
     */
    void accept(ByteBuf datagram, Supplier<String> sender, Sender creds) {
        AccessRule access = server.config().ingest().access();
        if (!access.isOpen() && !allowed(access, creds)) {
            server.stats().datagram(ServerStats.Datagram.DENIED);
            server.log(Noise.DENIED_DATAGRAM).warn("denied an ingest datagram from {} ({}): not in ingest.access", creds,
                    sender.get());
            return;
        }
        StaEvent event;
        try {
            event = StaEvent.decodeDatagram(datagram);
        } catch (ProtocolException e) {
            server.stats().datagram(ServerStats.Datagram.MALFORMED);
            server.log(Noise.BAD_DATAGRAM).warn("dropped malformed sta_event datagram from {}: {}", sender.get(), e.getMessage());
            return;
        }
        countGap(event.seq());
        switch (server.table().offer(event)) {
            case DROPPED_FULL -> server.stats().datagram(ServerStats.Datagram.TABLE_FULL);
            case DROPPED_INVALID -> server.stats().datagram(ServerStats.Datagram.INVALID_MAC);
            default -> server.stats().datagram(ServerStats.Datagram.APPLIED);
        }
    }

    private boolean allowed(AccessRule access, Sender creds) {
        return creds.uid() == Peer.ROOT_UID || (creds.uid() >= 0
                && (creds.uid() == server.selfUid() || access.permits(creds.uid(), creds.gid())));
    }

    /** @return how a sender's path reads in the log ({@code ""}: an unnamed socket); the sender chose it: escaped */
    static String describeSender(String path) {
        return path == null || path.isEmpty() ? "an unnamed socket" : LogText.escape(path);
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
