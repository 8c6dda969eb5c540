package dev.stationd.daemon.enrich;

import static dev.stationd.daemon.enrich.LeaseFixtures.lease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole lease files on disk: missing, huge, garbage, and replaced while being read. */
class LeaseFileTest {
    @TempDir
    Path dir;

    private static String dnsmasqLine(int i) {
        return "1795894417 02:00:00:" + String.format("%02x:%02x:%02x", (i >> 16) & 255, (i >> 8) & 255, i & 255)
                + " 10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255) + " host-" + i + " *\n";
    }

    @Test
    void missingFile() {
        LeaseFile.Read r = new LeaseFile(dir.resolve("nope.leases"), LeaseFormat.DNSMASQ).read();
        assertEquals(LeaseFile.Outcome.MISSING, r.outcome());
        assertEquals(0, r.leases().size());
    }

    @Test
    void unreadableFile() throws IOException {
        // a directory where the file should be: opening it fails like an unreadable file does
        Path p = Files.createDirectory(dir.resolve("dhcpd.leases"));
        LeaseFile.Read r = new LeaseFile(p, LeaseFormat.ISC).read();
        assertEquals(LeaseFile.Outcome.UNREADABLE, r.outcome());
        assertTrue(r.problems().first().startsWith("cannot read: "), r.problems().first());
    }

    @Test
    void hugeFileIsReadWithinItsBounds() throws IOException {
        Path p = dir.resolve("dnsmasq.leases");
        int lines = LeaseFile.MAX_LEASES + 20_000;
        try (BufferedWriter w = Files.newBufferedWriter(p)) {
            for (int i = 0; i < lines; i++) {
                w.write(dnsmasqLine(i));
            }
        }
        LeaseFile.Read r = new LeaseFile(p, LeaseFormat.DNSMASQ).read();
        assertEquals(LeaseFile.MAX_LEASES, r.leases().size());
        assertEquals(1, r.problems().count());
        assertEquals("more than " + LeaseFile.MAX_LEASES + " addresses; the rest is ignored", r.problems().first());
        assertEquals(lease("02:00:00:00:00:07", "10.0.0.7", "host-7", 1795894417), r.leases().get(LeaseFixtures.ip("10.0.0.7")));
    }

    @Test
    void binaryGarbageFile() throws IOException {
        byte[] junk = new byte[1 << 20];
        new Random(42).nextBytes(junk);
        Path p = Files.write(dir.resolve("kea-leases4.csv"), junk);
        for (LeaseFormat f : LeaseFormat.values()) {
            LeaseFile.Read r = new LeaseFile(p, f).read();
            assertEquals(LeaseFile.Outcome.READ, r.outcome(), f.key());
            assertEquals(0, r.leases().size(), f.key());
            assertTrue(r.problems().count() > 0, f.key());
        }
    }

    @Test
    void fileReplacedByRenameWhileBeingRead() throws IOException {
        Path p = dir.resolve("dnsmasq.leases");
        StringBuilder old = new StringBuilder();
        for (int i = 0; i < 5000; i++) { // well over one read buffer
            old.append(dnsmasqLine(i));
        }
        Files.writeString(p, old);
        Path next = Files.writeString(dir.resolve("dnsmasq.leases.new"), dnsmasqLine(9_999));
        LeaseFile file = new LeaseFile(p, LeaseFormat.DNSMASQ);
        boolean[] replaced = new boolean[1];
        LeaseFile.Read r;
        try (InputStream in = new FilterInputStream(Files.newInputStream(p)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, Math.min(len, 4096));
                if (!replaced[0]) { // after the first chunk, the writer renames its new file into place
                    Files.move(next, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    replaced[0] = true;
                }
                return n;
            }
        }) {
            r = file.read(in);
        }
        assertTrue(replaced[0]);
        assertEquals(5000, r.leases().size(), "the open file is read to its end: one consistent version");
        assertEquals(0, r.problems().count());
        assertEquals(List.of(lease("02:00:00:00:27:0f", "10.0.39.15", "host-9999", 1795894417)),
                List.copyOf(file.read().leases().values()), "the next read sees the new file");
    }
}
