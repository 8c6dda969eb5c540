package dev.stationd.bench;

import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Address learning ({@code enrich:}) under load, against the packaged daemon in a network
 * namespace of its own (root and iproute2 needed; skipped otherwise):
 *
 * <ol>
 * <li>start-up: 10,000 neighbour entries and a 10,000-line dnsmasq lease file exist; from the
 *     daemon's launch, 10,000 stations without addresses are sent; time until every one shows its
 *     neighbour table address and its lease's host name;</li>
 * <li>idle: CPU time of the whole daemon and of its two learning threads over a quiet window, and
 *     their voluntary context switches (a thread that polls wakes up; these must not);</li>
 * <li>W2 (4 persistent connections, STA_LIST of 256 stations) against a daemon without learning
 *     and one with it, in pairs of alternating rounds (the median of the pairs' ratios), while {@code ip -batch} changes the state of
 *     the 256 stations' neighbour entries at 5,000 events/s (in every round, so both sides pay for
 *     the generator; only one daemon listens).</li>
 * </ol>
 *
 * Usage (single-file program, with the daemon jar on the class path):
 * {@code java -cp stationd.jar EnrichBench.java --jar JAR --loadgen LOADGEN --out DIR [--quick] -- JVM_FLAGS...}
 */
public final class EnrichBench {
    static final int STATIONS = 10_000;
    static final int W2_STATIONS = 256;
    static final int BURST_RATE = 5_000;
    static final long MAC_BASE = 0x02be_0000_0000L;
    /**
     * Where the daemons run, and where the load and the neighbour events come from. Unpinned, a
     * round's rate depends on how the scheduler happens to place the daemon's event loops against
     * the load generator's threads on a small machine (modes 2x apart); pinned, the two daemons
     * meet the same conditions and the burst's work competes with the queries on one core. The
     * prefixes come from bench/pinning.sh through run.sh; without them nothing is pinned.
     */
    static final List<String> ON_DAEMON_CPU = prefix("STATIOND_BENCH_ON_SERVER_CPU");
    static final List<String> ON_LOAD_CPU = prefix("STATIOND_BENCH_ON_LOAD_CPU");

    private final Path jar;
    private final Path loadgen;
    private final Path out;
    private final List<String> jvmFlags;
    private final boolean quick;
    private final String ns = "sdbench" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    private final Path dir;
    private final List<Process> daemons = new ArrayList<>();
    private final StringBuilder report = new StringBuilder();

    private EnrichBench(Path jar, Path loadgen, Path out, List<String> jvmFlags, boolean quick) throws IOException {
        this.jar = jar;
        this.loadgen = loadgen;
        this.out = out;
        this.jvmFlags = jvmFlags;
        this.quick = quick;
        this.dir = Files.createTempDirectory("stationd-enrich-bench");
    }

