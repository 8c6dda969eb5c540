package dev.stationd.daemon.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.FrozenDisk;
import dev.stationd.daemon.it.RawConnection;
import dev.stationd.daemon.persist.FilterFile;
import dev.stationd.daemon.persist.StateFileException;
import dev.stationd.protocol.Wire.CmdFrame;
import dev.stationd.protocol.Wire;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ACKed filter change survives {@code kill -9} at any moment.
 *
 * <p>Each iteration: clients hammer FILTER_ADD (pipelined on several connections, so the daemon's
 * group commit batches them) with random MACs and record every {@code ACK} that reaches them,
 * the daemon is killed with SIGKILL at a random moment 0-300 ms after the first ACK (ACKs already
 * in the client's socket buffer are still read and counted), the state files are checked to
 * parse (never torn), the daemon is restarted on the same state directory and FILTER_LIST must
 * contain every filter ever ACKed there. The state directory is reused across iterations, so each
 * start-up loads what all previous iterations wrote.
 *
 * <p>Iterations: 200 by default, {@code -Dstationd.faultIterations=1000} for a longer run;
 * they are spread over {@code -Dstationd.faultLanes} (default 2) independent daemons running
 * side by side, to keep the wall time down (a JVM start dominates each iteration).
 */
class CrashSafetyIT {
    static final int ITERATIONS = Integer.getInteger("stationd.faultIterations", 200);
    static final int LANES = Math.max(1, Integer.getInteger("stationd.faultLanes", 2));
    static final long SEED = Long.getLong("stationd.faultSeed", System.nanoTime());
    /** Connections per hammering client. */
    static final int CONNECTIONS = 16;
    /** FILTER_ADDs in flight per connection. */
    static final int WINDOW = 4;
    /** When a lane's expected set grows past this, it is flushed (after verification) to keep files small. */
    static final int FLUSH_ABOVE = 20_000;
    /** Iterations of the run with the disk frozen before the kill ({@code -Dstationd.frozenIterations}). */
    static final int FROZEN_ITERATIONS = Integer.getInteger("stationd.frozenIterations", 20);
    /** How long the clients go on once the disk is frozen: past filters.commit_timeout (1 s there). */
    static final long FROZEN_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);

    @TempDir
    Path dir;

    private final AtomicLong iterationsDone = new AtomicLong();
    private final AtomicLong acksVerified = new AtomicLong();
    private final AtomicLong killsWithAcksInFlight = new AtomicLong();
    private final AtomicLong busyAnswers = new AtomicLong();

    private List<String> jvm;

    @Test
    void everyAckedFilterSurvivesKill9() throws Exception {
        System.out.println("kill -9 fault test: " + ITERATIONS + " iterations on " + LANES + " lanes, seed " + SEED
                + " (-Dstationd.faultSeed=" + SEED + " to repeat the timing choices)");
        long t0 = System.nanoTime();
        jvm = DaemonProcess.fastJvmWithClassArchive(dir.resolve("warm-up"));
        ExecutorService pool = Executors.newFixedThreadPool(LANES);
        try {
            List<Future<?>> lanes = new ArrayList<>();
            for (int l = 0; l < LANES; l++) {
                int lane = l;
                int n = ITERATIONS / LANES + (lane < ITERATIONS % LANES ? 1 : 0);
                lanes.add(pool.submit(() -> {
                    runLane(lane, n);
                    return null;
                }));
            }
            for (Future<?> f : lanes) {
                f.get(30, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("kill -9 iterations: " + iterationsDone.get() + ", ACKs verified: " + acksVerified.get()
                + " (" + killsWithAcksInFlight.get() + " kills with FILTER_ADDs still unanswered; "
                + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        assertEquals(ITERATIONS, iterationsDone.get(), "iterations");
        assertTrue(acksVerified.get() >= ITERATIONS, "at least one ACK per iteration");
    }

    /**
     * The same loop with the filter writer stalled: at the random moment the disk is frozen
     * ({@code fsfreeze}, so {@code fsync} hangs), the clients go on sending for 1.5 s (past
     * {@code filters.commit_timeout}: some get {@code NAK E_BUSY}), then the daemon is killed and the
     * disk thawed. No FILTER_ADD sent after the freeze may ever be ACKed (it cannot be on disk),
     * and every ACKed one is there after the restart. Needs root and the loop device tools.
     */
    @Test
    void noAckForAChangeThatIsNotOnDiskWhileTheDiskIsFrozen() throws Exception {
        assumeTrue(FrozenDisk.available(), "needs root, losetup, mkfs.ext4 and fsfreeze");
        jvm = DaemonProcess.fastJvmWithClassArchive(dir.resolve("warm-up"));
        try (FrozenDisk disk = FrozenDisk.create(dir)) {
            runLane(0, FROZEN_ITERATIONS, disk);
        }
        System.out.println("kill -9 with the disk frozen: " + iterationsDone.get() + " iterations, ACKs verified: "
                + acksVerified.get() + ", E_BUSY answers: " + busyAnswers.get());
        assertEquals(FROZEN_ITERATIONS, iterationsDone.get(), "iterations");
        assertTrue(busyAnswers.get() > 0, "the commit timeout answered E_BUSY at least once");
    }

    private void runLane(int lane, int iterations) throws Exception {
        runLane(lane, iterations, null);
    }

    /** @param disk where the state goes, frozen before each kill; {@code null}: the test's directory, never frozen */
    private void runLane(int lane, int iterations, FrozenDisk disk) throws Exception {
        Path laneDir = Files.createDirectory(dir.resolve("lane" + lane));
        Path config = DaemonProcess.writeConfig(laneDir, "", "", "filters:\n  max_filters: 1000000\nlog:\n  level: warn\n");
        if (disk != null) { // the state on the file system that freezes, and a short commit timeout
            Files.writeString(config, Files.readString(config)
                    .replace("state:\n  directory: state\n", "state:\n  directory: " + disk.mountPoint().resolve("state") + "\n")
                    .replace("filters:\n", "filters:\n  commit_timeout: 1s\n"));
        }
        Random random = new Random(SEED + lane);
        Set<Long> expected = new HashSet<>(); // (group << 48) | mac, every ACK since the last flush
        DaemonProcess daemon = DaemonProcess.start(laneDir, config, jvm);
        try {
            for (int i = 0; i < iterations; i++) {
                String where = "lane " + lane + " iteration " + i;
                Hammer h = new Hammer(daemon, random, disk);
                h.run(where);
                expected.addAll(h.acked);
                busyAnswers.addAndGet(h.busy);
                assertTrue(!daemon.isAlive(), where + ": daemon still alive after SIGKILL");
                checkStateFiles(disk == null ? daemon.stateDir() : disk.mountPoint().resolve("state"), where);
                daemon.restart();
                Set<Long> listed = filterList(daemon);
                Set<Long> missing = new HashSet<>(expected);
                missing.removeAll(listed);
                if (!missing.isEmpty()) {
                    throw new AssertionError(where + ": " + missing.size() + " ACKed filters lost after kill -9, e.g. "
                            + describe(missing.iterator().next()) + "\n" + daemon.allOutput());
                }
                acksVerified.addAndGet(h.acked.size());
                if (h.unanswered > 0) {
                    killsWithAcksInFlight.incrementAndGet();
                }
                iterationsDone.incrementAndGet();
                if (expected.size() > FLUSH_ABOVE) {
                    try (RawConnection c = RawConnection.open(daemon.socket())) {
                        c.write(CmdFrame.cmd(Wire.FILTER_FLUSH).bytes());
                        c.expectAck(where + ": FILTER_FLUSH");
                    }
                    expected.clear();
                }
            }
            assertEquals(0, daemon.stop(), "lane " + lane + ": clean stop after the loop");
        } finally {
            daemon.close();
        }
    }

    private static String describe(long key) {
        return "group " + (key >>> 48) + " mac " + String.format("%012x", key & 0xFFFF_FFFF_FFFFL);
    }

    /** filters.conf (and .prev) must always parse: a save never leaves a torn file in place. */
    private static void checkStateFiles(Path state, String where) throws IOException {
        for (String name : new String[] {FilterFile.FILE_NAME, FilterFile.FILE_NAME + FilterFile.PREV_SUFFIX}) {
            Path p = state.resolve(name);
            if (Files.exists(p)) {
                try {
                    FilterFile.parse(p, Files.readAllBytes(p));
                } catch (StateFileException e) {
                    throw new AssertionError(where + ": corrupt state file after kill -9: " + e.getMessage(), e);
                }
            }
        }
    }

    private static Set<Long> filterList(DaemonProcess daemon) throws IOException {
        Set<Long> out = new HashSet<>();
        try (RawConnection c = RawConnection.open(daemon.socket())) {
            c.write(CmdFrame.cmd(Wire.FILTER_LIST).bytes());
            byte[] t = c.readTable("FILTER_LIST");
            for (int at = 0; at < t.length; at += Wire.RECORD_SIZE) {
                out.add(((long) Wire.i32(t, at + 12) /* sta_list_attr.group_id */ << 48) | Wire.mac48(t, at));
            }
        }
        return out;
    }

    /** Several pipelined connections sending FILTER_ADD until the daemon is killed. */
    private static final class Hammer {
        private final DaemonProcess daemon;
        private final Random random;
        private final FrozenDisk disk;
        final Set<Long> acked = new HashSet<>();
        int unanswered;
        int busy;
        /** When the disk was frozen (System.nanoTime), 0 before. */
        long frozenAt;

        Hammer(DaemonProcess daemon, Random random, FrozenDisk disk) {
            this.daemon = daemon;
            this.random = random;
            this.disk = disk;
        }

        private static final class Conn {
            final SocketChannel ch;
            final ArrayDeque<Long> inflight = new ArrayDeque<>();
            /** When each request in flight was queued (System.nanoTime). */
            final ArrayDeque<Long> queuedAt = new ArrayDeque<>();
            final ByteBuffer out = ByteBuffer.allocate(Wire.CMD_SIZE * WINDOW * 2);
            final ByteBuffer in = ByteBuffer.allocate(1 << 16);
            boolean closed;

            Conn(SocketChannel ch) {
                this.ch = ch;
                out.flip();
            }
        }

        void run(String where) throws Exception {
            List<Conn> conns = new ArrayList<>();
            try (Selector selector = Selector.open()) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                    ch.connect(UnixDomainSocketAddress.of(daemon.socket()));
                    ch.configureBlocking(false);
                    Conn c = new Conn(ch);
                    ch.register(selector, SelectionKey.OP_READ, c);
                    conns.add(c);
                }
                long killAt = 0;
                boolean killed = false;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (true) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError(where + ": no ACK / no EOF within 60 s\n" + daemon.output());
                    }
                    boolean allClosed = true;
                    for (Conn c : conns) {
                        if (!c.closed) {
                            allClosed = false;
                            if (!killed) {
                                fill(c);
                            }
                            read(c, where);
                        }
                    }
                    if (allClosed && (killed || disk == null)) { // E_BUSY closes connections before the kill
                        break;
                    }
                    if (killAt == 0 && !acked.isEmpty()) {
                        killAt = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(random.nextInt(300_001));
                    }
                    if (!killed && killAt != 0 && System.nanoTime() >= killAt) {
                        if (disk == null) {
                            daemon.kill9(); // the process is gone when this returns; its replies already sent are readable
                            killed = true;
                        } else if (frozenAt == 0) {
                            disk.freeze(); // from now on nothing can reach the disk: no new ACK is possible
                            frozenAt = System.nanoTime();
                        } else if (System.nanoTime() - frozenAt >= FROZEN_NANOS) {
                            daemon.process().destroyForcibly(); // it exits once the thread blocked in fsync returns
                            disk.thaw();
                            daemon.kill9();
                            killed = true;
                        }
                    }
                    selector.select(1);
                    selector.selectedKeys().clear();
                }
                for (Conn c : conns) {
                    unanswered += c.inflight.size();
                }
            } finally {
                for (Conn c : conns) {
                    c.ch.close();
                }
            }
        }

        private void fill(Conn c) throws IOException {
            while (c.inflight.size() < WINDOW) {
                long mac;
                do {
                    mac = random.nextLong() & 0xFEFF_FFFF_FFFFL; // unicast, non-zero
                } while (mac == 0);
                int group = 1 + random.nextInt(4);
                c.out.compact();
                c.out.put(CmdFrame.cmd(Wire.FILTER_ADD).mac(mac).groupId(group).seq(c.inflight.size()).bytes());
                c.out.flip();
                c.inflight.add(((long) group << 48) | mac);
                c.queuedAt.add(System.nanoTime());
            }
            try {
                c.ch.write(c.out);
            } catch (IOException e) {
                c.out.clear().flip(); // the daemon is gone; what is unsent is unanswered
            }
        }

        private void read(Conn c, String where) {
            int n;
            try {
                n = c.ch.read(c.in);
            } catch (IOException e) {
                n = -1; // reset by the dying daemon
            }
            c.in.flip();
            while (c.in.remaining() >= 4) {
                byte[] r = new byte[4];
                c.in.mark();
                c.in.get(r);
                if (RawConnection.hex(r).equals(RawConnection.hex(Wire.ACK))) {
                    Long key = c.inflight.poll();
                    Long queued = c.queuedAt.poll();
                    if (key == null) {
                        throw new AssertionError(where + ": ACK without a request");
                    }
                    if (frozenAt != 0 && queued > frozenAt) {
                        throw new AssertionError(where + ": ACK for a FILTER_ADD sent after the disk froze: "
                                + describe(key) + " cannot be on disk");
                    }
                    acked.add(key);
                } else if (disk != null && RawConnection.hex(r).equals(RawConnection.hex(Wire.NAK))) {
                    if (c.in.remaining() < 4) {
                        c.in.reset(); // the code follows in the next read
                        break;
                    }
                    int code = c.in.order(Wire.HOST).getInt();
                    if (code != Wire.E_BUSY) {
                        throw new AssertionError(where + ": NAK " + code + " to FILTER_ADD");
                    }
                    busy++; // not acknowledged: the change may or may not be saved later
                    c.inflight.poll();
                    c.queuedAt.poll();
                } else {
                    throw new AssertionError(where + ": unexpected reply to FILTER_ADD: " + RawConnection.hex(r));
                }
            }
            c.in.compact();
            if (n < 0) {
                c.closed = true;
            }
        }
    }
}
