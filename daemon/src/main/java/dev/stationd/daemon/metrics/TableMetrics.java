package dev.stationd.daemon.metrics;

import dev.stationd.daemon.config.StationdConfig;
import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.StaListAttr;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The station table: stations per BSS (computed from the table's snapshot at scrape time), its
 * limit and drops, and, with {@code metrics.per_station}, a few series per station.
 */
final class TableMetrics {
    /**
     * Most stations that get series of their own: a scrape holds every series in memory at once
     * (about 2 KiB per station), which must fit the daemon's 64 MiB heap beside a full table;
     * and tens of thousands of series per AP are more than a Prometheus should take anyway.
     */
    static final int MAX_PER_STATION = 4096;

    private TableMetrics() {
    }

    static void register(Families f, StationTable table, Supplier<StationdConfig> config) {
        KnownBss known = new KnownBss();
        f.gauge("stationd_stations", "Stations in the table, by BSS (interface, SSID, band, policy group)."
                + " A BSS seen once, or a followed hostapd interface, reads 0 when it has none.", cb -> {
                    for (Map.Entry<KnownBss.Bss, Integer> e : known.count(table.snapshot(),
                            config.get().hostapd().interfaces()).entrySet()) {
                        KnownBss.Bss b = e.getKey();
                        cb.call(e.getValue(), b.ifname(), b.ssid(), b.band(), b.group());
                    }
                }, "ifname", "ssid", "band", "group");
        f.gauge("stationd_stations_max", "Most stations the table keeps (table.max_stations).",
                cb -> cb.call(table.maxStations()));
        f.counter("stationd_table_dropped_updates_total",
                "Station updates the table dropped (from any source), by reason.", cb -> {
                    cb.call(table.droppedFull(), "table_full");
                    cb.call(table.droppedInvalid(), "invalid_mac");
                }, "reason");
        registerPerStation(f, table, config);
    }

    /** Series per station, only while {@code metrics.per_station} is on (empty families are not written). */
    private static void registerPerStation(Families f, StationTable table, Supplier<StationdConfig> config) {
        f.gauge("stationd_stations_without_series", "Stations beyond the first " + MAX_PER_STATION
                + " (by MAC) that get no per-station series. Only with metrics.per_station.", cb -> {
                    if (config.get().metrics().perStation()) {
                        cb.call(Math.max(0, table.snapshot().size() - MAX_PER_STATION));
                    }
                });
        perStationGauge(f, table, config, "stationd_station_signal_dbm", "Signal of the station in dBm.", null,
                StaListAttr::signalDbm);
        // link rates in bytes per second (the base unit; kbit/s * 1000 / 8)
        perStationGauge(f, table, config, "stationd_station_tx_rate_bytes_per_second",
                "Last link rate from the AP to the station, in bytes per second.", null,
                s -> Families.unsigned(s.txRateKbps()) * 125);
        perStationGauge(f, table, config, "stationd_station_rx_rate_bytes_per_second",
                "Last link rate from the station to the AP, in bytes per second.", null,
                s -> Families.unsigned(s.rxRateKbps()) * 125);
        perStationGauge(f, table, config, "stationd_station_associated_timestamp_seconds",
                "When the station associated, in seconds since the epoch (0 = unknown).", Unit.SECONDS,
                s -> s.assocTimeMs() / 1000.0);
        perStationCounter(f, table, config, "stationd_station_tx_bytes_total",
                "Bytes sent from the AP to the station.", Unit.BYTES, s -> Families.unsigned(s.txBytes()));
        perStationCounter(f, table, config, "stationd_station_rx_bytes_total",
                "Bytes received by the AP from the station.", Unit.BYTES, s -> Families.unsigned(s.rxBytes()));
        perStationCounter(f, table, config, "stationd_station_tx_packets_total",
                "Packets sent from the AP to the station.", null, s -> Families.unsigned(s.txPackets()));
        perStationCounter(f, table, config, "stationd_station_rx_packets_total",
                "Packets received by the AP from the station.", null, s -> Families.unsigned(s.rxPackets()));
    }

    private static void perStationGauge(Families f, StationTable table, Supplier<StationdConfig> config, String name,
            String help, Unit unit, ToDoubleFunction<StaListAttr> value) {
        f.gauge(name, help + PER_STATION, unit, cb -> eachStation(table, config, cb::call, value), "mac", "ifname");
    }

    private static void perStationCounter(Families f, StationTable table, Supplier<StationdConfig> config, String name,
            String help, Unit unit, ToDoubleFunction<StaListAttr> value) {
        f.counter(name, help + PER_STATION, unit, cb -> eachStation(table, config, cb::call, value), "mac", "ifname");
    }

    private static final String PER_STATION = " Per station, only with metrics.per_station.";

    /** The {@code call} of {@link GaugeWithCallback.Callback} and {@link CounterWithCallback.Callback}. */
    private interface Sink {
        void call(double value, String... labels);
    }

    private static void eachStation(StationTable table, Supplier<StationdConfig> config, Sink sink,
            ToDoubleFunction<StaListAttr> value) {
        if (!config.get().metrics().perStation()) {
            return;
        }
        List<StaListAttr> all = table.snapshot().all();
        for (StaListAttr s : all.subList(0, Math.min(all.size(), MAX_PER_STATION))) {
            sink.call(value.applyAsDouble(s), s.mac().toString(), s.ifname());
        }
    }
}
