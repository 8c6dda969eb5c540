package dev.stationd.bench;

import dev.stationd.protocol.EventType;
import dev.stationd.protocol.FilterAttr;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaFlags;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Timed-filter expiry under load: N stations, each under a timed filter, the lifetimes spread over
 * a window; measures the lag from each {@code expires_ms} to the subscriber's {@code UPSERT} that
 * clears {@code FILTERED} (the whole path: wake-up, save with fsync, publish, table, event), and
 * the daemon's CPU (from {@code /proc/PID/stat}) while idle, while the filters are added and while
 * they expire. Starts its own daemon with the given command (the launcher, which reads
 * {@code config/jvm.options}), appending {@code --config FILE}.
 *
 * <pre>
 * java -cp daemon/target/stationd.jar bench/src/main/java/dev/stationd/bench/ExpiryBench.java \
 *     --daemon daemon/target/stationd --dir WORKDIR [--filters 10000] [--spread 10] [--out expiry.csv]
 * </pre>
 *
 * Prints one {@code RESULT key=value ...} line; with {@code --out}, writes it as a CSV row too.
 */
public final class ExpiryBench {
    private static final int GROUP = 1;
    private static final int CONNECTIONS = 64;
    /** Seconds before the first expiry: every add is done by then. */
    private static final int BASE_LIFETIME_S = 30;

