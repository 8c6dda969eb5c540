package dev.stationd.daemon.it.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.metrics.Endpoint;
import dev.stationd.protocol.EventType;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon following a real hostapd (see {@link HostapdLab}), end to end through the
 * client protocol: four scenarios in one run over one lab, in order (each step starts from the
 * state the previous one left).
 */
class HostapdDaemonIT {
    /** Stations connected before the daemon starts. */
    static final int EARLY = 10;
    static final int GROUP = 7;
    static final MacAddress FOREIGN = MacAddress.parse("02:99:00:00:00:01");

    @TempDir
    Path tmp;

    /** One timestamped subscription event. */
    record Seen(long atMs, StaEvent event) {
    }

    @Test
    void daemonFollowsHostapdAndEnforcesFilters() throws Exception {
        Path labDir = Files.createDirectories(tmp.resolve("lab"));
        Path run = Files.createDirectories(tmp.resolve("d"));
        try (HostapdLab lab = HostapdLab.start(labDir)) {
            // ---- 1: stations connected before stationd starts -> all in STA_LIST within 2 s
            long loginMs = lab.addStations(1, EARLY);
            System.out.printf("[hostapd-it] %d station logins (concurrent) took %d ms%n", EARLY, loginMs);
            lab.cli("raw", "DENY_ACL ADD_MAC " + FOREIGN); // an entry stationd did not add
            int metricsPort = Endpoint.freePort();
            Path cfg = DaemonProcess.writeConfig(run, "hostapd:\n  - ctrl: " + lab.ctrl() + "\n    group_id: " + GROUP
                    + "\nhostapd_resync: 30s\nlog:\n  level: info\nmetrics:\n  listen: 127.0.0.1:" + metricsPort + "\n");
            long launched = System.nanoTime();
            try (DaemonProcess d = DaemonProcess.start(run, cfg);
                 StationClient client = StationClient.open(d.socket())) {
                long ready = System.nanoTime();
                DaemonProcess.await(Duration.ofSeconds(2), "the start-up log", () -> d.output().contains("started"));
                assertTrue(d.output().contains("hostapd: following 1 control socket"),
                        "the daemon does not start the hostapd source: Daemon.java lacks the HostapdSource wiring"
                        + "\n" + d.output());
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), EARLY + " stations in STA_LIST",
                        () -> client.list(ListQuery.ALL).size() == EARLY);
                long loaded = System.nanoTime();
                System.out.printf("[hostapd-it] %d stations in STA_LIST %d ms after the daemon answered PING"
                        + " (%d ms after launch)%n", EARLY, (loaded - ready) / 1_000_000, (loaded - launched) / 1_000_000);
                List<StaListAttr> list = client.list(ListQuery.ALL);
                Set<MacAddress> expected = new TreeSet<>();
                for (int i = 1; i <= EARLY; i++) {
                    expected.add(HostapdLab.mac(i));
                }
                assertEquals(expected, macs(list));
                assertEquals(lab.authorizedStations(), macs(list), "the table is what hostapd lists");
                long now = System.currentTimeMillis();
                for (StaListAttr s : list) {
                    assertEquals(HostapdLab.AP_IF, s.ifname(), "ifname is the control socket's name");
                    assertEquals(HostapdLab.SSID, s.ssid(), "SSID from GET_CONFIG");
                    assertEquals(GROUP, s.groupId());
                    assertEquals(StaFlags.AUTHORIZED, s.flags(), "wired 802.1X: [AUTHORIZED] only");
                    // the wired driver reports no counters: hostapd prints none, so they are 0
                    assertEquals(0, s.txBytes());
                    assertEquals(0, s.rxBytes());
                    assertEquals(0, s.txPackets());
                    assertEquals(0, s.rxPackets());
                    assertTrue(s.lastSeenMs() > now - 10_000 && s.lastSeenMs() <= now, "last_seen_ms " + s.lastSeenMs());
                    assertTrue(s.assocTimeMs() > 0 && s.assocTimeMs() <= s.lastSeenMs(), "assoc_time_ms");
                }
                assertEquals(EARLY, client.list(ListQuery.ALL.ifname(HostapdLab.AP_IF)).size());
                assertEquals(EARLY, client.list(ListQuery.ALL.group(GROUP)).size());
                assertTrue(Files.exists(run.resolve("hostapd-client/" + HostapdLab.AP_IF)), "private client socket");
                assertTrue(d.output().contains("not added by stationd, left alone: [" + FOREIGN + "]"), d.output());

                // ---- 2: connect / disconnect while running -> UPSERT / REMOVE within 1 s, also via SUBSCRIBE
                List<Seen> seen = new CopyOnWriteArrayList<>();
                try (StationClient.Subscription sub = client.subscribe(e -> seen.add(new Seen(System.currentTimeMillis(), e)))) {
                    sub.acked().get(5, TimeUnit.SECONDS);
                    int n = EARLY + 1;
                    MacAddress newMac = HostapdLab.mac(n);
                    lab.addStations(n, n);
                    long connectedAt = lab.awaitEventTime("AP-STA-CONNECTED", newMac, Duration.ofSeconds(5));
                    Seen up = awaitEvent(d, seen, EventType.UPSERT, newMac, Duration.ofSeconds(2));
                    long upsertLag = up.atMs() - connectedAt;
                    System.out.printf("[hostapd-it] UPSERT at the subscriber %d ms after AP-STA-CONNECTED%n", upsertLag);
                    assertTrue(upsertLag <= 1000, "UPSERT " + upsertLag + " ms after AP-STA-CONNECTED");
                    assertEquals(HostapdLab.AP_IF, up.event().sta().ifname());
                    assertEquals(newMac, client.get(newMac).mac());

                    lab.logoff(n);
                    long disconnectedAt = lab.awaitEventTime("AP-STA-DISCONNECTED", newMac, Duration.ofSeconds(5));
                    Seen down = awaitEvent(d, seen, EventType.REMOVE, newMac, Duration.ofSeconds(2));
                    long removeLag = down.atMs() - disconnectedAt;
                    System.out.printf("[hostapd-it] REMOVE at the subscriber %d ms after AP-STA-DISCONNECTED%n", removeLag);
                    assertTrue(removeLag <= 1000, "REMOVE " + removeLag + " ms after AP-STA-DISCONNECTED");
                    assertFalse(macs(client.list(ListQuery.ALL)).contains(newMac));

                    // ---- 3: FILTER_ADD of a connected station -> deny list + deauthenticated; FILTER_DEL -> off the list
                    MacAddress victim = HostapdLab.mac(3);
                    client.filterAdd(0, victim);
                    HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), victim + " on hostapd's deny list",
                            () -> HostapdLab.quiet(() -> lab.denyList().contains(victim)));
                    HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), victim + " deauthenticated",
                            () -> HostapdLab.quiet(() -> !lab.authorizedStations().contains(victim)));
                    awaitEvent(d, seen, EventType.REMOVE, victim, Duration.ofSeconds(2));
                    assertFalse(macs(client.list(ListQuery.ALL)).contains(victim));
                    assertEquals(Set.of(victim, FOREIGN), lab.denyList());
                    client.filterDel(0, victim);
                    HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), victim + " off the deny list",
                            () -> HostapdLab.quiet(() -> lab.denyList().equals(Set.of(FOREIGN))));
                    // a filtered station that connects later is denied up front and kicked when it shows up
                    MacAddress late = HostapdLab.mac(EARLY + 5);
                    client.filterAdd(GROUP, late);
                    HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), late + " on the deny list before it connects",
                            () -> HostapdLab.quiet(() -> lab.denyList().contains(late)));
                    lab.addStationAsync(EARLY + 5); // the wired driver does not enforce the ACL: it gets in
                    long lateIn = lab.awaitEventTime("AP-STA-CONNECTED", late, Duration.ofSeconds(10));
                    long lateOut = lab.awaitEventTime("AP-STA-DISCONNECTED", late, Duration.ofSeconds(2));
                    System.out.printf("[hostapd-it] filtered late station deauthenticated %d ms after it connected%n",
                            lateOut - lateIn);
                    Seen lateUp = awaitEvent(d, seen, EventType.UPSERT, late, Duration.ofSeconds(2));
                    assertTrue((lateUp.event().sta().flags() & StaFlags.FILTERED) != 0, "shown as FILTERED while there");
                    awaitEvent(d, seen, EventType.REMOVE, late, Duration.ofSeconds(2));
                    // the log line and the event travel apart (stderr through a pump, the event through the socket)
                    HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), "the deauthentication logged",
                            () -> d.output().contains("filtered station " + late + " deauthenticated"));
                    assertFalse(macs(client.list(ListQuery.ALL)).contains(late));
                    client.filterDel(GROUP, late);
                    HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), late + " off the deny list",
                            () -> HostapdLab.quiet(() -> lab.denyList().equals(Set.of(FOREIGN))));

                    // a filter in another group does not touch this interface: a later filter of
                    // group 0 reaches the deny list, the other group's filter published before it does not
                    client.filterAdd(GROUP + 1, HostapdLab.mac(4));
                    MacAddress fence = HostapdLab.mac(EARLY + 6);
                    client.filterAdd(0, fence);
                    HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), "the later filter " + fence + " on the deny list",
                            () -> HostapdLab.quiet(() -> lab.denyList().contains(fence)));
                    assertEquals(Set.of(FOREIGN, fence), lab.denyList());
                    assertTrue(lab.authorizedStations().contains(HostapdLab.mac(4)));
                    client.filterDel(GROUP + 1, HostapdLab.mac(4));
                    client.filterDel(0, fence);
                    HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), fence + " off the deny list",
                            () -> HostapdLab.quiet(() -> lab.denyList().equals(Set.of(FOREIGN))));
                }

                // ---- 4: hostapd killed and restarted -> reconnects, the table matches hostapd again
                MacAddress kept = HostapdLab.mac(99); // a filter the restarted hostapd must get back
                client.filterAdd(0, kept);
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), kept + " on the deny list",
                        () -> HostapdLab.quiet(() -> lab.denyList().contains(kept)));
                // and hostapd's OK read by the daemon: only an entry it knows hostapd took counts as
                // restored later (killed before that, the entry is added again as a new one)
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), "the daemon's confirmation of " + kept,
                        () -> d.output().contains("hostapd wlan0: " + kept + " added to the deny list"));
                lab.killHostapd();
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(5), "the daemon to notice", () -> d.output().contains("hostapd wlan0: lost"));
                client.ping(); // still serving
                assertEquals(EARLY - 1, client.list(ListQuery.ALL).size(), "stations kept while hostapd is briefly gone");
                lab.startHostapd();
                // a restarted hostapd knows no station until they log in again
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(10), "the table to match the restarted hostapd (empty)",
                        () -> client.list(ListQuery.ALL).isEmpty());
                int a = EARLY + 2;
                lab.addStations(a, a + 2);
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), "the table to match hostapd after the restart",
                        () -> HostapdLab.quiet(() -> macs(client.list(ListQuery.ALL)).equals(lab.authorizedStations())));
                assertEquals(3, client.list(ListQuery.ALL).size());
                // the new hostapd started with an empty deny list: stationd's filter is back, nothing else
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), "the deny list restored after the restart",
                        () -> HostapdLab.quiet(() -> lab.denyList().equals(Set.of(kept))));
                assertTrue(d.output().contains("hostapd wlan0: lost"), d.output());
                // what the metrics say of this link now: up again after one reconnect, its 3
                // stations, stationd's one deny-list entry, restored after the restart
                for (String series : List.of("stationd_hostapd_up{ifname=\"wlan0\"} 1.0",
                        "stationd_hostapd_reconnects_total{ifname=\"wlan0\"} 1.0",
                        "stationd_hostapd_stations{ifname=\"wlan0\"} 3.0",
                        "stationd_hostapd_deny_list_entries{ifname=\"wlan0\"} 1.0")) {
                    HostapdLab.awaitOrDump(d, Duration.ofSeconds(5), series, () -> Endpoint.scrape(metricsPort).contains("\n" + series + "\n"));
                }
                assertTrue(Endpoint.scrape(metricsPort).lines().anyMatch(
                        l -> l.matches("stationd_hostapd_deny_list_restores_total\\{ifname=\"wlan0\"} [1-9][0-9]*\\.0")),
                        Endpoint.scrape(metricsPort));
                client.ping();
                assertEquals(0, d.stop(), d.output());
                d.output().lines().filter(l -> l.contains("hostapd") || l.contains("started"))
                        .forEach(l -> System.out.println("[hostapd-it] daemon: " + l));
                assertFalse(Files.exists(run.resolve("hostapd-client")), "client socket directory removed at exit");
            }
        }
    }

    private static Set<MacAddress> macs(List<StaListAttr> list) {
        Set<MacAddress> out = new TreeSet<>();
        for (StaListAttr s : list) {
            out.add(s.mac());
        }
        return out;
    }

    private static Seen awaitEvent(DaemonProcess d, List<Seen> seen, EventType type, MacAddress mac, Duration deadline)
            throws InterruptedException {
        Seen[] found = new Seen[1];
        HostapdLab.awaitOrDump(d, deadline, type + " " + mac + " at the subscriber", () -> {
            for (Seen s : seen) {
                if (s.event().type() == type && s.event().sta().mac().equals(mac)) {
                    found[0] = s;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
