package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.hostapd.StationKicker;
import dev.stationd.daemon.hostapd.StationKicker.Target;
import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.persist.FilterService;
import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.Command;
import dev.stationd.protocol.ErrorCode;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.codec.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of a {@code STA_KICK} against a real filter service and a scripted BSS holding three
 * stations: find, ban (durably, before anything is kicked), kick, answer.
 */
class StaKickTest {
    private static final MacAddress A = MacAddress.parse("02:00:00:00:0b:01");
    private static final MacAddress B = MacAddress.parse("02:00:00:00:0b:02");
    private static final MacAddress C = MacAddress.parse("02:00:00:00:0b:03");
    private static final List<Target> HELD = List.of(new Target(A, 3, "wlan0"), new Target(B, 3, "wlan0"),
            new Target(C, 4, "wlan1"));

    @TempDir
    Path dir;
    private FilterService filters;
    /** What kick() was asked, with the filters durable at that moment. */
    private final List<List<Target>> kicked = new ArrayList<>();
    private final List<FilterSet> filtersAtKick = new ArrayList<>();
    private boolean confirm = true;

    private final StationKicker bss = new StationKicker() {
        @Override
        public CompletableFuture<List<Target>> find(MacAddress mac, int groupId, String ifname) {
            return CompletableFuture.completedFuture(HELD.stream().filter(t -> mac.isZero()
                    ? (groupId == 0 || t.groupId() == groupId) && (ifname.isEmpty() || t.ifname().equals(ifname))
                    : t.mac().equals(mac)).toList());
        }

        @Override
        public CompletableFuture<List<Target>> kick(List<Target> targets) {
            kicked.add(targets);
            filtersAtKick.add(filters.current());
            return CompletableFuture.completedFuture(confirm ? targets : List.of());
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        filters = FilterService.open(new FilterFile(dir), 4, s -> { });
    }

    @AfterEach
    void tearDown() {
        filters.close();
    }

    private Reply kick(CloudCmdAttr cmd) throws Exception {
        return new StaKick(bss, filters).run(cmd).get(10, TimeUnit.SECONDS);
    }

    private static CloudCmdAttr one(MacAddress mac, long ban) {
        return CloudCmdAttr.forMac(Command.STA_KICK, mac, 0).withLifetime(ban);
    }

    private static CloudCmdAttr group(int g, String ifname, long ban) {
        return new CloudCmdAttr(Command.STA_KICK, 0, g, MacAddress.ZERO, 0, 0, 0, ifname, ban);
    }

    @Test
    void oneStationNoBan() throws Exception {
        assertEquals(Reply.ack(), kick(one(A, 0)));
        assertEquals(List.of(List.of(HELD.get(0))), kicked);
        assertTrue(filters.current().isEmpty(), "no ban asked, none made");
    }

    @Test
    void aStationNoBssHoldsIsNoent() throws Exception {
        assertEquals(Reply.nak(ErrorCode.E_NOENT), kick(one(MacAddress.parse("02:00:00:00:0b:99"), 60)));
        assertEquals(List.of(), kicked);
        assertTrue(filters.current().isEmpty(), "nothing banned");
        confirm = false; // held, but the BSS did not confirm (lost meanwhile)
        assertEquals(Reply.nak(ErrorCode.E_NOENT), kick(one(A, 0)));
    }

    @Test
    void aGroupIsOneKickAndEachBanIsInTheStationsGroupBeforeTheKick() throws Exception {
        assertEquals(Reply.ack(), kick(group(3, "", 600)));
        assertEquals(List.of(HELD.subList(0, 2)), kicked, "one kick call for the group");
        FilterSet atKick = filtersAtKick.get(0);
        assertTrue(atKick.contains(3, A) && atKick.contains(3, B), "banned before the kick: " + atKick);
        FilterSet.Lifetime l = atKick.lifetimeOf(3, A);
        assertEquals(600_000, l.expiresMs() - l.createdMs());
        assertEquals(Reply.ack(), kick(group(0, "wlan1", 0)));
        assertEquals(List.of(HELD.get(2)), kicked.get(1));
        assertEquals(Reply.ack(), kick(group(9, "", 60)), "a group nobody is in: nothing to do");
        assertEquals(2, kicked.size());
    }

    @Test
    void bansThatDoNotFitKickNobody() throws Exception {
        for (int i = 1; i <= 3; i++) { // 3 of 4 slots taken
            filters.add(7, new MacAddress(0x0200_0000_0c00L + i)).get(10, TimeUnit.SECONDS);
        }
        FilterSet before = filters.current();
        assertEquals(Reply.nak(ErrorCode.E_FULL), kick(group(3, "", 60)), "2 bans, 1 free slot");
        assertEquals(List.of(), kicked, "nobody kicked");
        assertEquals(before, filters.current(), "nothing changed");
        assertEquals(Reply.ack(), kick(group(0, "wlan1", 60)), "1 ban fits");
        assertEquals(List.of(List.of(HELD.get(2))), kicked);
    }
}