    private ExpiryBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--filters", "10000", "--spread", "10"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        if (!a.containsKey("--daemon") || !a.containsKey("--dir")) {
            System.err.println("usage: ExpiryBench --daemon COMMAND --dir WORKDIR [--filters N] [--spread SECONDS]"
                    + " [--out CSV]");
            System.exit(64);
        }
        int n = Integer.parseInt(a.get("--filters"));
        int spread = Integer.parseInt(a.get("--spread"));
        Path dir = Files.createDirectories(Path.of(a.get("--dir")));
        Process daemon = startDaemon(a.get("--daemon"), dir, n);
        try {
            String result = run(daemon, dir, n, spread);
            System.out.println(result);
            if (a.containsKey("--out")) {
                writeCsv(Path.of(a.get("--out")), result);
            }
        } finally {
            daemon.destroy();
            daemon.waitFor(15, TimeUnit.SECONDS);
            daemon.destroyForcibly();
        }
    }

    private static Process startDaemon(String command, Path dir, int n) throws Exception {
        Path cfg = dir.resolve("stationd.yaml");
        Files.writeString(cfg, "server:\n  socket: stationd.sock\n  subscriber_backlog: " + (4 * n) + "\n"
                + "ingest:\n  socket: events.sock\nstate:\n  directory: state\n"
                + "table:\n  max_stations: " + (2 * n) + "\n  expire_after: 1d\n"
                + "filters:\n  max_filters: " + (2 * n) + "\nlog:\n  level: info\n", StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
        cmd.addAll(List.of("--config", cfg.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile())
                .start();
        Path sock = dir.resolve("stationd.sock");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the daemon exited: " + Files.readString(dir.resolve("daemon.log")));
            }
            if (Files.exists(sock)) {
                try (StationClient c = StationClient.open(sock, Duration.ofSeconds(2))) {
                    c.ping();
                    return p;
                } catch (RuntimeException e) {
                    // not yet
                }
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the daemon did not answer within 60 s");
            }
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    private static MacAddress mac(int i) {
        return new MacAddress(0x0272_0000_0000L + i);
    }

    private static String run(Process daemon, Path dir, int n, int spread) throws Exception {
        Path sock = dir.resolve("stationd.sock");
        long ticks = clockTicks();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        List<StationClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(StationClient.open(sock, Duration.ofSeconds(120), group));
            }
            StationClient c = clients.get(0);
            long now = System.currentTimeMillis();
            try (EventSender s = EventSender.connect(dir.resolve("events.sock"))) {
                for (int i = 0; i < n; i++) {
                    s.send(StaEvent.upsert(i, StaListAttr.builder(mac(i)).groupId(GROUP).ifname("wlan0").ssid("bench")
                            .flags(StaFlags.AUTHORIZED).lastSeenMs(now).build()));
                }
            }
            awaitTrue(Duration.ofSeconds(60), () -> c.list(ListQuery.ALL).size() == n);

            Map<MacAddress, Long> cleared = new ConcurrentHashMap<>();
            Map<MacAddress, Boolean> filtered = new ConcurrentHashMap<>();
            StationClient.Subscription sub = c.subscribe(e -> {
                if (e.type() == EventType.UPSERT) {
                    boolean f = (e.sta().flags() & StaFlags.FILTERED) != 0;
                    if (f) {
                        filtered.put(e.sta().mac(), Boolean.TRUE);
                    } else if (filtered.containsKey(e.sta().mac())) {
                        cleared.putIfAbsent(e.sta().mac(), System.currentTimeMillis());
                    }
                }
            });
            sub.acked().get(10, TimeUnit.SECONDS);

            long cpu0 = cpuTicks(daemon.pid());
            long t0 = System.nanoTime();
            awaitFor(Duration.ofSeconds(2));
            double idlePct = pct(cpuTicks(daemon.pid()) - cpu0, System.nanoTime() - t0, ticks);

            cpu0 = cpuTicks(daemon.pid());
            t0 = System.nanoTime();
            List<CompletableFuture<Void>> adds = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                adds.add(clients.get(i % CONNECTIONS).filterAddAsync(GROUP, mac(i),
                        Duration.ofSeconds(BASE_LIFETIME_S + i % spread)));
            }
            CompletableFuture.allOf(adds.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
            long addNanos = System.nanoTime() - t0;
            double addPct = pct(cpuTicks(daemon.pid()) - cpu0, addNanos, ticks);

            Map<MacAddress, Long> expires = new HashMap<>();
            for (FilterAttr f : c.filterDump()) {
                expires.put(f.mac(), f.expiresMs());
            }
            if (expires.size() != n) {
                throw new IllegalStateException(expires.size() + " filters listed, expected " + n
                        + " (adds took longer than the first lifetime?)");
            }
            long first = expires.values().stream().mapToLong(Long::longValue).min().orElseThrow();
            long last = expires.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            awaitTrue(Duration.ofMillis(Math.max(0, first - System.currentTimeMillis()) + 1000), () ->
                    System.currentTimeMillis() >= first);
            // the expiry window: from the first expiry until every filter is cleared (or 10 s after the last)
            List<Double> perSecond = new ArrayList<>();
            cpu0 = cpuTicks(daemon.pid());
            long w0 = System.nanoTime();
            long prevTicks = cpu0;
            long prevNanos = w0;
            while (cleared.size() < n && System.currentTimeMillis() < last + 10_000) {
                awaitFor(Duration.ofSeconds(1));
                long t = cpuTicks(daemon.pid());
                long now2 = System.nanoTime();
                perSecond.add(pct(t - prevTicks, now2 - prevNanos, ticks));
                prevTicks = t;
                prevNanos = now2;
            }
            double expiryPct = pct(prevTicks - cpu0, prevNanos - w0, ticks);
            double peakPct = perSecond.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            sub.close();

            long[] lags = new long[cleared.size()];
            int k = 0;
            int early = 0;
            for (Map.Entry<MacAddress, Long> e : cleared.entrySet()) {
                long lag = e.getValue() - expires.get(e.getKey());
                if (lag < 0) {
                    early++;
                }
                lags[k++] = lag;
            }
            Arrays.sort(lags);
            long commits = Files.readAllLines(dir.resolve("daemon.log")).stream()
                    .filter(l -> l.contains("timed filter(s) expired and removed")).count();
            return String.format(Locale.ROOT, "RESULT filters=%d spread_s=%d adds_ms=%d cleared=%d early=%d"
                    + " lag_p50_ms=%d lag_p99_ms=%d lag_max_ms=%d expiry_commits=%d cpu_idle_pct=%.1f"
                    + " cpu_adds_pct=%.1f cpu_expiry_pct=%.1f cpu_expiry_peak_1s_pct=%.1f",
                    n, spread, addNanos / 1_000_000, cleared.size(), early, percentile(lags, 0.50),
                    percentile(lags, 0.99), lags.length == 0 ? -1 : lags[lags.length - 1], commits, idlePct, addPct,
                    expiryPct, peakPct);
        } finally {
            for (StationClient cl : clients) {
                cl.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static double pct(long cpuTicks, long wallNanos, long ticksPerSecond) {
        return wallNanos <= 0 ? 0 : 100.0 * cpuTicks / ticksPerSecond / (wallNanos / 1e9);
    }

    /** utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long clockTicks() throws Exception {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        return Long.parseLong(out);
    }

    /** Waits out a measuring interval (the interval is what is measured, not a guess at readiness). */
    private static void awaitFor(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Duration deadline, Check check) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("not reached within " + deadline);
            }
            Thread.sleep(20);
        }
    }

    private static void writeCsv(Path out, String result) throws IOException {
        StringBuilder head = new StringBuilder();
        StringBuilder row = new StringBuilder();
        for (String kv : result.substring("RESULT ".length()).split(" ")) {
            int eq = kv.indexOf('=');
            head.append(head.length() == 0 ? "" : ",").append(kv, 0, eq);
            row.append(row.length() == 0 ? "" : ",").append(kv.substring(eq + 1));
        }
        Files.writeString(out, head + "\n" + row + "\n", StandardCharsets.UTF_8);
    }
}
