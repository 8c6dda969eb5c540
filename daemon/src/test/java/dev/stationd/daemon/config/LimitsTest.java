package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every duration, size and count has a documented maximum (and a minimum where small values
 * are nonsense); values outside are rejected as {@code FILE:LINE:COLUMN: KEY: must be between
 * MIN and MAX, got VALUE}, never accepted to overflow later.
 */
class LimitsTest {
    private static final Path FILE = Path.of("/etc/stationd/stationd.yaml");

    /**
     * One out-of-range value of a key, with where the loader must point and what it must say.
     */
    private record Case(String yaml, int line, int column, String message) {
    }

    /** The documented limits, pinned: one case per key and side (two where both sides matter). */
    private static final List<Case> CASES = List.of(
            new Case("server:\n  backlog: 65536\n", 2, 12, "server.backlog: must be between 1 and 65535, got 65536"),
            new Case("server:\n  max_connections: 65537\n", 2, 20,
                    "server.max_connections: must be between 1 and 65536, got 65537"),
            new Case("server:\n  idle_timeout: 200000d\n", 2, 17,
                    "server.idle_timeout: must be between 100ms and 1d, got 200000d"),
            new Case("server:\n  idle_timeout: 25h\n", 2, 17, "server.idle_timeout: must be between 100ms and 1d, got 25h"),
            new Case("server:\n  idle_timeout: 99ms\n", 2, 17, "server.idle_timeout: must be between 100ms and 1d, got 99ms"),
            // too large for any duration: still the key's range, not an exception
            new Case("server:\n  idle_timeout: 99999999999999d\n", 2, 17,
                    "server.idle_timeout: must be between 100ms and 1d, got 99999999999999d"),
            new Case("server:\n  io_threads: 257\n", 2, 15, "server.io_threads: must be between 0 and 256, got 257"),
            new Case("server:\n  write_buffer_high: 67108865\n", 2, 22,
                    "server.write_buffer_high: must be between 1024 (1 KiB) and 67108864 (64 MiB), got 67108865"),
            new Case("server:\n  write_buffer_high: 1023\n", 2, 22,
                    "server.write_buffer_high: must be between 1024 (1 KiB) and 67108864 (64 MiB), got 1023"),
            new Case("server:\n  write_buffer_low: 1023\n", 2, 21,
                    "server.write_buffer_low: must be between 1024 (1 KiB) and 67108864 (64 MiB), got 1023"),
            new Case("server:\n  write_buffer_high: 67108864\n  write_buffer_low: 67108865\n", 3, 21,
                    "server.write_buffer_low: must be between 1024 (1 KiB) and 67108864 (64 MiB), got 67108865"),
            new Case("server:\n  subscriber_backlog: 65537\n", 2, 23,
                    "server.subscriber_backlog: must be between 1 and 65536, got 65537"),
            new Case("server:\n  subscriber_backlog: 0\n", 2, 23,
                    "server.subscriber_backlog: must be between 1 and 65536, got 0"),
            new Case("server:\n  max_connections_per_uid: 0\n", 2, 28,
                    "server.max_connections_per_uid: must be between 1 and 65536, got 0"),
            new Case("server:\n  max_connections_per_uid: 65537\n", 2, 28,
                    "server.max_connections_per_uid: must be between 1 and 65536, got 65537"),
            new Case("server:\n  admin_reserve: -1\n", 2, 18, "server.admin_reserve: must be between 0 and 65535, got -1"),
            new Case("server:\n  admin_reserve: 65536\n", 2, 18,
                    "server.admin_reserve: must be between 0 and 65535, got 65536"),
            new Case("server:\n  max_pending_bytes: 262143\n", 2, 22,
                    "server.max_pending_bytes: must be between 262144 (256 KiB) and 1073741824 (1 GiB), got 262143"),
            new Case("server:\n  max_pending_bytes: 1073741825\n", 2, 22,
                    "server.max_pending_bytes: must be between 262144 (256 KiB) and 1073741824 (1 GiB), got 1073741825"),
            new Case("table:\n  max_stations: 1000001\n", 2, 17,
                    "table.max_stations: must be between 1 and 1000000, got 1000001"),
            new Case("table:\n  expire_after: 31d\n", 2, 17, "table.expire_after: must be between 1s and 30d, got 31d"),
            new Case("table:\n  expire_after: 999ms\n", 2, 17, "table.expire_after: must be between 1s and 30d, got 999ms"),
            new Case("filters:\n  max_filters: 1_000_001\n", 2, 16,
                    "filters.max_filters: must be between 1 and 1000000, got 1000001"),
            new Case("filters:\n  commit_timeout: 99ms\n", 2, 19,
                    "filters.commit_timeout: must be between 100ms and 1h, got 99ms"),
            new Case("filters:\n  commit_timeout: 61m\n", 2, 19,
                    "filters.commit_timeout: must be between 100ms and 1h, got 61m"),
            new Case("hostapd_resync: 61m\n", 1, 17, "hostapd_resync: must be between 1s and 1h, got 61m"),
            new Case("hostapd_resync: 999ms\n", 1, 17, "hostapd_resync: must be between 1s and 1h, got 999ms"),
            new Case("hostapd_resync_rate: 9\n", 1, 22, "hostapd_resync_rate: must be between 10 and 1000000, got 9"),
            new Case("hostapd_resync_rate: 1000001\n", 1, 22,
                    "hostapd_resync_rate: must be between 10 and 1000000, got 1000001"));

