package dev.stationd.daemon.enrich;

import dev.stationd.daemon.server.RateLimitedLog;
import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the kernel's neighbour table on a thread of its own: dumps the interfaces (when
 * {@code enrich.interfaces} names some) and the neighbours, then applies every {@code RTM_NEWNEIGH}
 * / {@code RTM_DELNEIGH} / link event as it arrives. Each batch the socket delivers is parsed
 * outside any lock and applied to the {@link Learner} in one step.
 *
 * <p>When the kernel reports lost messages (the socket buffer overflowed: {@code ENOBUFS}), when a
 * dump was interrupted by changes, or when an interface the model does not know shows up, it dumps
 * everything again once the current dump is over. Between events the thread sleeps in the kernel.
 */
final class NeighbourReader {
    private static final Logger LOG = LoggerFactory.getLogger(NeighbourReader.class);
    /** Receive buffer: a few dump datagrams per wake-up. */
    static final int BUFFER_BYTES = 4 * (NetlinkSocket.FRAME_HEADER + NetlinkSocket.MAX_DATAGRAM);
    /** Pause after a failed receive, so a lasting error cannot spin. */
    private static final long ERROR_PAUSE_MS = 200;
    private static final long JOIN_MS = 2000;

    /** Which dump is in progress. */
    private enum Phase {
        /** none: following events */
        IDLE,
        /** {@code RTM_GETLINK} */
        LINKS,
        /** {@code RTM_GETNEIGH} */
        NEIGHBOURS
    }

    private final NetlinkSocket socket;
    private final Learner learner;
    private final boolean needLinks;
    private final LongSupplier clockMs;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.nativeOrder());
    private final RateLimitedLog badInput = new RateLimitedLog(LOG);
    private final Thread thread;
    private volatile boolean stop;
    private volatile boolean loaded;
    private volatile long dumps;
    private volatile long overruns;

    // reader thread only
    private Phase phase = Phase.IDLE;
    private int seq;
    private boolean resync;
    private boolean neighboursAgain;

    /**
     * @param socket the netlink socket (owned from now on)
     * @param learner where the model lives
     * @param interfaces {@code enrich.interfaces}: when not empty, interface names are needed
     * @param clockMs wall clock in Unix epoch milliseconds
     */
    NeighbourReader(NetlinkSocket socket, Learner learner, Set<String> interfaces, LongSupplier clockMs) {
        this.socket = socket;
        this.learner = learner;
        this.needLinks = !interfaces.isEmpty();
        this.clockMs = clockMs;
        this.thread = new Thread(this::run, "stationd-neighbours");
        thread.setDaemon(true);
    }

    /** Starts the thread: the first dump follows at once. */
    void start() {
        thread.start();
    }

    /** @return whether the first complete dump of the neighbours has been applied */
    boolean loaded() {
        return loaded;
    }

    /** @return {@code "neighbours followed"} or {@code "neighbours loading"}, and the overruns if there were any */
    String status() {
        return "neighbours " + (loaded ? "followed" : "loading") + (overruns > 0 ? " (" + overruns + " overruns)" : "");
    }

    /** @return complete dumps applied so far */
    long dumps() {
        return dumps;
    }

    private void run() {
        try {
            resync = true;
            startNextDump();
            while (!stop) {
                int n;
                try {
                    n = socket.receive(buf);
                } catch (IOException e) {
                    if (stop) {
                        break;
                    }
                    badInput.warn("netlink receive failed: {}", e.getMessage());
                    TimeUnit.MILLISECONDS.sleep(ERROR_PAUSE_MS);
                    continue;
                }
                if (n > 0) {
                    apply(n);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException | Error e) {
            LOG.error("neighbour table reader failed; addresses are no longer learned from it", e);
        }
    }

    private void apply(int n) throws IOException {
        List<RtnlMessage> batch = new ArrayList<>();
        Rtnl.parseFrames(buf, n, batch::add, problem -> badInput.warn("netlink: malformed message skipped: {}", problem));
        if (batch.isEmpty()) {
            return;
        }
        long now = clockMs.getAsLong();
        learner.neighbours((model, changed) -> {
            for (RtnlMessage m : batch) {
                handle(model, m, now, changed);
            }
        });
        if (phase == Phase.IDLE) {
            startNextDump();
        }
    }

    private void handle(NeighbourTable model, RtnlMessage m, long now, Collection<MacAddress> changed) {
        if (m instanceof RtnlMessage.Neighbour nb) {
            NeighbourTable.Outcome o = model.apply(nb, now, changed);
            if (o == NeighbourTable.Outcome.UNKNOWN_INTERFACE && needLinks) {
                resync = true;
            } else if (o == NeighbourTable.Outcome.FULL) {
                badInput.warn("neighbour table full ({} entries): entry of {} dropped ({} so far)",
                        NeighbourTable.MAX_ENTRIES, nb.lladdr(), model.dropped());
            }
        } else if (m instanceof RtnlMessage.Link link) {
            if (model.link(link, changed)) {
                neighboursAgain = true;
            }
        } else if (m instanceof RtnlMessage.Done done) {
            if (done.seq() != seq || phase == Phase.IDLE) {
                return;
            }
            if (done.interrupted()) {
                LOG.debug("netlink dump interrupted by changes; dumping again");
                resync = true;
            }
            if (phase == Phase.LINKS) {
                phase = Phase.IDLE;
                neighboursAgain = true;
            } else {
                model.dumpDone(changed);
                phase = Phase.IDLE;
                dumps++;
                if (!loaded) {
                    loaded = true;
                    LOG.info("enrich: neighbour table loaded ({} entries)", model.size());
                }
            }
        } else if (m instanceof RtnlMessage.Error err) {
            if (err.seq() == seq && err.errno() != 0 && phase != Phase.IDLE) {
                badInput.warn("netlink dump refused: errno {}; trying again", err.errno());
                phase = Phase.IDLE;
                resync = true;
            }
        } else if (m instanceof RtnlMessage.Overrun) {
            overruns++;
            badInput.warn("netlink: the kernel dropped neighbour events (socket buffer full); dumping the table again");
            resync = true;
        }
    }

    /** Sends the next dump request when one is due and none is in progress. */
    private void startNextDump() throws IOException {
        if (phase != Phase.IDLE) {
            return;
        }
        if (resync) {
            resync = false;
            neighboursAgain = false;
            if (needLinks) {
                send(Phase.LINKS, Rtnl.RTM_GETLINK);
                return;
            }
            neighboursAgain = true;
        }
        if (neighboursAgain) {
            neighboursAgain = false;
            learner.neighbours((model, changed) -> model.dumpStarted());
            send(Phase.NEIGHBOURS, Rtnl.RTM_GETNEIGH);
        }
    }

    private void send(Phase next, int type) throws IOException {
        seq++;
        phase = next;
        socket.send(Rtnl.dumpRequest(type, seq));
    }

    /** Stops the thread, waits for it and closes the socket. */
    void stop() {
        stop = true;
        socket.wake();
        try {
            thread.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("neighbour reader did not stop within {} ms", JOIN_MS);
            return; // its fds stay open rather than being reused under it
        }
        socket.close();
    }
}
