package dev.stationd.daemon.it.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.protocol.EventType;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.StationClient;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Address learning end to end with real programs: hostapd ({@link HostapdLab}) with each station
 * in a network namespace of its own, a real DHCP server on the AP's side ({@link DhcpLab}: dnsmasq,
 * Kea, ISC dhcpd), stations leasing with busybox {@code udhcpc} and sending a host name, and the
 * packaged daemon, following that hostapd, running in the AP's namespace (its neighbour table).
 */
class EnrichHostapdIT {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private static String yaml(HostapdLab lab, boolean neighbours, Path leases, String format) {
        return "hostapd:\n  - ctrl: " + lab.ctrl() + "\n"
                + "enrich:\n  neighbours: " + neighbours + "\n  interfaces: [" + HostapdLab.AP_IF + "]\n"
                + "  leases:\n    - { path: " + leases + ", format: " + format + " }\n";
    }

    private static void await(DaemonProcess d, StationClient c, DhcpLab dhcp, int i, String what,
            Predicate<StaListAttr> ok) throws InterruptedException {
        MacAddress mac = HostapdLab.mac(i);
        try {
            DaemonProcess.await(DEADLINE, "station " + i + ": " + what, () -> {
                StaListAttr s = c.get(mac);
                return s != null && ok.test(s);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; now " + c.get(mac) + "\ndaemon:\n" + d.output()
                    + "\nserver:\n" + dhcp.serverOutput(), e);
        }
    }

    private static Predicate<StaListAttr> has(String ipv4, String hostname) {
        return s -> s.ipv4().getHostAddress().equals(ipv4) && s.hostname().equals(hostname);
    }

    @Test
    void dnsmasqLeasesAndTheNeighbourTable() throws Exception {
        try (HostapdLab lab = HostapdLab.start(Files.createDirectories(tmp.resolve("lab")));
             DhcpLab dhcp = new DhcpLab(lab, Files.createDirectories(tmp.resolve("dhcp")))) {
            Path leases = dhcp.start(DhcpLab.Server.DNSMASQ, 120);
            for (int i = 1; i <= 3; i++) {
                lab.addStationInOwnNamespaceAsync(i);
            }
            for (int i = 1; i <= 3; i++) {
                lab.awaitAuthorized(i);
            }
            Path run = Files.createDirectories(tmp.resolve("d"));
            Path cfg = DaemonProcess.writeConfig(run, yaml(lab, true, leases, "dnsmasq"));
            try (DaemonProcess d = DaemonProcess.builder(run).config(cfg).netns(lab.apNamespace()).start();
                 StationClient c = StationClient.open(d.socket())) {
                DaemonProcess.awaitStations(d.socket(), 3, DEADLINE);
                List<StaEvent> seen = new CopyOnWriteArrayList<>();
                try (StationClient.Subscription sub = c.subscribe(seen::add)) {
                    sub.acked().get(5, TimeUnit.SECONDS);
                    // leases with host names: each station shows its address and name
                    String ip1 = dhcp.lease(1, "phone-anna", null);
                    String ip2 = dhcp.lease(2, "laptop-bob", null);
                    String ip3 = dhcp.lease(3, null, null);
                    await(d, c, dhcp, 1, ip1 + " phone-anna", has(ip1, "phone-anna"));
                    await(d, c, dhcp, 2, ip2 + " laptop-bob", has(ip2, "laptop-bob"));
                    await(d, c, dhcp, 3, ip3 + " without a name", has(ip3, ""));
                    // subscribers get an UPSERT when a learned field changes (it may reach them a moment after a query)
                    DaemonProcess.await(DEADLINE, "an UPSERT of station 1 with its host name",
                            () -> seen.stream().anyMatch(e -> e.type() == EventType.UPSERT
                                    && e.sta().mac().equals(HostapdLab.mac(1)) && e.sta().hostname().equals("phone-anna")));
                    assertEquals(HostapdLab.SSID, c.get(HostapdLab.mac(1)).ssid(), "the rest is hostapd's");
                    String list = stationctlList(d);
                    assertTrue(list.contains(ip1) && list.contains("phone-anna") && list.contains("laptop-bob"), list);

                    // a static global IPv6 address, and traffic from the AP: the neighbour table gives ipv6
                    dhcp.staticIpv6(1, "fd77::a1");
                    dhcp.trafficFromAp("fd77::a1");
                    InetAddress v6 = InetAddress.getByName("fd77::a1");
                    await(d, c, dhcp, 1, "ipv6 fd77::a1", s -> s.ipv6().equals(v6));

                    // a new lease with another address is followed
                    dhcp.release(2);
                    String ip2b = dhcp.lease(2, "laptop-bob", "10.77.0.150");
                    assertNotEquals(ip2, ip2b, "the server gave the address asked for");
                    dhcp.trafficFromAp(ip2b);
                    await(d, c, dhcp, 2, "the new lease " + ip2b, has(ip2b, "laptop-bob"));

                    // the lease released and the neighbour entry deleted: nothing is left
                    dhcp.trafficFromAp(ip3);
                    dhcp.release(3);
                    HostapdLab.run("ip", "-n", lab.apNamespace(), "neigh", "del", ip3, "dev", HostapdLab.AP_IF);
                    await(d, c, dhcp, 3, "no address any more", has("0.0.0.0", ""));

                    // a station that leaves keeps nothing stale: its record goes, and once its lease and
                    // neighbour entries are gone, the same MAC shows up again without them
                    lab.logoff(1);
                    DaemonProcess.await(DEADLINE, "station 1 removed", () -> c.get(HostapdLab.mac(1)) == null);
                    dhcp.release(1);
                    HostapdLab.run("ip", "-n", lab.stationNamespace(1), "addr", "del", "fd77::a1/64", "dev",
                            HostapdLab.stationIf(1));
                    HostapdLab.run("ip", "-n", lab.apNamespace(), "neigh", "flush", "dev", HostapdLab.AP_IF);
                    try (EventSender events = EventSender.connect(d.events())) {
                        events.send(StaEvent.upsert(1, StaListAttr.builder(HostapdLab.mac(1)).ifname(HostapdLab.AP_IF)
                                .lastSeenMs(System.currentTimeMillis()).build()));
                    }
                    await(d, c, dhcp, 1, "back, without the old address and name",
                            s -> has("0.0.0.0", "").test(s) && s.ipv6().equals(StaListAttr.NO_IPV6));
                    // station 2 lost its neighbour entry in the flush: its lease still names it
                    await(d, c, dhcp, 2, "the lease " + ip2b, has(ip2b, "laptop-bob"));
                }
                assertEquals(0, d.stop(), d.output());
            }
        }
    }

    @Test
    void keaLeases() throws Exception {
        leaseServer(DhcpLab.Server.KEA, "kea");
    }

    @Test
    void iscDhcpdLeases() throws Exception {
        leaseServer(DhcpLab.Server.ISC, "isc");
    }

    /** Leases only (no neighbour table): lease, a new lease, a release, and an expiry. */
    private void leaseServer(DhcpLab.Server server, String format) throws Exception {
        DhcpLab.assumeInstalled(server);
        try (HostapdLab lab = HostapdLab.start(Files.createDirectories(tmp.resolve("lab")));
             DhcpLab dhcp = new DhcpLab(lab, Files.createDirectories(tmp.resolve("dhcp")))) {
            int leaseSeconds = 20; // busybox udhcpc takes anything shorter than 16 s as 16 s
            Path leases = dhcp.start(server, leaseSeconds);
            lab.addStationInOwnNamespaceAsync(1);
            lab.addStationInOwnNamespaceAsync(2);
            lab.awaitAuthorized(1);
            lab.awaitAuthorized(2);
            Path run = Files.createDirectories(tmp.resolve("d"));
            Path cfg = DaemonProcess.writeConfig(run, yaml(lab, false, leases, format));
            try (DaemonProcess d = DaemonProcess.builder(run).config(cfg).netns(lab.apNamespace()).start();
                 StationClient c = StationClient.open(d.socket())) {
                DaemonProcess.awaitStations(d.socket(), 2, DEADLINE);
                String ip1 = dhcp.lease(1, "phone-anna", null);
                String ip2 = dhcp.lease(2, "laptop-bob", null);
                await(d, c, dhcp, 1, ip1 + " phone-anna", has(ip1, "phone-anna"));
                await(d, c, dhcp, 2, ip2 + " laptop-bob", has(ip2, "laptop-bob"));

                dhcp.release(2); // the server records the release: the lease gives nothing any more
                await(d, c, dhcp, 2, "released", has("0.0.0.0", ""));
                String ip2b = dhcp.lease(2, "laptop-bob", "10.77.0.150");
                assertNotEquals(ip2, ip2b, "the server gave the address asked for");
                await(d, c, dhcp, 2, "the new lease " + ip2b, has(ip2b, "laptop-bob"));

                assertTrue(has(ip1, "phone-anna").test(c.get(HostapdLab.mac(1))), "still leased: " + c.get(HostapdLab.mac(1)));
                dhcp.stopClient(1); // no renewal, no release: the lease runs out
                long stopped = System.currentTimeMillis();
                DaemonProcess.await(Duration.ofSeconds(leaseSeconds + 5), "station 1's lease to expire",
                        () -> has("0.0.0.0", "").test(c.get(HostapdLab.mac(1))));
                System.out.printf("[enrich-it] %s: lease of station 1 gone %d ms after its client stopped (lease %d s)%n",
                        server.program, System.currentTimeMillis() - stopped, leaseSeconds);
                assertEquals(ip2b, c.get(HostapdLab.mac(2)).ipv4().getHostAddress(), "station 2 renewed its lease");
                assertEquals(0, d.stop(), d.output());
            }
        }
    }

    private static String stationctlList(DaemonProcess d) throws Exception {
        Path root = Path.of(System.getProperty("stationd.root", ".."));
        Path stationctl = root.resolve("src/build/stationctl");
        if (!Files.isExecutable(stationctl)) {
            throw new AssertionError(stationctl + " not built (make -C src)");
        }
        HostapdLab.Result r = HostapdLab.run(stationctl.toString(), "-s", d.socket().toString(), "list");
        assertTrue(r.ok(), r.out());
        System.out.println("[enrich-it] stationctl list:\n" + r.out());
        return r.out();
    }
}
