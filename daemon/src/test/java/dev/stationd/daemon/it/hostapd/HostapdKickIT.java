package dev.stationd.daemon.it.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import dev.stationd.protocol.client.StationdException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code STA_KICK} end to end: the packaged daemon following a real hostapd ({@link HostapdLab},
 * driver {@code wired}): one station is kicked off hostapd and out of the table; a group of three
 * goes in one request; a ban keeps a kicked station out until it ends (the wired driver ignores
 * the deny list, so stationd deauthenticates the station each time it authenticates again) and
 * lets it back after.
 */
class HostapdKickIT {
    static final int GROUP = 7;

    @TempDir
    Path tmp;

    @Test
    void kickOneAGroupAndABanThatEnds() throws Exception {
        Path labDir = Files.createDirectories(tmp.resolve("lab"));
        Path run = Files.createDirectories(tmp.resolve("d"));
        try (HostapdLab lab = HostapdLab.start(labDir)) {
            lab.addStations(1, 4);
            Path cfg = DaemonProcess.writeConfig(run, "hostapd:\n  - ctrl: " + lab.ctrl() + "\n    group_id: " + GROUP
                    + "\nlog:\n  level: info\n");
            try (DaemonProcess d = DaemonProcess.start(run, cfg);
                 StationClient client = StationClient.open(d.socket())) {
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(10), "4 stations in the table",
                        () -> client.list(ListQuery.ALL).size() == 4);

                // ---- one station: off hostapd's list and out of the table when the ACK comes
                MacAddress one = HostapdLab.mac(1);
                client.kick(one);
                assertNull(client.get(one), "out of the table at the ACK");
                assertFalse(lab.authorizedStations().contains(one), "off hostapd's all_sta at the ACK");
                // the log line reaches the test through a pump of its own, apart from the reply
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(2), "the kick logged",
                        () -> d.output().contains("hostapd wlan0: station " + one + " kicked"));
                assertTrue(client.filterDump().isEmpty(), "a kick without --ban makes no filter");
                StationdException gone = assertThrows(StationdException.class, () -> client.kick(one));
                assertEquals(ErrorCode.E_NOENT, gone.errorCode(), "no followed BSS holds it any more");

                // ---- a group of three: one request
                Set<MacAddress> three = new TreeSet<>(Set.of(HostapdLab.mac(2), HostapdLab.mac(3), HostapdLab.mac(4)));
                assertEquals(three, macs(client), "the group's stations");
                client.kickAll(GROUP, "", Duration.ZERO);
                assertEquals(Set.of(), macs(client), "all three out of the table at the ACK");
                for (MacAddress m : three) {
                    assertFalse(lab.authorizedStations().contains(m), m + " still on hostapd");
                }
                StationdException perGroupNone = assertThrows(StationdException.class,
                        () -> client.kick(HostapdLab.mac(9)));
                assertEquals(ErrorCode.E_NOENT, perGroupNone.errorCode());

                // ---- a ban: kept out until it ends, let back after
                int i = 5;
                MacAddress banned = HostapdLab.mac(i);
                lab.addStations(i, i);
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(5), banned + " in the table", () -> client.get(banned) != null);
                long kickedAt = System.currentTimeMillis();
                client.kick(banned, Duration.ofSeconds(8));
                assertNull(client.get(banned));
                FilterAttr ban = client.filterDump().stream().filter(f -> f.mac().equals(banned)).findFirst().orElse(null);
                assertNotNull(ban, "the ban is a filter, durable at the ACK");
                assertEquals(GROUP, ban.groupId(), "in the station's group");
                assertTrue(ban.timed() && ban.expiresMs() >= kickedAt + 8000, "timed: " + ban);

                long kickedOut = lab.awaitEventTime("AP-STA-DISCONNECTED", banned, Duration.ofSeconds(5));
                lab.reauthenticate(i); // it tries to come back during the ban
                long retried = awaitLogAfter(lab, "STA " + banned + " IEEE 802.1X: received EAPOL-Start", kickedOut,
                        Duration.ofSeconds(15));
                // Either hostapd refuses it at once (the ban is on its deny list by now), or it lets it in
                // and stationd puts it out again: both keep it out.
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(5), banned + " out again",
                        () -> HostapdLab.quiet(() -> !lab.authorizedStations().contains(banned)) && client.get(banned) == null
                                && (logTimeAfter(lab, "AP-STA-CONNECTED " + banned, retried) < 0
                                    || logTimeAfter(lab, "AP-STA-DISCONNECTED " + banned,
                                            logTimeAfter(lab, "AP-STA-CONNECTED " + banned, retried)) >= 0));
                long back = logTimeAfter(lab, "AP-STA-CONNECTED " + banned, retried);
                System.out.println(back < 0 ? "[hostapd-kick-it] banned station refused by hostapd's deny list"
                        : String.format("[hostapd-kick-it] banned station deauthenticated %d ms after it came back",
                                logTimeAfter(lab, "AP-STA-DISCONNECTED " + banned, back) - back));
                assertTrue(System.currentTimeMillis() < ban.expiresMs(), "all this happened during the ban");

                // ended = gone from stationd's filters and from hostapd's deny list (the enforcer removes
                // it there a moment later; a station let in before that is refused again)
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(15), "the ban to end",
                        () -> client.filterDump().stream().noneMatch(f -> f.mac().equals(banned))
                                && HostapdLab.quiet(() -> !lab.denyList().contains(banned)));
                assertTrue(System.currentTimeMillis() >= ban.expiresMs(), "not before its expiry");
                lab.reauthenticate(i);
                lab.awaitAuthorized(i);
                HostapdLab.awaitOrDump(d, Duration.ofSeconds(5), banned + " back in the table", () -> client.get(banned) != null);
                StaListAttr again = client.get(banned);
                assertEquals(GROUP, again.groupId());
                assertEquals(Set.of(banned), lab.authorizedStations(), "let back after the ban");
                assertEquals(0, d.stop(), d.output());
            }
        }
    }

    /** Waits for hostapd to log {@code what} (after the interface name) later than {@code afterMs}; returns when it did. */
    private static long awaitLogAfter(HostapdLab lab, String what, long afterMs, Duration deadline)
            throws InterruptedException {
        long[] found = {-1};
        try {
            DaemonProcess.await(deadline, what + " after " + afterMs, () -> (found[0] = logTimeAfter(lab, what, afterMs)) >= 0);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nhostapd log:\n" + lab.hostapdLog(), e);
        }
        return found[0];
    }

    /** @return when hostapd first logged {@code what} (after the interface name) later than {@code afterMs}, or -1 */
    private static long logTimeAfter(HostapdLab lab, String what, long afterMs) {
        if (afterMs < 0) {
            return -1;
        }
        String needle = HostapdLab.AP_IF + ": " + what;
        for (String line : lab.hostapdLog().split("\n")) {
            if (line.contains(needle)) {
                long at = Math.round(Double.parseDouble(line.substring(0, line.indexOf(':'))) * 1000);
                if (at > afterMs) {
                    return at;
                }
            }
        }
        return -1;
    }

    private static Set<MacAddress> macs(StationClient client) {
        Set<MacAddress> out = new TreeSet<>();
        for (StaListAttr s : client.list(ListQuery.ALL)) {
            out.add(s.mac());
        }
        return out;
    }
}
