package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batched ingest reader ({@code libstationd_ingest}, recvmmsg) that the daemon uses when the
 * library is on {@code -Djava.library.path}, as started by the README command and the unit:
 * every datagram of a burst is applied, bad datagrams are dropped and logged with their sender,
 * and the daemon stops promptly. Without the library path Netty reads the socket (same results).
 */
public class NativeIngestIT {
    private static final String BATCHED = "ingest socket read in batches";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** @return the built library; skips the test only where no C compiler could build it */
    public static Path requireLibrary() {
        Path lib = DaemonProcess.nativeDir().resolve(System.mapLibraryName("stationd_ingest_"
                + System.getProperty("os.arch").toLowerCase(Locale.ROOT)));
        if (!Files.isRegularFile(lib)) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")) || Files.isExecutable(Path.of("/usr/bin/cc")),
                    lib + " not built: no C compiler at package time");
            fail(lib + " was not built although a C compiler is installed (see the mvn package output)");
        }
        return lib;
    }

    private static byte[] encoded(StaEvent e) {
        ByteBuf buf = Unpooled.buffer(StaEvent.SIZE);
        try {
            e.encode(buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static StaEvent upsert(int seq, int n) {
        StaListAttr sta = StaListAttr.builder(MacAddress.parse(String.format("02:00:00:00:%02x:%02x", n >> 8, n & 0xff)))
                .ifname("wlan0").ssid("burst").groupId(1).hostname("h" + n).build();
        return StaEvent.upsert(seq, sta);
    }

    @Test
    void burstIsAppliedCompletelyAndBadDatagramsAreDroppedWithTheirSender() throws Exception {
        requireLibrary();
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""))) {
            assertTrue(d.output().contains(BATCHED), d.output());
            int stations = 2000;
            byte[] valid = encoded(upsert(90_001, 0xfff0));
            try (EventSender s = EventSender.connect(d.events())) {
                // a bad one first, so the rate-limited log has its line: an otherwise valid event one byte short
                s.sendRaw(java.util.Arrays.copyOf(encoded(upsert(90_000, 0xfff1)), StaEvent.SIZE - 1));
                for (int i = 0; i < stations; i++) {
                    s.send(upsert(i + 1, i));
                }
                // a valid event with 50 bytes after it: longer than the receive slot, arrives cut and flagged
                s.sendRaw(java.util.Arrays.copyOf(valid, StaEvent.SIZE + 50));
                // one byte more than an event: fits the slot (SIZE + 1) exactly, its length alone rejects it
                s.sendRaw(java.util.Arrays.copyOf(encoded(upsert(90_002, 0xfff2)), StaEvent.SIZE + 1));
            }
            DaemonProcess.awaitStations(d.socket(), stations, DEADLINE);
            DaemonProcess.await(DEADLINE, "the bad-input log line", () -> d.output().contains("dropped malformed sta_event"));
            assertTrue(d.output().contains("dropped malformed sta_event datagram from an unnamed socket"), d.output());
            try (StationClient c = StationClient.open(d.socket(), Duration.ofSeconds(5))) {
                assertEquals(stations, c.list(ListQuery.ALL).size(), "none of the three wrong-length events is a station");
            }
            long t0 = System.nanoTime();
            assertEquals(0, d.stop(), d.output());
            // the reader waits at most 200 ms in the kernel before it sees the stop
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(stopMillis < 3000, "stop took " + stopMillis + " ms");
            assertFalse(d.output().contains("ingest reader did not stop"), d.output());
            // every good datagram was applied, none of the three bad ones
            assertTrue(d.output().contains(" events=" + stations + "\n"), d.output());
        }
    }

    @Test
    void namedSenderIsNamedInTheLog() throws Exception {
        requireLibrary();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""))) {
            assertTrue(d.output().contains(BATCHED), d.output());
            Path sender = dir.resolve("sender.sock");
            sendShortFrom(sender.toString(), d.events());
            DaemonProcess.await(DEADLINE, "the bad-input log line", () -> d.output().contains("dropped malformed sta_event"));
            assertTrue(d.output().contains("dropped malformed sta_event datagram from " + sender + ":"), d.output());
        }
    }

    @Test
    void abstractSenderIsNamedWithAnAt() throws Exception {
        requireLibrary();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""))) {
            String name = "stationd-it-" + ProcessHandle.current().pid();
            sendShortFrom("\0" + name, d.events());
            DaemonProcess.await(DEADLINE, "the bad-input log line", () -> d.output().contains("dropped malformed sta_event"));
            assertTrue(d.output().contains("dropped malformed sta_event datagram from @" + name + ":"), d.output());
        }
    }

    /** Sends a 5-byte datagram from a socket bound to {@code from} (a leading NUL: an abstract name). */
    private static void sendShortFrom(String from, Path events) throws Exception {
        Process py = new ProcessBuilder("python3", "-c",
                "import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);"
                        + " s.bind(sys.argv[1].replace('\\\\0', '\\0')); s.sendto(b'short', sys.argv[2])",
                from.replace("\0", "\\0"), events.toString())
                .redirectErrorStream(true).start();
        assertTrue(py.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, py.exitValue(), new String(py.getInputStream().readAllBytes()));
    }

    /**
     * A library of this build whose reader fails at its first call (here: a stub without
     * {@code receive}) hands the socket back to Netty: nothing sent is lost.
     */
    @Test
    void failingReaderHandsTheSocketBackToNetty() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed");
        Path stubDir = Files.createDirectories(dir.resolve("stub"));
        Path src = stubDir.resolve("stub.c");
        // the ABI number of this build and SO_PASSCRED "on", but no receive(): the reader starts and then fails
        Files.writeString(src, "#include <jni.h>\n"
                + "JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_NativeIngest_abiVersion(JNIEnv *e, jclass c)"
                + " { (void) e; (void) c; return 3; }\n"
                + "JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_NativeIngest_passCredentials(JNIEnv *e, jclass c,"
                + " jint fd) { (void) e; (void) c; (void) fd; return 0; }\n");
        String javaHome = System.getProperty("java.home");
        Process cc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-I" + javaHome + "/include",
                "-I" + javaHome + "/include/linux", "-o", stubDir.resolve(requireLibrary().getFileName()).toString(),
                src.toString()).redirectErrorStream(true).start();
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, cc.exitValue(), new String(cc.getInputStream().readAllBytes()));
        // the stub first on the path, Netty's library from the usual directory
        List<String> flags = List.of("-Djava.library.path=" + stubDir + ":" + DaemonProcess.nativeDir());
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""), flags)) {
            DaemonProcess.await(DEADLINE, "the reader's failure", () -> d.output().contains("batched ingest reader failed"));
            try (EventSender s = EventSender.connect(d.events())) {
                for (int i = 0; i < 50; i++) {
                    s.send(upsert(i + 1, i));
                }
            }
            DaemonProcess.awaitStations(d.socket(), 50, DEADLINE);
            assertEquals(0, d.stop(), d.output());
        }
    }

    @Test
    void withoutTheLibraryNettyReadsTheSocket() throws Exception {
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""), List.of())) {
            assertFalse(d.output().contains(BATCHED), d.output());
            try (EventSender s = EventSender.connect(d.events())) {
                for (int i = 0; i < 100; i++) {
                    s.send(upsert(i + 1, i));
                }
            }
            DaemonProcess.awaitStations(d.socket(), 100, DEADLINE);
        }
    }
}
