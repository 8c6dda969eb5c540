package dev.stationd.daemon.it.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.daemon.it.RawConnection;
import dev.stationd.daemon.it.TableReplySkipper;
import dev.stationd.protocol.Wire;
import dev.stationd.protocol.Wire.CmdFrame;
import dev.stationd.protocol.client.EventSender;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded against clients that do not read, with the shipped JVM flags
 * ({@code config/jvm.options}: 64 MiB heap, 64 MiB direct memory): 10,000 stations; 4 clients that
 * pipeline {@code STA_LIST offset=1} (each reply its own 1.76 MB copy) and never read; 60 clients
 * that read their full-table replies slowly while the table changes every 50 ms (so each may hold
 * another table version); 150 subscribers that never read. Meanwhile a well-behaved client is
 * answered correctly every time, two reading subscribers see every event ({@code seq} without a
 * gap), no {@code OutOfMemoryError} is logged, and the daemon's peak RSS (VmHWM) stays within
 * 96 MiB. Clients the daemon disconnects come back a second later (as a retrying client would),
 * so the pressure lasts the whole run.
 */
class MemoryBoundsIT {
    static final int STATIONS = 10_000;
    static final int PIPELINERS = 4;
    static final int SLOW_READERS = 60;
    static final int IDLE_SUBSCRIBERS = 150;
    static final int READING_SUBSCRIBERS = 2;
    /** Requests each slow reader keeps in flight. */
    static final int SLOW_DEPTH = 4;
    /** Bytes a slow reader reads per tick (every {@link #TICK_MS}): about 320 KB/s, 5.5 s per full reply. */
    static final int SLOW_BYTES_PER_TICK = 32 * 1024;
    static final long TICK_MS = 100;
    static final long CHURN_MS = 50;
    /** How long a disconnected client waits before it comes back. */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long RSS_LIMIT_KIB = 96 * 1024;
    static final Duration RUN = Duration.ofSeconds(Long.getLong("stationd.memoryRunSeconds", 30));
    static final long MAC_BASE = 0x02_4D_00_00_00_00L;

    @TempDir
    Path dir;

