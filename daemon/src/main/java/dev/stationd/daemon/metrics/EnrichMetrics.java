package dev.stationd.daemon.metrics;

import dev.stationd.daemon.enrich.Enrichment;
import java.util.function.ToIntFunction;

/** What address learning knows: declared only when {@code enrich:} follows a source. */
final class EnrichMetrics {
    private EnrichMetrics() {
    }

    static void register(Families f, Enrichment enrichment) {
        gauge(f, enrichment, "stationd_enrich_neighbours",
                "Entries of the kernel's neighbour table followed (on enrich.interfaces).", Enrichment.Counts::neighbours);
        gauge(f, enrichment, "stationd_enrich_leases", "DHCP leases in force, over all enrich.leases files.",
                Enrichment.Counts::leases);
        gauge(f, enrichment, "stationd_enrich_learned_macs",
                "MACs an address or hostname is known for, stations or not.", Enrichment.Counts::learned);
    }

    private static void gauge(Families f, Enrichment enrichment, String name, String help,
            ToIntFunction<Enrichment.Counts> value) {
        f.gauge(name, help, cb -> cb.call(value.applyAsInt(enrichment.counts())));
    }
}
