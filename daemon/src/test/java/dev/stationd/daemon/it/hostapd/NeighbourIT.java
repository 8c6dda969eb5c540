package dev.stationd.daemon.it.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon learning addresses from the kernel's neighbour table over rtnetlink: it runs
 * inside a network namespace of its own whose entries the test adds, changes and deletes with
 * {@code ip neigh}; stations arrive as {@code sta_event}s without addresses.
 */
class NeighbourIT {
    private static final MacAddress A = MacAddress.parse("02:5e:00:00:00:0a");
    private static final MacAddress B = MacAddress.parse("02:5e:00:00:00:0b");
    private static final MacAddress C = MacAddress.parse("02:5e:00:00:00:0c");
    private static final MacAddress D = MacAddress.parse("02:5e:00:00:00:0d");
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static StaEvent upsert(MacAddress mac, String ipv4) {
        return StaEvent.upsert(1, StaListAttr.builder(mac).ifname("wlan0").ssid("lab").lastSeenMs(System.currentTimeMillis())
                .ipv4(StaListAttr.parseIpv4(ipv4)).build());
    }

    private static void await(DaemonProcess d, StationClient c, MacAddress mac, String what,
            Function<StaListAttr, Object> field, Object expected) throws InterruptedException {
        try {
            DaemonProcess.await(DEADLINE, mac + " " + what + " = " + expected, () -> {
                StaListAttr s = c.get(mac);
                return s != null && expected.equals(field.apply(s));
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; station now " + c.get(mac) + "\n" + d.output(), e);
        }
    }

    /**
     * @return the first event of {@code seen} that matches, once the subscriber has one: a query can
     *     show a change a moment before the subscriber reads its event
     */
    private static StaEvent awaitEvent(List<StaEvent> seen, String what, Predicate<StaEvent> match)
            throws InterruptedException {
        DaemonProcess.await(DEADLINE, what, () -> seen.stream().anyMatch(match));
        return seen.stream().filter(match).findFirst().orElseThrow();
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void followsTheNeighbourTable() throws Exception {
        try (Netns ns = Netns.create("sdnb")) {
            ns.ip("link", "add", "br-lan", "type", "veth", "peer", "name", "wan0");
            ns.ip("link", "set", "br-lan", "up");
            ns.ip("link", "set", "wan0", "up");
            // an entry from before the daemon starts: its first dump finds it
            ns.ip("neigh", "add", "10.1.0.13", "lladdr", D.toString(), "dev", "br-lan", "nud", "stale");
            Path cfg = DaemonProcess.writeConfig(dir, "enrich:\n  neighbours: true\n  interfaces: [br-lan]\n");
            try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).netns(ns.name()).start();
                 StationClient c = StationClient.open(d.socket());
                 EventSender events = EventSender.connect(d.events())) {
                DaemonProcess.await(DEADLINE, "the first dump", () -> d.output().contains("neighbour table loaded (1 entries)"));
                List<StaEvent> seen = new CopyOnWriteArrayList<>();
                try (StationClient.Subscription sub = c.subscribe(seen::add)) {
                    sub.acked().get(5, TimeUnit.SECONDS);
                    events.send(upsert(D, "0.0.0.0"));
                    await(d, c, D, "ipv4", s -> s.ipv4().getHostAddress(), "10.1.0.13");
                    events.send(upsert(A, "0.0.0.0"));
                    events.send(upsert(B, "0.0.0.0"));
                    DaemonProcess.awaitStations(d.socket(), 3, DEADLINE);

                    ns.ip("neigh", "add", "10.1.0.10", "lladdr", A.toString(), "dev", "br-lan", "nud", "reachable");
                    await(d, c, A, "ipv4", s -> s.ipv4().getHostAddress(), "10.1.0.10");
                    StaEvent up = awaitEvent(seen, "A's UPSERT with 10.1.0.10", e -> e.type() == EventType.UPSERT
                            && e.sta().mac().equals(A) && e.sta().ipv4().getHostAddress().equals("10.1.0.10"));
                    assertEquals("wlan0", up.sta().ifname(), "the subscriber's UPSERT carries the whole station");

                    // B's entry is on an interface not listed: it does not count. A's IPv6 entry after it is
                    // applied after it, so once A shows its address B's entry has been seen too.
                    ns.ip("neigh", "add", "10.2.0.11", "lladdr", B.toString(), "dev", "wan0", "nud", "reachable");
                    ns.ip("neigh", "add", "fe80::a", "lladdr", A.toString(), "dev", "br-lan", "nud", "reachable");
                    await(d, c, A, "ipv6", StaListAttr::ipv6, ip("fe80::a"));
                    assertEquals(StaListAttr.NO_IPV4, c.get(B).ipv4());
                    // a global address wins over the link-local one, even when confirmed earlier
                    ns.ip("neigh", "add", "2001:db8::a", "lladdr", A.toString(), "dev", "br-lan", "nud", "stale");
                    await(d, c, A, "ipv6", StaListAttr::ipv6, ip("2001:db8::a"));

                    // the station's address changes: the new entry, confirmed now, wins over the old STALE one
                    ns.ip("neigh", "change", "10.1.0.10", "lladdr", A.toString(), "dev", "br-lan", "nud", "stale");
                    ns.ip("neigh", "add", "10.1.0.20", "lladdr", A.toString(), "dev", "br-lan", "nud", "reachable");
                    await(d, c, A, "ipv4", s -> s.ipv4().getHostAddress(), "10.1.0.20");
                    ns.ip("neigh", "del", "10.1.0.20", "dev", "br-lan");
                    await(d, c, A, "ipv4", s -> s.ipv4().getHostAddress(), "10.1.0.10");
                    ns.ip("neigh", "del", "10.1.0.10", "dev", "br-lan");
                    await(d, c, A, "ipv4", s -> s.ipv4().getHostAddress(), "0.0.0.0");

                    // the source's own address wins; its zero falls back to what was learned
                    ns.ip("neigh", "add", "10.1.0.10", "lladdr", A.toString(), "dev", "br-lan", "nud", "reachable");
                    await(d, c, A, "ipv4", s -> s.ipv4().getHostAddress(), "10.1.0.10");
                    events.send(upsert(A, "192.168.7.7"));
                    await(d, c, A, "ipv4", s -> s.ipv4().getHostAddress(), "192.168.7.7");
                    events.send(upsert(A, "0.0.0.0"));
                    await(d, c, A, "ipv4", s -> s.ipv4().getHostAddress(), "10.1.0.10");

                    // learned before the MAC is a station: it has its address from its first UPSERT on
                    ns.ip("neigh", "add", "10.1.0.12", "lladdr", C.toString(), "dev", "br-lan", "nud", "permanent");
                    // an entry for A after C's: once A shows it, C's entry has been applied
                    ns.ip("neigh", "add", "2001:db8::b", "lladdr", A.toString(), "dev", "br-lan", "nud", "reachable");
                    await(d, c, A, "ipv6", StaListAttr::ipv6, ip("2001:db8::b"));
                    events.send(upsert(C, "0.0.0.0"));
                    await(d, c, C, "ipv4", s -> s.ipv4().getHostAddress(), "10.1.0.12");
                    StaEvent first = awaitEvent(seen, "C's first event", e -> e.sta().mac().equals(C));
                    assertEquals("10.1.0.12", first.sta().ipv4().getHostAddress(), "already in the station's first UPSERT");
                }
                assertEquals(0, d.stop(), d.output());
                assertTrue(d.output().contains("enrich: learning addresses from the neighbour table"), d.output());
            }
        }
    }

    @Test
    void refusedAtStartWithoutTheLibrary() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "enrich:\n  neighbours: true\n");
        DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(List.of()).launch(); // no -Djava.library.path
        try {
            assertEquals(78, d.awaitExit(Duration.ofSeconds(30)), d.output());
            assertTrue(d.output().contains("cannot start: enrich.neighbours needs the daemon's JNI library"), d.output());
            assertTrue(Files.notExists(dir.resolve("stationd.sock")), "no socket: nothing started");
        } finally {
            d.close();
        }
    }
}
