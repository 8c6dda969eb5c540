package dev.stationd.daemon.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HostnamesTest {
    @Test
    void cutTo31BytesOnACharacterBoundary() {
        String name = "a".repeat(30) + "é"; // 30 + 2 bytes: the é does not fit
        assertEquals("a".repeat(30), Hostnames.clean(name));
        String emoji = "b".repeat(28) + "\uD83D\uDCF1"; // 28 + 4 bytes
        assertEquals("b".repeat(28), Hostnames.clean(emoji));
        String fits = "c".repeat(29) + "é"; // exactly 31 bytes
        assertEquals(fits, Hostnames.clean(fits));
        assertEquals(31, Hostnames.clean(fits).getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void controlCharactersAndTheTrailingDotGo() {
        assertEquals("phone", Hostnames.clean("ph\u0000o\nne."));
        assertEquals("", Hostnames.clean("."));
    }

    @Test
    void loneSurrogateIsDropped() {
        assertEquals("ab", Hostnames.clean("a\uD800b"));
    }
}
