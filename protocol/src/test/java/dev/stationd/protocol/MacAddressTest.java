package dev.stationd.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

    @ParameterizedTest
    @CsvSource({
        "00:11:22:33:44:55, 0x001122334455, 00:11:22:33:44:55",
        "AA:BB:CC:DD:EE:FF, 0xAABBCCDDEEFF, aa:bb:cc:dd:ee:ff",
        "aa-bb-cc-dd-ee-0f, 0xAABBCCDDEE0F, aa:bb:cc:dd:ee:0f",
        "Fe:dC:bA:98:76:54, 0xFEDCBA987654, fe:dc:ba:98:76:54",
        "00:00:00:00:00:00, 0x000000000000, 00:00:00:00:00:00",
        "ff:ff:ff:ff:ff:ff, 0xFFFFFFFFFFFF, ff:ff:ff:ff:ff:ff",
    })
    void parseAndFormat(String text, String hexValue, String formatted) {
        MacAddress mac = MacAddress.parse(text);
        assertEquals(Long.decode(hexValue), mac.value());
        assertEquals(formatted, mac.toString());
        assertEquals(mac, MacAddress.parse(mac.toString()), "format then parse is the identity");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "00:11:22:33:44",           // 5 octets
        "00:11:22:33:44:5",         // 16 chars
        "00:11:22:33:44:555",       // 18 chars
        "00:11:22:33:44:55:",       // trailing separator
        "00:11:22:33:44:5g",        // not hex
        "0g:11:22:33:44:55",        // not hex, first octet
        "00.11.22.33.44.55",        // wrong separator
        "00 11 22 33 44 55",        // wrong separator
        "001122:33:44:55:6",        // separator misplaced
        "0x1122:33:44:55:66",       // 18 chars with prefix
        " 0:11:22:33:44:55",        // blank digit
        "+0:11:22:33:44:55",        // sign
    })
    void parseRejectsNonMacText(String text) {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
    }

    /**
     * Only ASCII hex digits make a MAC: {@code Character.digit} would also accept other scripts'
     * digits and letters (full-width '１', Arabic-Indic '١', full-width 'Ａ').
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "\uFF11\uFF11:22:33:44:55:66",  // full-width digits
        "\u0661\u0661:22:33:44:55:66",  // Arabic-Indic digits
        "\uFF21\uFF21:22:33:44:55:66",  // full-width letters
    })
    void parseRejectsNonAsciiDigits(String text) {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
    }

    @Test
    void putPlacesTheOctetsInNetworkOrder() {
        byte[] b = new byte[8];
        MacAddress.parse("02:1a:2b:3c:4d:5e").put(b, 1);
        assertArrayEquals(new byte[] {0, 0x02, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0}, b);
        assertEquals(MacAddress.parse("02:1a:2b:3c:4d:5e").value(), MacAddress.valueAt(b, 1), "and read back");
        b[1] = (byte) 0xfe; // octets with the high bit set stay unsigned
        assertEquals(MacAddress.parse("fe:1a:2b:3c:4d:5e").value(), MacAddress.valueAt(b, 1));
    }

    @Test
    void wireBytesAreTheOctetsInOrder() {
        MacAddress mac = MacAddress.parse("01:23:45:67:89:ab");
        byte[] expected = {0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xab};
        assertArrayEquals(expected, mac.toBytes());
        assertEquals(mac, MacAddress.of(expected));

        ByteBuf buf = Unpooled.buffer();
        try {
            mac.write(buf);
            assertEquals(MacAddress.SIZE, buf.readableBytes());
            assertArrayEquals(expected, Wire.readable(buf), "octet 0 first, regardless of host order");
            assertEquals(mac, MacAddress.read(buf));
            assertEquals(0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @Test
    void ofRejectsWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[7]));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[0]));
    }

    @Test
    void constructorRejectsOutOfRangeValues() {
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(-1));
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(MacAddress.MAX_VALUE + 1));
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(Long.MIN_VALUE));
        assertEquals(MacAddress.MAX_VALUE, new MacAddress(MacAddress.MAX_VALUE).value());
        assertEquals(0xFFFF_FFFF_FFFFL, MacAddress.MAX_VALUE);
    }

    @Test
    void zero() {
        assertTrue(MacAddress.ZERO.isZero());
        assertTrue(MacAddress.parse("00:00:00:00:00:00").isZero());
        assertFalse(MacAddress.parse("00:00:00:00:00:01").isZero());
        assertFalse(MacAddress.parse("80:00:00:00:00:00").isZero());
    }

    @Test
    void orderingIsByteWiseUnsigned() {
        List<String> sorted = List.of(
                "00:00:00:00:00:00",
                "00:00:00:00:00:01",
                "00:00:00:00:00:ff",
                "00:00:00:00:01:00",
                "01:00:00:00:00:00",
                "7f:ff:ff:ff:ff:ff",
                "80:00:00:00:00:00",   // high bit set: must sort after 7f (unsigned octets)
                "fe:ff:ff:ff:ff:ff",
                "ff:ff:ff:ff:ff:ff");
        List<MacAddress> macs = new ArrayList<>();
        for (String s : sorted) {
            macs.add(MacAddress.parse(s));
        }
        List<MacAddress> shuffled = new ArrayList<>(macs);
        Collections.reverse(shuffled);
        Collections.swap(shuffled, 0, 4);
        Collections.sort(shuffled);
        assertEquals(macs, shuffled);
        for (int i = 0; i + 1 < macs.size(); i++) {
            assertTrue(macs.get(i).compareTo(macs.get(i + 1)) < 0, macs.get(i) + " < " + macs.get(i + 1));
            assertTrue(macs.get(i + 1).compareTo(macs.get(i)) > 0);
            assertEquals(0, macs.get(i).compareTo(MacAddress.parse(sorted.get(i))));
        }
    }

    @Test
    void equalityIsByValue() {
        assertEquals(MacAddress.parse("aa:bb:cc:dd:ee:ff"), MacAddress.parse("AA-BB-CC-DD-EE-FF"));
        assertEquals(MacAddress.parse("aa:bb:cc:dd:ee:ff").hashCode(), MacAddress.parse("AA-BB-CC-DD-EE-FF").hashCode());
    }
}
