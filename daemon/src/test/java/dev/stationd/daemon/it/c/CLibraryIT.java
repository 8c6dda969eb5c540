package dev.stationd.daemon.it.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.protocol.Band;
import dev.stationd.protocol.MacAddress;
import dev.stationd.protocol.StaEvent;
import dev.stationd.protocol.StaListAttr;
import dev.stationd.protocol.client.EventSender;
import dev.stationd.protocol.client.ListQuery;
import dev.stationd.protocol.client.StationClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C side against the packaged daemon: {@code libstationd}'s tests ({@code src/tests/test_client},
 * built with ASan/UBSan by the exec plugin in {@code pre-integration-test}) and {@code stationctl}'s
 * commands, exit codes and output ({@code --json} checked with Python's {@code json} module).
 */
class CLibraryIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int GROUP = 500;
    private static final String[] MACS = {"02:11:22:33:44:01", "02:11:22:33:44:02", "02:11:22:33:44:03"};
    /** Quotes, a backslash and UTF-8: what --json must escape or keep. */
    private static final String ODD_SSID = "Caf\u00e9 \"Guest\" \\ net";

    @TempDir
    static Path dir;
    private static DaemonProcess daemon;
    private static Path build;
    private static String asanOptions;

    record Result(int code, String out, String err) {
        String all() {
            return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path root = Path.of(System.getProperty("stationd.root", "..")).toAbsolutePath().normalize();
        build = root.resolve("src/build");
        assertTrue(Files.isExecutable(build.resolve("stationctl")) && Files.isExecutable(build.resolve("test_client")),
                "C build missing in " + build + " (the exec plugin runs 'make -C src SANITIZE=1 all')");
        daemon = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""));
        asanOptions = "detect_leaks=1:exitcode=86:halt_on_error=1";
        Result probe = run(List.of(ctl(), "--help"), Map.of(), null);
        if (probe.err().contains("LeakSanitizer") || probe.err().contains("ptrace")) {
            asanOptions = "detect_leaks=0:exitcode=86:halt_on_error=1"; // LSan cannot run here
        }

        long now = System.currentTimeMillis();
        try (EventSender s = EventSender.connect(daemon.events())) {
            for (int i = 0; i < MACS.length; i++) {
                s.send(StaEvent.upsert(i + 1, station(MACS[i], i, now)));
            }
        }
        try (StationClient c = StationClient.open(daemon.socket())) {
            DaemonProcess.await(Duration.ofSeconds(10), "the test stations in the table",
                    () -> c.list(new ListQuery(GROUP, "", 0, 0, 0)).size() == MACS.length);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
    }

    private static StaListAttr station(String mac, int i, long now) {
        return StaListAttr.builder(MacAddress.parse(mac))
                .ipv4(StaListAttr.parseIpv4("192.168.50." + (10 + i)))
                .groupId(GROUP)
                .ifname("itc" + i % 2)
                .ssid(i == 0 ? ODD_SSID : "ItNet")
                .signalDbm(-45 - i)
                .band(i % 2 == 0 ? Band.GHZ_2_4 : Band.GHZ_5)
                .flags(0x7)
                .txRateKbps(144_400)
                .rxRateKbps(72_200)
                .txBytes(123_456_789L)
                .rxBytes(987_654_321L)
                .txPackets(1000)
                .rxPackets(2000)
                .assocTimeMs(now - 3_723_000L)
                .lastSeenMs(now)
                .hostname("it-host-" + i)
                .build();
    }

    private static String ctl() {
        return build.resolve("stationctl").toString();
    }

    private static List<String> ctl(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ctl());
        cmd.add("-s");
        cmd.add(daemon.socket().toString());
        cmd.add("-e");
        cmd.add(daemon.events().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static ProcessBuilder builder(List<String> cmd, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("STATIOND_SOCKET");
        pb.environment().remove("STATIOND_EVENTS");
        pb.environment().put("ASAN_OPTIONS", asanOptions == null ? "detect_leaks=0" : asanOptions);
        pb.environment().put("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1:exitcode=87");
        pb.environment().put("PYTHONIOENCODING", "utf-8");
        pb.environment().putAll(env);
        return pb;
    }

    private static Result run(List<String> cmd, Map<String, String> env, Path stdin) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = builder(cmd, env).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Process p = pb.start();
        if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " still running after " + DEADLINE);
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        assertClean(cmd, r.err());
        return r;
    }

    private static void assertClean(List<String> cmd, String stderr) {
        assertFalse(stderr.contains("AddressSanitizer") || stderr.contains("LeakSanitizer")
                || stderr.contains("runtime error:"), () -> "sanitizer report from " + cmd + ":\n" + stderr);
    }

    private static Result ctlRun(String... args) throws Exception {
        return run(ctl(args), Map.of(), null);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void cLibraryTestsPassAgainstTheDaemon() throws Exception {
        Result r = run(List.of(build.resolve("test_client").toString()),
                Map.of("STATIOND_SOCKET", daemon.socket().toString(), "STATIOND_EVENTS", daemon.events().toString()),
                null);
        assertEquals(0, r.code(), r::all);
        assertTrue(r.out().contains("all passed"), r::all);
    }

    @Test
    void pingListAndGet() throws Exception {
        Result ping = ctlRun("ping");
        assertEquals(0, ping.code(), ping::all);
        assertTrue(ping.out().startsWith("OK"), ping::all);

        Result list = ctlRun("list", "--group", String.valueOf(GROUP));
        assertEquals(0, list.code(), list::all);
        String[] lines = list.out().split("\n");
        assertEquals(1 + MACS.length, lines.length, list::all);
        for (String h : List.of("MAC", "IP", "IFNAME", "SSID", "SIGNAL", "TX/RX Mb/s", "TX/RX BYTES", "CONNECTED")) {
            assertTrue(lines[0].contains(h), () -> "header lacks " + h + ":\n" + list.out());
        }
        for (int i = 0; i < MACS.length; i++) {
            assertTrue(lines[i + 1].startsWith(MACS[i]), list::all);
            assertTrue(lines[i + 1].contains("192.168.50." + (10 + i)), list::all);
        }
        assertTrue(lines[1].contains(ODD_SSID) && lines[1].contains("-45 dBm") && lines[1].contains("144.4/72.2")
                && lines[1].contains("117.7M/941.9M") && lines[1].contains("1h02m"), list::all);
        int col = lines[0].indexOf("IFNAME");
        for (int i = 1; i < lines.length; i++) {
            assertTrue(lines[i].startsWith("itc", col), () -> "IFNAME column not aligned:\n" + list.out());
        }

        Result ifname = ctlRun("list", "--ifname", "itc1");
        assertEquals(0, ifname.code(), ifname::all);
        assertTrue(ifname.out().contains(MACS[1]) && !ifname.out().contains(MACS[0]), ifname::all);

        Result get = ctlRun("get", MACS[1]);
        assertEquals(0, get.code(), get::all);
        assertTrue(get.out().contains("it-host-1") && get.out().contains("192.168.50.11"), get::all);

        Result absent = ctlRun("get", "02:11:22:33:44:ff");
        assertEquals(1, absent.code(), absent::all);
        assertTrue(absent.err().contains("E_NOENT"), absent::all);
    }

    @Test
    void jsonListParsesWithPython() throws Exception {
        Assumptions.assumeTrue(commandWorks("python3", "--version"), "python3 is not installed");
        Result list = ctlRun("--json", "list", "--group", String.valueOf(GROUP));
        assertEquals(0, list.code(), list::all);
        Path json = dir.resolve("list.json");
        Files.writeString(json, list.out(), StandardCharsets.UTF_8);
        Result py = run(List.of("python3", "-c", "import json,sys\n"
                + "d = json.load(sys.stdin)\n"
                + "print(len(d))\n"
                + "for s in d: print(s['mac'], s['hostname'], s['tx_bytes'], s['ssid'])\n"), Map.of(), json);
        assertEquals(0, py.code(), () -> py.all() + "\n--- json\n" + list.out());
        String[] lines = py.out().split("\n");
        assertEquals(String.valueOf(MACS.length), lines[0], py::all);
        assertEquals(MACS[0] + " it-host-0 123456789 " + ODD_SSID, lines[1], py::all);

        Result get = ctlRun("--json", "get", MACS[2]);
        assertEquals(0, get.code(), get::all);
        Path one = dir.resolve("get.json");
        Files.writeString(one, get.out(), StandardCharsets.UTF_8);
        Result py2 = run(List.of("python3", "-c",
                "import json,sys; s = json.load(sys.stdin); print(s['mac'], s['signal_dbm'], s['band'])"), Map.of(), one);
        assertEquals(0, py2.code(), py2::all);
        assertEquals(MACS[2] + " -47 2.4GHz", py2.out().trim(), py2::all);
    }

    @Test
    void filterAddListDel() throws Exception {
        Result add = ctlRun("filter", "add", MACS[2], "--group", String.valueOf(GROUP));
        assertEquals(0, add.code(), add::all);
        Result fl = ctlRun("filter", "list");
        assertEquals(0, fl.code(), fl::all);
        assertTrue(fl.out().contains(MACS[2]), fl::all);
        Result only = ctlRun("list", "--filtered", "--group", String.valueOf(GROUP));
        assertEquals(0, only.code(), only::all);
        assertTrue(only.out().contains(MACS[2]) && !only.out().contains(MACS[0]), only::all);
        Result del = ctlRun("filter", "del", MACS[2], "--group", String.valueOf(GROUP));
        assertEquals(0, del.code(), del::all);
        Result again = ctlRun("filter", "del", MACS[2], "--group", String.valueOf(GROUP));
        assertEquals(1, again.code(), again::all);
        assertTrue(again.err().contains("E_NOENT"), again::all);
        Result flush = ctlRun("filter", "flush", "--group", String.valueOf(GROUP));
        assertEquals(0, flush.code(), flush::all);
    }

    @Test
    void exitCodesForUsageAndConnectErrors() throws Exception {
        Path missing = dir.resolve("no-such.sock");
        Result r = run(List.of(ctl(), "-s", missing.toString(), "ping"), Map.of(), null);
        assertEquals(3, r.code(), r::all);
        assertTrue(r.err().contains(missing.toString()) && r.err().contains("No such file or directory"), r::all);
        assertTrue(r.err().contains("STATIOND_SOCKET"), () -> "a missing socket hints at $STATIOND_SOCKET: " + r.all());
        Result sim = run(List.of(ctl(), "-e", missing.toString(), "simulate", "--seconds", "1"), Map.of(), null);
        assertEquals(3, sim.code(), sim::all);
        assertTrue(sim.err().contains(missing.toString()) && sim.err().contains("STATIOND_EVENTS"), sim::all);
        Result env = run(List.of(ctl(), "list"), Map.of("STATIOND_SOCKET", missing.toString()), null);
        assertEquals(3, env.code(), env::all);

        for (List<String> bad : List.of(List.of("frob"), List.of("list", "--group", "x"), List.of("get"),
                List.of("filter", "add", "not-a-mac"), List.of("filter"), List.of("simulate", "--rate", "-1"),
                List.of("filter", "add", MACS[0], "--for", "0"), List.of("filter", "add", MACS[0], "--for", "10x"),
                List.of("filter", "del", MACS[0], "--for", "10m"), List.of("kick"), List.of("kick", MACS[0], "--group", "3"),
                List.of("kick", "--group", "3", "--ban", "soon"), List.of("watch", "--changes", "joins,bogus"),
                List.of("list", "--timeout", "0"))) {
            Result u = ctlRun(bad.toArray(String[]::new));
            assertEquals(2, u.code(), () -> bad + ": " + u.all());
        }
        Result none = run(List.of(ctl()), Map.of(), null);
        assertEquals(2, none.code(), none::all);
    }

    @Test
    void watchPrintsEventsUntilTerminated() throws Exception {
        Path err = dir.resolve("watch.err");
        Watch w = startWatch(err, "--json", "watch");
        BlockingQueue<String> lines = w.lines();
        try {
            String mac = "02:11:22:33:55:01";
            try (EventSender s = EventSender.connect(daemon.events())) {
                s.send(StaEvent.upsert(100, station(mac, 1, System.currentTimeMillis())));
                s.send(StaEvent.remove(101, MacAddress.parse(mac)));
            }
            String upsert = poll(lines, mac);
            assertNotNull(upsert, () -> "no UPSERT line; stderr:\n" + read(err));
            assertTrue(upsert.startsWith("{\"type\":\"UPSERT\"") && upsert.contains("\"hostname\":\"it-host-1\""), upsert);
            String remove = poll(lines, mac);
            assertNotNull(remove, "no REMOVE line");
            assertTrue(remove.startsWith("{\"type\":\"REMOVE\""), remove);
        } finally {
            stopWatch(w, err);
        }
    }

    @Test
    void simulateFillsTheTable() throws Exception {
        int before;
        try (StationClient c = StationClient.open(daemon.socket())) {
            before = c.list(ListQuery.ALL).size();
        }
        Result sim = ctlRun("simulate", "--stations", "12", "--rate", "300", "--seconds", "1", "--seed", "7");
        assertEquals(0, sim.code(), sim::all);
        assertTrue(sim.out().startsWith("simulate: "), sim::all);
        try (StationClient c = StationClient.open(daemon.socket())) {
            DaemonProcess.await(Duration.ofSeconds(10), "simulated stations",
                    () -> c.list(new ListQuery(0, "wlan0", 0, 0, 0)).size() + c.list(new ListQuery(0, "wlan1", 0, 0, 0)).size()
                            >= 6);
            assertTrue(c.list(ListQuery.ALL).size() >= before + 6);
        }
        Result list = ctlRun("list");
        assertEquals(0, list.code(), list::all);
        assertTrue(list.out().contains("wlan0") || list.out().contains("wlan1"), list::all);
    }

    @Test
    void installsLibraryHeadersPkgConfigAndStationctl() throws Exception {
        Path dest = dir.resolve("dest");
        Path src = build.getParent();
        Result make = run(List.of("make", "-s", "-C", src.toString(), "SANITIZE=1", "install",
                "DESTDIR=" + dest, "PREFIX=/usr"), Map.of(), null);
        assertEquals(0, make.code(), make::all);
        for (String f : List.of("usr/lib/libstationd.a", "usr/lib/libstationd.so", "usr/lib/libstationd.so.1",
                "usr/include/stationd/stationd.h", "usr/include/stationd/protocol.h", "usr/include/stationd/compat.h",
                "usr/lib/pkgconfig/stationd.pc", "usr/bin/stationctl")) {
            assertTrue(Files.exists(dest.resolve(f)), () -> f + " not installed");
        }
        String pc = Files.readString(dest.resolve("usr/lib/pkgconfig/stationd.pc"));
        assertTrue(pc.startsWith("prefix=/usr\n") && pc.contains("libdir=/usr/lib\n") && pc.contains("-lstationd"), pc);

        Assumptions.assumeTrue(commandWorks("gcc", "--version"), "gcc is not installed");
        Path prog = dir.resolve("uses_lib.c");
        Files.writeString(prog, """
                #include <stdio.h>
                #include <stationd/stationd.h>
                #include <stationd/compat.h>
                int main(int argc, char **argv) {
                    stationd *h = stationd_open(argv[1], 2000);
                    if (!h) { perror("open"); return 3; }
                    int rc = stationd_ping(h);
                    stationd_close(h);
                    printf("%s\\n", stationd_code_name(rc));
                    return rc == 0 ? 0 : 1;
                }
                """);
        Path exe = dir.resolve("uses_lib");
        Result cc = run(List.of("gcc", "-std=c11", "-Wall", "-Werror", "-fsanitize=address,undefined",
                "-I" + dest.resolve("usr/include"), prog.toString(), "-L" + dest.resolve("usr/lib"), "-lstationd",
                "-o", exe.toString()), Map.of(), null);
        assertEquals(0, cc.code(), cc::all);
        Map<String, String> env = new HashMap<>();
        env.put("LD_LIBRARY_PATH", dest.resolve("usr/lib").toString()); // resolved through the soname
        Result ping = run(List.of(exe.toString(), daemon.socket().toString()), env, null);
        assertEquals(0, ping.code(), ping::all);
        assertEquals("OK", ping.out().trim(), ping::all);
    }

    @Test
    void globalOptionsAfterTheSubcommand() throws Exception {
        Assumptions.assumeTrue(commandWorks("python3", "--version"), "python3 is not installed");
        // the socket given after the command, --json after the command's own options
        Result list = run(List.of(ctl(), "list", "--group", String.valueOf(GROUP), "-s", daemon.socket().toString(),
                "--json"), Map.of(), null);
        assertEquals(0, list.code(), list::all);
        Path json = dir.resolve("after.json");
        Files.writeString(json, list.out(), StandardCharsets.UTF_8);
        Result py = run(List.of("python3", "-c", "import json,sys; print(len(json.load(sys.stdin)))"), Map.of(), json);
        assertEquals(String.valueOf(MACS.length), py.out().trim(), py::all);
        Result ping = run(List.of(ctl(), "ping", "--socket", daemon.socket().toString(), "-t", "3000", "--json"),
                Map.of(), null);
        assertEquals(0, ping.code(), ping::all);
        assertTrue(ping.out().startsWith("{\"ok\":true"), ping::all);
    }

    @Test
    void timedFilterIsListedWithItsExpiry() throws Exception {
        Assumptions.assumeTrue(commandWorks("python3", "--version"), "python3 is not installed");
        int group = GROUP + 1;
        Result add = ctlRun("filter", "add", MACS[1], "--group", String.valueOf(group), "--for", "10m");
        assertEquals(0, add.code(), add::all);
        Result perm = ctlRun("filter", "add", "02:11:22:33:44:7f", "--group", String.valueOf(group));
        assertEquals(0, perm.code(), perm::all);
        Result list = ctlRun("filter", "list", "--group", String.valueOf(group));
        assertEquals(0, list.code(), list::all);
        String[] lines = list.out().split("\n");
        assertEquals(3, lines.length, list::all);
        assertTrue(lines[0].contains("EXPIRES") && lines[0].contains("PRESENT"), list::all);
        assertTrue(lines[1].startsWith(MACS[1]) && lines[1].matches(".* yes +expires in (10m00s|9m[0-5][0-9]s) .*"),
                () -> "a present station filtered for 10 minutes:\n" + list.out());
        assertTrue(lines[1].contains("itc1") && lines[1].contains("it-host-1"), list::all);
        assertTrue(lines[2].startsWith("02:11:22:33:44:7f") && lines[2].matches(".* no +permanent .*"), list::all);

        Result js = ctlRun("--json", "filter", "list", "--group", String.valueOf(group));
        assertEquals(0, js.code(), js::all);
        Path json = dir.resolve("filters.json");
        Files.writeString(json, js.out(), StandardCharsets.UTF_8);
        Result py = run(List.of("python3", "-c", "import json,sys\n"
                + "for f in json.load(sys.stdin):\n"
                + "    print(f['mac'], f['group_id'], f['present'], f['expires_in_s'], f['expires_ms'] is None,"
                + " f['created_ms'] > 0, f['hostname'])\n"), Map.of(), json);
        assertEquals(0, py.code(), () -> py.all() + "\n--- json\n" + js.out());
        String[] out = py.out().split("\n");
        assertTrue(out[0].matches(MACS[1] + " " + group + " True (600|59[0-9]) False True it-host-1"), py::all);
        assertEquals("02:11:22:33:44:7f " + group + " False None True True ", out[1], py::all);
        assertEquals(0, ctlRun("filter", "flush", "--group", String.valueOf(group)).code());
    }

    @Test
    void kickNamesWhatItCouldNotFind() throws Exception {
        Result one = ctlRun("kick", MACS[0], "--ban", "10m");
        assertEquals(1, one.code(), one::all);
        assertTrue(one.err().contains("E_NOENT") && one.err().contains("no hostapd"), one::all);
        Result group = ctlRun("--json", "kick", "--group", String.valueOf(GROUP), "--ban", "10m");
        assertEquals(0, group.code(), group::all);
        assertEquals("{\"ok\":true}", group.out().trim(), group::all);
        Result banned = ctlRun("filter", "list", "--group", String.valueOf(GROUP));
        assertEquals(1, banned.out().split("\n").length, () -> "nobody was kicked, nobody banned:\n" + banned.all());
    }

    @Test
    void watchChangesShowsOnlyJoinsAndLeaves() throws Exception {
        Path err = dir.resolve("watch-changes.err");
        Watch w = startWatch(err, "--json", "watch", "--changes", "joins,leaves");
        BlockingQueue<String> lines = w.lines();
        try {
            String mac = "02:11:22:33:55:02";
            long now = System.currentTimeMillis();
            try (EventSender s = EventSender.connect(daemon.events())) {
                s.send(StaEvent.upsert(200, station(MACS[0], 0, now).toBuilder().signalDbm(-70).build())); // update
                s.send(StaEvent.upsert(201, station(mac, 1, now)));                                          // join
                s.send(StaEvent.upsert(202, station(mac, 1, now).toBuilder().signalDbm(-80).build()));       // update
                s.send(StaEvent.upsert(203, station(mac, 1, now).toBuilder().ifname("itc0").build()));       // roam
                s.send(StaEvent.remove(204, MacAddress.parse(mac)));                                         // leave
                s.send(StaEvent.upsert(205, station(MACS[0], 0, now)));                                      // update
            }
            String join = lines.poll(10, TimeUnit.SECONDS);
            assertNotNull(join, () -> "no line; stderr:\n" + read(err));
            assertTrue(join.contains("\"change\":\"join\"") && join.contains(mac), join);
            String leave = lines.poll(10, TimeUnit.SECONDS);
            assertNotNull(leave, "no leave line");
            assertTrue(leave.contains("\"change\":\"leave\"") && leave.contains(mac), leave);
            // the last event (an update of a station known from the start) proves the rest was skipped:
            // a marker join behind it must be the very next line
            try (EventSender s = EventSender.connect(daemon.events())) {
                s.send(StaEvent.upsert(206, station("02:11:22:33:55:03", 1, now)));
                s.send(StaEvent.remove(207, MacAddress.parse("02:11:22:33:55:03")));
            }
            String marker = lines.poll(10, TimeUnit.SECONDS);
            assertNotNull(marker, "no marker line");
            assertTrue(marker.contains("\"change\":\"join\"") && marker.contains("02:11:22:33:55:03"),
                    () -> "updates and roams are not shown: " + marker);
        } finally {
            stopWatch(w, err);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A running {@code stationctl watch} and the lines it printed so far. */
    private record Watch(Process process, BlockingQueue<String> lines) {
    }

    /** Starts {@code stationctl ARGS} (a watch), collects its lines, waits until it has subscribed. */
    private static Watch startWatch(Path err, String... args) throws Exception {
        Process p = builder(ctl(args), Map.of()).redirectError(err.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        DaemonProcess.await(Duration.ofSeconds(20), "stationctl watch to subscribe", () -> read(err).contains("watching"));
        return new Watch(p, lines);
    }

    /** SIGTERM: watch exits cleanly (status 0, no sanitizer report). */
    private static void stopWatch(Watch w, Path err) throws Exception {
        w.process().destroy();
        assertTrue(w.process().waitFor(20, TimeUnit.SECONDS), "watch did not stop on SIGTERM");
        assertEquals(0, w.process().exitValue(), () -> "watch exit code; stderr:\n" + read(err));
        assertClean(List.of("watch"), read(err));
    }

    /** @return the next line naming {@code mac} (lines before it are dropped), {@code null} after 10 s without one */
    private static String poll(BlockingQueue<String> lines, String mac) {
        try {
            return DaemonProcess.poll("a line naming " + mac, Duration.ofSeconds(10)).until(() -> {
                for (String l; (l = lines.poll()) != null; ) {
                    if (l.contains(mac)) {
                        return l;
                    }
                }
                return null;
            }, Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            return null; // the caller's assertion shows stationctl's stderr
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static boolean commandWorks(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
