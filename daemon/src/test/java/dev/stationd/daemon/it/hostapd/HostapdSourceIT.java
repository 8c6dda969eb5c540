package dev.stationd.daemon.it.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.config.HostapdConfig;
import dev.stationd.daemon.config.HostapdSettings;
import dev.stationd.daemon.hostapd.HostapdSource;
import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HostapdSource} in this JVM against a real hostapd (see {@link HostapdLab}): the parts
 * that need a hostapd that dies and comes back, and the filter-expiry interplay, checked
 * directly on the table.
 */
class HostapdSourceIT {
    @TempDir
    Path dir;

    private HostapdLab lab;
    private EventLoopGroup group;
    private StationTable table;
    private HostapdSource source;

    @BeforeEach
    void setUp() throws Exception {
        lab = HostapdLab.start(dir);
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        table = new StationTable(1000, System::currentTimeMillis);
    }

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private void startSource(Duration expireAfter, boolean enforce) {
        HostapdSettings settings = new HostapdSettings(List.of(new HostapdConfig(lab.ctrl(), 5, enforce)),
                Duration.ofSeconds(30));
        source = new HostapdSource(settings, table, () -> expireAfter, dir.resolve("run"), dir.resolve("state"));
        source.start(group);
    }

    private Set<MacAddress> tableMacs() {
        Set<MacAddress> out = new TreeSet<>();
        for (StaListAttr s : table.snapshot().all()) {
            out.add(s.mac());
        }
        return out;
    }

    private static void await(Duration d, String what, BooleanSupplier c) throws InterruptedException {
        DaemonProcess.await(d, what, c);
    }

    private String problem() {
        return source.stats().get(0).problem();
    }

    @Test
    void loadsStationsAndFollowsHostapdThroughARestart() throws Exception {
        long login = lab.addStations(1, 3);
        Files.createDirectories(dir.resolve("run"));
        long t0 = System.nanoTime();
        startSource(Duration.ofSeconds(300), true);
        await(Duration.ofSeconds(2), "3 stations", () -> table.size() == 3);
        System.out.printf("[hostapd-it] 3 station logins took %d ms%n", login);
        System.out.printf("[hostapd-it] 3 stations in the table %d ms after start%n", (System.nanoTime() - t0) / 1_000_000);
        StaListAttr s = table.snapshot().get(HostapdLab.mac(1));
        assertEquals(HostapdLab.AP_IF, s.ifname());
        assertEquals(HostapdLab.SSID, s.ssid());
        assertEquals(5, s.groupId());
        assertEquals(StaFlags.AUTHORIZED, s.flags());
        assertTrue(Files.exists(dir.resolve("run/hostapd-client/" + HostapdLab.AP_IF)), "private client socket");

        lab.killHostapd();
        // SIGKILL leaves the socket file: the reconnects are refused (ECONNREFUSED), said so by errno.
        // The loss shows at the next request: at once when one is sent to the dead socket, after the
        // request timeout (5 s) when one was in flight at the kill (a PING every second).
        await(Duration.ofSeconds(10), "a refused reconnect", () -> String.valueOf(problem()).startsWith("nothing listens"));
        assertEquals("nothing listens on hostapd control socket " + lab.ctrl()
                + " (hostapd not running; the file is left from one that exited)", problem());
        assertEquals(3, table.size(), "stations are kept while hostapd is gone for less than expire_after");
        assertEquals("hostapd 0/1 up", source.status());
        lab.startHostapd();
        // a restarted hostapd knows no stations until they authenticate again
        await(Duration.ofSeconds(10), "the table to match the restarted hostapd (empty)", () -> table.size() == 0);
        lab.addStation(4);
        await(Duration.ofSeconds(2), "station 4 after the restart", () -> tableMacs().equals(Set.of(HostapdLab.mac(4))));
        assertEquals("hostapd 1/1 up", source.status());
        assertEquals(1, source.stats().get(0).reconnects());
        source.close();
        assertFalse(Files.exists(dir.resolve("run/hostapd-client")), "client socket directory removed on close");
    }

    @Test
    void stationsAreFlushedOnlyAfterHostapdWasGoneLongerThanExpireAfter() throws Exception {
        lab.addStation(1);
        Files.createDirectories(dir.resolve("run"));
        startSource(Duration.ofSeconds(3), false);
        await(Duration.ofSeconds(2), "station 1", () -> table.size() == 1 && source.status().equals("hostapd 1/1 up"));
        lab.killHostapd();
        long gone = System.nanoTime();
        await(Duration.ofSeconds(8), "the flush", () -> table.size() == 0);
        long ms = (System.nanoTime() - gone) / 1_000_000;
        assertTrue(ms >= 3000, "flushed before expire_after (3s): after " + ms + " ms");
        System.out.printf("[hostapd-it] flushed %d ms after hostapd was killed (expire_after 3s)%n", ms);
    }

    @Test
    void filterMatchingAConnectedStationDeniesAndDeauthenticatesIt() throws Exception {
        lab.addStations(1, 2);
        Files.createDirectories(dir.resolve("run"));
        lab.cli("raw", "DENY_ACL ADD_MAC 02:99:00:00:00:01"); // not stationd's: must be left alone
        startSource(Duration.ofSeconds(300), true);
        await(Duration.ofSeconds(2), "2 stations", () -> table.size() == 2);
        source.filtersChanged(FilterSet.empty().with(0, HostapdLab.mac(2)));
        await(Duration.ofSeconds(2), "station 2 deauthenticated", () -> {
            try {
                return !lab.authorizedStations().contains(HostapdLab.mac(2));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(Set.of(HostapdLab.mac(2), MacAddress.parse("02:99:00:00:00:01")), lab.denyList());
        await(Duration.ofSeconds(1), "station 2 removed", () -> tableMacs().equals(Set.of(HostapdLab.mac(1))));
        source.filtersChanged(FilterSet.empty());
        await(Duration.ofSeconds(2), "deny list back to the foreign entry", () -> {
            try {
                return lab.denyList().equals(Set.of(MacAddress.parse("02:99:00:00:00:01")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
