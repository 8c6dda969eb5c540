package dev.stationd.daemon.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.client.StationClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest.access}: the sender of each datagram on the ingest socket is checked by the
 * credentials the kernel attaches ({@code SO_PASSCRED}/{@code SCM_CREDENTIALS}), with real senders
 * running under other uids ({@code setpriv} and a line of Python, as the JDK has no Unix datagram
 * socket). A refused datagram changes nothing (not even a {@code FLUSH}), is counted and logged
 * with the sender's uid and pid; the rule changes on reload; and a daemon that cannot read the
 * credentials (no JNI library: Netty's path) refuses to start with the rule set rather than
 * seem to enforce it. Needs root, like {@link AccessControlIT}.
 */
class IngestAccessIT {
    static final int NOBODY = 65534;
    static final long MAC = 0x02_1A_00_00_00_01L;
    /** Sends one datagram: {@code python3 -c SCRIPT SOCKET HEX}. */
    static final String SEND = "import socket, sys; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); "
            + "s.sendto(bytes.fromhex(sys.argv[2]), sys.argv[1])";

    private static Path setpriv;
    /** The system's Python (not one under root's home, which other users cannot run). */
    private static Path python;

    @TempDir
    Path dir;

    @BeforeAll
    static void requireRootAndSetpriv() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assumeTrue(uid == 0, "IngestAccessIT needs root to send as other users (running as uid " + uid + ")");
        setpriv = Stream.of("/usr/bin/setpriv", "/bin/setpriv").map(Path::of).filter(Files::isExecutable).findFirst()
                .orElse(null);
        assumeTrue(setpriv != null, "IngestAccessIT needs setpriv (util-linux)");
        python = Stream.of("/usr/bin/python3", "/bin/python3").map(Path::of).filter(Files::isExecutable).findFirst()
                .orElse(null);
        assumeTrue(python != null, "IngestAccessIT needs /usr/bin/python3 to send datagrams as other users");
    }

    /** Sends {@code datagram} to {@code socket} as {@code uid}:{@code gid}. */
    private static void sendAs(int uid, int gid, Path socket, byte[] datagram) throws Exception {
        Process p = new ProcessBuilder(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                python.toString(), "-c", SEND, socket.toString(), HexFormat.of().formatHex(datagram)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "sender hung");
        assertEquals(0, p.exitValue(), "sender as " + uid + " failed: " + out);
    }

    private static byte[] upsert(long mac) {
        return Wire.upsert(1, mac);
    }

    private static byte[] flushAll() {
        ByteBuf buf = Unpooled.buffer(StaEvent.SIZE);
        try {
            StaEvent.flush(2, "").encode(buf);
            return Wire.readable(buf);
        } finally {
            buf.release();
        }
    }

    /** Sends {@code marker} as root (always allowed) and waits for it: what was sent before it is processed. */
    private static void syncWith(DaemonProcess d, StationClient c, long marker) throws Exception {
        sendAs(0, 0, d.events(), upsert(marker));
        DaemonProcess.poll("the marker station " + Long.toHexString(marker), Duration.ofSeconds(20))
                .until(() -> c.get(new MacAddress(marker)) != null);
    }

    private Path config(String access) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return DaemonProcess.writeConfig(dir, "", "  socket_mode: \"0666\"\n" + access, "");
    }

    @Test
    void sendersOutsideIngestAccessChangeNothingAndAreLogged() throws Exception {
        Path cfg = config("  access: { uids: [nobody], gids: [4244] }\n");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg);
             StationClient c = StationClient.open(d.socket())) {
            sendAs(NOBODY, NOBODY, d.events(), upsert(MAC));                 // listed by name
            sendAs(23480, 4244, d.events(), upsert(MAC + 1));                // its primary group is listed
            sendAs(23481, 23481, d.events(), upsert(MAC + 2));               // neither
            sendAs(23481, 23481, d.events(), flushAll());                    // neither, and would empty the table
            syncWith(d, c, MAC + 100);
            assertNotNull(c.get(new MacAddress(MAC)), "sent by nobody");
            assertNotNull(c.get(new MacAddress(MAC + 1)), "sent with the listed primary group");
            assertNull(c.get(new MacAddress(MAC + 2)), "sent by uid 23481");
            assertEquals(3, c.list(dev.stationd.protocol.client.ListQuery.ALL).size(), "the FLUSH of uid 23481 did nothing");
            String log = d.output();
            assertTrue(log.contains("denied an ingest datagram from uid=23481 gid=23481 pid="), log);
            assertTrue(log.contains("not in ingest.access"), log);

            // the rule is live: opened by a reload, the same sender is heard
            Files.writeString(cfg, Files.readString(cfg).replace("  access: { uids: [nobody], gids: [4244] }\n", ""));
            d.signal("HUP");
            DaemonProcess.poll("the reload", Duration.ofSeconds(20)).until(() -> d.output().contains("configuration reloaded"));
            sendAs(23481, 23481, d.events(), upsert(MAC + 3));
            syncWith(d, c, MAC + 101);
            assertNotNull(c.get(new MacAddress(MAC + 3)), "uid 23481 after the rule was removed");
            assertEquals(0, d.stop(), d.output());
        }
    }

    @Test
    void withoutTheJniLibraryARestrictedIngestAccessDoesNotStart() throws Exception {
        Path nettyOnly = Files.createDirectory(dir.resolve("netty-only"));
        try (Stream<Path> libs = Files.list(DaemonProcess.nativeDir())) {
            for (Path lib : libs.filter(p -> p.getFileName().toString().startsWith("libnetty")).toList()) {
                Files.copy(lib, nettyOnly.resolve(lib.getFileName()));
            }
        }
        Path cfg = config("  access: { uids: [nobody], gids: [] }\n");
        try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).jvmFlags(List.of("-Djava.library.path=" + nettyOnly))
                .launch()) {
            assertEquals(78, d.awaitExit(DaemonProcess.START_DEADLINE), d.output());
            assertTrue(d.output().contains("cannot start: ingest.access lists who may send datagrams, but only the batched"
                    + " ingest reader (libstationd_ingest on java.library.path) reads the senders' credentials"), d.output());
        }
        // with an open rule Netty's path serves as before
        Path open = config("");
        try (DaemonProcess d = DaemonProcess.builder(dir).config(open).jvmFlags(List.of("-Djava.library.path=" + nettyOnly))
                .start();
             StationClient c = StationClient.open(d.socket())) {
            sendAs(23481, 23481, d.events(), upsert(MAC));
            DaemonProcess.poll("the station", Duration.ofSeconds(20)).until(() -> c.get(new MacAddress(MAC)) != null);
            assertEquals(0, d.stop(), d.output());
        }
    }
}
