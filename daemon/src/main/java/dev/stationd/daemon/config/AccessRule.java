package dev.stationd.daemon.config;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One entry of the {@code access:} section: who may use a class of commands. Names in the
 * file are resolved to numeric ids when the file is loaded.
 *
 * @param uids allowed user ids (sorted, unmodifiable)
 * @param gids allowed group ids (sorted, unmodifiable)
 */
public record AccessRule(Set<Integer> uids, Set<Integer> gids) {

    /** A rule with no ids: anyone may. */
    public static final AccessRule ANYONE = new AccessRule(Set.of(), Set.of());

    /** Copies the sets; ids must not be negative. */
    public AccessRule {
        uids = sortedCopy(uids, "uids");
        gids = sortedCopy(gids, "gids");
    }

    static AccessRule from(Values v) {
        return new AccessRule(v.get(ConfigKeys.RULE_UIDS), v.get(ConfigKeys.RULE_GIDS));
    }

    /** @return true when both sets are empty, which means anyone is allowed */
    public boolean isOpen() {
        return uids.isEmpty() && gids.isEmpty();
    }

    /**
     * @param uid the peer's user id
     * @param gid the peer's (primary) group id
     * @return true if the rule is open, or {@code uid} is listed, or {@code gid} is listed
     */
    public boolean permits(int uid, int gid) {
        return isOpen() || uids.contains(uid) || gids.contains(gid);
    }

    private static Set<Integer> sortedCopy(Set<Integer> ids, String what) {
        Objects.requireNonNull(ids, what);
        SortedSet<Integer> copy = new TreeSet<>();
        for (Integer id : ids) {
            Objects.requireNonNull(id, what);
            if (id < 0) {
                throw new IllegalArgumentException(what + " must not be negative, got " + id);
            }
            copy.add(id);
        }
        return Collections.unmodifiableSortedSet(copy);
    }
}
