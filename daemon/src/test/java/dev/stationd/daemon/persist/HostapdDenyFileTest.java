package dev.stationd.daemon.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.protocol.MacAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hostapd-deny.conf}: the exact bytes, the round trip, and one case per malformed input. */
class HostapdDenyFileTest {
    static final MacAddress A = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress B = MacAddress.parse("aa:bb:cc:dd:ee:ff");
    static final Path NAME = Path.of("hostapd-deny.conf");

    @TempDir
    Path tmp;

    /** {@code body} with a correct trailer for {@code count} entries. */
    private static byte[] sealed(String body, int count) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return (body + "# end count=" + count + " crc32=" + String.format("%08x", crc.getValue()) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static final String HEADER = HostapdDenyFile.HEADER1 + "\n" + HostapdDenyFile.HEADER2 + "\n";

    @Test
    void theFileIsSortedByInterfaceThenMacAndSealed() {
        byte[] b = HostapdDenyFile.format(Map.of("wlan1", Set.of(A), "wlan0", Set.of(B, A), "wlan2", Set.of()));
        String body = HEADER
                + "wlan0 02:00:00:00:00:01\n"
                + "wlan0 aa:bb:cc:dd:ee:ff\n"
                + "wlan1 02:00:00:00:00:01\n";
        assertEquals(new String(sealed(body, 3), StandardCharsets.US_ASCII), new String(b, StandardCharsets.US_ASCII));
    }

    @Test
    void savedEntriesLoadBackAndNothingIsLeftBehind() throws Exception {
        Path dir = tmp.resolve("state");
        HostapdDenyFile f = new HostapdDenyFile(dir);
        assertEquals(Map.of(), f.load(), "no file yet: nothing recorded");
        Map<String, Set<MacAddress>> entries = Map.of("wlan0", Set.of(A, B), "phy1-ap0", Set.of(A));
        f.save(entries);
        assertEquals(entries, f.load());
        assertEquals(List.of(dir.resolve(HostapdDenyFile.FILE_NAME)), Files.list(dir).toList(), "no .tmp left");
        f.save(Map.of());
        assertEquals(Map.of(), f.load());
    }

    @Test
    void commentsAndBlankLinesAreSkipped() throws Exception {
        byte[] b = sealed(HEADER + "\n# a comment\nwlan0 02:00:00:00:00:01\n", 1);
        assertEquals(Map.of("wlan0", Set.of(A)), HostapdDenyFile.parse(NAME, b));
    }

    private static StateFileException bad(String body, int count) {
        return assertThrows(StateFileException.class, () -> HostapdDenyFile.parse(NAME, sealed(body, count)));
    }

    @Test
    void aLineWithoutTwoFieldsIsRefused() {
        StateFileException e = bad(HEADER + "wlan0\n", 1);
        assertEquals(3, e.line());
        assertTrue(e.detail().startsWith("expected 'IFNAME MAC'"), e.detail());
    }

    @Test
    void anInterfaceNameLongerThan15BytesIsRefused() {
        StateFileException e = bad(HEADER + "wlan0123456789ab 02:00:00:00:00:01\n", 1);
        assertTrue(e.detail().startsWith("bad interface name 'wlan0123456789ab'"), e.detail());
    }

    @Test
    void anInterfaceNameWithASlashIsRefused() {
        assertTrue(bad(HEADER + "a/b 02:00:00:00:00:01\n", 1).detail().startsWith("bad interface name"));
    }

    @Test
    void aMalformedMacIsRefused() {
        StateFileException e = bad(HEADER + "wlan0 02:00:00:00:00\n", 1);
        assertTrue(e.detail().startsWith("bad MAC '02:00:00:00:00'"), e.detail());
    }

    @Test
    void anUppercaseMacIsRefused() {
        assertTrue(bad(HEADER + "wlan0 AA:BB:CC:DD:EE:FF\n", 1).detail().startsWith("bad MAC"));
    }

    @Test
    void aDuplicateEntryIsRefused() {
        StateFileException e = bad(HEADER + "wlan0 02:00:00:00:00:01\nwlan0 02:00:00:00:00:01\n", 2);
        assertEquals(4, e.line());
        assertTrue(e.detail().startsWith("duplicate entry"), e.detail());
    }

    @Test
    void aCountThatDoesNotMatchIsRefused() {
        StateFileException e = bad(HEADER + "wlan0 02:00:00:00:00:01\n", 2);
        assertEquals("trailer says count=2 but the file holds 1 entries (lines lost or added)", e.detail());
    }

    @Test
    void aChecksumThatDoesNotMatchIsRefused() {
        byte[] b = sealed(HEADER + "wlan0 02:00:00:00:00:01\n", 1);
        b[HEADER.length()] = 'x'; // "xlan0": an edit after sealing
        StateFileException e = assertThrows(StateFileException.class, () -> HostapdDenyFile.parse(NAME, b));
        assertTrue(e.detail().startsWith("checksum mismatch"), e.detail());
    }

    @Test
    void aFileCutBeforeItsTrailerIsRefused() {
        byte[] b = (HEADER + "wlan0 02:00:00:00:00:01\n").getBytes(StandardCharsets.US_ASCII);
        StateFileException e = assertThrows(StateFileException.class, () -> HostapdDenyFile.parse(NAME, b));
        assertTrue(e.detail().startsWith("no '# end count=N crc32=XXXXXXXX' trailer line"), e.detail());
    }

    @Test
    void anInterfaceNameThatCannotBeWrittenIsRefusedBeforeWriting() {
        assertThrows(IllegalArgumentException.class, () -> HostapdDenyFile.format(Map.of("a b", Set.of(A))));
        assertFalse(Files.exists(tmp.resolve("state")));
    }
}
