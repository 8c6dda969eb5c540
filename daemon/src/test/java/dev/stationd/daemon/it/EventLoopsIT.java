package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stationd.protocol.client.StationClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.io_threads: 0} starts one event loop per CPU the daemon may run on: the CPUs of its
 * affinity mask, not the machine's. Netty starts a loop's thread when the first channel registers on
 * it, so each case connects more clients than there are CPUs (children go round the loops) and then
 * counts the event loop threads in {@code /proc/PID/task}.
 */
class EventLoopsIT {
    private static final int CLIENTS = 6;

    /** Netty's default thread name, "multiThreadIoEventLoopGroup-N-M", as the kernel keeps it (15 bytes). */
    private static final String LOOP_COMM = "multiThreadIoEv";

    @Test
    void oneCpuOneEventLoop(@TempDir Path dir) throws Exception {
        assertEquals(1, loopsUnder(dir, "0", ""));
    }

    @Test
    void twoCpusTwoEventLoops(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two CPUs");
        assertEquals(2, loopsUnder(dir, "0,1", ""));
    }

    @Test
    void aConfiguredCountWinsOverTheCpus(@TempDir Path dir) throws Exception {
        assertEquals(3, loopsUnder(dir, "0", "  io_threads: 3\n"));
    }

    /** Starts the daemon under {@code taskset -c CPUS}, connects {@link #CLIENTS} clients and counts its loops. */
    private static int loopsUnder(Path dir, String cpus, String serverYaml) throws Exception {
        Path cfg = DaemonProcess.writeConfig(dir, serverYaml, "");
        List<StationClient> clients = new ArrayList<>();
        try (DaemonProcess d = DaemonProcess.builder(dir).config(cfg).wrap("taskset", "-c", cpus).start()) {
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    StationClient c = StationClient.open(d.socket());
                    clients.add(c);
                    c.ping(); // answered on the client's loop: its thread is running
                }
                return loopThreads(d.pid());
            } finally {
                for (StationClient c : clients) {
                    c.close();
                }
            }
        }
    }

    private static int loopThreads(long pid) throws IOException {
        int n = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).strip().equals(LOOP_COMM)) {
                        n++;
                    }
                } catch (NoSuchFileException gone) {
                    // a thread that ended between the listing and the read
                }
            }
        }
        return n;
    }
}