    /**
     * @return the flags of the shipped {@code config/jvm.options}, as the unit and the README start
     *     the daemon, with Netty's leak detection back at its default level: the paranoid level
     *     of the test launcher records a stack trace at every buffer access, which makes encoding
     *     a 10,000-station table take seconds and fills the heap with traces, so memory would be
     *     measured on another program. The leak checks run paranoid in the other tests.
     */
    static List<String> shippedJvm() {
        Path root = Path.of(System.getProperty("stationd.root", ".."));
        Path options = root.resolve("config/jvm.options").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(options), "no " + options);
        return List.of("@" + options, "-Djava.library.path=" + DaemonProcess.nativeDir(),
                "-Dio.netty.leakDetectionLevel=simple");
    }

    static long statusKiB(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + field);
    }

    private static SocketChannel connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        ch.configureBlocking(false);
        return ch;
    }

    @Test
    void boundedAgainstNonReadersSlowReadersAndIdleSubscribers() throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, "");
        try (DaemonProcess d = DaemonProcess.start(dir, cfg, shippedJvm());
             EventSender sender = EventSender.connect(d.events())) {
            for (int i = 0; i < STATIONS; i++) {
                sender.sendRaw(Wire.upsert(i, MAC_BASE + i));
            }
            DaemonProcess.awaitStations(d.socket(), STATIONS, Duration.ofSeconds(60));
            Load load = new Load(d.socket(), sender, d.process().pid());
            try {
                load.start();
                DaemonProcess.await(RUN.plusSeconds(60), "the load to run for " + RUN, load::done);
            } finally {
                load.stop();
            }
            long hwm = statusKiB(d.process().pid(), "VmHWM");
            String out = d.output();
            Files.writeString(Path.of("target", "MemoryBoundsIT-daemon.log"), out); // for a look after a failure
            System.out.printf("memory bounds: peak RSS %,d KiB (sampled max %,d KiB); well-behaved rounds %d (slowest %d ms); "
                            + "subscriber events %s; pipeliners reconnected %d; slow readers: %d full replies, %d E_BUSY, "
                            + "%d reconnects; %d table changes%n", hwm, load.maxRss.get(), load.goodRounds.get(), load.goodMaxMs.get(),
                    load.subscriberEvents, load.pipelinerReconnects.get(), load.slowReplies.get(), load.slowBusy.get(),
                    load.slowReconnects.get(), load.changes.get());
            assertTrue(d.process().isAlive(), "daemon died:\n" + out);
            assertTrue(load.failures.isEmpty(), "failures: " + load.failures + "\n" + tail(out));
            assertFalse(out.contains("OutOfMemoryError"), "the daemon ran out of memory:\n" + tail(out));
            assertFalse(out.contains("LEAK:"), "Netty reported a buffer leak:\n" + tail(out));
            assertTrue(load.goodRounds.get() >= 20, "the well-behaved client was answered only "
                    + load.goodRounds.get() + " times");
            for (AtomicLong n : load.subscriberEvents) {
                assertTrue(n.get() >= load.changes.get() / 2, "a reading subscriber saw " + n.get() + " of "
                        + load.changes.get() + " changes");
            }
            assertTrue(hwm <= RSS_LIMIT_KIB, "peak RSS " + hwm + " KiB > " + RSS_LIMIT_KIB + " KiB");
            assertEquals(0, d.stop(), "clean stop:\n" + tail(out));
        }
    }

    static String tail(String out) {
        return out.length() > 20_000 ? "..." + out.substring(out.length() - 20_000) : out;
    }

    /** The clients, driven by one scheduler; failures are collected, never thrown on its threads. */
    private static final class Load {
        final Path socket;
        final EventSender sender;
        final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        final List<Thread> threads = new ArrayList<>();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicLong maxRss = new AtomicLong();
        final AtomicInteger goodRounds = new AtomicInteger();
        final AtomicLong goodMaxMs = new AtomicLong();
        final AtomicInteger changes = new AtomicInteger();
        final AtomicInteger pipelinerReconnects = new AtomicInteger();
        final AtomicInteger slowReplies = new AtomicInteger();
        final AtomicInteger slowBusy = new AtomicInteger();
        final AtomicInteger slowReconnects = new AtomicInteger();
        final List<AtomicLong> subscriberEvents = new ArrayList<>();
        final List<SocketChannel> idle = new ArrayList<>();
        final SocketChannel[] pipeliners = new SocketChannel[PIPELINERS];
        final long[] pipelinerBack = new long[PIPELINERS];
        final SlowReader[] slow = new SlowReader[SLOW_READERS];
        final long end;
        final long daemonPid;
        volatile boolean stopped;

        Load(Path socket, EventSender sender, long daemonPid) {
            this.socket = socket;
            this.sender = sender;
            this.daemonPid = daemonPid;
            this.end = System.nanoTime() + RUN.toNanos();
        }

        boolean done() {
            return System.nanoTime() > end || stopped;
        }

        void fail(String what) {
            if (failures.size() < 20) {
                failures.add(what);
            }
        }

        void start() throws Exception {
            for (int i = 0; i < READING_SUBSCRIBERS; i++) {
                AtomicLong seen = new AtomicLong();
                subscriberEvents.add(seen);
                RawConnection c = RawConnection.open(socket);
                c.write(CmdFrame.cmd(Wire.SUBSCRIBE).bytes());
                c.expectAck("reading subscriber " + i);
                Thread t = new Thread(() -> readEvents(c, seen), "reading-subscriber-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            for (int i = 0; i < IDLE_SUBSCRIBERS; i++) {
                idle.add(subscribeAndStopReading(i));
            }
            for (int i = 0; i < PIPELINERS; i++) {
                pipeliners[i] = connect(socket);
            }
            for (int i = 0; i < SLOW_READERS; i++) {
                slow[i] = new SlowReader();
            }
            timer.scheduleAtFixedRate(this::churn, 0, CHURN_MS, TimeUnit.MILLISECONDS);
            timer.scheduleAtFixedRate(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
            Thread good = new Thread(this::wellBehaved, "well-behaved");
            good.setDaemon(true);
            good.start();
            threads.add(good);
        }

        /** A subscriber that reads its ACK and nothing after it. */
        private SocketChannel subscribeAndStopReading(int i) throws IOException {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(CmdFrame.cmd(Wire.SUBSCRIBE).bytes()));
            ByteBuffer ack = ByteBuffer.allocate(4);
            while (ack.hasRemaining()) {
                if (ch.read(ack) < 0) {
                    throw new AssertionError("idle subscriber " + i + ": EOF before the ACK");
                }
            }
            assertEquals(Wire.hex(Wire.ACK), Wire.hex(ack.array()), "idle subscriber " + i);
            return ch;
        }

        void stop() throws Exception {
            stopped = true;
            // let a running tick finish: interrupted in a socket call it would fail with ClosedByInterruptException
            timer.shutdown();
            if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                timer.shutdownNow(); // before fail(), which throws: the tick must not outlive the test
                fail("the load's timer did not stop within 10 s");
            }
            for (Thread t : threads) {
                t.join(10_000);
            }
            for (SocketChannel ch : idle) {
                ch.close();
            }
            for (SocketChannel ch : pipeliners) {
                if (ch != null) {
                    ch.close();
                }
            }
            for (SlowReader r : slow) {
                if (r != null && r.ch != null) {
                    r.ch.close();
                }
            }
        }

        private void churn() {
            int n = changes.incrementAndGet();
            try {
                // a changed signal each time: a new table version and one event
                sender.sendRaw(Wire.withByte(Wire.upsert(n, MAC_BASE + n % STATIONS), 16 + 81, -(n % 90) - 1));
            } catch (IOException | RuntimeException e) {
                fail("churn: " + e);
            }
        }

        private void tick() {
            try {
                long rss = statusKiB(daemonPid, "VmRSS");
                maxRss.accumulateAndGet(rss, Math::max);
                for (int i = 0; i < PIPELINERS; i++) {
                    pipeline(i);
                }
                for (int i = 0; i < SLOW_READERS; i++) {
                    slow[i].tick();
                }
            } catch (IOException | RuntimeException e) {
                fail("tick: " + e);
            }
        }

        private void pipeline(int i) throws IOException {
            if (pipeliners[i] == null) {
                if (System.nanoTime() - pipelinerBack[i] < 0) {
                    return;
                }
                pipeliners[i] = connect(socket);
            }
            ByteBuffer frames = ByteBuffer.allocate(64 * Wire.CMD_SIZE);
            for (int k = 0; k < 64; k++) {
                frames.put(CmdFrame.cmd(Wire.STA_LIST).offset(1).seq(k).bytes());
            }
            frames.flip();
            try {
                while (frames.hasRemaining() && pipeliners[i].write(frames) > 0) {
                    // as much as the socket takes
                }
            } catch (IOException e) { // disconnected by the daemon: come back later
                pipeliners[i].close();
                pipeliners[i] = null;
                pipelinerBack[i] = System.nanoTime() + RETRY_NANOS;
                pipelinerReconnects.incrementAndGet();
            }
        }

        private void readEvents(RawConnection c, AtomicLong seen) {
            long last = -1;
            try (c) {
                while (!done()) {
                    byte[] e = c.read(Wire.EVENT_SIZE, Duration.ofSeconds(10), "event");
                    long seq = Integer.toUnsignedLong(ByteBuffer.wrap(e).order(Wire.HOST).getInt(8));
                    if (last >= 0 && seq != last + 1) {
                        fail("reading subscriber: seq " + seq + " after " + last);
                    }
                    last = seq;
                    seen.incrementAndGet();
                }
            } catch (IOException | AssertionError e) {
                if (!done()) {
                    fail("reading subscriber: " + e);
                }
            }
        }

        private void wellBehaved() {
            while (!done()) {
                long t0 = System.nanoTime();
                try (RawConnection c = RawConnection.open(socket)) {
                    c.write(Wire.concat(CmdFrame.cmd(Wire.STA_LIST).bytes(), CmdFrame.cmd(Wire.PING).bytes(),
                            CmdFrame.cmd(Wire.STA_GET).mac(MAC_BASE + 7).bytes(),
                            CmdFrame.cmd(Wire.STA_LIST).offset(STATIONS - 3).bytes()));
                    c.expectTable(STATIONS, "well-behaved STA_LIST");
                    c.expectAck("well-behaved PING");
                    c.expectTable(1, "well-behaved STA_GET");
                    c.expectTable(3, "well-behaved STA_LIST offset");
                    goodRounds.incrementAndGet();
                    goodMaxMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                    // paced by the daemon's answer to an idle PING a tick later
                    assertTrue(c.staysQuiet(Duration.ofMillis(TICK_MS)), "well-behaved: unexpected bytes");
                } catch (IOException | AssertionError e) {
                    fail("well-behaved client: " + e);
                }
            }
        }

        /** A client that keeps {@link #SLOW_DEPTH} full-table requests in flight and reads slowly. */
        private final class SlowReader {
            SocketChannel ch;
            long back;
            final ByteBuffer in = ByteBuffer.allocate(SLOW_BYTES_PER_TICK).order(Wire.HOST);
            final TableReplySkipper replies = new TableReplySkipper();
            boolean busy;
            int inFlight;

            SlowReader() throws IOException {
                open();
            }

            private void open() throws IOException {
                ch = connect(socket);
                in.clear();
                replies.reset();
                busy = false;
                inFlight = 0;
                refill();
            }

            private void refill() throws IOException {
                while (inFlight < SLOW_DEPTH) {
                    ByteBuffer f = ByteBuffer.wrap(CmdFrame.cmd(Wire.STA_LIST).bytes());
                    if (ch.write(f) == 0) {
                        return; // the daemon does not read now; later
                    }
                    inFlight++;
                }
            }

            void tick() throws IOException {
                if (ch == null) {
                    if (System.nanoTime() - back >= 0) {
                        open();
                    }
                    return;
                }
                int n;
                try {
                    n = ch.read(in);
                } catch (IOException e) {
                    n = -1;
                }
                in.flip();
                int ended = replies.feed(in, num -> {
                    if (busy) {
                        fail("slow reader: bytes after E_BUSY");
                    } else if (num == Wire.E_BUSY) {
                        busy = true;
                        slowBusy.incrementAndGet();
                    } else if (num != STATIONS) {
                        fail("slow reader: reply of " + num + " records, expected " + STATIONS);
                    }
                });
                slowReplies.addAndGet(ended);
                inFlight -= ended;
                in.compact();
                if (n < 0) { // after E_BUSY, or disconnected as one of the slowest: come back later
                    ch.close();
                    ch = null;
                    back = System.nanoTime() + RETRY_NANOS;
                    slowReconnects.incrementAndGet();
                    return;
                }
                try {
                    refill();
                } catch (IOException e) {
                    // closed by the daemon: the next read sees EOF
                }
            }
        }
    }
}