    public static void main(String[] args) throws Exception {
        Path jar = null;
        Path loadgen = null;
        Path out = Path.of(".");
        boolean quick = false;
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--loadgen" -> loadgen = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--quick" -> quick = true;
                case "--" -> {
                    flags.addAll(Arrays.asList(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (!"root".equals(System.getProperty("user.name")) || run("ip", "-V").code != 0) {
            System.err.println("enrich bench: SKIPPED (needs root and iproute2 for a network namespace)");
            return;
        }
        EnrichBench b = new EnrichBench(jar, loadgen, out, flags, quick);
        try {
            b.run();
        } finally {
            b.cleanUp();
        }
    }

    // ---- the runs ----

    private void run() throws Exception {
        setUpNamespace();
        line("## Address learning (enrich) — %s", java.time.Instant.now().toString().substring(0, 16) + "Z");
        line("");
        line("%d stations, %d neighbour entries (PERMANENT, on br-lan), a %d-line dnsmasq lease file; daemon"
                + " in a network namespace of its own, JVM flags: `%s`.", STATIONS, STATIONS, STATIONS, String.join(" ", jvmFlags));
        line("");
        Path leases = dir.resolve("dnsmasq.leases");
        writeLeases(leases);
        addNeighbours();

        // 1: start to all enriched
        Path on = writeConfig("on", "enrich:\n  neighbours: true\n  interfaces: [br-lan]\n  leases:\n"
                + "    - { path: " + leases + ", format: dnsmasq }\n");
        long launched = System.nanoTime();
        Process daemon = startDaemon(on);
        Path sock = on.resolveSibling("stationd.sock");
        awaitPing(sock);
        long answering = System.nanoTime();
        sendStations(on.resolveSibling("events.sock"), STATIONS);
        long sent = System.nanoTime();
        long enriched = awaitEnriched(sock, STATIONS);
        line("| start-up | ms |");
        line("|---|---|");
        line("| launch → PING answered | %d |", ms(answering - launched));
        line("| launch → %,d stations sent | %d |", STATIONS, ms(sent - launched));
        line("| **launch → all %,d stations enriched** (ipv4 from the neighbour table, hostname from the lease) | **%d** |",
                STATIONS, ms(enriched - launched));
        line("| last station sent → all enriched | %d |", ms(enriched - sent));
        line("| daemon RSS with everything loaded | %d MiB |", rssKib(daemon.pid()) / 1024);
        line("");

        // 2: idle
        Process plain = startDaemon(writeConfig("off", ""));
        Path plainSock = dir.resolve("off/stationd.sock");
        awaitPing(plainSock);
        sendStations(dir.resolve("off/events.sock"), STATIONS);
        awaitCount(plainSock, STATIONS);
        TimeUnit.SECONDS.sleep(2);
        int idleSeconds = quick ? 5 : 15;
        Map<String, long[]> before = threads(daemon.pid());
        long cpuOn0 = cpuTicks(daemon.pid());
        long cpuOff0 = cpuTicks(plain.pid());
        TimeUnit.SECONDS.sleep(idleSeconds);
        Map<String, long[]> after = threads(daemon.pid());
        long cpuOn = cpuTicks(daemon.pid()) - cpuOn0;
        long cpuOff = cpuTicks(plain.pid()) - cpuOff0;
        line("| idle, %d s, %,d stations | CPU ms (whole daemon) | learning threads: CPU ms / wake-ups |", idleSeconds, STATIONS);
        line("|---|---|---|");
        // thread names as the kernel keeps them (15 bytes); FileSystemWatch is the JDK's inotify thread of the WatchService
        line("| learning on | %d | neighbours %d / %d, leases %d / %d, inotify %d / %d |", cpuOn * 10,
                delta(before, after, "stationd-neighb", 0) * 10, delta(before, after, "stationd-neighb", 1),
                delta(before, after, "stationd-leases", 0) * 10, delta(before, after, "stationd-leases", 1),
                delta(before, after, "FileSystemWatch", 0) * 10, delta(before, after, "FileSystemWatch", 1));
        line("| learning off | %d | — |", cpuOff * 10);
        line("");
        stop(daemon);
        stop(plain);

        // 3: W2 with a burst of neighbour events
        Process w2on = startDaemon(on);
        awaitPing(sock);
        sendStations(on.resolveSibling("events.sock"), W2_STATIONS);
        awaitEnriched(sock, W2_STATIONS);
        Process w2off = startDaemon(writeConfig("off", ""));
        awaitPing(plainSock);
        sendStations(dir.resolve("off/events.sock"), W2_STATIONS);
        awaitCount(plainSock, W2_STATIONS);
        int rounds = quick ? 5 : 40; // short rounds, many pairs: the machine's drift cancels within a pair
        int seconds = 1;
        List<Double> qOff = new ArrayList<>();
        List<Double> qOn = new ArrayList<>();
        List<Double> idleOff = new ArrayList<>();
        List<Double> idleOn = new ArrayList<>();
        for (int r = 0; r < rounds; r++) { // alternating order, no burst
            boolean offFirst = r % 2 == 0;
            (offFirst ? idleOff : idleOn).add(w2(offFirst ? plainSock : sock, seconds));
            (offFirst ? idleOn : idleOff).add(w2(offFirst ? sock : plainSock, seconds));
        }
        Burst burst = new Burst();
        burst.start();
        Map<String, long[]> burst0 = threads(w2on.pid());
        long burstCpu0 = cpuTicks(w2on.pid());
        long burstStart = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            boolean offFirst = r % 2 == 0;
            (offFirst ? qOff : qOn).add(w2(offFirst ? plainSock : sock, seconds));
            (offFirst ? qOn : qOff).add(w2(offFirst ? sock : plainSock, seconds));
        }
        double burstSeconds = (System.nanoTime() - burstStart) / 1e9;
        Map<String, long[]> burst1 = threads(w2on.pid());
        long burstCpu = cpuTicks(w2on.pid()) - burstCpu0;
        double rate = burst.stop();
        // The rate of a round swings by tens of per cent on a small shared machine, and drifts: each
        // pair of rounds (one after the other) gives one ratio, and the median of those is the result.
        line("| W2 (4 connections, %d stations), %d pairs of alternating rounds of %d s | learning off qps (median) "
                + "| learning on qps (median) | on / off: median of the pairs' ratios (min–max) |", W2_STATIONS, rounds, seconds);
        line("|---|---|---|---|");
        line("| no neighbour events | %,.0f | %,.0f | %s |", median(idleOff), median(idleOn), ratio(idleOn, idleOff));
        line("| **%,.0f neighbour events/s** (`ip -batch`, state changes of the 256 stations' entries) | %,.0f | %,.0f | **%s** |",
                rate, median(qOff), median(qOn), ratio(qOn, qOff));
        line("");
        line("Rounds (qps): off %s; on %s; without events: off %s, on %s.", qOff, qOn, idleOff, idleOn);
        line("");
        line("During the burst (%.0f s) the learning daemon's netlink reader used %.1f %% of a core (%.1f µs per event);"
                + " the whole daemon %.1f %% (W2's load included).", burstSeconds,
                delta(burst0, burst1, "stationd-neighb", 0) * 10 / (burstSeconds * 10), // ticks of 10 ms: % of a core
                delta(burst0, burst1, "stationd-neighb", 0) * 10_000.0 / (rate * burstSeconds),
                burstCpu * 10 / (burstSeconds * 10));
        line("");
        stop(w2on);
        stop(w2off);
        Files.createDirectories(out);
        Files.writeString(out.resolve("enrich.md"), report);
        System.out.print(report);
    }

    /** Changes the state of the 256 stations' entries (REACHABLE / STALE) through one {@code ip -batch -} at a fixed rate. */
    private final class Burst {
        private final AtomicLong written = new AtomicLong();
        private volatile boolean stop;
        private Process ip;
        private Thread thread;
        private long startNanos;

        void start() throws IOException {
            List<String> cmd = new ArrayList<>(ON_LOAD_CPU);
            cmd.addAll(List.of("ip", "-n", ns, "-force", "-batch", "-"));
            ip = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("burst.log").toFile()).start();
            OutputStream in = ip.getOutputStream();
            startNanos = System.nanoTime();
            thread = new Thread(() -> {
                long n = 0;
                try {
                    while (!stop) {
                        // 50 lines every 10 ms
                        StringBuilder b = new StringBuilder();
                        for (int k = 0; k < BURST_RATE / 100; k++, n++) {
                            int i = (int) (n % W2_STATIONS);
                            b.append("neigh replace ").append(neighbourIp(i)).append(" lladdr ").append(mac(i))
                                    .append(" dev br-lan nud ").append((n / W2_STATIONS) % 2 == 0 ? "stale" : "reachable")
                                    .append('\n');
                        }
                        in.write(b.toString().getBytes(StandardCharsets.US_ASCII));
                        in.flush();
                        written.addAndGet(BURST_RATE / 100);
                        long due = startNanos + written.get() * 1_000_000_000L / BURST_RATE;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // stopped
                }
            }, "burst");
            thread.start();
        }

        /** @return the rate achieved, events per second */
        double stop() throws Exception {
            stop = true;
            thread.join();
            double rate = written.get() / ((System.nanoTime() - startNanos) / 1e9);
            ip.getOutputStream().close();
            ip.waitFor(10, TimeUnit.SECONDS);
            return rate;
        }
    }

    private double w2(Path sock, int seconds) throws Exception {
        List<String> cmd = new ArrayList<>(ON_LOAD_CPU);
        cmd.addAll(List.of(loadgen.toString(), "-m", "persistent", "-s", sock.toString(), "-c", "4", "-d", "1",
                "-t", Integer.toString(seconds), "-w", "0.3", "-e", Integer.toString(W2_STATIONS), "-L", "W2-enrich"));
        Result r = run(cmd.toArray(new String[0]));
        for (String l : r.out.split("\n")) {
            if (l.startsWith("RESULT")) {
                for (String f : l.split(" ")) {
                    if (f.startsWith("qps=")) {
                        return Double.parseDouble(f.substring(4));
                    }
                }
            }
        }
        throw new IllegalStateException("loadgen: " + r.out);
    }

    // ---- set-up ----

    private void setUpNamespace() throws IOException {
        check("ip", "netns", "add", ns);
        check("ip", "-n", ns, "link", "set", "lo", "up");
        check("ip", "-n", ns, "link", "add", "br-lan", "type", "veth", "peer", "name", "lan1");
        check("ip", "-n", ns, "link", "set", "br-lan", "up");
        check("ip", "-n", ns, "link", "set", "lan1", "up");
        check("ip", "-n", ns, "addr", "add", "10.20.0.1/16", "dev", "br-lan");
        // PERMANENT entries do not count against the (host-wide) gc_thresh3 limit of the kernel's table
    }

    private void addNeighbours() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < STATIONS; i++) {
            b.append("neigh add ").append(neighbourIp(i)).append(" lladdr ").append(mac(i)).append(" dev br-lan nud permanent\n");
        }
        Path batch = Files.writeString(dir.resolve("neighbours.batch"), b);
        check("ip", "-n", ns, "-batch", batch.toString());
    }

