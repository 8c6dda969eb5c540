package dev.stationd.daemon.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.config.HostapdConfig;
import dev.stationd.daemon.config.HostapdSettings;
import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.table.StationTable;
import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaListAttr;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request/reply/event handling of a link against a scripted peer on a real Unix datagram
 * socket, for the cases real hostapd does not produce on demand: replies of exactly 4096 bytes,
 * events between a reply and its fence and before a reply, a reply that never arrives because it
 * was empty, and a reply out of step. (The real hostapd is exercised by the *IT tests.)
 */
class FakeHostapdTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:0a:01");
    static final MacAddress B = MacAddress.parse("02:00:00:00:0a:02");
    static final MacAddress C = MacAddress.parse("02:00:00:00:0a:03");

    @TempDir
    Path dir;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    private ScriptedHostapd fake;
    private HostapdSource source;

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
        if (fake != null) {
            fake.close();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Binds a peer at {@code ctrl} that answers every request with the datagrams {@code script} returns. */
    private void fakeHostapd(Path ctrl, Function<String, List<String>> script) throws Exception {
        fake = ScriptedHostapd.start(group, ctrl).script(script);
    }

    private List<String> received() {
        return fake.received();
    }

    private static String sta(MacAddress mac, int targetSize) {
        StringBuilder b = new StringBuilder(mac + "\nflags=[AUTH][ASSOC][AUTHORIZED][WMM][HT]\n"
                + "rx_bytes=1000\ntx_bytes=2000\nrx_packets=10\ntx_packets=20\nsignal=-61\n"
                + "tx_rate_info=1444 mcs 15 shortGI\nrx_rate_info=65\n");
        String last = "connected_time=42\n";
        int i = 0;
        while (targetSize > 0 && b.length() + last.length() < targetSize) {
            String pad = "x_pad" + (i++) + "=";
            int room = targetSize - b.length() - last.length() - pad.length() - 1;
            b.append(pad).append("y".repeat(Math.max(0, Math.min(60, room)))).append('\n');
        }
        return b.append(last).toString();
    }

    private StationTable table() {
        return new StationTable(100, System::currentTimeMillis);
    }

    private void start(StationTable table, Path ctrl) throws Exception {
        start(table, new HostapdSettings(List.of(new HostapdConfig(ctrl, 9, true)), Duration.ofSeconds(30)));
    }

    private void start(StationTable table, HostapdSettings settings) throws Exception {
        source = source(table, settings, () -> Duration.ofSeconds(300));
        source.start(group);
    }

    private HostapdSource source(StationTable table, HostapdSettings settings, Supplier<Duration> expireAfter)
            throws IOException {
        return new HostapdSource(settings, table, expireAfter, Files.createDirectories(dir.resolve("run")),
                dir.resolve("state"));
    }

    /** @return the control socket of a fake hostapd (now {@link #fake}) with 80 stations connected */
    private Path fakeWith80Stations(String name, long firstMac) throws Exception {
        Path ctrl = dir.resolve(name);
        fake = ScriptedHostapd.start(group, ctrl);
        for (int i = 0; i < 80; i++) {
            fake.connect(new MacAddress(firstMac + i));
        }
        return ctrl;
    }

    /** Re-reads every second, at most 10 stations a second. */
    private static HostapdSettings slowResync(Path ctrl) {
        return new HostapdSettings(List.of(new HostapdConfig(ctrl, 9, true)), Duration.ofSeconds(1), 10);
    }

    private static void await(String what, BooleanSupplier c) throws InterruptedException {
        DaemonProcess.await(Duration.ofSeconds(5), what, c);
    }

    @Test
    void interleavedEventsFullSizeRepliesAndMissingEmptyReplies() throws Exception {
        Path ctrl = dir.resolve("fk0");
        fakeHostapd(ctrl, cmd -> switch (cmd) {
            case "PING" -> List.of("PONG\n");
            // an event after the reply, before the fence's PONG
            case "ATTACH" -> List.of("OK\n", "<3>CTRL-EVENT-EAP-STARTED " + C);
            case "GET_CONFIG" -> List.of("bssid=02:00:00:00:00:ff\nssid=fake\\xc3\\xa9\n");
            case "STATUS" -> List.of("state=ENABLED\nfreq=5180\nbss[0]=fk0\nssid[0]=x\n");
            case "STA-FIRST" -> List.of(sta(A, 4096));
            // an event before the reply: C connects while the walk runs
            case "STA-NEXT 02:00:00:00:0a:01" -> List.of("<3>AP-STA-CONNECTED " + C, sta(B, 0));
            // the end of the list: hostapd sends an empty datagram; here it never arrives
            case "STA-NEXT 02:00:00:00:0a:02" -> List.of();
            case "STA 02:00:00:00:0a:03" -> List.of(sta(C, 0));
            case "DENY_ACL SHOW" -> List.of();
            default -> List.of("UNKNOWN COMMAND\n");
        });
        assertEquals(4096, sta(A, 4096).length());
        StationTable table = table();
        start(table, ctrl);
        await("A, B and C", () -> table.size() == 3);
        await("UP", () -> source.status().equals("hostapd 1/1 up"));
        StaListAttr a = table.snapshot().get(A);
        assertEquals(42, (a.lastSeenMs() - a.assocTimeMs()) / 1000, "the last line of a 4096-byte reply was read");
        assertEquals("fk0", a.ifname());
        assertEquals("fake\u00e9", a.ssid(), "GET_CONFIG's printf-encoded SSID, decoded");
        assertEquals(Band.GHZ_5, a.band());
        assertEquals(9, a.groupId());
        assertEquals(144_400, a.txRateKbps());
        assertEquals(6_500, a.rxRateKbps());
        assertEquals(-61, a.signalDbm());
        assertTrue(table.snapshot().get(C) != null);
        // every request but PING and STA <mac> is fenced: what follows it is its PING, or a request
        // of the same run (which shares the PING)
        List<String> sent = received();
        for (int i = 0; i < sent.size(); i++) {
            if (fenced(sent.get(i))) {
                int j = i + 1;
                while (j < sent.size() && fenced(sent.get(j))) {
                    j++;
                }
                assertTrue(j < sent.size() && sent.get(j).equals("PING"), sent.get(i) + " without a fence: " + sent);
            }
        }
    }

    private static boolean fenced(String command) {
        return !command.equals("PING") && !command.startsWith("STA ");
    }

    @Test
    void outOfStepReplyDropsTheConnectionAndItComesBack() throws Exception {
        Path ctrl = dir.resolve("fk1");
        int[] statusCalls = {0};
        fakeHostapd(ctrl, cmd -> switch (cmd) {
            case "PING" -> List.of("PONG\n");
            case "ATTACH" -> List.of("OK\n");
            case "GET_CONFIG" -> List.of("ssid=x\n");
            // the first STATUS gets two replies: the second is where the fence PONG belongs
            case "STATUS" -> ++statusCalls[0] == 1 ? List.of("freq=0\n", "freq=0\n") : List.of("freq=2412\n");
            case "STA-FIRST" -> List.of(sta(A, 0));
            case "STA-NEXT 02:00:00:00:0a:01" -> List.of();
            case "DENY_ACL SHOW" -> List.of(A + " VLAN_ID=0\n" + B + " VLAN_ID=0\n");
            default -> List.of("OK\n");
        });
        StationTable table = table();
        start(table, ctrl);
        // the first connection may be up for a moment before the stray reply arrives: wait for the second
        await("A after the reconnect", () -> table.size() == 1 && source.status().equals("hostapd 1/1 up")
                && source.stats().get(0).reconnects() == 1);
        assertEquals(Band.GHZ_2_4, table.snapshot().get(A).band());
        assertEquals(2, fake.count("ATTACH"), "reconnected and attached again: " + received());
        assertEquals(0, fake.countStarting("DENY_ACL DEL_MAC"), "entries stationd did not add are left alone: " + received());
        HostapdLinkStats st = source.stats().get(0);
        assertEquals(1, st.reconnects(), st.toString());
        assertEquals(1, st.stations(), st.toString());
    }

    @Test
    void hostapdNotRunningIsRetriedAndClientSocketsAreCleanedUp() throws Exception {
        Path ctrl = dir.resolve("fk2");
        StationTable table = table();
        start(table, ctrl);
        await("a failed attempt", () -> !source.stats().isEmpty() && source.stats().get(0).problem() != null);
        assertEquals("hostapd 0/1 up", source.status());
        HostapdLinkStats down = source.stats().get(0);
        assertEquals(LinkState.DOWN, down.state());
        assertEquals("hostapd control socket " + ctrl + " does not exist (hostapd not running?)", down.problem(),
                "ENOENT, recognised by its exception type");
        fakeHostapd(ctrl, cmd -> switch (cmd) {
            case "PING" -> List.of("PONG\n");
            case "ATTACH", "DENY_ACL SHOW" -> List.of("OK\n");
            case "STA-FIRST" -> List.of(sta(B, 0));
            default -> List.of();
        });
        await("B once hostapd appears", () -> table.size() == 1);
        Path clientDir = dir.resolve("run").resolve(HostapdSource.CLIENT_DIR);
        assertTrue(Files.exists(clientDir.resolve("fk2")));
        source.close();
        assertFalse(Files.exists(clientDir), "client sockets removed on close");
        await("DETACH sent on close", () -> received().contains("DETACH"));
        assertEquals(LinkState.STOPPED, source.stats().get(0).state());
    }

    @Test
    void hostapdWithoutDenyAclStillDeauthenticatesFilteredStations() throws Exception {
        Path ctrl = dir.resolve("fk3");
        fakeHostapd(ctrl, cmd -> {
            if (cmd.equals("PING")) {
                return List.of("PONG\n");
            }
            if (cmd.equals("STA-FIRST")) {
                return List.of(sta(A, 0));
            }
            if (cmd.startsWith("STA-NEXT")) {
                return List.of();
            }
            if (cmd.startsWith("DENY_ACL")) {
                return List.of("UNKNOWN COMMAND\n"); // hostapd < 2.7
            }
            return List.of("OK\n");
        });
        StationTable table = table();
        start(table, ctrl);
        await("UP", () -> source.status().equals("hostapd 1/1 up"));
        source.filtersChanged(dev.stationd.daemon.table.FilterSet.empty().with(9, A));
        await("DEAUTHENTICATE A", () -> received().contains("DEAUTHENTICATE " + A));
        assertEquals(0, fake.countStarting("DENY_ACL ADD_MAC"), received().toString());
    }

    @Test
    void terminatingEventDropsTheConnectionAndTheLinkComesBack() throws Exception {
        Path ctrl = dir.resolve("fk4");
        fakeHostapd(ctrl, cmd -> null); // hostapd 2.10's own answers (the captures)
        fake.connect(A);
        StationTable table = table();
        start(table, ctrl);
        await("UP with A", () -> source.status().equals("hostapd 1/1 up") && table.size() == 1);
        fake.event("<3>CTRL-EVENT-TERMINATING ");
        await("attached again", () -> fake.count("ATTACH") == 2 && source.status().equals("hostapd 1/1 up"));
        HostapdLinkStats st = source.stats().get(0);
        assertEquals(1, st.reconnects(), st.toString());
        assertEquals(1, table.size(), "A is still listed: kept");
    }

    /** A BSS holding A, B and C; {@code deauth} answers each DEAUTHENTICATE. */
    private StationTable kickLab(Path ctrl, Function<String, List<String>> deauth) throws Exception {
        fakeHostapd(ctrl, cmd -> {
            if (cmd.equals("PING")) {
                return List.of("PONG\n");
            }
            if (cmd.equals("STA-FIRST")) {
                return List.of(sta(A, 0));
            }
            if (cmd.equals("STA-NEXT " + A)) {
                return List.of(sta(B, 0));
            }
            if (cmd.equals("STA-NEXT " + B)) {
                return List.of(sta(C, 0));
            }
            if (cmd.startsWith("STA-NEXT")) {
                return List.of();
            }
            if (cmd.startsWith("DEAUTHENTICATE ")) {
                return deauth.apply(cmd.substring("DEAUTHENTICATE ".length()));
            }
            return List.of("OK\n");
        });
        StationTable table = table();
        start(table, ctrl);
        await("UP with A, B and C", () -> source.status().equals("hostapd 1/1 up") && table.size() == 3);
        return table;
    }

    @Test
    void kickFindsWhatTheBssHoldsAndSendsOneRoundOfDeauthentications() throws Exception {
        Path ctrl = dir.resolve("fk4");
        StationTable table = kickLab(ctrl, mac -> List.of("OK\n"));
        var all = List.of(new StationKicker.Target(A, 9, "fk4"), new StationKicker.Target(B, 9, "fk4"),
                new StationKicker.Target(C, 9, "fk4"));
        assertEquals(List.of(all.get(0)), source.find(A, 0, "").get(5, java.util.concurrent.TimeUnit.SECONDS), "one MAC");
        assertEquals(List.of(), source.find(MacAddress.parse("02:00:00:00:0a:99"), 0, "").get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(all, sorted(source.find(MacAddress.ZERO, 9, "").get(5, java.util.concurrent.TimeUnit.SECONDS)), "the BSS's group");
        assertEquals(all, sorted(source.find(MacAddress.ZERO, 0, "fk4").get(5, java.util.concurrent.TimeUnit.SECONDS)), "the BSS's name");
        assertEquals(List.of(), source.find(MacAddress.ZERO, 8, "").get(5, java.util.concurrent.TimeUnit.SECONDS), "another group");
        assertEquals(List.of(), source.find(MacAddress.ZERO, 9, "fk9").get(5, java.util.concurrent.TimeUnit.SECONDS), "another BSS");

        assertEquals(all, sorted(source.kick(all).get(5, java.util.concurrent.TimeUnit.SECONDS)), "all three confirmed");
        assertEquals(List.of("DEAUTHENTICATE " + A, "DEAUTHENTICATE " + B, "DEAUTHENTICATE " + C),
                received().stream().filter(r -> r.startsWith("DEAUTHENTICATE")).toList());
        assertEquals(0, table.size(), "confirmed kicks leave the table");
        assertEquals(List.of(), source.find(A, 0, "").get(5, java.util.concurrent.TimeUnit.SECONDS), "held no more");
    }

    @Test
    void aKickLostWithTheLinkConfirmsOnlyWhatHostapdAnswered() throws Exception {
        Path ctrl = dir.resolve("fk5");
        // B's DEAUTHENTICATE gets two replies: the second is where the fence PONG belongs -> link dropped
        StationTable table = kickLab(ctrl, mac -> mac.equals(B.toString()) ? List.of("OK\n", "OK\n") : List.of("OK\n"));
        var all = List.of(new StationKicker.Target(A, 9, "fk5"), new StationKicker.Target(B, 9, "fk5"),
                new StationKicker.Target(C, 9, "fk5"));
        assertEquals(List.of(all.get(0)), source.kick(all).get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(table.snapshot().get(A) == null && table.snapshot().get(C) != null, "C was never kicked");
        assertEquals(List.of(), new HostapdSource(new HostapdSettings(List.of(), Duration.ofSeconds(30)), table,
                () -> Duration.ofSeconds(300), dir, dir.resolve("state")).find(A, 0, "").get(5, java.util.concurrent.TimeUnit.SECONDS),
                "a source that follows nothing holds nothing");
    }

    private static List<StationKicker.Target> sorted(List<StationKicker.Target> t) {
        return t.stream().sorted(java.util.Comparator.comparing(StationKicker.Target::mac)).toList();
    }

    @Test
    void theReReadRateIsTheConfiguredOneUnlessExpiryNeedsMore() throws Exception {
        Path ctrl = fakeWith80Stations("fk9", 0x020000000e00L);
        StationTable table = new StationTable(1000, System::currentTimeMillis);
        AtomicReference<Duration> expire = new AtomicReference<>(Duration.ofSeconds(300));
        source = source(table, slowResync(ctrl), expire::get);
        assertEquals(OptionalDouble.empty(), source.resyncRate(), "no interface followed before the start");
        source.start(group);
        await("80 stations", () -> table.size() == 80);
        assertEquals(10.0, source.resyncRate().orElseThrow(), "80 stations within 239 s: the configured 10 a second");
        expire.set(Duration.ofSeconds(10)); // as a reload may: 4/5 of it less the 1 s period leaves 7 s
        assertEquals(80 / 7.0, source.resyncRate().orElseThrow(), 1e-9, "80 stations within 7 s");
    }

    @Test
    void theDenyListIsReadEveryPeriodWhileAPacedReReadOfTheStationsGoesOn() throws Exception {
        Path ctrl = fakeWith80Stations("fk8", 0x020000000d00L);
        StationTable table = new StationTable(1000, System::currentTimeMillis);
        // resync every second; 80 stations at 10 a second: a paced re-read lasts at least 7.2 s
        start(table, slowResync(ctrl));
        await("80 stations", () -> table.size() == 80);
        DaemonProcess.await(Duration.ofSeconds(10), "the deny list read on attaching and in two periods after",
                () -> fake.count("DENY_ACL SHOW") >= 3);
        // the walk on attaching asked each of the 80 in turn; the paced one has not got through them
        assertTrue(fake.countStarting("STA-NEXT ") < 80 + 80, "the paced walk still going: " + received());
        assertEquals(80, table.size());
    }
}
