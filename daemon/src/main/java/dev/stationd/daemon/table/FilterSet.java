package dev.stationd.daemon.table;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable set of filters, each a ({@code group_id}, MAC) pair with its {@link Lifetime}
 * (when its expiry was last set, and when it expires: timed filters end by themselves).
 *
 * <p>A filter in group {@code 0} applies to the MAC in every group; see {@link #matches(StaListAttr)}.
 * Group ids are {@code u32} on the wire and are ordered unsigned. The all-zero MAC is never a filter.
 *
 * <p>Lookups are a hash probe plus a scan of the (tiny) group array of one MAC. Every "modifying"
 * method returns a new set and leaves this one untouched; use {@link #toBuilder()} to apply many
 * changes at the cost of one copy.
 *
 * <p>One class although past 400 lines (a quarter of them comments): the set and its
 * {@link Builder} share one representation, group arrays per MAC that the builder copies on write.
 */
public final class FilterSet {
    /** One filter.
     *
     * @param groupId the group ({@code u32}; {@code 0} = every group)
     * @param mac the station MAC (never zero)
     */
    public record Filter(int groupId, MacAddress mac) implements Comparable<Filter> {
        /** Orders by MAC, then by group id (unsigned). */
        public static final Comparator<Filter> ORDER = Comparator.comparing(Filter::mac)
                .thenComparing(Filter::groupId, Integer::compareUnsigned);

        /** Validates the MAC. */
        public Filter {
            requireMac(mac);
        }

        @Override
        public int compareTo(Filter o) {
            return ORDER.compare(this, o);
        }

        @Override
        public String toString() {
            return Integer.toUnsignedString(groupId) + " " + mac;
        }
    }

    /**
     * When a filter's expiry was set and when it ends.
     *
     * @param createdMs Unix epoch milliseconds of the add that last set its expiry, 0 = unknown
     * @param expiresMs Unix epoch milliseconds of its expiry, 0 = permanent
     */
    public record Lifetime(long createdMs, long expiresMs) {
        /** A permanent filter of unknown age (what a file without lifetimes holds). */
        public static final Lifetime UNKNOWN = new Lifetime(0, 0);

        /** Validates. */
        public Lifetime {
            if (createdMs < 0 || expiresMs < 0) {
                throw new IllegalArgumentException("createdMs/expiresMs must be >= 0: " + createdMs + "/" + expiresMs);
            }
        }

        /** @return whether the filter ends by itself */
        public boolean isTimed() {
            return expiresMs != 0;
        }

        /** @param nowMs the wall clock @return whether a timed filter has reached its expiry */
        public boolean isExpired(long nowMs) {
            return expiresMs != 0 && expiresMs <= nowMs;
        }
    }

    /** Orders by group (unsigned), then MAC: the order of {@code FILTER_DUMP}. */
    public static final Comparator<Filter> BY_GROUP = Comparator.comparing(Filter::groupId, Integer::compareUnsigned)
            .thenComparing(Filter::mac);

    private static final int[] NO_GROUPS = new int[0];
    private static final FilterSet EMPTY = new FilterSet(Map.of(), 0, Map.of());

    /** MAC to its groups, sorted unsigned, never empty; arrays are never mutated once published. */
    private final Map<MacAddress, int[]> byMac;
    private final int size;
    /** The lifetime of every filter that has one other than {@link Lifetime#UNKNOWN}. */
    private final Map<Filter, Lifetime> lifetimes;
    private volatile List<Filter> sorted; // lazily computed, benign race
    private volatile List<Filter> byGroup; // likewise

    private FilterSet(Map<MacAddress, int[]> byMac, int size, Map<Filter, Lifetime> lifetimes) {
        this.byMac = byMac;
        this.size = size;
        this.lifetimes = lifetimes;
    }

    /** @return the empty set */
    public static FilterSet empty() {
        return EMPTY;
    }

    /**
     * @param filters any filters (duplicates collapse)
     * @return the set holding them
     */
    public static FilterSet of(Iterable<Filter> filters) {
        Builder b = new Builder(EMPTY);
        for (Filter f : filters) {
            b.add(f.groupId(), f.mac());
        }
        return b.build();
    }

    /** @return a mutable builder starting from this set */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * @param group the group id (exact; {@code 0} only matches a group-0 filter)
     * @param mac the MAC
     * @return whether exactly this filter is in the set
     */
    public boolean contains(int group, MacAddress mac) {
        return indexOf(byMac.get(mac), group) >= 0;
    }

    /**
     * @param group the group
     * @param mac the MAC
     * @return the filter's lifetime; {@link Lifetime#UNKNOWN} when it has none recorded or is absent
     */
    public Lifetime lifetimeOf(int group, MacAddress mac) {
        return lifetimes.getOrDefault(new Filter(group, mac), Lifetime.UNKNOWN);
    }

    /** @return how many filters have a lifetime */
    public int timedCount() {
        int n = 0;
        for (Lifetime l : lifetimes.values()) {
            if (l.isTimed()) {
                n++;
            }
        }
        return n;
    }

    /** @return every timed filter with its lifetime (unmodifiable; no order) */
    public Map<Filter, Lifetime> timed() {
        Map<Filter, Lifetime> out = new HashMap<>();
        lifetimes.forEach((f, l) -> {
            if (l.isTimed()) {
                out.put(f, l);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * @param nowMs the wall clock
     * @return a set without the timed filters expired at {@code nowMs} ({@code this} if none)
     */
    public FilterSet withoutExpired(long nowMs) {
        Builder b = null;
        for (Map.Entry<Filter, Lifetime> e : lifetimes.entrySet()) {
            if (e.getValue().isExpired(nowMs)) {
                if (b == null) {
                    b = toBuilder();
                }
                b.remove(e.getKey().groupId(), e.getKey().mac());
            }
        }
        return b == null ? this : b.build();
    }

    /**
     * @param sta a station
     * @return whether a filter exists for {@code sta.mac()} in {@code sta.groupId()} or in group 0
     */
    public boolean matches(StaListAttr sta) {
        if (byMac.isEmpty()) {
            return false; // the common case, and no MacAddress is made for the lookup
        }
        int[] groups = byMac.get(sta.mac());
        if (groups == null) {
            return false;
        }
        int g = sta.groupId();
        for (int x : groups) {
            if (x == 0 || x == g) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param mac a MAC
     * @return its groups sorted unsigned (a copy; empty when none)
     */
    public int[] groupsOf(MacAddress mac) {
        int[] groups = byMac.get(mac);
        return groups == null ? NO_GROUPS : groups.clone();
    }

    /**
     * @param group the group
     * @param mac the MAC (not zero)
     * @return a set that also holds this filter ({@code this} if already present)
     */
    public FilterSet with(int group, MacAddress mac) {
        requireMac(mac);
        return contains(group, mac) ? this : toBuilder().add(group, mac).build();
    }

    /**
     * @param group the group
     * @param mac the MAC
     * @return a set without this filter ({@code this} if absent)
     */
    public FilterSet without(int group, MacAddress mac) {
        return contains(group, mac) ? toBuilder().remove(group, mac).build() : this;
    }

    /**
     * @param group the group to clear; {@code 0} = every group
     * @return a set without the filters of that group ({@code this} if nothing changes)
     */
    public FilterSet flush(int group) {
        Builder b = toBuilder();
        return b.flush(group) == 0 ? this : b.build();
    }

    /** @return the number of filters */
    public int size() {
        return size;
    }

    /** @return whether there are no filters */
    public boolean isEmpty() {
        return size == 0;
    }

    /** @return every filter, sorted by MAC then group (unsigned); unmodifiable */
    public List<Filter> sorted() {
        List<Filter> s = sorted;
        if (s == null) {
            List<Filter> out = new ArrayList<>(size);
            MacAddress[] macs = byMac.keySet().toArray(new MacAddress[0]);
            Arrays.sort(macs);
            for (MacAddress mac : macs) {
                for (int g : byMac.get(mac)) {
                    out.add(new Filter(g, mac));
                }
            }
            s = Collections.unmodifiableList(out);
            sorted = s;
        }
        return s;
    }

    /** @return every filter, sorted by group (unsigned) then MAC ({@link #BY_GROUP}); unmodifiable */
    public List<Filter> sortedByGroup() {
        List<Filter> s = byGroup;
        if (s == null) {
            Filter[] all = sorted().toArray(new Filter[0]);
            Arrays.sort(all, BY_GROUP);
            s = Collections.unmodifiableList(Arrays.asList(all));
            byGroup = s;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FilterSet other) || other.size != size || other.byMac.size() != byMac.size()
                || !other.lifetimes.equals(lifetimes)) {
            return false;
        }
        for (Map.Entry<MacAddress, int[]> e : byMac.entrySet()) {
            if (!Arrays.equals(e.getValue(), other.byMac.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<MacAddress, int[]> e : byMac.entrySet()) {
            h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
        }
        return h + lifetimes.hashCode();
    }

    @Override
    public String toString() {
        return "FilterSet" + sorted();
    }

    private static int indexOf(int[] groups, int group) {
        if (groups != null) {
            for (int i = 0; i < groups.length; i++) {
                if (groups[i] == group) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static void requireMac(MacAddress mac) {
        Objects.requireNonNull(mac, "mac");
        if (mac.isZero()) {
            throw new IllegalArgumentException("a filter needs a non-zero MAC");
        }
    }

    /**
     * A mutable working copy of a {@link FilterSet}. Not thread-safe. Building is O(1) beyond the
     * initial copy of the map; the builder must not be used after {@link #build()}.
     */
    public static final class Builder {
        private Map<MacAddress, int[]> byMac;
        private int size;
        private Map<Filter, Lifetime> lifetimes;

        private Builder(FilterSet from) {
            byMac = new HashMap<>(from.byMac); // group arrays are shared: they are replaced, never mutated
            size = from.size;
            lifetimes = new HashMap<>(from.lifetimes);
        }

        /**
         * @param group the group
         * @param mac the MAC
         * @return whether exactly this filter is present
         */
        public boolean contains(int group, MacAddress mac) {
            return indexOf(byMac.get(mac), group) >= 0;
        }

        /**
         * @param group the group
         * @param mac the MAC
         * @return the filter's lifetime ({@link Lifetime#UNKNOWN} when none is recorded or it is absent)
         */
        public Lifetime lifetimeOf(int group, MacAddress mac) {
            return lifetimes.getOrDefault(new Filter(group, mac), Lifetime.UNKNOWN);
        }

        /**
         * Adds a filter, or replaces the lifetime of a present one.
         *
         * @param group the group
         * @param mac the MAC (not zero)
         * @param lifetime when its expiry was set and when it ends
         * @return this
         */
        public Builder put(int group, MacAddress mac, Lifetime lifetime) {
            add(group, mac);
            Filter f = new Filter(group, mac);
            if (lifetime.equals(Lifetime.UNKNOWN)) {
                lifetimes.remove(f);
            } else {
                lifetimes.put(f, lifetime);
            }
            return this;
        }

        /**
         * Adds a filter (no-op when present).
         *
         * @param group the group
         * @param mac the MAC (not zero)
         * @return this
         */
        public Builder add(int group, MacAddress mac) {
            requireMac(mac);
            int[] groups = byMac.get(mac);
            if (groups == null) {
                byMac.put(mac, new int[] {group});
            } else if (indexOf(groups, group) < 0) {
                int[] grown = Arrays.copyOf(groups, groups.length + 1);
                int i = groups.length;
                while (i > 0 && Integer.compareUnsigned(grown[i - 1], group) > 0) {
                    grown[i] = grown[i - 1];
                    i--;
                }
                grown[i] = group;
                byMac.put(mac, grown);
            } else {
                return this;
            }
            size++;
            return this;
        }

        /**
         * Removes a filter (no-op when absent).
         *
         * @param group the group
         * @param mac the MAC
         * @return this
         */
        public Builder remove(int group, MacAddress mac) {
            int[] groups = byMac.get(mac);
            int i = indexOf(groups, group);
            if (i >= 0) {
                if (groups.length == 1) {
                    byMac.remove(mac);
                } else {
                    int[] shrunk = new int[groups.length - 1];
                    System.arraycopy(groups, 0, shrunk, 0, i);
                    System.arraycopy(groups, i + 1, shrunk, i, groups.length - i - 1);
                    byMac.put(mac, shrunk);
                }
                size--;
                lifetimes.remove(new Filter(group, mac));
            }
            return this;
        }

        /**
         * @param group the group to clear; {@code 0} = every group
         * @return how many filters were removed
         */
        public int flush(int group) {
            int before = size;
            if (group == 0) {
                byMac = new HashMap<>();
                size = 0;
                lifetimes = new HashMap<>();
                return before;
            }
            lifetimes.keySet().removeIf(f -> f.groupId() == group);
            var it = byMac.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<MacAddress, int[]> e = it.next();
                int[] groups = e.getValue();
                int i = indexOf(groups, group);
                if (i >= 0) {
                    size--;
                    if (groups.length == 1) {
                        it.remove();
                    } else {
                        int[] shrunk = new int[groups.length - 1];
                        System.arraycopy(groups, 0, shrunk, 0, i);
                        System.arraycopy(groups, i + 1, shrunk, i, groups.length - i - 1);
                        e.setValue(shrunk);
                    }
                }
            }
            return before - size;
        }

        /** @return the number of filters */
        public int size() {
            return size;
        }

        /** @return the immutable set */
        public FilterSet build() {
            if (size == 0) {
                return EMPTY;
            }
            FilterSet s = new FilterSet(byMac, size, lifetimes);
            byMac = null; // handed over; further use fails fast
            lifetimes = null;
            return s;
        }
    }
}