    private static List<String> errors(String yaml) {
        try {
            ConfigLoader.parse(yaml, FILE, ConfigLoaderTest.IDS);
            return List.of();
        } catch (ConfigException e) {
            return e.errors();
        }
    }

    @TestFactory
    List<DynamicTest> outOfRangeValuesAreRejectedAtTheirPosition() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.message(), () -> {
            String expected = FILE + ":" + c.line() + ":" + c.column() + ": " + c.message();
            assertEquals(List.of(expected), errors(c.yaml()));
        })).toList();
    }

    @Test
    void everyRangedKeyHasACase() {
        for (Key<StationdConfig, ?> k : ConfigKeys.FILE.keys()) {
            if (k.range() != null) {
                assertTrue(CASES.stream().anyMatch(c -> c.message().startsWith(k.path() + ": must be between")),
                        () -> k + " has a range but no case here");
            }
        }
    }

    /** The other side of each limit, for every ranged key of the table: the limit itself is accepted. */
    @TestFactory
    List<DynamicTest> limitsThemselvesAreAcceptedAndOneStepBeyondIsNot() {
        return ConfigKeys.FILE.keys().stream().filter(k -> k.range() != null)
                .map(k -> DynamicTest.dynamicTest(k.path(), () -> checkBoundaries(k))).toList();
    }

    private static <T> void checkBoundaries(Key<StationdConfig, T> k) {
        Range<T> r = k.range();
        String rangeError = k.path() + ": must be between";
        for (T ok : List.of(r.min(), r.max())) {
            List<String> e = errors(yaml(k, k.type().yaml(ok)));
            assertTrue(e.stream().noneMatch(m -> m.contains(rangeError)), () -> k + " = " + ok + ": " + e);
        }
        for (String bad : List.of(beyond(r.min(), -1), beyond(r.max(), 1))) {
            if (bad != null) {
                List<String> e = errors(yaml(k, bad));
                assertTrue(e.stream().anyMatch(m -> m.contains(rangeError) && m.endsWith("got " + bad)),
                        () -> k + " = " + bad + ": " + e);
            }
        }
    }

    /** @return the value one step beyond a limit, as YAML, or {@code null} when there is none to write */
    private static String beyond(Object limit, int step) {
        if (limit instanceof Integer i) {
            return Long.toString((long) i + step);
        }
        Duration d = ((Duration) limit).plusMillis(step);
        return d.isNegative() ? null : Durations.format(d);
    }

    /** @return a file setting the top-level key {@code k}, e.g. {@code server:\n  backlog: 5\n} */
    private static String yaml(Key<?, ?> k, String value) {
        int dot = k.path().indexOf('.');
        return dot < 0 ? k.path() + ": " + value + "\n"
                : k.path().substring(0, dot) + ":\n  " + k.path().substring(dot + 1) + ": " + value + "\n";
    }

    @Test
    void recordsCheckTheSameRanges() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TableConfig(1_000_001, Duration.ofMinutes(5)));
        assertEquals("table.max_stations must be between 1 and 1000000, got 1000001", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TableConfig(10, Duration.ofDays(200000)));
        assertEquals("table.expire_after must be between 1s and 30d, got 200000d", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FiltersConfig(0, java.time.Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new HostapdSettings(List.of(), Duration.ofHours(2)));
    }

    @Test
    void everyParsedDurationFitsInNanoseconds() {
        assertEquals(Durations.MAX.toNanos() / 1_000_000, Durations.MAX.toMillis());
        // the largest whole number of days
        assertEquals(Duration.ofDays(106751), Durations.parse("106751d"));
        assertTrue(Durations.parse("106751d").toNanos() > 0);
    }
}
