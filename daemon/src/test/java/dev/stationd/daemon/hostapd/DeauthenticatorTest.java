package dev.stationd.daemon.hostapd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stationd.protocol.MacAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Deauthenticator} against a {@link ScriptedHostapd}: one round for many, one request per station. */
class DeauthenticatorTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:0c:01");
    static final MacAddress B = MacAddress.parse("02:00:00:00:0c:02");
    static final MacAddress C = MacAddress.parse("02:00:00:00:0c:03");

    @TempDir
    Path dir;

    private CtrlFixture f;
    private ScriptedHostapd hostapd;
    private Deauthenticator deauth;

    @BeforeEach
    void setUp() throws Exception {
        f = new CtrlFixture(dir);
        hostapd = f.startHostapd();
        f.openToHostapd();
        deauth = new Deauthenticator("wlan0", f.loop);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private List<String> kick(List<MacAddress> macs) throws Exception {
        CompletableFuture<List<String>> refused = new CompletableFuture<>();
        f.onLoop(() -> deauth.deauthenticate(f.channel, macs, "test station", refused::complete));
        return refused.get(5, TimeUnit.SECONDS);
    }

    @Test
    void manyStationsGoInOneRoundAndEachOnlyOnceUntilItLeft() throws Exception {
        for (MacAddress m : List.of(A, B, C)) {
            hostapd.connect(m);
        }
        assertEquals(List.of(), kick(List.of(A, B)));
        assertEquals(List.of(C), hostapd.stations());
        assertEquals(List.of("DEAUTHENTICATE " + A, "PING", "DEAUTHENTICATE " + B, "PING"), hostapd.received());
        assertEquals(2, deauth.count());

        hostapd.connect(A); // back before its AP-STA-DISCONNECTED was handled: A is still being kicked
        assertEquals(List.of(), kick(List.of(A, C)));
        assertEquals(1, hostapd.count("DEAUTHENTICATE " + A));
        f.onLoop(() -> deauth.left(A));
        assertEquals(List.of(), kick(List.of(A)));
        assertEquals(2, hostapd.count("DEAUTHENTICATE " + A));
        assertEquals(4, deauth.count());
    }

    @Test
    void aRefusedStationIsReportedAndMayBeTriedAgain() throws Exception {
        hostapd.script(cmd -> cmd.equals("DEAUTHENTICATE " + B) ? List.of("FAIL\n") : null);
        assertEquals(List.of("DEAUTHENTICATE " + B + " failed: FAIL"), kick(List.of(A, B)));
        hostapd.script(cmd -> null);
        assertEquals(List.of(), kick(List.of(B)));
        assertEquals(2, hostapd.count("DEAUTHENTICATE " + B));
    }
}
