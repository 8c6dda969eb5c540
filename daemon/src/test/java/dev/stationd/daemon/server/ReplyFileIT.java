package dev.stationd.daemon.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sealed memory file of a table reply, through the daemon's JNI library (on the failsafe JVM's
 * library path): what is written is what is sent, nothing can change it afterwards, and the last
 * reference closes it.
 */
class ReplyFileIT {
    // F_SEAL_* of <linux/fcntl.h>
    private static final int F_SEAL_SEAL = 0x1;
    private static final int F_SEAL_SHRINK = 0x2;
    private static final int F_SEAL_GROW = 0x4;
    private static final int F_SEAL_FUTURE_WRITE = 0x10;

    @BeforeAll
    static void libraryLoaded() {
        assertTrue(ReplyFile.available(), "the JNI library built by mvn package is on java.library.path");
    }

    /** A file of {@code size} bytes 0, 1, 2, … (mod 251), sealed. */
    private static ReplyFile written(int size) {
        ReplyFile file = ReplyFile.create(size);
        assertNotNull(file);
        for (int i = 0; i < size; i++) {
            file.buffer().writeByte(i % 251);
        }
        assertTrue(file.seal());
        return file;
    }

    /** {@code replies} copies of what {@link #written} writes. */
    private static byte[] expected(int size, int replies) {
        byte[] expected = new byte[size * replies];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i % size % 251);
        }
        return expected;
    }

    @Test
    void aRegionSendsWhatWasWritten() {
        ReplyFile file = written(10_000);
        byte[] sent = ByteBufUtil.getBytes(EncodedTableTest.bytes(file.region(1)));
        assertArrayEquals(expected(10_000, 1), sent);
        assertTrue(file.release());
    }

    /** Copies fill up to RUN_BYTES (192 KiB), at most MAX_COPIES (16), at least the one reply. */
    @Test
    void aSmallReplyIsInItsFileSeveralTimesAndARegionSendsSeveralReplies() {
        assertEquals(16, ReplyFile.copiesFor(ReplyFile.FROM_BYTES), "4 KiB: capped at 16");
        assertEquals(4, ReplyFile.copiesFor(45_060), "256 stations: 4 (180 KB)");
        assertEquals(2, ReplyFile.copiesFor(98_304), "96 KiB: 2");
        assertEquals(1, ReplyFile.copiesFor(98_305), "just over 96 KiB: 1");
        assertEquals(1, ReplyFile.copiesFor(ReplyFile.TO_BYTES), "1 MiB: 1");
        assertEquals(45_060 * 4, ReplyFile.footprint(45_060), "the memory of a file is all its copies");
        assertEquals(4_000, ReplyFile.footprint(4_000), "below the files' range: a buffer of its own");
        ReplyFile file = written(50_000);
        try {
            assertEquals(3, file.copies(), "50,000 bytes: 3 copies (150,000)");
            for (int replies = 1; replies <= file.copies(); replies++) {
                assertArrayEquals(expected(50_000, replies), ByteBufUtil.getBytes(EncodedTableTest.bytes(file.region(replies))),
                        replies + " replies");
            }
            assertThrows(IllegalArgumentException.class, () -> file.region(0));
            assertThrows(IllegalArgumentException.class, () -> file.region(4));
        } finally {
            assertTrue(file.release(), "every region released");
        }
    }

    @Test
    void aSealedFileCannotChangeSizeOrBeWritten() throws IOException {
        ReplyFile file = written(5_000);
        try {
            int seals = file.seals();
            assertEquals(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE, seals, "F_GET_SEALS: " + seals);
            assertTrue(file.buffer().isReadOnly(), "the daemon's own view");
            // another descriptor of the same file, opened for writing, gets nowhere either
            try (FileChannel other = FileChannel.open(Path.of("/proc/self/fd/" + file.fd()), StandardOpenOption.WRITE)) {
                assertThrows(IOException.class, () -> other.write(ByteBuffer.wrap(new byte[] {1}), 0), "write");
                assertThrows(IOException.class, () -> other.truncate(100), "shrink");
                long end = 5_000L * file.copies();
                assertThrows(IOException.class, () -> other.write(ByteBuffer.wrap(new byte[] {1}), end + 1_000), "grow");
            }
            ByteBuf view = file.buffer();
            assertEquals(0, view.getByte(0));
            assertEquals(1, view.getByte(1), "unchanged");
        } finally {
            file.release();
        }
    }

    @Test
    void sendingDoesNotUpdateTheAccessTime() throws IOException {
        ReplyFile file = written(5_000);
        try {
            // "flags:" in /proc/self/fdinfo is the open file's status flags in octal; O_NOATIME is 01000000
            String flags = Files.readAllLines(Path.of("/proc/self/fdinfo/" + file.fd())).stream()
                    .filter(line -> line.startsWith("flags:")).findFirst().orElseThrow().substring(6).trim();
            assertEquals(01000000, Integer.parseInt(flags, 8) & 01000000, "O_NOATIME in flags " + flags);
        } finally {
            file.release();
        }
    }

    @Test
    void theLastReferenceClosesTheFile() throws IOException {
        ReplyFile file = written(5_000);
        Path fd = Path.of("/proc/self/fd/" + file.fd());
        FileRegion inFlight = file.region(1);
        assertFalse(file.release(), "a region still holds it");
        assertTrue(Files.readSymbolicLink(fd).toString().startsWith("/memfd:stationd-table"), "still open");
        assertEquals(5_000, EncodedTableTest.bytes(inFlight).readableBytes(), "and sent whole (released by that)");
        assertEquals(0, file.refCnt());
        assertFalse(Files.exists(fd) && Files.readSymbolicLink(fd).toString().startsWith("/memfd:stationd-table"),
                "closed with the last region");
    }

    @Test
    void anUnsealedFileIsNeverSent() {
        ReplyFile file = ReplyFile.create(5_000);
        assertNotNull(file);
        try {
            assertThrows(IllegalStateException.class, () -> file.region(1));
        } finally {
            file.release();
        }
    }
}
