package dev.stationd.daemon.enrich;

import static dev.stationd.daemon.enrich.LeaseFixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.MacAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java side of rtnetlink on bytes the kernel sent (captures), and on malformed ones. */
class RtnlTest {
    private static final int LAN0 = 3;

    private static RtnlMessage.Neighbour nb(boolean deleted, boolean dump, int ifindex, NudState state, String dst,
            String mac, long confirmedAgoMs) {
        return new RtnlMessage.Neighbour(deleted, dump, ifindex, state.bit, ip(dst),
                mac == null ? null : MacAddress.parse(mac), confirmedAgoMs);
    }

    @Test
    void neighbourDump() {
        List<RtnlMessage> m = NetlinkCaptures.parse("neigh-dump.hex");
        // confirmedAgo: NDA_CACHEINFO's ndm_confirmed in 10 ms ticks
        assertEquals(List.of(
                nb(false, true, LAN0, NudState.PERMANENT, "10.9.0.8", "02:5d:00:00:00:08", 200),
                nb(false, true, LAN0, NudState.REACHABLE, "10.9.0.5", "02:5d:00:00:00:05", 210),
                nb(false, true, LAN0, NudState.STALE, "10.9.0.6", "02:5d:00:00:00:06", 60210),
                // the kernel's own multicast entries: NOARP, they never count
                nb(false, true, 2, NudState.NOARP, "ff02::16", "33:33:00:00:00:16", 60210),
                nb(false, true, LAN0, NudState.STALE, "fd09::6", "02:5d:00:00:00:06", 60210),
                nb(false, true, LAN0, NudState.REACHABLE, "fe80::6", "02:5d:00:00:00:06", 200),
                nb(false, true, LAN0, NudState.NOARP, "ff02::16", "33:33:00:00:00:16", 60210),
                new RtnlMessage.Done(1, false)), m);
    }

    @Test
    void neighbourEvents() {
        List<RtnlMessage> m = NetlinkCaptures.parse("neigh-events.hex");
        assertEquals(List.of(
                nb(false, false, LAN0, NudState.REACHABLE, "10.9.0.9", "02:5d:00:00:00:09", 0),
                nb(false, false, LAN0, NudState.STALE, "10.9.0.9", "02:5d:00:00:00:09", 0),
                // ip neigh del: reported FAILED (no lladdr any more), then RTM_DELNEIGH
                nb(false, false, LAN0, NudState.FAILED, "10.9.0.9", null, 10),
                nb(true, false, LAN0, NudState.FAILED, "10.9.0.9", null, 10),
                // a neighbour that never answered
                nb(false, false, LAN0, NudState.FAILED, "10.9.0.77", null, 63050)), m);
    }

    @Test
    void linkDump() {
        List<RtnlMessage> m = NetlinkCaptures.parse("link-dump.hex");
        assertEquals(List.of(new RtnlMessage.Link(false, true, 1, "lo"), new RtnlMessage.Link(false, true, 2, "lan1"),
                new RtnlMessage.Link(false, true, LAN0, "lan0"), new RtnlMessage.Done(1, false)), m);
    }

    @Test
    void dumpRequestIsWhatTheKernelExpects() {
        ByteBuffer b = Rtnl.dumpRequest(Rtnl.RTM_GETNEIGH, 7);
        byte[] raw = new byte[b.remaining()];
        b.get(raw);
        // nlmsghdr: len 28, RTM_GETNEIGH, NLM_F_REQUEST|NLM_F_DUMP, seq 7, pid 0; ndmsg all zero (AF_UNSPEC)
        ByteBuffer expected = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder())
                .putInt(28).putShort((short) 30).putShort((short) 0x301).putInt(7).putInt(0);
        assertEquals(HexFormat.of().formatHex(expected.array()), HexFormat.of().formatHex(raw));
        assertEquals(32, Rtnl.dumpRequest(Rtnl.RTM_GETLINK, 1).limit(), "nlmsghdr + ifinfomsg");
    }

    @Test
    void overrunMarkerBetweenDatagrams() {
        List<byte[]> d = new ArrayList<>(NetlinkCaptures.datagrams("neigh-events.hex").subList(0, 1));
        d.add(new byte[0]);
        ByteBuffer b = NetlinkCaptures.frames(d);
        List<RtnlMessage> m = new ArrayList<>();
        Rtnl.parseFrames(b, b.limit(), m::add, p -> {
            throw new AssertionError(p);
        });
        assertEquals(2, m.size());
        assertTrue(m.get(1) instanceof RtnlMessage.Overrun);
    }

    // ---- malformed input: the datagram's remaining messages are skipped and reported, nothing throws ----

    private static List<String> problems(byte[] datagram, List<RtnlMessage> out) {
        ByteBuffer b = NetlinkCaptures.frames(List.of(datagram));
        List<String> problems = new ArrayList<>();
        Rtnl.parseFrames(b, b.limit(), out::add, problems::add);
        return problems;
    }

    private static byte[] firstEvent() {
        return NetlinkCaptures.datagrams("neigh-events.hex").get(0).clone();
    }

    @Test
    void messageLongerThanTheDatagram() {
        byte[] d = firstEvent();
        ByteBuffer.wrap(d).order(ByteOrder.nativeOrder()).putInt(0, 200);
        List<RtnlMessage> out = new ArrayList<>();
        assertEquals(List.of("nlmsg_len = 200, expected <= 76 (the rest of the datagram) (offset 0)"), problems(d, out));
        assertEquals(List.of(), out);
    }

    @Test
    void attributeLengthBeyondTheMessage() {
        byte[] d = firstEvent();
        ByteBuffer.wrap(d).order(ByteOrder.nativeOrder()).putShort(28, (short) 99); // NDA_DST's rta_len
        List<String> p = problems(d, new ArrayList<>());
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("rta_len = 99, expected 4..48"), p.get(0));
    }

    @Test
    void addressOfTheWrongLength() {
        byte[] d = firstEvent();
        d[16] = NdMsg.AF_INET6; // says IPv6, carries 4 bytes
        List<String> p = problems(d, new ArrayList<>());
        assertTrue(p.get(0).startsWith("NDA_DST length = 4, expected 16 for family 10"), p.get(0));
    }

    @Test
    void neighbourWithoutAddress() {
        byte[] d = firstEvent();
        ByteBuffer.wrap(d).order(ByteOrder.nativeOrder()).putShort(30, (short) 9); // NDA_DST becomes an unknown type
        List<String> p = problems(d, new ArrayList<>());
        assertTrue(p.get(0).startsWith("NDA_DST = missing"), p.get(0));
    }

    @Test
    void shortHeader() {
        List<RtnlMessage> out = new ArrayList<>();
        byte[] d = new byte[20];
        ByteBuffer.wrap(d).order(ByteOrder.nativeOrder()).putInt(0, 8);
        assertTrue(problems(d, out).get(0).startsWith("nlmsg_len = 8, expected >= 16"));
    }

    @Test
    void bridgeFdbEntriesAndOtherMessagesAreSkipped() {
        byte[] d = firstEvent();
        d[16] = 7; // AF_BRIDGE: an FDB entry on the same group
        List<RtnlMessage> out = new ArrayList<>();
        assertEquals(List.of(), problems(d, out));
        assertEquals(List.of(), out);
    }
}
