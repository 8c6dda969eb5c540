package dev.stationd.daemon.table;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, internally consistent view of the station table at one {@link #version()}:
 * every station sorted by MAC, with {@link StaFlags#FILTERED} set exactly on the stations that
 * {@link #filters()} matches. Safe to share between threads; queries never lock.
 */
public final class TableSnapshot {
    /** Records in MAC order (the order of every snapshot). */
    static final Comparator<StaListAttr> BY_MAC = Comparator.comparingLong(StaListAttr::macValue);
    private static final TableSnapshot EMPTY = new TableSnapshot(0, new StaListAttr[0], FilterSet.empty());

    private final long version;
    // Sorted by MAC, no duplicates. Searched through the records' MACs: a parallel array of keys
    // would be 128 KB more per snapshot of 16,000 stations, and on a busy access point a snapshot
    // is built per query and lives long enough to be promoted, so it would fill the old generation.
    private final StaListAttr[] stations;
    // Per station, a byte of its interface name's hash (ifnameTag): a query of one interface reads
    // the records of that interface only, not all 16,000 scattered over the heap (a cache miss or
    // three each, most of the time of such a query on a full access point).
    private final byte[] ifnameTags;
    private final List<StaListAttr> all;
    private final FilterSet filters;

    /** @param sorted sorted by MAC, unique, FILTERED already applied; owned by the snapshot */
    TableSnapshot(long version, StaListAttr[] sorted, FilterSet filters) {
        this(version, sorted, tagsOf(sorted), filters);
    }

    private TableSnapshot(long version, StaListAttr[] sorted, byte[] ifnameTags, FilterSet filters) {
        this.version = version;
        this.stations = sorted;
        this.ifnameTags = ifnameTags;
        this.filters = filters;
        this.all = Collections.unmodifiableList(Arrays.asList(sorted));
    }

    private static byte[] tagsOf(StaListAttr[] sorted) {
        byte[] tags = new byte[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            tags[i] = ifnameTag(sorted[i].ifname());
        }
        return tags;
    }

    /** @return a byte of the name's hash: different names may share one, a name has only one */
    static byte ifnameTag(String ifname) {
        int h = ifname.hashCode(); // computed once per string, which the records of a hostapd interface share
        return (byte) (h ^ (h >>> 8) ^ (h >>> 16) ^ (h >>> 24));
    }

    /**
     * @return the position of {@code key} in {@code stations[from..)}, or {@code -(insertion point) - 1}
     *     (as {@link Arrays#binarySearch(long[], int, int, long)})
     */
    private int search(int from, long key) {
        return search(from, stations.length, key);
    }

    /**
     * {@link #search(int, long)} for a key expected a few stations after {@code from} (the next of
     * a merge's sorted changes): probes 1, 2, 4, ... stations ahead first, then searches the last
     * step. Every probe reads a record somewhere in the heap, so a dozen stations apart this is about
     * half the reads of a search over the rest of the table.
     */
    private int searchAhead(int from, long key) {
        int n = stations.length;
        int lo = from;
        int step = 1;
        while (from + step - 1 < n && stations[from + step - 1].macValue() < key) {
            lo = from + step; // everything before lo is below the key
            step <<= 1;
        }
        return search(lo, Math.min(n, from + step), key);
    }

    /** {@link #search(int, long)} within {@code stations[from..to)}. */
    private int search(int from, int to, long key) {
        int lo = from;
        int hi = to - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long k = stations[mid].macValue();
            if (k < key) {
                lo = mid + 1;
            } else if (k > key) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /**
     * This snapshot with some stations replaced, added or removed: runs of unchanged stations are
     * copied as they are (the same record instances), so the cost is a copy of two arrays and a
     * binary search per change.
     *
     * @param version the new snapshot's version
     * @param filters its filters (the changed records carry their FILTERED flags already)
     * @param changedKeys the changed MACs ({@link MacAddress#value()}), strictly ascending
     * @param changed their new records, {@code null} for a removed station
     * @param size stations in the result
     * @return the new snapshot
     * @throws IllegalStateException when the changes do not lead to {@code size} stations (a bug)
     */
    TableSnapshot merged(long version, FilterSet filters, long[] changedKeys, StaListAttr[] changed, int size) {
        StaListAttr[] out = new StaListAttr[size];
        byte[] outTags = new byte[size];
        int from = 0; // next station of this snapshot to copy
        int o = 0;
        for (int c = 0; c < changedKeys.length; c++) {
            int at = searchAhead(from, changedKeys[c]);
            int end = at >= 0 ? at : -at - 1;
            if (o + (end - from) + (changed[c] == null ? 0 : 1) > size) {
                throw new IllegalStateException("merge overflows " + size + " stations at change " + c);
            }
            System.arraycopy(stations, from, out, o, end - from);
            System.arraycopy(ifnameTags, from, outTags, o, end - from);
            o += end - from;
            from = at >= 0 ? end + 1 : end; // a changed station's old record is left out
            if (changed[c] != null) {
                outTags[o] = ifnameTag(changed[c].ifname());
                out[o++] = changed[c];
            }
        }
        int rest = stations.length - from;
        if (o + rest != size) {
            throw new IllegalStateException("merge gives " + (o + rest) + " stations, expected " + size);
        }
        System.arraycopy(stations, from, out, o, rest);
        System.arraycopy(ifnameTags, from, outTags, o, rest);
        return new TableSnapshot(version, out, outTags, filters);
    }

    /** @return an empty snapshot at version 0 */
    public static TableSnapshot empty() {
        return EMPTY;
    }

    /**
     * Builds a snapshot from arbitrary records (for tests and tools): sorts them and sets or
     * clears {@link StaFlags#FILTERED} according to {@code filters}.
     *
     * @param version the version to report
     * @param stations the stations, unique by MAC
     * @param filters the filters deciding the FILTERED flag
     * @return the snapshot
     * @throws IllegalArgumentException for a duplicate MAC
     */
    public static TableSnapshot of(long version, Collection<StaListAttr> stations, FilterSet filters) {
        Objects.requireNonNull(filters, "filters");
        StaListAttr[] arr = new StaListAttr[stations.size()];
        int i = 0;
        for (StaListAttr s : stations) {
            arr[i++] = withFilteredFlag(s, filters);
        }
        Arrays.sort(arr, BY_MAC);
        for (int j = 1; j < arr.length; j++) {
            if (arr[j].macValue() == arr[j - 1].macValue()) {
                throw new IllegalArgumentException("duplicate station " + arr[j].mac());
            }
        }
        return new TableSnapshot(version, arr, filters);
    }

    /** @return the table version this snapshot shows; it grows with every table change */
    public long version() {
        return version;
    }

    /** @return the number of stations */
    public int size() {
        return stations.length;
    }

    /** @return the filters the FILTERED flags were computed from */
    public FilterSet filters() {
        return filters;
    }

    /** @return every station sorted by MAC (unmodifiable, no copy) */
    public List<StaListAttr> all() {
        return all;
    }

    /**
     * {@code all().get(i)} without the two interface calls of the list view, for loops over every
     * station: the C1 compiler inlines neither (16,056 stations: milliseconds a loop).
     *
     * @param i a position, {@code 0 <= i < size()}
     * @return the station there
     */
    public StaListAttr at(int i) {
        return stations[i];
    }

    /**
     * @param mac a MAC
     * @return the station, or {@code null} when absent
     */
    public StaListAttr get(MacAddress mac) {
        int i = search(0, mac.value());
        return i >= 0 ? stations[i] : null;
    }

    /**
     * @param mac a MAC
     * @return its position in {@link #all()}, or a negative number when absent
     */
    public int indexOf(MacAddress mac) {
        return indexOf(mac.value());
    }

    /**
     * @param key a MAC as {@link MacAddress#value()}
     * @return its position in {@link #all()}, or a negative number when absent
     */
    public int indexOf(long key) {
        return search(0, key);
    }

    /**
     * {@code STA_LIST}: the stations matching every selector, sorted by MAC, then paged.
     *
     * @param groupId {@code 0} = every group, otherwise the exact {@code group_id}
     * @param ifname {@code ""} = every interface, otherwise the exact interface name
     * @param flags {@code 0}, {@link CloudCmdAttr#ONLY_FILTERED} or {@link CloudCmdAttr#EXCLUDE_FILTERED}
     * @param offset matching records to skip ({@code u32})
     * @param maxEntries at most this many records ({@code u32}), {@code 0} = no limit
     * @return the page (unmodifiable; may be a view of this snapshot)
     * @throws IllegalArgumentException for bad flags or out-of-range paging values
     */
    public List<StaListAttr> query(int groupId, String ifname, int flags, long offset, long maxEntries) {
        Objects.requireNonNull(ifname, "ifname");
        if ((flags & ~CloudCmdAttr.KNOWN_FLAGS) != 0 || flags == CloudCmdAttr.KNOWN_FLAGS) {
            throw new IllegalArgumentException("flags: 0x" + Integer.toHexString(flags));
        }
        if (offset < 0 || offset > CloudCmdAttr.U32_MAX || maxEntries < 0 || maxEntries > CloudCmdAttr.U32_MAX) {
            throw new IllegalArgumentException("offset/maxEntries must be u32: " + offset + "/" + maxEntries);
        }
        int n = stations.length;
        int limit = maxEntries == 0 ? Integer.MAX_VALUE : (int) Math.min(maxEntries, Integer.MAX_VALUE);
        if (groupId == 0 && ifname.isEmpty() && flags == 0) {
            int from = (int) Math.min(offset, n);
            int to = (int) Math.min(n, (long) from + limit);
            return from == 0 && to == n ? all : all.subList(from, to);
        }
        boolean onlyFiltered = (flags & CloudCmdAttr.ONLY_FILTERED) != 0;
        boolean excludeFiltered = (flags & CloudCmdAttr.EXCLUDE_FILTERED) != 0;
        boolean anyIfname = ifname.isEmpty();
        byte tag = anyIfname ? 0 : ifnameTag(ifname);
        long skip = offset;
        ArrayList<StaListAttr> out = null;
        for (int i = 0; i < n; i++) {
            if (!anyIfname && ifnameTags[i] != tag) {
                continue;
            }
            StaListAttr s = stations[i];
            if (groupId != 0 && s.groupId() != groupId) {
                continue;
            }
            if (!anyIfname && !ifname.equals(s.ifname())) {
                continue;
            }
            boolean filtered = (s.flags() & StaFlags.FILTERED) != 0;
            if ((onlyFiltered && !filtered) || (excludeFiltered && filtered)) {
                continue;
            }
            if (skip > 0) {
                skip--;
                continue;
            }
            if (out == null) {
                out = new ArrayList<>(Math.min(limit, Math.min(n - i, 64)));
            }
            out.add(s);
            if (out.size() == limit) {
                break;
            }
        }
        return out == null ? List.of() : Collections.unmodifiableList(out);
    }

    /**
     * {@code FILTER_LIST} against this snapshot's own {@link #filters()}.
     *
     * @return see {@link #filterList(FilterSet)}
     */
    public List<StaListAttr> filterList() {
        return filterList(filters);
    }

    /**
     * {@code FILTER_LIST}: one record per filter, sorted by MAC then group. The record carries the
     * filter's MAC and {@code group_id} and has {@link StaFlags#FILTERED} set; its live fields
     * are the station's when it is present in this snapshot, zero / empty otherwise.
     *
     * @param filterSet the filters to list
     * @return the records (unmodifiable)
     */
    public List<StaListAttr> filterList(FilterSet filterSet) {
        List<FilterSet.Filter> sorted = filterSet.sorted();
        StaListAttr[] out = new StaListAttr[sorted.size()];
        int i = 0;
        for (FilterSet.Filter f : sorted) {
            StaListAttr live = get(f.mac());
            StaListAttr rec;
            if (live == null) {
                rec = StaListAttr.builder(f.mac()).groupId(f.groupId()).flags(StaFlags.FILTERED).build();
            } else if (live.groupId() == f.groupId() && (live.flags() & StaFlags.FILTERED) != 0) {
                rec = live;
            } else {
                rec = live.toBuilder().groupId(f.groupId()).flags(live.flags() | StaFlags.FILTERED).build();
            }
            out[i++] = rec;
        }
        return Collections.unmodifiableList(Arrays.asList(out));
    }

    /**
     * {@code FILTER_DUMP}: the filters of {@code filterSet} in {@code groupId} (0 = every group), sorted
     * by group (unsigned) then MAC, paged; {@link FilterAttr#PRESENT} is set when a station with the
     * filter's MAC is in this snapshot.
     *
     * @param filterSet the filters to dump
     * @param groupId {@code 0} = every group, otherwise the exact group
     * @param offset matching records to skip ({@code u32})
     * @param maxEntries at most this many records ({@code u32}), {@code 0} = no limit
     * @return the page (unmodifiable)
     */
    public List<FilterAttr> filterDump(FilterSet filterSet, int groupId, long offset, long maxEntries) {
        List<FilterSet.Filter> sorted = filterSet.sortedByGroup();
        int from = 0;
        int to = sorted.size();
        if (groupId != 0) { // the group's filters are one run of the (group, MAC) order
            from = bound(sorted, groupId, false);
            to = bound(sorted, groupId, true);
        }
        from = (int) Math.min(to, from + Math.min(offset, Integer.MAX_VALUE));
        if (maxEntries != 0) {
            to = (int) Math.min(to, from + Math.min(maxEntries, Integer.MAX_VALUE));
        }
        List<FilterAttr> out = new ArrayList<>(to - from);
        for (FilterSet.Filter f : sorted.subList(from, to)) {
            FilterSet.Lifetime l = filterSet.lifetimeOf(f.groupId(), f.mac());
            out.add(FilterAttr.of(f.mac(), f.groupId(), get(f.mac()) != null, l.createdMs(), l.expiresMs()));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * @return the index of the first filter whose group is above {@code group} ({@code after}) or not
     *     below it (unsigned order)
     */
    private static int bound(List<FilterSet.Filter> byGroup, int group, boolean after) {
        int lo = 0;
        int hi = byGroup.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = Integer.compareUnsigned(byGroup.get(mid).groupId(), group);
            if (c < 0 || (after && c == 0)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public String toString() {
        return "TableSnapshot[version=" + version + ", size=" + stations.length + ", filters=" + filters.size() + "]";
    }

    /**
     * @param sta a station
     * @param filters the filters
     * @return the station with FILTERED set iff {@code filters} matches it
     */
    static StaListAttr withFilteredFlag(StaListAttr sta, FilterSet filters) {
        int f = sta.flags() & ~StaFlags.FILTERED;
        if (filters.matches(sta)) {
            f |= StaFlags.FILTERED;
        }
        return sta.withFlags(f);
    }
}
