package dev.stationd.daemon.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.RawConnection;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.Wire.CmdFrame;
import dev.stationd.protocol.client.EventSender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log against a peer that controls what is logged: a datagram sender whose socket path holds
 * a line break and a forged log line gets one line, escaped; and one flood of bad input does not
 * hide another kind of event (each kind has its own limiter of one line a second).
 */
class LogHygieneIT {
    @TempDir
    Path dir;

    @Test
    void aSendersPathIsLoggedEscapedOnOneLine() throws Exception {
        Path python = Stream.of("/usr/bin/python3", "/bin/python3").map(Path::of).filter(Files::isExecutable).findFirst()
                .orElse(null);
        assumeTrue(python != null, "needs python3 (the JDK has no Unix datagram socket to bind a path with)");
        String forged = "2026-01-01T00:00:00.000Z ERROR [main] Daemon: forged";
        Path sender = dir.resolve("s\n" + forged + "\u001b[2J");
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""))) {
            Process p = new ProcessBuilder(python.toString(), "-c",
                    "import socket, sys; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]);"
                            + " s.sendto(b'too short', sys.argv[2])", sender.toString(), d.events().toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
            DaemonProcess.await(Duration.ofSeconds(20), "the malformed datagram to be logged",
                    () -> d.output().contains("dropped malformed sta_event datagram from"));
            String log = d.output();
            String escaped = dir.resolve("s") + "\\n" + forged + "\\x1b[2J";
            assertTrue(log.contains("dropped malformed sta_event datagram from " + escaped + ": "), log);
            assertFalse(log.lines().anyMatch(l -> l.startsWith(forged)), "a line forged by the sender:\n" + log);
            assertFalse(log.contains("\u001b"), "a terminal escape reached the log");
            assertEquals(0, d.stop(), log);
        }
    }

    @Test
    void aFloodOfOneKindDoesNotHideAnother() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "  max_connections: 1\n  admin_reserve: 0\n", "");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg);
             EventSender s = EventSender.connect(d.events());
             RawConnection held = theOneConnection(d)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                s.sendRaw(new byte[] {1, 2, 3}); // malformed: one line a second of these at most
            }
            DaemonProcess.await(Duration.ofSeconds(20), "the flood to be logged",
                    () -> d.output().contains("dropped malformed sta_event datagram"));
            // within the same second: a malformed command, and a refused connection
            held.write(CmdFrame.cmd(Wire.PING).version(9).bytes());
            held.expectBare(Wire.E_VERSION, "E_VERSION");
            try (RawConnection refused = RawConnection.open(d.socket())) {
                refused.expectBare(Wire.E_BUSY, "over max_connections");
            }
            DaemonProcess.await(Duration.ofSeconds(20), "the other kinds to be logged", () -> {
                String log = d.output();
                return log.contains("bad command from") && log.contains("refusing connection of");
            });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String log = d.output();
            assertTrue(log.lines().filter(l -> l.contains("dropped malformed sta_event datagram")).count() < 500,
                    "the flood is rate-limited:\n" + log);
            System.out.println("log hygiene: the other kinds were logged " + ms + " ms into the flood");
            assertEquals(0, d.stop(), log);
        }
    }

    /** The one connection max_connections allows (the readiness check's may still be counted a moment). */
    private static RawConnection theOneConnection(DaemonProcess d) throws Exception {
        RawConnection[] got = new RawConnection[1];
        DaemonProcess.poll("the one connection", Duration.ofSeconds(20)).until(() -> {
            RawConnection c = RawConnection.open(d.socket());
            try {
                c.write(CmdFrame.cmd(Wire.PING).bytes());
            } catch (java.io.IOException e) {
                // refused and closed before the PING went out
            }
            if (c.readInt("PING or E_BUSY") == Wire.E_BUSY) {
                c.close();
                return false;
            }
            got[0] = c;
            return true;
        });
        return got[0];
    }
}
