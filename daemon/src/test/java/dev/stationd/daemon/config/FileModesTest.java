package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileModesTest {

    @Test
    void parsesOctal() {
        assertEquals(432, FileModes.parse("0660"));
        assertEquals(0660, FileModes.parse("660"));
        assertEquals(0620, FileModes.parse("0620"));
        assertEquals(0, FileModes.parse("000"));
        assertEquals(0777, FileModes.parse("0777"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "66", "06600", "0680", "rw", "0x1b4", "-660", "4755", "1777"})
    void rejectsBadModes(String text) {
        assertThrows(IllegalArgumentException.class, () -> FileModes.parse(text));
    }

    @Test
    void formatsFourDigits() {
        assertEquals("0660", FileModes.format(432));
        assertEquals("0007", FileModes.format(7));
        assertThrows(IllegalArgumentException.class, () -> FileModes.format(01000));
    }
}
