package dev.stationd.daemon.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void plainTextIsLeftAsItIs() {
        String s = "/run/hostapd/wlan0 café 📶";
        assertSame(s, LogText.escape(s), "nothing to escape: the same string, no copy");
    }

    @Test
    void lineBreaksAndControlCharactersAreEscaped() {
        assertEquals("a\\nb\\rc\\td", LogText.escape("a\nb\rc\td"));
        assertEquals("\\x00\\x1b[31mred\\x7f\\x85", LogText.escape("\0\u001b[31mred\u007f\u0085"), "C0, DEL, C1");
        assertEquals("x\\u2028y\\u2029z", LogText.escape("x\u2028y\u2029z"), "Unicode line breaks");
        assertEquals("\\u202egnp.exe\\u2066", LogText.escape("\u202egnp.exe\u2066"), "bidirectional overrides");
    }

    @Test
    void theBackslashIsEscapedSoEveryEscapeReadsBackOneWay() {
        assertEquals("C:\\\\n", LogText.escape("C:\\n"), "a backslash and an n, not a line break");
    }

    @Test
    void longTextIsCut() {
        assertEquals("abc...", LogText.escape("abcdef", 3));
        assertEquals("a\\nb...", LogText.escape("a\nbcdef", 3));
        assertEquals("null", LogText.escape(null));
    }
}
