package dev.stationd.daemon.table;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import java.util.HashMap;

/**
 * Merges learned fields into stored stations, under the table lock. A non-zero value from the
 * station's source wins; a zero from it is filled with what was learned (so an {@code UPSERT}
 * keeps learned fields). Which fields the source sent is remembered per station, so a later
 * change of a learned value replaces only the fields the source left at zero. Only stations whose
 * source sent one of the three fields have an entry (hostapd sends none), removed with the station.
 */
final class LearnedMerge {
    private static final int IPV4 = 1;
    private static final int IPV6 = 2;
    private static final int HOSTNAME = 4;

    private final LearnedFields source;
    private final HashMap<MacAddress, Integer> sent = new HashMap<>();

    LearnedMerge(LearnedFields source) {
        this.source = source;
    }

    /** @return {@code in} (from the source) with its zero fields filled from what was learned */
    StaListAttr upserted(StaListAttr in) {
        int mask = (in.hasIpv4() ? IPV4 : 0)
                | (in.hasIpv6() ? IPV6 : 0)
                | (in.hostname().isEmpty() ? 0 : HOSTNAME);
        if (mask == 0) {
            sent.remove(in.mac());
        } else {
            sent.put(in.mac(), mask);
        }
        return fill(in, mask);
    }

    /** @return {@code stored} with the fields its source did not send set to what is learned now */
    StaListAttr relearned(StaListAttr stored) {
        return fill(stored, sent.getOrDefault(stored.mac(), 0));
    }

    /** The station left the table. */
    void removed(MacAddress mac) {
        sent.remove(mac);
    }

    /** Every station left the table. */
    void cleared() {
        sent.clear();
    }

    private StaListAttr fill(StaListAttr sta, int mask) {
        if (mask == (IPV4 | IPV6 | HOSTNAME)) {
            return sta;
        }
        Learned l = source.get(sta.mac());
        if (l == null) {
            l = Learned.NOTHING;
        }
        // a field the source sent is kept as it is; only a learned one is compared (addresses are
        // made into objects only then)
        boolean keepIpv4 = (mask & IPV4) != 0 || l.ipv4().equals(sta.ipv4());
        boolean keepIpv6 = (mask & IPV6) != 0 || l.ipv6().equals(sta.ipv6());
        String hostname = (mask & HOSTNAME) != 0 ? sta.hostname() : l.hostname();
        if (keepIpv4 && keepIpv6 && hostname.equals(sta.hostname())) {
            return sta;
        }
        StaListAttr.Builder b = sta.toBuilder().hostname(hostname);
        if (!keepIpv4) {
            b.ipv4(l.ipv4());
        }
        if (!keepIpv6) {
            b.ipv6(l.ipv6());
        }
        return b.build();
    }
}
