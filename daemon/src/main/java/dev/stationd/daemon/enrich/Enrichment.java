package dev.stationd.daemon.enrich;

import dev.stationd.daemon.table.StationTable;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Address learning: stations' {@code ipv4}, {@code ipv6} and {@code hostname} from the kernel's
 * neighbour table ({@link NeighbourReader}) and from DHCP lease files ({@link LeaseWatcher}),
 * merged by a {@link Learner} into the {@link StationTable}. Built from the {@code enrich:}
 * settings; {@link #start} refuses (with the reason) what it cannot do, so the daemon never runs
 * with the feature silently off.
 */
public final class Enrichment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Enrichment.class);

    /**
     * What to learn from.
     *
     * @param neighbours follow the kernel's neighbour table
     * @param interfaces only neighbours on these interfaces count; empty = all
     * @param leases lease files to watch
     */
    public record Settings(boolean neighbours, Set<String> interfaces, List<LeaseFile> leases) {
        /** Copies the collections. */
        public Settings {
            interfaces = Set.copyOf(interfaces);
            leases = List.copyOf(leases);
        }

        /** @return whether anything is learned */
        public boolean enabled() {
            return neighbours || !leases.isEmpty();
        }
    }

    /**
     * How much is known.
     *
     * @param neighbours neighbour table entries followed (on the configured interfaces)
     * @param leases DHCP leases in force, over all lease files
     * @param learned MACs something is known about (station or not)
     */
    public record Counts(int neighbours, int leases, int learned) {
    }

    /** Why address learning cannot start. */
    public static final class StartException extends Exception {
        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Learner learner;
    private final NeighbourReader neighbours;
    private final LeaseWatcher leases;

    private Enrichment(Learner learner, NeighbourReader neighbours, LeaseWatcher leases) {
        this.learner = learner;
        this.neighbours = neighbours;
        this.leases = leases;
    }

    /**
     * Connects the table to what is learned and starts the sources.
     *
     * @param settings what to learn from ({@link Settings#enabled()})
     * @param table the station table
     * @param netlinkFd a netlink socket passed by systemd ({@code FileDescriptorName=netlink}), if any
     * @param clockMs wall clock in Unix epoch milliseconds
     * @return the running sources
     * @throws StartException when a source cannot start: the JNI library is missing, the kernel
     *     refuses a netlink socket (the systemd unit allows only {@code AF_UNIX}; the socket must then
     *     be passed in), or no inotify instance is available
     */
    public static Enrichment start(Settings settings, StationTable table, OptionalInt netlinkFd, LongSupplier clockMs)
            throws StartException {
        Objects.requireNonNull(settings, "settings");
        Learner learner = new Learner(table, settings.interfaces(), clockMs);
        NetlinkSocket socket = null;
        if (settings.neighbours()) {
            socket = openSocket(netlinkFd);
        }
        LeaseWatcher watcher = null;
        if (!settings.leases().isEmpty()) {
            try {
                watcher = new LeaseWatcher(settings.leases(), learner, clockMs);
            } catch (IOException e) {
                if (socket != null) {
                    socket.close();
                }
                throw new StartException("enrich.leases: cannot watch the lease files: " + e.getMessage(), e);
            }
        }
        NeighbourReader reader = socket == null ? null : new NeighbourReader(socket, learner, settings.interfaces(), clockMs);
        table.learnFrom(learner);
        if (reader != null) {
            reader.start();
        }
        if (watcher != null) {
            watcher.start();
        }
        LOG.info("enrich: learning addresses from {}{}{}", settings.neighbours()
                        ? "the neighbour table" + (socket.adopted() ? " (netlink socket from systemd)" : "") : "",
                settings.neighbours() && !settings.leases().isEmpty() ? " and " : "",
                settings.leases().isEmpty() ? "" : settings.leases().size() + " lease file(s)");
        return new Enrichment(learner, reader, watcher);
    }

    private static NetlinkSocket openSocket(OptionalInt fd) throws StartException {
        String missing = NetlinkSocket.unavailableReason();
        if (missing != null) {
            throw new StartException("enrich.neighbours needs the daemon's JNI library, which is not usable: " + missing
                    + " (start java with -Djava.library.path=<directory of " + NetlinkSocket.libraryFileName()
                    + ">, or set enrich.neighbours: false)", null);
        }
        try {
            return fd.isPresent() ? NetlinkSocket.adopt(fd.getAsInt()) : NetlinkSocket.open();
        } catch (NetlinkException e) {
            boolean sandboxed = e.errno() == NetlinkException.EAFNOSUPPORT || e.errno() == NetlinkException.EPERM;
            throw new StartException("enrich.neighbours: cannot open a netlink socket (" + e.getMessage() + ")"
                    + (sandboxed ? ": netlink sockets are not allowed here (RestrictAddressFamilies=AF_UNIX under "
                    + "systemd); enable stationd-netlink.socket so systemd passes one in" : ""), e);
        } catch (IOException e) {
            throw new StartException("enrich.neighbours: " + e.getMessage(), e);
        }
    }

    /** @return a short account for {@code STATUS=}: what is followed and how much is known */
    public String status() {
        return "enrich: " + learner.status() + (neighbours == null ? "" : ", " + neighbours.status());
    }

    /** @return how much is known now (a short lock: for a scrape, not a hot path) */
    public Counts counts() {
        return learner.counts();
    }

    /** @return whether the first reads are done (neighbour dump applied, lease files read) */
    public boolean loaded() {
        return (neighbours == null || neighbours.loaded()) && (leases == null || leases.loaded());
    }

    /** Stops both sources. */
    @Override
    public void close() {
        if (neighbours != null) {
            neighbours.stop();
        }
        if (leases != null) {
            leases.stop();
        }
    }
}
