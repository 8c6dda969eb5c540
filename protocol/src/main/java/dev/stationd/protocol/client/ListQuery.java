package dev.stationd.protocol.client;

import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.WireStrings;

/**
 * Selectors and paging of a {@code STA_LIST} request.
 *
 * @param groupId 0 = every group
 * @param ifname {@code ""} = every interface
 * @param flags {@link CloudCmdAttr#ONLY_FILTERED}, {@link CloudCmdAttr#EXCLUDE_FILTERED} or 0
 * @param offset records to skip
 * @param maxEntries at most this many, 0 = no limit
 */
public record ListQuery(int groupId, String ifname, int flags, long offset, long maxEntries) {
    /** Every station. */
    public static final ListQuery ALL = new ListQuery(0, "", 0, 0, 0);

    /** Validates. */
    public ListQuery {
        WireStrings.requireFits("ifname", ifname, CloudCmdAttr.IFNAME_SIZE);
        if ((flags & ~CloudCmdAttr.KNOWN_FLAGS) != 0 || flags == CloudCmdAttr.KNOWN_FLAGS) {
            throw new IllegalArgumentException("flags must be ONLY_FILTERED, EXCLUDE_FILTERED or 0: " + flags);
        }
    }

    /**
     * @param g the group, 0 = every group
     * @return a copy selecting group {@code g}
     */
    public ListQuery group(int g) {
        return new ListQuery(g, ifname, flags, offset, maxEntries);
    }

    /**
     * @param name the interface, {@code ""} = every interface
     * @return a copy selecting interface {@code name}
     */
    public ListQuery ifname(String name) {
        return new ListQuery(groupId, name, flags, offset, maxEntries);
    }

    /**
     * @param f {@link CloudCmdAttr#ONLY_FILTERED}, {@link CloudCmdAttr#EXCLUDE_FILTERED} or 0
     * @return a copy with these flags
     */
    public ListQuery flags(int f) {
        return new ListQuery(groupId, ifname, f, offset, maxEntries);
    }

    /**
     * @param off records to skip
     * @param max at most this many, 0 = all
     * @return a paged copy
     */
    public ListQuery page(long off, long max) {
        return new ListQuery(groupId, ifname, flags, off, max);
    }
}
