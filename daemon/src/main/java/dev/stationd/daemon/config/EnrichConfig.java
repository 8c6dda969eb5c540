package dev.stationd.daemon.config;

import dev.stationd.daemon.enrich.LeaseFile;
import java.util.List;
import java.util.Objects;

/**
 * The {@code enrich:} section: where the daemon learns stations' addresses and host names by itself.
 *
 * @param neighbours follow the kernel's neighbour table (rtnetlink)
 * @param interfaces only neighbour entries on these interfaces count; empty = all
 * @param leases DHCP lease files to watch; no path twice
 */
public record EnrichConfig(boolean neighbours, List<String> interfaces, List<LeaseFile> leases) {
    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public EnrichConfig {
        interfaces = List.copyOf(Objects.requireNonNull(interfaces, "enrich.interfaces"));
        leases = List.copyOf(Objects.requireNonNull(leases, "enrich.leases"));
        for (LeaseFile f : leases) {
            Require.absolute(f.path(), "enrich.leases.path");
        }
        if (leases.stream().map(LeaseFile::path).distinct().count() != leases.size()) {
            throw new IllegalArgumentException("enrich.leases: a file is listed twice: " + leases);
        }
    }

    /** @return nothing learned */
    public static EnrichConfig defaults() {
        return from(new Values());
    }

    static EnrichConfig from(Values v) {
        return new EnrichConfig(v.get(ConfigKeys.ENRICH_NEIGHBOURS), v.get(ConfigKeys.ENRICH_INTERFACES),
                v.get(ConfigKeys.ENRICH_LEASES));
    }

    static LeaseFile lease(Values v) {
        return new LeaseFile(v.get(ConfigKeys.LEASE_PATH), v.get(ConfigKeys.LEASE_FORMAT));
    }

    /** @return whether anything is learned */
    public boolean enabled() {
        return neighbours || !leases.isEmpty();
    }
}
