package dev.stationd.daemon.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.MacAddress;
import org.junit.jupiter.api.Test;

/** The event-line parser, on events captured from hostapd 2.10. */
class CtrlEventTest {
    @Test
    void capturedEventsInArrivalOrder() {
        CtrlEvent e1 = CtrlEvent.parse(Captures.read("wired-2.10/event-1.txt"));
        assertEquals(3, e1.level());
        assertEquals(CtrlEvent.STA_DISCONNECTED, e1.name());
        assertEquals(MacAddress.parse("02:00:00:00:00:02"), e1.mac());

        CtrlEvent e3 = CtrlEvent.parse(Captures.read("wired-2.10/event-3.txt"));
        assertEquals("CTRL-EVENT-EAP-PROPOSED-METHOD", e3.name());
        assertNull(e3.mac());
        assertEquals("vendor=0 method=1", e3.args());

        CtrlEvent e6 = CtrlEvent.parse(Captures.read("wired-2.10/event-6.txt"));
        assertEquals(CtrlEvent.STA_CONNECTED, e6.name());
        assertEquals(MacAddress.parse("02:00:00:00:00:03"), e6.mac());
        for (int i = 1; i <= 6; i++) {
            assertTrue(CtrlEvent.isEvent(Captures.read("wired-2.10/event-" + i + ".txt")), "event-" + i);
        }
    }

    @Test
    void repliesAreNotEvents() {
        for (String f : new String[] {"ping.txt", "attach.txt", "sta.txt", "sta-next-end.txt", "sta-unknown.txt",
                "status.txt", "get-config.txt", "deny-acl-show.txt", "deny-acl-show-empty.txt", "unknown-command.txt"}) {
            String reply = Captures.read("wired-2.10/" + f);
            assertFalse(CtrlEvent.isEvent(reply), f);
            assertNull(CtrlEvent.parse(reply), f);
        }
        assertFalse(CtrlEvent.isEvent("<>x"));
        assertFalse(CtrlEvent.isEvent("<3"));
        assertFalse(CtrlEvent.isEvent("<a>x"));
    }

    @Test
    void extraArgumentsAndGlobalInterfacePrefix() {
        CtrlEvent e = CtrlEvent.parse("<3>AP-STA-CONNECTED 02:00:00:00:00:05 keyid=home p2p_dev_addr=02:00:00:00:00:06");
        assertEquals(MacAddress.parse("02:00:00:00:00:05"), e.mac());
        assertEquals("02:00:00:00:00:05 keyid=home p2p_dev_addr=02:00:00:00:00:06", e.args());
        CtrlEvent g = CtrlEvent.parse("IFNAME=wlan1 <3>AP-STA-DISCONNECTED 02:00:00:00:00:07");
        assertEquals(CtrlEvent.STA_DISCONNECTED, g.name());
        assertEquals(MacAddress.parse("02:00:00:00:00:07"), g.mac());
        CtrlEvent t = CtrlEvent.parse("<2>CTRL-EVENT-TERMINATING");
        assertEquals(CtrlEvent.TERMINATING, t.name());
        assertEquals("", t.args());
        assertNull(CtrlEvent.parse("<3>AP-STA-CONNECTED 02:00:00:00:00:0").mac(), "a truncated MAC is no MAC");
    }
}
