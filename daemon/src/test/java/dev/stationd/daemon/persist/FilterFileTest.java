package dev.stationd.daemon.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilterFileTest {
    private static final MacAddress A = MacAddress.parse("aa:bb:cc:dd:ee:ff");
    private static final MacAddress B = MacAddress.parse("02:00:00:00:00:01");

    @TempDir
    Path tmp;
    private Path dir;
    private FilterFile file;

    @BeforeEach
    void setUp() {
        dir = tmp.resolve("state");
        file = new FilterFile(dir);
    }

    private static final String HEADER =
            "# stationd filters, format 2. One filter per line: GROUP MAC [created=EPOCH_MS] [expires=EPOCH_MS]\n"
            + "# Written by stationd; edit only while it is stopped.\n";

    private static FilterSet sample() {
        return FilterSet.empty().with(0, A).with(7, B).with(-1, B).with(7, A);
    }

    private static String crcOf(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    /** Writes {@code body} with a correct trailer (count given explicitly) to filters.conf. */
    private void writeWithTrailer(String body, int count) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(file.path(), body + "# end count=" + count + " crc32=" + crcOf(body) + "\n");
    }

    private StateFileException corrupt() {
        return assertThrows(StateFileException.class, () -> file.load());
    }

    @Test
    void missingFileIsAnEmptySet() throws IOException {
        assertEquals(FilterSet.empty(), file.load());
        assertFalse(Files.exists(dir), "load never creates anything");
    }

    @Test
    void roundTripAndHumanReadableFormat() throws IOException {
        file.save(sample());
        assertTrue(Files.isDirectory(dir), "directory created");
        assertEquals(sample(), new FilterFile(dir).load());
        String text = Files.readString(file.path());
        String body = HEADER
                + "7 02:00:00:00:00:01\n"
                + "4294967295 02:00:00:00:00:01\n"
                + "0 aa:bb:cc:dd:ee:ff\n"
                + "7 aa:bb:cc:dd:ee:ff\n";
        assertEquals(body + "# end count=4 crc32=" + crcOf(body) + "\n", text);
        assertFalse(Files.exists(dir.resolve("filters.conf.tmp")));
    }

    @Test
    void emptySetRoundTrip() throws IOException {
        file.save(FilterSet.empty());
        assertEquals(FilterSet.empty(), file.load());
        assertTrue(Files.readString(file.path()).endsWith("# end count=0 crc32=" + crcOf(HEADER) + "\n"));
    }

    /** A file exactly as the daemon wrote it before filters had lifetimes (format 1). */
    @Test
    void readsAFormatOneFileAsPermanentFiltersOfUnknownAge() throws IOException {
        String body = "# stationd filters, format 1. One filter per line: GROUP MAC\n"
                + "# Written by stationd; edit only while it is stopped.\n"
                + "7 02:00:00:00:00:01\n"
                + "4294967295 02:00:00:00:00:01\n"
                + "0 aa:bb:cc:dd:ee:ff\n"
                + "7 aa:bb:cc:dd:ee:ff\n";
        writeWithTrailer(body, 4);
        FilterSet loaded = file.load();
        assertEquals(sample(), loaded);
        for (FilterSet.Filter f : loaded.sorted()) {
            assertEquals(FilterSet.Lifetime.UNKNOWN, loaded.lifetimeOf(f.groupId(), f.mac()), f.toString());
        }
        file.save(loaded); // written back in format 2, still without lifetimes
        assertEquals(HEADER + body.substring(body.indexOf("7 02")), Files.readString(file.path()).replaceAll("# end.*\n", ""));
    }

    @Test
    void lifetimesRoundTrip() throws IOException {
        FilterSet s = FilterSet.empty().toBuilder()
                .put(7, B, new FilterSet.Lifetime(1_764_312_345_678L, 1_764_312_945_678L)) // timed
                .put(0, A, new FilterSet.Lifetime(1_764_312_000_000L, 0))                  // permanent, known age
                .add(-1, B)                                                                 // unknown age
                .build();
        file.save(s);
        String body = HEADER
                + "7 02:00:00:00:00:01 created=1764312345678 expires=1764312945678\n"
                + "4294967295 02:00:00:00:00:01\n"
                + "0 aa:bb:cc:dd:ee:ff created=1764312000000\n";
        assertEquals(body + "# end count=3 crc32=" + crcOf(body) + "\n", Files.readString(file.path()));
        FilterSet back = file.load();
        assertEquals(s, back);
        assertEquals(new FilterSet.Lifetime(1_764_312_345_678L, 1_764_312_945_678L), back.lifetimeOf(7, B));
    }

    @Test
    void fieldsInEitherOrderAndExpiresAlone() throws IOException {
        writeWithTrailer(HEADER + "7 02:00:00:00:00:01 expires=5000 created=1000\n1 02:00:00:00:00:01 expires=9\n", 2);
        FilterSet s = file.load();
        assertEquals(new FilterSet.Lifetime(1000, 5000), s.lifetimeOf(7, B));
        assertEquals(new FilterSet.Lifetime(0, 9), s.lifetimeOf(1, B));
    }

    @Test
    void badLifetimeFields() throws IOException {
        String[] bad = {
            "7 02:00:00:00:00:01 expires=-5\n",                    // negative
            "7 02:00:00:00:00:01 expires=01\n",                    // leading zero
            "7 02:00:00:00:00:01 expires=99999999999999999999\n",  // beyond 2^63
            "7 02:00:00:00:00:01 expires=9223372036854775808\n",   // 2^63: 19 digits, still too big
            "7 02:00:00:00:00:01 ttl=5\n",                         // unknown field
            "7 02:00:00:00:00:01 created=1 created=2\n",           // twice
            "7 02:00:00:00:00:01 created=1 expires=2 x\n",         // five fields
        };
        for (String line : bad) {
            writeWithTrailer(HEADER + line, 1);
            StateFileException e = corrupt();
            assertEquals(3, e.line(), line + ": " + e.getMessage());
        }
    }

    @Test
    void saveKeepsThePreviousGeneration() throws IOException {
        FilterSet first = FilterSet.empty().with(1, A);
        file.save(first);
        assertFalse(Files.exists(file.prevPath()), "nothing to keep on the first save");
        byte[] firstBytes = Files.readAllBytes(file.path());
        file.save(sample());
        assertArrayEquals(firstBytes, Files.readAllBytes(file.prevPath()));
        assertEquals(sample(), file.load());
        file.save(FilterSet.empty());
        assertEquals(sample(), FilterFile.parse(file.prevPath(), Files.readAllBytes(file.prevPath())));
        assertEquals(FilterSet.empty(), file.load());
        try (var list = Files.list(dir)) {
            assertEquals(List.of("filters.conf", "filters.conf.prev"),
                    list.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left");
        }
    }

    /** A torn file (any proper prefix of a saved file) is always detected, never loaded. */
    @Test
    void everyTruncationIsDetected() throws IOException {
        file.save(sample());
        byte[] full = Files.readAllBytes(file.path());
        for (int len = 0; len < full.length; len++) {
            Files.write(file.path(), Arrays.copyOf(full, len));
            try {
                FilterSet loaded = file.load();
                fail("prefix of " + len + "/" + full.length + " bytes loaded as " + loaded);
            } catch (StateFileException e) {
                assertEquals(file.path(), e.file());
                assertTrue(e.getMessage().startsWith(file.path().toString()), e.getMessage());
            }
        }
        Files.write(file.path(), full);
        assertEquals(sample(), file.load());
    }

    /** Any single flipped bit is detected too (CRC-32 catches all 1-bit errors). */
    @Test
    void everyBitFlipIsDetected() throws IOException {
        file.save(sample());
        byte[] full = Files.readAllBytes(file.path());
        for (int i = 0; i < full.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] b = full.clone();
                b[i] ^= (byte) (1 << bit);
                try {
                    FilterSet loaded = FilterFile.parse(file.path(), b);
                    // a flip inside a comment's letter case could only ever yield the same set
                    assertEquals(sample(), loaded, "byte " + i + " bit " + bit);
                    fail("bit flip at byte " + i + " bit " + bit + " not detected");
                } catch (StateFileException expected) {
                    // detected
                }
            }
        }
    }

    @Test
    void badCrcNamesTheTrailerLineAndTheFix() throws IOException {
        file.save(sample());
        String text = Files.readString(file.path()).replace("7 02:00:00:00:00:01", "7 02:00:00:00:00:02");
        Files.writeString(file.path(), text);
        StateFileException e = corrupt();
        assertEquals(7, e.line());
        assertTrue(e.getMessage().contains("filters.conf, line 7: checksum mismatch"), e.getMessage());
        // the message tells a human who edited the file on purpose how to accept the edit
        Matcher m = Pattern.compile("set crc32=([0-9a-f]{8})").matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        Files.writeString(file.path(), text.replaceAll("crc32=[0-9a-f]{8}", "crc32=" + m.group(1)));
        assertTrue(file.load().contains(7, MacAddress.parse("02:00:00:00:00:02")));
    }

    @Test
    void garbageLine() throws IOException {
        writeWithTrailer("# c\n0 aa:bb:cc:dd:ee:ff\nhello world\n", 2);
        StateFileException e = corrupt();
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("filters.conf, line 3: bad group 'hello'"), e.getMessage());
        writeWithTrailer("0 aa:bb:cc:dd:ee:ff extra\n", 1);
        assertTrue(corrupt().getMessage().contains("line 1: bad field 'extra'"));
        writeWithTrailer("0\n", 1);
        assertTrue(corrupt().getMessage().contains("line 1: expected 'GROUP MAC [created=EPOCH_MS] [expires=EPOCH_MS]'"));
    }

    @Test
    void badMacAndGroup() throws IOException {
        writeWithTrailer("0 aa:bb:cc:dd:ee:fg\n", 1);
        StateFileException e = corrupt();
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("bad MAC 'aa:bb:cc:dd:ee:fg'"), e.getMessage());
        writeWithTrailer("#\n0 00:00:00:00:00:00\n", 1);
        assertTrue(corrupt().getMessage().contains("line 2: bad MAC '00:00:00:00:00:00'"));
        writeWithTrailer("4294967296 aa:bb:cc:dd:ee:ff\n", 1);
        assertTrue(corrupt().getMessage().contains("line 1: bad group '4294967296'"));
        writeWithTrailer("-1 aa:bb:cc:dd:ee:ff\n", 1);
        assertTrue(corrupt().getMessage().contains("bad group '-1'"));
        writeWithTrailer("07 aa:bb:cc:dd:ee:ff\n", 1);
        assertTrue(corrupt().getMessage().contains("bad group '07'"));
        writeWithTrailer("4294967295 aa:bb:cc:dd:ee:ff\n", 1);
        assertTrue(file.load().contains(-1, A), "u32 max is a valid group");
    }

    @Test
    void duplicate() throws IOException {
        writeWithTrailer("7 aa:bb:cc:dd:ee:ff\n0 aa:bb:cc:dd:ee:ff\n7 AA:BB:CC:DD:EE:FF\n", 3);
        StateFileException e = corrupt();
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("duplicate filter '7 aa:bb:cc:dd:ee:ff' (first on line 1)"), e.getMessage());
    }

    @Test
    void trailerProblems() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(file.path(), "0 aa:bb:cc:dd:ee:ff\n");
        assertTrue(corrupt().getMessage().contains("no '# end count=N crc32=XXXXXXXX' trailer"));
        Files.writeString(file.path(), "");
        assertTrue(corrupt().getMessage().contains("file is empty"));
        writeWithTrailer("0 aa:bb:cc:dd:ee:ff\n", 2);
        StateFileException e = corrupt();
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("count=2 but the file holds 1 filters"), e.getMessage());
        Files.writeString(file.path(), "0 aa:bb:cc:dd:ee:ff\n# end count=1 crc32=XYZ\n");
        assertTrue(corrupt().getMessage().contains("line 2: malformed trailer"));
        writeWithTrailer("0 aa:bb:cc:dd:ee:ff\n", 1);
        Files.writeString(file.path(), Files.readString(file.path()) + "1 aa:bb:cc:dd:ee:ff\n");
        e = corrupt();
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("content after the '# end' trailer"), e.getMessage());
    }

    @Test
    void invalidUtf8() throws IOException {
        Files.createDirectories(dir);
        String body = "# caf\u00e9\n0 aa:bb:cc:dd:ee:ff\n";
        writeWithTrailer(body, 1);
        assertEquals(1, file.load().size(), "UTF-8 comments are fine");
        byte[] bad = Files.readAllBytes(file.path());
        bad[5] = (byte) 0xC3;
        bad[6] = (byte) 0x28;
        Files.write(file.path(), bad);
        StateFileException e = corrupt();
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void corruptFileWithValidPrevSaysHowToRestore() throws IOException {
        file.save(FilterSet.empty().with(1, A));
        file.save(sample());
        byte[] full = Files.readAllBytes(file.path());
        Files.write(file.path(), Arrays.copyOf(full, full.length - 10));
        StateFileException e = corrupt();
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file.path() + ", line 7: "), msg);
        assertTrue(msg.contains("filters.conf.prev (the previous generation, 1 filters) is valid"), msg);
        assertTrue(msg.contains("cp -p " + file.prevPath() + " " + file.path()), msg);
        // following the advice works
        Files.copy(file.prevPath(), file.path(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(FilterSet.empty().with(1, A), file.load());
    }

    @Test
    void corruptFileWithoutOrWithCorruptPrev() throws IOException {
        writeWithTrailer("x\n", 0);
        assertTrue(corrupt().getMessage().contains("no filters.conf.prev to fall back on"));
        Files.writeString(file.prevPath(), "garbage\n");
        assertTrue(corrupt().getMessage().contains("filters.conf.prev is not valid either"));
    }

    @Test
    void missingMainButPrevPresentStartsEmpty() throws IOException {
        file.save(FilterSet.empty().with(1, A));
        file.save(sample());
        Files.delete(file.path());
        assertEquals(FilterSet.empty(), file.load());
    }

    @Test
    void saveFailureLeavesTheOldFile() throws IOException {
        file.save(sample());
        byte[] before = Files.readAllBytes(file.path());
        Path blocker = dir.resolve("filters.conf.tmp");
        Files.createDirectories(blocker.resolve("sub")); // a non-empty directory where the temp file goes
        assertThrows(IOException.class, () -> file.save(FilterSet.empty()));
        assertArrayEquals(before, Files.readAllBytes(file.path()));
        assertEquals(sample(), file.load());
    }

    @Test
    void leftoverTempFileIsIgnoredAndReplaced() throws IOException {
        file.save(sample());
        Files.writeString(dir.resolve("filters.conf.tmp"), "half a fil");
        assertEquals(sample(), file.load());
        file.save(FilterSet.empty().with(3, B));
        assertEquals(FilterSet.empty().with(3, B), file.load());
        assertFalse(Files.exists(dir.resolve("filters.conf.tmp")));
    }
}
