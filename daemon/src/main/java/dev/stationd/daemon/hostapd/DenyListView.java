package dev.stationd.daemon.hostapd;

import dev.stationd.protocol.MacAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * What stationd knows of hostapd's deny list: one {@code DENY_ACL SHOW} reply, plus the changes
 * stationd made since.
 *
 * <p>hostapd 2.10 keeps the list sorted by MAC and writes one {@code MAC VLAN_ID=N} line per
 * entry into its 4096-byte reply buffer, stopping at the first line that does not fit together
 * with its terminating NUL; the reply does not say that it was cut. Measured with 300 entries
 * ({@code VLAN_ID=0}, 28 bytes a line): the 146 lowest MACs, 4088 bytes. So a reply too long to
 * be sure it is whole ({@link #REPLY_SIZE} minus the longest line and the NUL) covers the list
 * only up to its highest MAC: an entry above it is neither known present nor known absent.
 * There is no command that reads past it; {@code DENY_ACL ADD_MAC} of an entry already on the
 * list changes nothing and {@code DEL_MAC} of one that is not there answers {@code OK}, so
 * stationd makes sure of its own entries up there by sending them again.
 */
final class DenyListView {
    /** hostapd's control interface reply buffer. */
    static final int REPLY_SIZE = 4096;
    /** The longest line hostapd writes: {@code aa:bb:cc:dd:ee:ff VLAN_ID=-2147483648\n}. */
    static final int MAX_LINE = 38;

    private final Set<MacAddress> present;
    /** The highest MAC the reply covers, {@code null} when it is whole. */
    private final MacAddress coveredUpTo;
    /** Entries above {@link #coveredUpTo} that stationd removed since. */
    private final Set<MacAddress> removedAbove = new HashSet<>();

    private DenyListView(Set<MacAddress> present, MacAddress coveredUpTo) {
        this.present = present;
        this.coveredUpTo = coveredUpTo;
    }

    /**
     * @param reply a {@code DENY_ACL SHOW} reply (not {@code FAIL} or {@code UNKNOWN COMMAND})
     * @return what it tells
     */
    static DenyListView parse(String reply) {
        Set<MacAddress> shown = new HashSet<>(CtrlText.aclList(reply));
        MacAddress highest = null;
        if (reply.length() + MAX_LINE + 1 > REPLY_SIZE) {
            for (MacAddress mac : shown) {
                if (highest == null || mac.compareTo(highest) > 0) {
                    highest = mac;
                }
            }
        }
        return new DenyListView(shown, highest);
    }

    /** @return whether the reply showed the whole list */
    boolean whole() {
        return coveredUpTo == null;
    }

    /** @return whether {@code mac} is on the list as far as known */
    boolean present(MacAddress mac) {
        return present.contains(mac);
    }

    /** @return whether {@code mac} is known not to be on the list */
    boolean absent(MacAddress mac) {
        if (present.contains(mac)) {
            return false;
        }
        return coveredUpTo == null || mac.compareTo(coveredUpTo) <= 0 || removedAbove.contains(mac);
    }

    /** @return the entries known to be on the list */
    Set<MacAddress> knownPresent() {
        return present;
    }

    /** hostapd accepted an {@code ADD_MAC}. */
    void added(MacAddress mac) {
        present.add(mac);
        removedAbove.remove(mac);
    }

    /** hostapd accepted a {@code DEL_MAC}. */
    void removed(MacAddress mac) {
        present.remove(mac);
        if (coveredUpTo != null && mac.compareTo(coveredUpTo) > 0) {
            removedAbove.add(mac);
        }
    }
}
