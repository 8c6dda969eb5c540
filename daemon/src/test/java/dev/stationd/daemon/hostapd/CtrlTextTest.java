package dev.stationd.daemon.hostapd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** STATUS / GET_CONFIG / DENY_ACL SHOW parsing, on replies captured from hostapd 2.10. */
class CtrlTextTest {
    @Test
    void ssidFromGetConfigThenStatus() {
        String getConfig = Captures.read("wired-2.10/get-config.txt");
        String status = Captures.read("wired-2.10/status.txt");
        assertEquals("stationd-test", CtrlText.ssid(getConfig, status, "hxap0"));
        assertEquals("stationd-test", CtrlText.ssid("", status, "hxap0"), "STATUS ssid[i] of bss[i]=ifname");
        assertEquals("", CtrlText.ssid("", status, "wlan9"));
        String multi = "freq=5180\nbss[0]=wlan0\nssid[0]=main\nbss[1]=wlan0-1\nssid[1]=guest\n";
        assertEquals("guest", CtrlText.ssid("", multi, "wlan0-1"));
    }

    @Test
    void bandFromFrequency() {
        assertEquals(Band.UNKNOWN, CtrlText.band(Captures.read("wired-2.10/status.txt")), "wired: freq=0");
        assertEquals(Band.GHZ_2_4, CtrlText.band("freq=2437\n"));
        assertEquals(Band.GHZ_5, CtrlText.band("freq=5180\n"));
        assertEquals(Band.GHZ_6, CtrlText.band("freq=5955\n"));
        assertEquals(Band.GHZ_60, CtrlText.band("freq=60480\n"));
        assertEquals(Band.UNKNOWN, CtrlText.band(""));
    }

    @Test
    void denyList() {
        assertEquals(Set.of(MacAddress.parse("02:00:00:00:00:09")),
                CtrlText.aclList(Captures.read("wired-2.10/deny-acl-show.txt")));
        assertEquals(Set.of(), CtrlText.aclList(Captures.read("wired-2.10/deny-acl-show-empty.txt")));
    }

    @Test
    void printfEncodedSsid() {
        assertArrayEquals(new byte[] {'a', '"', '\\', (byte) 0xe2, (byte) 0x82, (byte) 0xac, '\n', 0x1b},
                CtrlText.printfDecode("a\\\"\\\\\\xe2\\x82\\xac\\n\\e"));
        assertEquals("caf\u00e9", CtrlText.ssid("ssid=caf\\xc3\\xa9\n", "", "x"));
        assertEquals("\ufffd", CtrlText.fitSsid(new byte[] {(byte) 0xff}));
        String longSsid = "\u20ac".repeat(11); // 33 UTF-8 bytes: one euro sign too many
        assertEquals(30, CtrlText.fitSsid(longSsid.getBytes(StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8).length);
    }
}
