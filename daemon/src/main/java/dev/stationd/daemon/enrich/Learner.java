package dev.stationd.daemon.enrich;

import dev.stationd.daemon.table.Learned;
import dev.stationd.daemon.table.LearnedFields;
import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Merges the two sources into what the daemon knows per MAC and hands every change to the
 * station table. One lock guards both models ({@link NeighbourTable}, fed by the netlink reader,
 * and {@link LeaseBook}, fed by the lease watcher); the result is published in a concurrent map the
 * table reads under its own lock ({@link LearnedFields}), and {@link StationTable#relearn} is
 * called for the MACs whose result changed, so stations get an {@code UPSERT} for each change.
 * MACs that are not stations keep their result here, so a station that associates later gets it
 * at once; the map is bounded by the models' own limits.
 *
 * <p>Per MAC: {@code ipv4} from the neighbour table, else from the newest lease; {@code ipv6} a
 * global address from the neighbour table, else from a lease, else a link-local one from the
 * neighbour table; {@code hostname} from the leases.
 */
final class Learner implements LearnedFields {
    private final Object lock = new Object();
    private final NeighbourTable neighbours;
    private final LeaseBook leases = new LeaseBook();
    private final ConcurrentHashMap<MacAddress, Learned> learned = new ConcurrentHashMap<>();
    private final StationTable table;
    private final LongSupplier clockMs;

    /**
     * @param table the station table to update
     * @param interfaces interfaces whose neighbours count (empty = all)
     * @param clockMs wall clock in Unix epoch milliseconds (leases end at wall-clock times)
     */
    Learner(StationTable table, Set<String> interfaces, LongSupplier clockMs) {
        this.table = table;
        this.neighbours = new NeighbourTable(interfaces);
        this.clockMs = clockMs;
    }

    @Override
    public Learned get(MacAddress mac) {
        return learned.get(mac);
    }

    /** A change of the neighbour model. */
    interface NeighbourChange {
        /**
         * @param model the model (only valid during the call)
         * @param changed where to add the MACs whose addresses may have changed
         */
        void apply(NeighbourTable model, Collection<MacAddress> changed);
    }

    /**
     * Changes the neighbour model and applies the result.
     *
     * @param change the change, run under the lock
     */
    void neighbours(NeighbourChange change) {
        synchronized (lock) {
            Set<MacAddress> changed = new LinkedHashSet<>();
            change.apply(neighbours, changed);
            publish(changed);
        }
    }

    /**
     * @param file a lease file
     * @param fileLeases what it states now
     */
    void leases(Path file, Map<InetAddress, Lease> fileLeases) {
        synchronized (lock) {
            publish(leases.replace(file, fileLeases));
        }
    }

    /**
     * Applies the leases that ended in {@code (fromMs, toMs]}.
     *
     * @param fromMs exclusive
     * @param toMs inclusive
     * @return the next time a lease ends, or {@link Lease#NEVER}
     */
    long leasesExpired(long fromMs, long toMs) {
        synchronized (lock) {
            publish(leases.expiring(fromMs, toMs));
            return leases.nextExpiry(toMs);
        }
    }

    /** @return the earliest end of a lease after {@code afterMs}, or {@link Lease#NEVER} */
    long nextLeaseExpiry(long afterMs) {
        synchronized (lock) {
            return leases.nextExpiry(afterMs);
        }
    }

    /** @return {@code "N neighbours, N leases, N learned"} */
    String status() {
        synchronized (lock) {
            return neighbours.size() + " neighbours, " + leases.size() + " leases, " + learned.size() + " learned";
        }
    }

    /** @return how much each model holds now */
    Enrichment.Counts counts() {
        synchronized (lock) {
            return new Enrichment.Counts(neighbours.size(), leases.size(), learned.size());
        }
    }

    /** @return how many MACs something is known about */
    int learnedCount() {
        return learned.size();
    }

    // ---- under lock ----

    private void publish(Set<MacAddress> macs) {
        if (macs.isEmpty()) {
            return;
        }
        long now = clockMs.getAsLong();
        List<MacAddress> changed = new ArrayList<>(macs.size());
        for (MacAddress mac : macs) {
            Learned l = compute(mac, now);
            Learned old = l.isEmpty() ? learned.remove(mac) : learned.put(mac, l);
            if (!l.equals(old == null ? Learned.NOTHING : old)) {
                changed.add(mac);
            }
        }
        if (!changed.isEmpty()) {
            table.relearn(changed);
        }
    }

    private Learned compute(MacAddress mac, long now) {
        NeighbourTable.View n = neighbours.at(mac);
        LeaseBook.View l = leases.at(mac, now);
        Inet4Address ipv4 = n.ipv4() != null ? n.ipv4()
                : l.ipv4() != null ? (Inet4Address) l.ipv4().address() : StaListAttr.NO_IPV4;
        Inet6Address ipv6 = n.global() != null ? n.global()
                : l.ipv6() != null ? (Inet6Address) l.ipv6().address()
                : n.linkLocal() != null ? n.linkLocal() : StaListAttr.NO_IPV6;
        return new Learned(ipv4, ipv6, l.hostname());
    }
}
