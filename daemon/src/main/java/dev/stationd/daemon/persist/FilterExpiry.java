package dev.stationd.daemon.persist;

import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.FilterSet.Filter;
import dev.stationd.daemon.table.FilterSet.Lifetime;
import dev.stationd.protocol.MacAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The timed filters ordered by expiry, so the filter writer finds what is due by looking at the
 * head only: no walk over all filters, ever. Every change of a filter's lifetime is reported
 * here ({@link #changed}), so the index holds exactly the timed filters of the set it follows.
 * Not thread-safe: owned by the filter writer thread.
 */
final class FilterExpiry {
    private record Entry(long expiresMs, int group, MacAddress mac) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::expiresMs)
            .thenComparing(Entry::group, Integer::compareUnsigned)
            .thenComparing(Entry::mac);

    private final TreeSet<Entry> byExpiry = new TreeSet<>(ORDER);

    /** @param set the set to follow from now on (replaces whatever was tracked) */
    void rebuild(FilterSet set) {
        byExpiry.clear();
        for (Map.Entry<Filter, Lifetime> e : set.timed().entrySet()) {
            byExpiry.add(new Entry(e.getValue().expiresMs(), e.getKey().groupId(), e.getKey().mac()));
        }
    }

    /**
     * Records that a filter's lifetime changed (added, re-added or removed).
     *
     * @param group the filter's group
     * @param mac the filter's MAC
     * @param before its lifetime before ({@link Lifetime#UNKNOWN} when it was absent or permanent)
     * @param after its lifetime now ({@code null} when it was removed)
     */
    void changed(int group, MacAddress mac, Lifetime before, Lifetime after) {
        if (before.isTimed()) {
            byExpiry.remove(new Entry(before.expiresMs(), group, mac));
        }
        if (after != null && after.isTimed()) {
            byExpiry.add(new Entry(after.expiresMs(), group, mac));
        }
    }

    /** @param group a flushed group, 0 = every group */
    void flushed(int group) {
        if (group == 0) {
            byExpiry.clear();
        } else {
            byExpiry.removeIf(e -> e.group() == group);
        }
    }

    /** @return the earliest expiry, or {@link Long#MAX_VALUE} when no filter is timed */
    long nextExpiryMs() {
        return byExpiry.isEmpty() ? Long.MAX_VALUE : byExpiry.first().expiresMs();
    }

    /**
     * Removes from the index, and returns, every filter expired at {@code nowMs}, earliest first.
     *
     * @param nowMs the wall clock
     * @return the due filters (empty when none)
     */
    List<Filter> takeDue(long nowMs) {
        List<Filter> due = new ArrayList<>();
        while (!byExpiry.isEmpty() && byExpiry.first().expiresMs() <= nowMs) {
            Entry e = byExpiry.pollFirst();
            due.add(new Filter(e.group(), e.mac()));
        }
        return due;
    }

    /** @return the number of timed filters tracked */
    int size() {
        return byExpiry.size();
    }
}
