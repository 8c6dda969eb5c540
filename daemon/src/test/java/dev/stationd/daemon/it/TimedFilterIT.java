package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.EventType;
import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.StationClient;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timed filters against the packaged daemon: listed with their expiry, flag the station, end by
 * themselves within a second (dump, {@code FILTERED}, subscriber {@code UPSERT}), keep their expiry
 * across restarts, are dropped when they expired while the daemon was stopped, survive
 * {@code kill -9} once ACKed, and ten thousand of them expire on time.
 */
class TimedFilterIT {
    private static final int GROUP = 5;

    @TempDir
    Path dir;

    private static StaListAttr station(MacAddress mac) {
        return StaListAttr.builder(mac).groupId(GROUP).ifname("wlan0").ssid("net").flags(StaFlags.AUTHORIZED)
                .lastSeenMs(System.currentTimeMillis()).build();
    }

    private static FilterAttr find(List<FilterAttr> dump, int group, MacAddress mac) {
        for (FilterAttr f : dump) {
            if (f.groupId() == group && f.mac().equals(mac)) {
                return f;
            }
        }
        return null;
    }

    @Test
    void twoSecondFilterIsListedFlagsTheStationAndEndsOnTime() throws Exception {
        MacAddress mac = MacAddress.parse("02:7f:00:00:00:01");
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""));
             StationClient c = StationClient.open(d.socket())) {
            try (EventSender s = EventSender.connect(d.events())) {
                s.send(StaEvent.upsert(1, station(mac)));
            }
            DaemonProcess.await(Duration.ofSeconds(10), "the station", () -> c.get(mac) != null);
            List<StaEvent> seen = new CopyOnWriteArrayList<>();
            List<Long> seenAt = new CopyOnWriteArrayList<>();
            try (StationClient.Subscription sub = c.subscribe(e -> {
                seenAt.add(System.currentTimeMillis());
                seen.add(e);
            })) {
                sub.acked().get(10, TimeUnit.SECONDS);
                long before = System.currentTimeMillis();
                c.filterAdd(GROUP, mac, Duration.ofSeconds(2));
                long acked = System.currentTimeMillis();

                FilterAttr f = find(c.filterDump(), GROUP, mac);
                assertNotNull(f, "listed");
                assertEquals(FilterAttr.PRESENT | FilterAttr.TIMED, f.flags());
                assertTrue(f.createdMs() >= before && f.createdMs() <= acked, "created_ms " + f.createdMs());
                assertEquals(f.createdMs() + 2000, f.expiresMs(), "expires_ms");
                assertTrue((c.get(mac).flags() & StaFlags.FILTERED) != 0, "the station is FILTERED");

                DaemonProcess.await(Duration.ofSeconds(10), "an UPSERT clearing FILTERED",
                        () -> indexOfUnfiltered(seen, mac) >= 0);
                long clearedAt = seenAt.get(indexOfUnfiltered(seen, mac));
                System.out.printf("[timed-filter-it] FILTERED cleared at the subscriber %d ms after expires_ms"
                        + " (%d ms after the ACK)%n", clearedAt - f.expiresMs(), clearedAt - acked);
                assertTrue(clearedAt >= f.expiresMs(), "not before its expiry: " + (clearedAt - f.expiresMs()) + " ms");
                assertTrue(clearedAt <= f.expiresMs() + 1000, "within a second of its expiry: "
                        + (clearedAt - f.expiresMs()) + " ms");
                assertNull(find(c.filterDump(), GROUP, mac), "gone from the dump");
                assertEquals(0, c.get(mac).flags() & StaFlags.FILTERED, "FILTERED cleared in the table");
                assertTrue(d.output().contains("1 timed filter(s) expired and removed: " + GROUP + " " + mac), d.output());
            }
            assertFalse(new FilterFile(d.stateDir()).load().contains(GROUP, mac), "removed durably");
        }
    }

    private static int indexOfUnfiltered(List<StaEvent> seen, MacAddress mac) {
        boolean wasFiltered = false;
        for (int i = 0; i < seen.size(); i++) {
            StaEvent e = seen.get(i);
            if (e.type() == EventType.UPSERT && e.sta().mac().equals(mac)) {
                boolean filtered = (e.sta().flags() & StaFlags.FILTERED) != 0;
                if (wasFiltered && !filtered) {
                    return i;
                }
                wasFiltered |= filtered;
            }
        }
        return -1;
    }

    @Test
    void restartBeforeExpiryKeepsTheExpiryAndAfterExpiryDropsTheFilter() throws Exception {
        MacAddress longLived = MacAddress.parse("02:7f:00:00:00:02");
        MacAddress expired = MacAddress.parse("02:7f:00:00:00:03");
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""))) {
            FilterAttr kept;
            try (StationClient c = StationClient.open(d.socket())) {
                c.filterAdd(GROUP, longLived, Duration.ofHours(1));
                kept = find(c.filterDump(), GROUP, longLived);
            }
            assertEquals(0, d.stop(), d.output());
            // while stopped, a timed filter in the daemon's file reaches its expiry
            FilterFile file = new FilterFile(d.stateDir());
            long now = System.currentTimeMillis();
            file.save(file.load().toBuilder().put(GROUP, expired, new FilterSet.Lifetime(now - 61_000, now - 1_000)).build());
            d.restart();
            try (StationClient c = StationClient.open(d.socket())) {
                List<FilterAttr> dump = c.filterDump();
                assertEquals(kept, find(dump, GROUP, longLived), "same created_ms and expires_ms after a restart");
                assertNull(find(dump, GROUP, expired), "expired while stopped: gone at start");
            }
            assertFalse(file.load().contains(GROUP, expired), "and durably removed");
            assertTrue(file.load().contains(GROUP, longLived));
            assertTrue(d.output().contains("dropped 1 timed filter(s) that expired while stationd was stopped"),
                    d.output());
        }
    }

    @Test
    void kill9DuringABurstOfTimedAddsLosesNoAckedOne() throws Exception {
        Random random = new Random(System.nanoTime());
        Map<MacAddress, long[]> acked = new HashMap<>(); // mac -> {sent, acked} epoch ms
        Path cfg = DaemonProcess.writeConfig(dir, "log:\n  level: warn\n");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        try (DaemonProcess d = DaemonProcess.start(dir, cfg)) {
            for (int round = 0; round < 5; round++) {
                List<CompletableFuture<Void>> futures = new ArrayList<>();
                List<MacAddress> macs = new ArrayList<>();
                List<long[]> times = new ArrayList<>();
                List<StationClient> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < 16; i++) { // several connections: the daemon commits their adds together
                        clients.add(StationClient.open(d.socket(), Duration.ofSeconds(30), group));
                    }
                    for (int i = 0; i < 4000; i++) {
                        MacAddress mac = new MacAddress(0x0270_0000_0000L | random.nextInt(1 << 30));
                        long[] t = {System.currentTimeMillis(), 0};
                        macs.add(mac);
                        times.add(t);
                        futures.add(clients.get(i % clients.size()).filterAddAsync(GROUP, mac, Duration.ofHours(1))
                                .thenRun(() -> t[1] = System.currentTimeMillis()));
                    }
                    DaemonProcess.await(Duration.ofSeconds(30), "the first ACK",
                            () -> futures.stream().anyMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
                    long delay = random.nextInt(300);
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
                    DaemonProcess.await(Duration.ofSeconds(1), delay + " ms after the first ACK",
                            () -> System.nanoTime() >= until);
                    d.kill9();
                    for (CompletableFuture<Void> f : futures) {
                        f.handle((v, t) -> null).get(60, TimeUnit.SECONDS);
                    }
                } finally {
                    for (StationClient c : clients) {
                        c.close();
                    }
                }
                int ackedNow = 0;
                for (int i = 0; i < futures.size(); i++) {
                    if (!futures.get(i).isCompletedExceptionally()) {
                        acked.put(macs.get(i), times.get(i));
                        ackedNow++;
                    }
                }
                System.out.printf("[timed-filter-it] round %d: %d of %d timed adds ACKed before kill -9%n", round,
                        ackedNow, futures.size());
                d.restart();
                try (StationClient c = StationClient.open(d.socket())) {
                    Map<MacAddress, FilterAttr> listed = new HashMap<>();
                    for (FilterAttr f : c.filterDump()) {
                        listed.put(f.mac(), f);
                    }
                    for (Map.Entry<MacAddress, long[]> e : acked.entrySet()) {
                        FilterAttr f = listed.get(e.getKey());
                        assertNotNull(f, "ACKed timed filter " + e.getKey() + " lost after kill -9 (round " + round + ")");
                        assertTrue(f.timed(), "still timed: " + f);
                        long[] t = e.getValue();
                        assertTrue(f.expiresMs() >= t[0] + 3_600_000 && f.expiresMs() <= t[1] + 3_600_000,
                                "expiry fixed when it was added: " + f + " sent " + t[0] + " acked " + t[1]);
                    }
                }
            }
            assertTrue(acked.size() >= 5, "at least one ACK per round");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void tenThousandTimedFiltersWithSpreadExpiriesEndOnTime() throws Exception {
        int n = 10_000;
        int connections = 64; // a connection answers its filter changes in order: group commit spans connections
        Path cfg = DaemonProcess.writeConfig(dir, "filters:\n  max_filters: 20000\nlog:\n  level: warn\n");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        List<StationClient> clients = new ArrayList<>();
        try (DaemonProcess d = DaemonProcess.start(dir, cfg)) {
            for (int i = 0; i < connections; i++) {
                clients.add(StationClient.open(d.socket(), Duration.ofSeconds(60), group));
            }
            long t0 = System.nanoTime();
            List<CompletableFuture<Void>> adds = new ArrayList<>(n);
            long[] earliest = new long[n]; // the expiry is between send + lifetime and ACK + lifetime,
            long[] latest = new long[n];   // and exactly expires_ms once a dump has shown it
            for (int i = 0; i < n; i++) { // lifetimes 20..29 s
                int k = i;
                long lifetimeMs = (20 + i % 10) * 1000L;
                earliest[i] = System.currentTimeMillis() + lifetimeMs;
                adds.add(clients.get(i % connections).filterAddAsync(group(i), new MacAddress(0x0271_0000_0000L + i),
                        Duration.ofMillis(lifetimeMs)).thenRun(() -> latest[k] = System.currentTimeMillis() + lifetimeMs));
            }
            CompletableFuture.allOf(adds.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
            System.out.printf("[timed-filter-it] %d timed adds on %d connections took %d ms%n", n, connections,
                    (System.nanoTime() - t0) / 1_000_000);
            StationClient c = clients.get(0);
            Map<Long, Integer> index = new HashMap<>();
            for (int i = 0; i < n; i++) {
                index.put((Integer.toUnsignedLong(group(i)) << 48) | (0x0271_0000_0000L + i), i);
            }
            long last = Arrays.stream(latest).max().orElseThrow();
            int early = 0;
            int late = 0;
            int looks = 0;
            int exact = 0;
            long worstLate = 0;
            boolean[] pinned = new boolean[n];
            while (true) {
                long sent = System.currentTimeMillis();
                List<FilterAttr> dump = c.filterDump();
                long received = System.currentTimeMillis();
                looks++;
                boolean[] there = new boolean[n];
                for (FilterAttr f : dump) {
                    int i = index.get(key(f));
                    there[i] = true;
                    if (!pinned[i]) {
                        pinned[i] = true;
                        exact++;
                        assertTrue(f.expiresMs() >= earliest[i] && f.expiresMs() <= latest[i],
                                "expires_ms " + f.expiresMs() + " outside [send, ACK] + lifetime");
                        earliest[i] = f.expiresMs();
                        latest[i] = f.expiresMs();
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (!there[i] && earliest[i] > received) {
                        early++; // removed before its expiry
                    } else if (there[i] && latest[i] + 1000 < sent) {
                        late++; // still there more than a second after its expiry
                        worstLate = Math.max(worstLate, sent - latest[i]);
                    }
                }
                if (dump.isEmpty() || System.currentTimeMillis() > last + 10_000) {
                    assertTrue(dump.isEmpty(), dump.size() + " filters left 10 s after the last expiry");
                    break;
                }
                long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
                DaemonProcess.await(Duration.ofSeconds(1), "the next look", () -> System.nanoTime() >= next);
            }
            System.out.printf("[timed-filter-it] %d expiries known exactly from a dump, the rest bounded by send/ACK%n",
                    exact);
            System.out.printf("[timed-filter-it] %d timed filters expired; %d looks at the dump%n", n, looks);
            assertEquals(0, early, "filters removed before their expiry");
            assertEquals(0, late, "filters seen more than 1 s after their expiry (worst " + worstLate + " ms)");
            assertFalse(d.output().contains("ERROR"), d.output());
        } finally {
            for (StationClient c : clients) {
                c.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static int group(int i) {
        return 1 + i % 7;
    }

    private static long key(FilterAttr f) {
        return (Integer.toUnsignedLong(f.groupId()) << 48) | f.mac().value();
    }
}
