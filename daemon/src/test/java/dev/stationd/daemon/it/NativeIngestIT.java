package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
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
class NativeIngestIT {
    private static final String BATCHED = "ingest socket read in batches";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static Path library() {
        return DaemonProcess.nativeDir().resolve(System.mapLibraryName("stationd_ingest_"
                + System.getProperty("os.arch").toLowerCase(Locale.ROOT)));
    }

    private static StaEvent upsert(int seq, int n) {
        StaListAttr sta = StaListAttr.builder(MacAddress.parse(String.format("02:00:00:00:%02x:%02x", n >> 8, n & 0xff)))
                .ifname("wlan0").ssid("burst").groupId(1).hostname("h" + n).build();
        return StaEvent.upsert(seq, sta);
    }

    @Test
    void burstIsAppliedCompletelyAndBadDatagramsAreDroppedWithTheirSender() throws Exception {
        assumeTrue(Files.isRegularFile(library()), library() + " not built (no C compiler at package time)");
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""))) {
            assertTrue(d.output().contains(BATCHED), d.output());
            int stations = 2000;
            try (EventSender s = EventSender.connect(d.events())) {
                // a bad one first, so the rate-limited log has its line: one byte short
                s.sendRaw(new byte[StaEvent.SIZE - 1]);
                for (int i = 0; i < stations; i++) {
                    s.send(upsert(i + 1, i));
                }
                s.sendRaw(new byte[StaEvent.SIZE + 1]);   // one byte too long: arrives truncated, flagged
            }
            try (StationClient c = StationClient.open(d.socket(), Duration.ofSeconds(5))) {
                DaemonProcess.await(DEADLINE, stations + " stations", () -> {
                    try {
                        return c.list(ListQuery.ALL).size() == stations;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            DaemonProcess.await(DEADLINE, "the bad-input log line", () -> d.output().contains("dropped malformed sta_event"));
            assertTrue(d.output().contains("dropped malformed sta_event datagram from an unnamed socket"), d.output());
            long t0 = System.nanoTime();
            assertEquals(0, d.stop(), d.output());
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < DaemonProcess.STOP_DEADLINE.toMillis());
            // every datagram was counted: the good ones applied, the two bad ones not
            assertTrue(d.output().contains(" events=" + stations + "\n"), d.output());
        }
    }

    @Test
    void namedSenderIsNamedInTheLog() throws Exception {
        assumeTrue(Files.isRegularFile(library()), library() + " not built (no C compiler at package time)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""))) {
            Path sender = dir.resolve("sender.sock");
            Process py = new ProcessBuilder("python3", "-c",
                    "import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]);"
                            + " s.sendto(b'short', sys.argv[2])", sender.toString(), d.events().toString())
                    .redirectErrorStream(true).start();
            assertTrue(py.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, py.exitValue(), new String(py.getInputStream().readAllBytes()));
            DaemonProcess.await(DEADLINE, "the bad-input log line", () -> d.output().contains("dropped malformed sta_event"));
            assertTrue(d.output().contains("dropped malformed sta_event datagram from " + sender + ":"), d.output());
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
            try (StationClient c = StationClient.open(d.socket(), Duration.ofSeconds(5))) {
                DaemonProcess.await(DEADLINE, "100 stations", () -> {
                    try {
                        return c.list(ListQuery.ALL).size() == 100;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        }
    }
}
