package dev.stationd.daemon.metrics;

import dev.stationd.daemon.config.HostapdConfig;
import dev.stationd.daemon.table.TableSnapshot;
import dev.stationd.protocol.StaListAttr;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Station counts per BSS ({@code ifname}, {@code ssid}, {@code band}, {@code group}) that do not
 * vanish: a BSS seen once keeps reading 0 after its last station left, and a followed hostapd
 * interface reads 0 before its first station (with empty {@code ssid} and {@code band} until a
 * station shows them). A series that disappears instead of reading 0 breaks alerts and graphs.
 *
 * <p>Memory is bounded: at most {@link #MAX_REMEMBERED} empty BSSs are remembered (the oldest
 * go first), so a sender inventing names cannot grow it without end. Used by one thread at a
 * time (scrapes are serialised on the metrics thread).
 */
final class KnownBss {
    /** Most BSSs without stations that keep a series. */
    static final int MAX_REMEMBERED = 1024;

    /** One series of {@code stationd_stations}. */
    record Bss(String ifname, String ssid, String band, String group) {
    }

    /** Every BSS seen, oldest first; the value is unused. */
    private final LinkedHashMap<Bss, Boolean> seen = new LinkedHashMap<>();
    private TableSnapshot last;
    private List<HostapdConfig> lastFollowed;
    private Map<Bss, Integer> lastCounts = Map.of();

    /**
     * @param snapshot the table now
     * @param followed the hostapd interfaces the daemon follows
     * @return the number of stations of every known BSS, 0 for those without any
     */
    synchronized Map<Bss, Integer> count(TableSnapshot snapshot, List<HostapdConfig> followed) {
        if (snapshot == last && followed.equals(lastFollowed)) {
            return lastCounts; // same table, same answer: snapshots are immutable
        }
        Map<Bss, Integer> now = new HashMap<>();
        for (StaListAttr s : snapshot.all()) {
            now.merge(new Bss(s.ifname(), s.ssid(), s.band().label(), Integer.toUnsignedString(s.groupId())), 1,
                    Integer::sum);
        }
        for (Bss b : now.keySet()) {
            seen.remove(b); // re-inserted at the end: the most recently seen go last
            seen.put(b, Boolean.TRUE);
        }
        forgetOldestEmpty(now);
        Map<Bss, Integer> out = new LinkedHashMap<>();
        for (Bss b : seen.keySet()) {
            out.put(b, now.getOrDefault(b, 0));
        }
        for (HostapdConfig c : followed) {
            if (out.keySet().stream().noneMatch(b -> b.ifname().equals(c.ifname()))) {
                out.put(new Bss(c.ifname(), "", "", Integer.toUnsignedString(c.groupId())), 0);
            }
        }
        last = snapshot;
        lastFollowed = followed;
        lastCounts = out;
        return out;
    }

    private void forgetOldestEmpty(Map<Bss, Integer> now) {
        int empty = seen.size() - now.size();
        Iterator<Bss> it = seen.keySet().iterator();
        while (empty > MAX_REMEMBERED && it.hasNext()) {
            if (!now.containsKey(it.next())) {
                it.remove();
                empty--;
            }
        }
    }
}
