package dev.stationd.daemon.hostapd;

import dev.stationd.protocol.MacAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The entries of stationd's that one read found missing from hostapd's deny list, counted back
 * as they are added again, so that the loss is logged in one line once all are back.
 */
final class RestoreTally {
    private final Set<MacAddress> missing;
    private final int total;
    private final String cause;
    private int back;

    /**
     * @param missing the entries found missing (their filters still there)
     * @param cause the likely cause, for the log line, e.g. {@code "hostapd reloaded?"}
     */
    RestoreTally(Collection<MacAddress> missing, String cause) {
        this.missing = new HashSet<>(missing);
        this.total = missing.size();
        this.cause = cause;
    }

    /** @return whether entries are still awaited */
    boolean pending() {
        return !missing.isEmpty();
    }

    /**
     * @param mac an entry hostapd accepted again
     * @return whether it was the last one awaited
     */
    boolean back(MacAddress mac) {
        if (!missing.remove(mac)) {
            return false;
        }
        back++;
        return missing.isEmpty();
    }

    /**
     * Stops waiting for entries whose filter is gone.
     *
     * @param wanted the entries the filters still want
     * @return whether that left none awaited
     */
    boolean keepOnly(Set<MacAddress> wanted) {
        return !missing.isEmpty() && missing.retainAll(wanted) && missing.isEmpty();
    }

    /**
     * Logs the one line about the loss (call when nothing is awaited any more).
     *
     * @param log where to
     * @param ifname the BSS
     * @return whether entries were restored (a restore to count)
     */
    boolean report(Logger log, String ifname) {
        String entries = total == 1 ? "entry" : "entries";
        if (back == 0) {
            log.info("hostapd {}: hostapd's deny list lost {} of our {} ({}); their filters were deleted since",
                    ifname, total, entries, cause);
            return false;
        }
        log.warn("hostapd {}: hostapd's deny list lost {} of our {} ({}); restored{}", ifname, total, entries, cause,
                back == total ? "" : " the " + back + " still filtered");
        return true;
    }
}
