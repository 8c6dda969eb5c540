package dev.stationd.daemon.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.persist.StateFileException;
import dev.stationd.daemon.table.FilterSet;
import java.nio.file.Path;

/**
 * Fuzzes the parser of the durable state file ({@code filters.conf}), which decides after a
 * crash whether a file is whole. Properties: the only exception is {@link StateFileException};
 * an accepted file's set formats to a canonical file that parses to the same set and formats to
 * the same bytes; and flipping any single byte of that canonical file is always detected (the
 * CRC-32 trailer), so a torn or bit-rotted file is never loaded as a different set.
 */
class FilterFileFuzzTest {
    private static final Path NAME = Path.of("/fuzz/filters.conf");

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] data) throws StateFileException {
        check(data);
    }

    /**
     * Entry point for a long stand-alone run with the Jazzer driver (see package-info.java).
     *
     * @param data the fuzzer's input
     * @throws StateFileException never (a finding if it escapes the accepted path)
     */
    public static void fuzzerTestOneInput(byte[] data) throws StateFileException {
        check(data);
    }

    static void check(byte[] data) throws StateFileException {
        FilterSet set;
        try {
            set = FilterFile.parse(NAME, data);
        } catch (StateFileException rejected) {
            return;
        }
        byte[] canonical = FilterFile.format(set);
        FilterSet again = FilterFile.parse(NAME, canonical);
        assertEquals(set, again, "format/parse round trip");
        assertArrayEquals(canonical, FilterFile.format(again), "format is canonical");
        int at = data.length == 0 ? 0 : Math.floorMod(data[0] * 31 + data.length, canonical.length);
        int flip = 1 + Math.floorMod(data.length, 255);
        byte[] torn = canonical.clone();
        torn[at] ^= (byte) flip;
        assertThrows(StateFileException.class, () -> FilterFile.parse(NAME, torn),
                "byte " + at + " xor " + flip + " of a valid file went undetected");
        byte[] cut = java.util.Arrays.copyOf(canonical, Math.floorMod(at, canonical.length));
        assertThrows(StateFileException.class, () -> FilterFile.parse(NAME, cut),
                "a file cut to " + cut.length + " of " + canonical.length + " bytes went undetected");
    }
}
