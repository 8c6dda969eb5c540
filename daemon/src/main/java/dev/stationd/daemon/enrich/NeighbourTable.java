package dev.stationd.daemon.enrich;

import dev.stationd.protocol.MacAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's neighbour table as far as it names station addresses: the entries in a state that
 * counts ({@link NudState#counts}) with a link-layer address, on an allowed interface, at most
 * {@link #MAX_ENTRIES}. Fed with the messages of the netlink socket; not thread-safe ({@link Learner}
 * guards it).
 *
 * <p>A MAC's IPv4 address is that of its most recently confirmed entry; its IPv6 address that of the
 * most recently confirmed global one, else the most recently confirmed link-local one. A dump
 * replaces everything: entries it did not report (and no event touched since it began) are dropped.
 */
final class NeighbourTable {
    /** Most entries kept; more new ones are dropped (counted). */
    static final int MAX_ENTRIES = 32_768;

    /** A MAC's addresses by kind, any may be null. */
    record View(Inet4Address ipv4, Inet6Address global, Inet6Address linkLocal) {
        static final View NONE = new View(null, null, null);
    }

    private record Key(int ifindex, InetAddress dst) {
    }

    private static final class Entry {
        final MacAddress mac;
        final long confirmedAtMs;
        final long stamp;

        Entry(MacAddress mac, long confirmedAtMs, long stamp) {
            this.mac = mac;
            this.confirmedAtMs = confirmedAtMs;
            this.stamp = stamp;
        }
    }

    private final Set<String> interfaces;
    private final Map<Key, Entry> entries = new HashMap<>();
    private final Map<MacAddress, List<Key>> byMac = new HashMap<>();
    private final Map<Integer, String> links = new HashMap<>();
    private long stamp;
    private long dumpStart = -1;
    private long dropped;

    /** @param interfaces the interfaces whose entries count; empty = all */
    NeighbourTable(Set<String> interfaces) {
        this.interfaces = Set.copyOf(interfaces);
    }

    /** What applying a message found out. */
    enum Outcome {
        /** applied (or nothing to do) */
        OK,
        /** the message named an interface not known yet: the interfaces should be dumped again */
        UNKNOWN_INTERFACE,
        /** the table is full: the entry was dropped */
        FULL
    }

    /**
     * @param m a neighbour message
     * @param nowMs when it was received
     * @param changed receives the MACs whose addresses may have changed
     * @return what happened
     */
    Outcome apply(RtnlMessage.Neighbour m, long nowMs, Collection<MacAddress> changed) {
        long s = ++stamp;
        Key key = new Key(m.ifindex(), m.dst());
        boolean allowed = allowed(m.ifindex());
        boolean counts = !m.deleted() && m.lladdr() != null && !m.lladdr().isZero() && NudState.counts(m.state())
                && allowed;
        Entry old = entries.get(key);
        if (!counts) {
            if (old != null) {
                remove(key, old);
                changed.add(old.mac);
            }
            return !allowed && !links.containsKey(m.ifindex()) ? Outcome.UNKNOWN_INTERFACE : Outcome.OK;
        }
        if (old == null && entries.size() >= MAX_ENTRIES) {
            dropped++;
            return Outcome.FULL;
        }
        long confirmed = m.confirmedAgoMs() >= 0 ? nowMs - m.confirmedAgoMs() : nowMs;
        Entry e = new Entry(m.lladdr(), confirmed, s);
        entries.put(key, e);
        if (old != null && !old.mac.equals(e.mac)) {
            unindex(key, old.mac);
            changed.add(old.mac);
        }
        if (old == null || !old.mac.equals(e.mac)) {
            byMac.computeIfAbsent(e.mac, k -> new ArrayList<>(2)).add(key);
        }
        if (old == null || !old.mac.equals(e.mac) || old.confirmedAtMs != e.confirmedAtMs) {
            changed.add(e.mac);
        }
        return Outcome.OK;
    }

    /**
     * @param m an interface message
     * @param changed receives the MACs whose addresses may have changed
     * @return whether an interface became allowed (its entries were never kept: dump the neighbours again)
     */
    boolean link(RtnlMessage.Link m, Collection<MacAddress> changed) {
        boolean before = allowed(m.index());
        if (m.deleted()) {
            links.remove(m.index());
        } else {
            links.put(m.index(), m.name());
        }
        boolean after = allowed(m.index());
        if (before && !after) {
            Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Key, Entry> e = it.next();
                if (e.getKey().ifindex() == m.index()) {
                    it.remove();
                    unindex(e.getKey(), e.getValue().mac);
                    changed.add(e.getValue().mac);
                }
            }
        }
        return !before && after && !m.dump();
    }

    /** A dump of the neighbours begins (the next messages are its replies and concurrent events). */
    void dumpStarted() {
        dumpStart = stamp + 1;
    }

    /**
     * The dump ended: drops what it did not report.
     *
     * @param changed receives the MACs of dropped entries
     */
    void dumpDone(Collection<MacAddress> changed) {
        if (dumpStart < 0) {
            return;
        }
        Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Entry> e = it.next();
            if (e.getValue().stamp < dumpStart) {
                it.remove();
                unindex(e.getKey(), e.getValue().mac);
                changed.add(e.getValue().mac);
            }
        }
        dumpStart = -1;
    }

    /**
     * @param mac a MAC
     * @return its addresses
     */
    View at(MacAddress mac) {
        List<Key> keys = byMac.get(mac);
        if (keys == null) {
            return View.NONE;
        }
        Key v4 = null;
        Key global = null;
        Key local = null;
        for (Key k : keys) {
            if (k.dst() instanceof Inet4Address) {
                v4 = newer(v4, k);
            } else if (k.dst().isLinkLocalAddress()) {
                local = newer(local, k);
            } else {
                global = newer(global, k);
            }
        }
        return new View(v4 == null ? null : (Inet4Address) v4.dst(), global == null ? null : (Inet6Address) global.dst(),
                local == null ? null : (Inet6Address) local.dst());
    }

    private Key newer(Key best, Key k) {
        if (best == null) {
            return k;
        }
        Entry b = entries.get(best);
        Entry e = entries.get(k);
        if (e.confirmedAtMs != b.confirmedAtMs) {
            return e.confirmedAtMs > b.confirmedAtMs ? k : best;
        }
        return e.stamp > b.stamp ? k : best;
    }

    private boolean allowed(int ifindex) {
        if (interfaces.isEmpty()) {
            return true;
        }
        String name = links.get(ifindex);
        return name != null && interfaces.contains(name);
    }

    private void remove(Key key, Entry e) {
        entries.remove(key);
        unindex(key, e.mac);
    }

    private void unindex(Key key, MacAddress mac) {
        List<Key> keys = byMac.get(mac);
        if (keys != null) {
            keys.remove(key);
            if (keys.isEmpty()) {
                byMac.remove(mac);
            }
        }
    }

    /** @return whether the interface's name is known */
    boolean knowsInterface(int ifindex) {
        return links.containsKey(ifindex);
    }

    /** @return entries held */
    int size() {
        return entries.size();
    }

    /** @return new entries dropped because the table was full */
    long dropped() {
        return dropped;
    }
}
