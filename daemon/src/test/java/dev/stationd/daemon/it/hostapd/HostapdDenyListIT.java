package dev.stationd.daemon.it.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.persist.HostapdDenyFile;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.client.StationClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon keeping hostapd's deny list against a real hostapd (see {@link HostapdLab}) when
 * hostapd loses it (a reload, {@code SIGHUP}, puts the list back to hostapd's
 * {@code deny_mac_file} while the control connection stays up) and when stationd was stopped
 * while a filter was deleted ({@code hostapd-deny.conf} still knows the entry as stationd's).
 */
class HostapdDenyListIT {
    static final Duration RESYNC = Duration.ofSeconds(2);
    /** An entry of hostapd's own deny_mac_file: not stationd's, left alone, back after a reload. */
    static final MacAddress FROM_FILE = MacAddress.parse("02:99:00:00:00:02");

    @TempDir
    Path tmp;

    /** @return a lab whose hostapd has {@link #FROM_FILE} in its deny_mac_file */
    private HostapdLab labWithFileEntry() throws Exception {
        HostapdLab lab = HostapdLab.start(Files.createDirectories(tmp.resolve("lab")));
        try {
            Files.writeString(lab.denyMacFile(), FROM_FILE + "\n");
            lab.reloadHostapd(); // the file is read at start and at reload
            assertEquals(Set.of(FROM_FILE), lab.denyList());
            return lab;
        } catch (Exception | AssertionError e) {
            lab.close();
            throw e;
        }
    }

    private static Path config(Path run, HostapdLab lab) throws java.io.IOException {
        return DaemonProcess.writeConfig(run, "hostapd:\n  - ctrl: " + lab.ctrl()
                + "\nhostapd_resync: " + RESYNC.toSeconds() + "s\nlog:\n  level: info\n");
    }

    private static void awaitOrDump(DaemonProcess d, HostapdLab lab, Duration deadline, String what, BooleanSupplier c)
            throws InterruptedException {
        try {
            DaemonProcess.await(deadline, what, c);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ndaemon output:\n" + d.output() + "\nhostapd log:\n"
                    + lab.hostapdLog(), e);
        }
    }

    private static Set<MacAddress> denyList(HostapdLab lab) {
        try {
            return lab.denyList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean authorized(HostapdLab lab, MacAddress mac) {
        try {
            return lab.authorizedStations().contains(mac);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits for {@code n} more resyncs: each re-reads the connected station {@code mac} and so
     * refreshes its {@code last_seen_ms}. A resync reads the deny list after the stations and the
     * commands it queues are answered before the next resync's, so after two of them everything
     * the first one sent to hostapd is done.
     */
    private static void awaitResyncs(DaemonProcess d, HostapdLab lab, StationClient client, MacAddress mac, int n)
            throws InterruptedException {
        Set<Long> seen = new java.util.HashSet<>();
        awaitOrDump(d, lab, RESYNC.multipliedBy(n + 1), n + " resyncs (last_seen_ms of " + mac + " refreshed)", () -> {
            long s = seen(client, mac);
            if (s > 0) {
                seen.add(s);
            }
            return seen.size() >= n + 1;
        });
    }

    /** @return the station's last_seen_ms, 0 when it is not in the table */
    private static long seen(StationClient client, MacAddress mac) {
        var s = client.get(mac);
        return s == null ? 0 : s.lastSeenMs();
    }

    private static long lines(String output, String text) {
        return output.lines().filter(l -> l.contains(text)).count();
    }

    @Test
    void aReloadOfHostapdThatEmptiesTheDenyListIsRepairedWithinOneResyncPeriod() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("d"));
        try (HostapdLab lab = labWithFileEntry()) {
            lab.addStations(1, 2);
            MacAddress victim = HostapdLab.mac(2);
            MacAddress absent = HostapdLab.mac(60); // filtered, not connected
            Path cfg = config(run, lab);
            try (DaemonProcess d = DaemonProcess.start(run, cfg);
                 StationClient client = StationClient.open(d.socket())) {
                client.filterAdd(0, victim);
                client.filterAdd(0, absent);
                awaitOrDump(d, lab, Duration.ofSeconds(2), "both filters on the deny list",
                        () -> denyList(lab).equals(Set.of(FROM_FILE, victim, absent)));
                awaitOrDump(d, lab, Duration.ofSeconds(2), victim + " deauthenticated", () -> !authorized(lab, victim));

                lab.reloadHostapd();
                long reloaded = System.nanoTime();
                assertEquals(Set.of(FROM_FILE), lab.denyList(), "hostapd's reload put the list back to its file");
                awaitOrDump(d, lab, RESYNC.multipliedBy(2), "the deny list restored",
                        () -> denyList(lab).equals(Set.of(FROM_FILE, victim, absent)));
                long ms = (System.nanoTime() - reloaded) / 1_000_000;
                System.out.printf("[hostapd-it] deny list restored %d ms after SIGHUP (hostapd_resync %ds)%n", ms,
                        RESYNC.toSeconds());
                assertTrue(ms <= RESYNC.toMillis() + 500, "restored " + ms + " ms after the reload, more than one"
                        + " resync period (" + RESYNC.toMillis() + " ms)");
                String line = "hostapd wlan0: hostapd's deny list lost 2 of our entries (hostapd reloaded?); restored";
                awaitOrDump(d, lab, Duration.ofSeconds(2), "the log line", () -> d.output().contains(line));

                // the filtered station logs in again: it is kicked each time, it cannot stay
                long before = System.currentTimeMillis();
                lab.reauthenticate(2);
                long in = lab.awaitEventAfter("AP-STA-CONNECTED", victim, before, Duration.ofSeconds(10));
                long out = lab.awaitEventAfter("AP-STA-DISCONNECTED", victim, in, Duration.ofSeconds(2));
                System.out.printf("[hostapd-it] filtered station kicked %d ms after it logged in again%n", out - in);
                assertTrue(out - in <= 1000, "kicked " + (out - in) + " ms after it logged in");
                awaitOrDump(d, lab, Duration.ofSeconds(2), victim + " not authorized", () -> !authorized(lab, victim));

                // the reload also dropped station 1; back, it is re-read at every resync (last_seen_ms):
                // two resyncs later still exactly one line about the loss
                lab.reauthenticate(1);
                MacAddress one = HostapdLab.mac(1);
                awaitOrDump(d, lab, Duration.ofSeconds(10), one + " back in the table", () -> seen(client, one) > 0);
                awaitResyncs(d, lab, client, one, 2);
                assertEquals(1, lines(d.output(), "hostapd's deny list lost"), d.output());
                assertEquals(Set.of(FROM_FILE, victim, absent), lab.denyList());
                assertEquals(0, d.stop(), d.output());
            }
        }
    }

    @Test
    void anEntryWhoseFilterWasDeletedWhileStationdWasStoppedIsTakenOffAtTheNextStart() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("d"));
        try (HostapdLab lab = labWithFileEntry()) {
            MacAddress kept = HostapdLab.mac(70);
            MacAddress dropped = HostapdLab.mac(71);
            Path cfg = config(run, lab);
            try (DaemonProcess d = DaemonProcess.start(run, cfg)) {
                try (StationClient client = StationClient.open(d.socket())) {
                    client.filterAdd(0, kept);
                    client.filterAdd(0, dropped);
                }
                awaitOrDump(d, lab, Duration.ofSeconds(2), "both filters on the deny list",
                        () -> denyList(lab).equals(Set.of(FROM_FILE, kept, dropped)));
                Path ledger = d.stateDir().resolve(HostapdDenyFile.FILE_NAME);
                assertEquals(Map.of(HostapdLab.AP_IF, Set.of(kept, dropped)), new HostapdDenyFile(d.stateDir()).load(),
                        "recorded in " + ledger);
                assertEquals(0, d.stop(), d.output());

                // while stationd is stopped, one filter goes (filters.conf may be edited while it is stopped)
                new FilterFile(d.stateDir()).save(FilterSet.empty().with(0, kept));
                assertEquals(Set.of(FROM_FILE, kept, dropped), lab.denyList(), "hostapd kept its list meanwhile");

                d.restart();
                awaitOrDump(d, lab, Duration.ofSeconds(5), dropped + " taken off the deny list at the start",
                        () -> denyList(lab).equals(Set.of(FROM_FILE, kept)));
                awaitOrDump(d, lab, Duration.ofSeconds(2), "the log line",
                        () -> d.output().contains("hostapd wlan0: " + dropped + " removed from the deny list"));
                assertFalse(d.output().contains("left alone: [" + dropped), "not taken for someone else's:\n" + d.output());
                assertTrue(d.output().contains("not added by stationd, left alone: [" + FROM_FILE + "]"), d.output());
                DaemonProcess.await(Duration.ofSeconds(2), "the record updated", () -> {
                    try {
                        return new HostapdDenyFile(d.stateDir()).load().equals(Map.of(HostapdLab.AP_IF, Set.of(kept)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertEquals(0, d.stop(), d.output());
            }
        }
    }

    private static List<MacAddress> macs(long first, int n) {
        List<MacAddress> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new MacAddress(first + i));
        }
        return out;
    }

    @Test
    void aDenyListLongerThanOneReplyIsKeptWholeAndRestored() throws Exception {
        Path labDir = Files.createDirectories(tmp.resolve("lab"));
        Path run = Files.createDirectories(tmp.resolve("d"));
        try (HostapdLab lab = HostapdLab.start(labDir)) {
            // 200 entries in hostapd's own file, all below stationd's 300: a SHOW reply shows only file entries
            List<MacAddress> fromFile = macs(0x0200_0001_0000L, 200);
            List<MacAddress> ours = macs(0x025d_0001_0000L, 300);
            StringBuilder file = new StringBuilder();
            fromFile.forEach(m -> file.append(m).append('\n'));
            Files.writeString(lab.denyMacFile(), file);
            lab.reloadHostapd();
            String show = lab.cli("raw", "DENY_ACL SHOW");
            List<String> lines = show.lines().filter(l -> l.endsWith(" VLAN_ID=0")).toList();
            assertEquals(146, lines.size(), "hostapd 2.10 cuts DENY_ACL SHOW at the last whole line of 28 bytes that"
                    + " fits in 4096 with its NUL");
            assertEquals(fromFile.subList(0, 146).stream().map(m -> m + " VLAN_ID=0").toList(), lines,
                    "sorted by MAC: the lowest are shown");

            lab.addStation(1);
            MacAddress one = HostapdLab.mac(1);
            Path cfg = config(run, lab);
            Set<MacAddress> everything = new TreeSet<>(fromFile);
            everything.addAll(ours);
            try (DaemonProcess d = DaemonProcess.start(run, cfg);
                 StationClient client = StationClient.open(d.socket())) {
                for (MacAddress m : ours) {
                    client.filterAdd(0, m);
                }
                awaitOrDump(d, lab, Duration.ofSeconds(5), "300 entries recorded", () -> recorded(d) == 300);
                awaitResyncs(d, lab, client, one, 2);
                assertEquals(everything, lab.drainDenyList(), "all 500 entries on hostapd's list");

                // the list is now empty: the next resync sees a whole (empty) reply and puts back its 300
                // (how many one line counts depends on whether a resync ran while the list was drained)
                awaitOrDump(d, lab, RESYNC.multipliedBy(2), "the log line", () -> d.output().lines().anyMatch(l ->
                        l.contains("hostapd wlan0: hostapd's deny list lost ") && l.endsWith("(hostapd reloaded?); restored")));
                awaitResyncs(d, lab, client, one, 2);
                assertEquals(new TreeSet<>(ours), lab.drainDenyList());

                // a reload brings back the 200 of the file; stationd's 300 lie above what a reply shows
                lab.reloadHostapd();
                lab.reauthenticate(1); // the reload dropped it
                awaitResyncs(d, lab, client, one, 2);
                assertEquals(everything, lab.drainDenyList(), "stationd's entries above the cut were sent again");
                assertEquals(0, d.stop(), d.output());
            }
        }
    }

    private static int recorded(DaemonProcess d) {
        try {
            return new HostapdDenyFile(d.stateDir()).load().getOrDefault(HostapdLab.AP_IF, Set.of()).size();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