    private void writeLeases(Path file) throws IOException {
        long expiry = System.currentTimeMillis() / 1000 + 86_400;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < STATIONS; i++) {
            b.append(expiry).append(' ').append(mac(i)).append(" 10.30.").append(i >> 8).append('.').append(i & 255)
                    .append(' ').append(hostname(i)).append(" *\n");
        }
        Files.writeString(file, b);
    }

    private Path writeConfig(String name, String enrich) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        return Files.writeString(d.resolve("stationd.yaml"), "server:\n  socket: stationd.sock\n  max_connections: 4096\n"
                + "ingest:\n  socket: events.sock\nstate:\n  directory: state\ntable:\n  max_stations: 100000\n"
                + "  expire_after: 1d\nlog:\n  level: info\n" + enrich);
    }

    /** Both daemons run in the namespace, so that they differ in their {@code enrich:} section only. */
    private Process startDaemon(Path config) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(ON_DAEMON_CPU);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
        Files.deleteIfExists(config.resolveSibling("stationd.sock"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(config.resolveSibling("daemon.log").toFile())).start();
        daemons.add(p);
        return p;
    }

    private static void sendStations(Path events, int n) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(events) && System.nanoTime() < end) { // bound just after the command socket
            TimeUnit.MILLISECONDS.sleep(5);
        }
        long now = System.currentTimeMillis();
        try (EventSender s = EventSender.connect(events)) {
            for (int i = 0; i < n; i++) {
                s.send(StaEvent.upsert(i, StaListAttr.builder(new MacAddress(MAC_BASE + i)).ifname("wlan0")
                        .ssid("bench").lastSeenMs(now).build()));
            }
        }
    }

    private static void awaitPing(Path sock) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            if (Files.exists(sock)) {
                try (StationClient c = StationClient.open(sock, Duration.ofSeconds(2))) {
                    c.ping();
                    return;
                } catch (RuntimeException e) {
                    // not yet
                }
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        throw new IllegalStateException("no PING answer on " + sock);
    }

    private static void awaitCount(Path sock, int n) throws InterruptedException {
        try (StationClient c = StationClient.open(sock, Duration.ofSeconds(10))) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (c.list(ListQuery.ALL).size() != n) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("stations not all there");
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }
    }

    /** @return System.nanoTime() when every one of the first {@code n} stations had its address and name */
    private static long awaitEnriched(Path sock, int n) throws InterruptedException {
        try (StationClient c = StationClient.open(sock, Duration.ofSeconds(10))) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                List<StaListAttr> all = c.list(ListQuery.ALL);
                long now = System.nanoTime();
                int done = 0;
                for (StaListAttr s : all) {
                    int i = (int) (s.mac().value() - MAC_BASE);
                    if (s.ipv4().getHostAddress().equals(neighbourIp(i)) && s.hostname().equals(hostname(i))) {
                        done++;
                    }
                }
                if (done == n) {
                    return now;
                }
                if (now > end) {
                    throw new IllegalStateException(done + " of " + n + " stations enriched");
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }
    }

    // ---- names ----

    static String mac(int i) {
        return new MacAddress(MAC_BASE + i).toString();
    }

    static String neighbourIp(int i) {
        return "10.20." + (1 + (i >> 8)) + "." + (i & 255);
    }

    static String hostname(int i) {
        return "host-" + i;
    }

    // ---- /proc ----

    /** @return utime + stime in clock ticks */
    private static long cpuTicks(long pid) throws IOException {
        return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
    }

    /** @return per thread name: {CPU ticks, voluntary context switches} */
    private static Map<String, long[]> threads(long pid) throws IOException {
        Map<String, long[]> m = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                String name = Files.readString(t.resolve("comm")).strip();
                long switches = 0;
                for (String l : Files.readAllLines(t.resolve("status"))) {
                    if (l.startsWith("voluntary_ctxt_switches:")) {
                        switches = Long.parseLong(l.substring(l.indexOf(':') + 1).strip());
                    }
                }
                m.put(name, new long[] {ticks(Files.readString(t.resolve("stat"))), switches});
            }
        }
        return m;
    }

    private static long delta(Map<String, long[]> a, Map<String, long[]> b, String name, int k) {
        long[] x = a.get(name);
        long[] y = b.get(name);
        if (x == null || y == null) {
            throw new IllegalStateException("no thread " + name + " in " + b.keySet());
        }
        return y[k] - x[k];
    }

    private static long rssKib(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    // ---- helpers ----

    /**
     * @param variable where bench/pinning.sh leaves a command prefix ({@code taskset -c N})
     * @return its words; none when it is empty or unset (one core, or run without run.sh)
     */
    private static List<String> prefix(String variable) {
        String v = System.getenv().getOrDefault(variable, "").trim();
        return v.isEmpty() ? List.of() : List.of(v.split("\\s+"));
    }

    /** @return the median of {@code on[i] / off[i]} with its range, e.g. {@code 0.987 (0.912–1.043)} */
    private static String ratio(List<Double> on, List<Double> off) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < on.size(); i++) {
            r.add(on.get(i) / off.get(i));
        }
        return String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", median(r), r.stream().min(Double::compare).orElseThrow(),
                r.stream().max(Double::compare).orElseThrow());
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private void line(String format, Object... args) {
        report.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private void cleanUp() throws Exception {
        for (Process p : daemons) {
            if (p.isAlive()) {
                stop(p);
            }
        }
        run("ip", "netns", "del", ns);
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    private record Result(int code, String out) {
    }

    private static Result run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] o = p.getInputStream().readAllBytes();
            p.waitFor(120, TimeUnit.SECONDS);
            return new Result(p.exitValue(), new String(o, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static void check(String... cmd) {
        Result r = run(cmd);
        if (r.code != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + r.out);
        }
    }

}
