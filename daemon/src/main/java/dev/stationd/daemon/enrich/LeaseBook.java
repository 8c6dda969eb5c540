package dev.stationd.daemon.enrich;

import dev.stationd.protocol.MacAddress;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The leases of every lease file, indexed by MAC. Not thread-safe: {@link Learner} guards it.
 *
 * <p>A lease counts while it has not expired; of several for one MAC, the one that ends last
 * (the newest) gives the address, and for the host name the newest with one.
 */
final class LeaseBook {
    /** A MAC's best IPv4 and IPv6 lease at some moment, either may be null. */
    record View(Lease ipv4, Lease ipv6) {
        static final View NONE = new View(null, null);

        /** @return the host name of the IPv4 lease, else of the IPv6 one, else {@code ""} */
        String hostname() {
            if (ipv4 != null && !ipv4.hostname().isEmpty()) {
                return ipv4.hostname();
            }
            return ipv6 != null ? ipv6.hostname() : "";
        }
    }

    private final Map<Path, Map<InetAddress, Lease>> files = new HashMap<>();
    private final Map<MacAddress, List<Lease>> byMac = new HashMap<>();

    /**
     * Replaces what one file states.
     *
     * @param file the file
     * @param leases its leases now
     * @return the MACs whose leases changed
     */
    Set<MacAddress> replace(Path file, Map<InetAddress, Lease> leases) {
        Map<InetAddress, Lease> old = files.getOrDefault(file, Map.of());
        Set<MacAddress> changed = new HashSet<>();
        for (Map.Entry<InetAddress, Lease> e : old.entrySet()) {
            Lease now = leases.get(e.getKey());
            if (!e.getValue().equals(now)) {
                changed.add(e.getValue().mac());
                remove(e.getValue());
            }
        }
        for (Map.Entry<InetAddress, Lease> e : leases.entrySet()) {
            if (!e.getValue().equals(old.get(e.getKey()))) {
                changed.add(e.getValue().mac());
                byMac.computeIfAbsent(e.getValue().mac(), m -> new ArrayList<>(2)).add(e.getValue());
            }
        }
        if (leases.isEmpty()) {
            files.remove(file);
        } else {
            files.put(file, Map.copyOf(leases));
        }
        return changed;
    }

    private void remove(Lease lease) {
        List<Lease> list = byMac.get(lease.mac());
        if (list != null) {
            list.remove(lease);
            if (list.isEmpty()) {
                byMac.remove(lease.mac());
            }
        }
    }

    /**
     * @param mac a MAC
     * @param nowMs the time
     * @return its best leases at {@code nowMs}
     */
    View at(MacAddress mac, long nowMs) {
        List<Lease> list = byMac.get(mac);
        if (list == null) {
            return View.NONE;
        }
        Lease v4 = null;
        Lease v6 = null;
        for (Lease l : list) {
            if (!l.activeAt(nowMs)) {
                continue;
            }
            if (l.isIpv4()) {
                v4 = newer(v4, l);
            } else {
                v6 = newer(v6, l);
            }
        }
        return v4 == null && v6 == null ? View.NONE : new View(v4, v6);
    }

    private static Lease newer(Lease best, Lease l) {
        if (best == null || l.expiresMs() > best.expiresMs()) {
            return l;
        }
        if (l.expiresMs() == best.expiresMs() && best.hostname().isEmpty() && !l.hostname().isEmpty()) {
            return l;
        }
        return best;
    }

    /**
     * @param afterMs a time
     * @return the earliest end of a lease after {@code afterMs}, or {@link Lease#NEVER}
     */
    long nextExpiry(long afterMs) {
        long next = Lease.NEVER;
        for (List<Lease> list : byMac.values()) {
            for (Lease l : list) {
                if (l.expiresMs() > afterMs && l.expiresMs() < next) {
                    next = l.expiresMs();
                }
            }
        }
        return next;
    }

    /**
     * @param fromMs exclusive
     * @param toMs inclusive
     * @return MACs with a lease ending in {@code (fromMs, toMs]}
     */
    Set<MacAddress> expiring(long fromMs, long toMs) {
        Set<MacAddress> out = new HashSet<>();
        for (Map.Entry<MacAddress, List<Lease>> e : byMac.entrySet()) {
            for (Lease l : e.getValue()) {
                if (l.expiresMs() > fromMs && l.expiresMs() <= toMs) {
                    out.add(e.getKey());
                }
            }
        }
        return out;
    }

    /** @return every MAC with a lease (expired ones included) */
    Collection<MacAddress> macs() {
        return byMac.keySet();
    }

    /** @return the number of leases held */
    int size() {
        int n = 0;
        for (Map<InetAddress, Lease> m : files.values()) {
            n += m.size();
        }
        return n;
    }
}
