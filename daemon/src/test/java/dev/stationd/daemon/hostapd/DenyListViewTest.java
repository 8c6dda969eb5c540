package dev.stationd.daemon.hostapd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.MacAddress;
import org.junit.jupiter.api.Test;

/** What a {@code DENY_ACL SHOW} reply tells, and what it cannot when hostapd cut it. */
class DenyListViewTest {
    static final MacAddress LOW = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress MID = MacAddress.parse("02:00:00:00:00:05");
    static final MacAddress HIGH = MacAddress.parse("02:ff:00:00:00:01");

    /** {@code n} lines of 28 bytes, {@code 02:00:00:00:00:00}, {@code 02:00:00:00:00:02}, ... (every even MAC). */
    private static String lines(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(new MacAddress(0x0200_0000_0000L + 2L * i)).append(" VLAN_ID=0\n");
        }
        return b.toString();
    }

    @Test
    void aShortReplyIsTheWholeList() {
        DenyListView v = DenyListView.parse(LOW + " VLAN_ID=0\n" + HIGH + " VLAN_ID=3\n");
        assertTrue(v.whole());
        assertTrue(v.present(LOW) && v.present(HIGH));
        assertTrue(v.absent(MID));
    }

    @Test
    void anEmptyReplyIsAnEmptyList() {
        DenyListView v = DenyListView.parse("");
        assertTrue(v.whole());
        assertTrue(v.absent(LOW));
    }

    @Test
    void aReplyThatMayHaveBeenCutCoversOnlyUpToItsHighestMac() {
        // 145 lines: 4060 bytes; a 38-byte line and its NUL would not have fit after them
        String reply = lines(145);
        assertTrue(reply.length() + DenyListView.MAX_LINE + 1 > DenyListView.REPLY_SIZE);
        DenyListView v = DenyListView.parse(reply);
        assertFalse(v.whole());
        MacAddress last = new MacAddress(0x0200_0000_0000L + 2L * 144);
        assertTrue(v.present(last));
        assertTrue(v.absent(new MacAddress(last.value() - 1)), "below the last MAC shown: known absent");
        MacAddress above = new MacAddress(last.value() + 1);
        assertFalse(v.present(above) || v.absent(above), "above it: unknown");
        v.removed(above);
        assertTrue(v.absent(above), "removed by stationd since: known absent");
        v.added(above);
        assertTrue(v.present(above));
    }

    @Test
    void aReplyWithRoomForAnotherLineIsWhole() {
        String reply = lines(144); // 4032 bytes: any line and its NUL would still have fit
        assertTrue(reply.length() + DenyListView.MAX_LINE + 1 <= DenyListView.REPLY_SIZE);
        assertTrue(DenyListView.parse(reply).whole());
    }
}
