package dev.stationd.daemon.it.hostapd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real hostapd without Wi-Fi hardware: {@code driver=wired} with its integrated EAP server on
 * one end of a veth pair, in a network namespace of its own; stations are macvlans on the other
 * end (in a second namespace), each with its own MAC and its own {@code wpa_supplicant -D wired}
 * doing 802.1X EAP-MD5. A supplicant sends its first EAPOL-Start 2 s after it starts (hard-coded
 * {@code startWhen} in wpa_supplicant), so one login takes about 2-3 s. With hostapd's default
 * replies to the PAE group address and bridge-mode macvlans, every supplicant also hears the
 * others' EAP frames and simultaneous logins get stuck; here hostapd answers each station at its
 * own MAC ({@code use_pae_group_addr=0}) and the macvlans are in {@code private} mode, so any
 * number of stations authenticate at once (10 in about 2.5 s). Nothing touches the host's network namespace. Needs root,
 * {@code ip}, {@code hostapd}, {@code hostapd_cli}, {@code wpa_supplicant} and {@code wpa_cli};
 * {@link #assumeAvailable()} skips the test with a clear message otherwise.
 */
final class HostapdLab implements AutoCloseable {
    /** The BSS interface hostapd serves (inside its namespace), also the control socket's name. */
    static final String AP_IF = "wlan0";
    static final String SSID = "stationd-lab";
    private static final String[] SEARCH = {"/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin",
        "/usr/local/bin"};
    private static final Duration AUTH_DEADLINE = Duration.ofSeconds(15);

    private final Path dir;
    private final String tag;
    private final String apNs;
    private final String staNs;
    private final Path ctrlDir;
    private final Path wpaCtrlDir;
    private Process hostapd;
    private int hostapdStarts;
    private final Map<Integer, Process> supplicants = new LinkedHashMap<>();
    private final List<Long> authMillis = new ArrayList<>();
    private boolean netnsCreated;
    /** Stations moved into network namespaces of their own, by number. */
    private final Map<Integer, String> ownNamespaces = new LinkedHashMap<>();

    private HostapdLab(Path dir) {
        this.dir = dir;
        this.tag = "sd" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        this.apNs = tag + "ap";
        this.staNs = tag + "sta";
        this.ctrlDir = dir.resolve("hostapd");
        this.wpaCtrlDir = dir.resolve("wpa");
    }

    /** Skips the calling test unless everything the lab needs is there. */
    static void assumeAvailable() {
        assumeTrue("root".equals(System.getProperty("user.name")) || uid() == 0,
                "hostapd integration tests need root (ip netns / ip link); skipped as uid " + uid());
        for (String tool : new String[] {"ip", "hostapd", "hostapd_cli", "wpa_supplicant", "wpa_cli"}) {
            assumeTrue(find(tool) != null, "hostapd integration tests need '" + tool
                    + "' (apt-get install hostapd wpasupplicant iproute2); not found");
        }
    }

    /**
     * Creates the namespaces and the veth pair and starts hostapd.
     *
     * @param dir a private temp directory (short path: sockets live in it)
     * @return the running lab
     * @throws Exception if a step fails (a namespace that cannot be created skips the test)
     */
    static HostapdLab start(Path dir) throws Exception {
        assumeAvailable();
        HostapdLab lab = new HostapdLab(dir);
        try {
            lab.setUp();
            return lab;
        } catch (Throwable t) {
            lab.close();
            throw t;
        }
    }

    private void setUp() throws Exception {
        Files.createDirectories(wpaCtrlDir);
        Result r = run("ip", "netns", "add", apNs);
        assumeTrue(r.ok(), "cannot create a network namespace (" + r.out().strip()
                + "); hostapd integration tests need CAP_SYS_ADMIN; skipped");
        netnsCreated = true;
        check(run("ip", "netns", "add", staNs));
        check(run("ip", "link", "add", "ap0", "netns", apNs, "type", "veth", "peer", "name", "sta0", "netns", staNs));
        check(run("ip", "-n", apNs, "link", "set", "ap0", "name", AP_IF));
        check(run("ip", "-n", apNs, "link", "set", AP_IF, "up"));
        check(run("ip", "-n", staNs, "link", "set", "sta0", "up"));
        Files.writeString(dir.resolve("eap_user"), "\"user\" MD5 \"password\"\n");
        Files.writeString(denyMacFile(), "");
        Files.writeString(dir.resolve("hostapd.conf"), String.join("\n",
                "interface=" + AP_IF,
                "driver=wired",
                "ctrl_interface=" + ctrlDir,
                "ieee8021x=1",
                "eap_server=1",
                "eap_user_file=" + dir.resolve("eap_user"),
                "ssid=" + SSID,
                // answer each station at its own MAC instead of the PAE group address: together with
                // private macvlans (no frames between siblings) stations can authenticate at once
                "use_pae_group_addr=0",
                // hostapd's own deny list: what a reload (SIGHUP) puts the list back to
                "deny_mac_file=" + denyMacFile(),
                "logger_stdout=-1",
                "logger_stdout_level=1",
                "") );
        Files.writeString(dir.resolve("wpa.conf"), String.join("\n",
                "ctrl_interface=" + wpaCtrlDir,
                "ap_scan=0",
                "network={",
                "  key_mgmt=IEEE8021X",
                "  eap=MD5",
                "  identity=\"user\"",
                "  password=\"password\"",
                "  eapol_flags=0",
                "}",
                ""));
        startHostapd();
    }

    /** @return hostapd's control socket for {@link #AP_IF} */
    Path ctrl() {
        return ctrlDir.resolve(AP_IF);
    }

    /** Starts hostapd (again) and waits until it answers PING. @throws Exception on failure */
    void startHostapd() throws Exception {
        Path log = dir.resolve("hostapd-" + (++hostapdStarts) + ".log");
        hostapd = new ProcessBuilder(find("ip"), "netns", "exec", apNs, find("hostapd"), "-t", "-f", log.toString(),
                dir.resolve("hostapd.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("hostapd-" + hostapdStarts + ".out").toFile())
                .start();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            if (!hostapd.isAlive()) {
                throw new IllegalStateException("hostapd exited with " + hostapd.exitValue() + ":\n" + read(log)
                        + read(dir.resolve("hostapd-" + hostapdStarts + ".out")));
            }
            if (Files.exists(ctrl()) && cli("ping").contains("PONG")) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IllegalStateException("hostapd did not answer PING:\n" + read(log));
            }
            Thread.sleep(20);
        }
    }

    /** @return hostapd's {@code deny_mac_file} (empty unless a test writes it) */
    Path denyMacFile() {
        return dir.resolve("hostapd.deny");
    }

    /**
     * Reloads hostapd's configuration as {@code hostapd_cli reload} and OpenWrt's {@code wifi reload}
     * do: {@code SIGHUP}. hostapd keeps running and keeps its control sockets; its deny list is the
     * {@code deny_mac_file} again and its stations are dropped. Returns once hostapd answers again.
     *
     * @throws Exception if the signal cannot be sent or hostapd does not answer
     */
    void reloadHostapd() throws Exception {
        check(run("kill", "-HUP", Long.toString(hostapd.pid())));
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!cli("ping").contains("PONG")) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("hostapd did not answer PING after SIGHUP:\n" + hostapdLog());
            }
            Thread.sleep(20);
        }
    }

    /** Station {@code i} starts 802.1X authentication again (EAPOL-Start). @throws Exception on failure */
    void reauthenticate(int i) throws Exception {
        check(run(find("wpa_cli"), "-p", wpaCtrlDir.toString(), "-i", ifname(i), "reauthenticate"));
    }

    /** SIGKILLs hostapd (its control socket file stays behind, as after a crash). @throws Exception on timeout */
    void killHostapd() throws Exception {
        hostapd.destroyForcibly();
        if (!hostapd.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("hostapd did not die");
        }
    }

    /** @return station {@code i}'s MAC: 02:5d:00:00:00:ii */
    static MacAddress mac(int i) {
        return new MacAddress(0x025d_0000_0000L + i);
    }

    private static String ifname(int i) {
        return "st" + i;
    }

    /**
     * Adds station {@code i} (macvlan + wpa_supplicant) without waiting for it.
     *
     * @param i 1..254
     * @throws Exception on failure
     */
    void addStationAsync(int i) throws Exception {
        check(run("ip", "-n", staNs, "link", "add", "link", "sta0", "name", ifname(i), "address", mac(i).toString(),
                "type", "macvlan", "mode", "private"));
        check(run("ip", "-n", staNs, "link", "set", ifname(i), "up"));
        Process p = new ProcessBuilder(find("ip"), "netns", "exec", staNs, find("wpa_supplicant"), "-D", "wired",
                "-i", ifname(i), "-c", dir.resolve("wpa.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("wpa-" + i + ".log").toFile()).start();
        supplicants.put(i, p);
    }

    /**
     * Adds station {@code i} and waits until hostapd lists it as authorized.
     *
     * @param i 1..254
     * @throws Exception on failure or timeout
     */
    void addStation(int i) throws Exception {
        long t0 = System.nanoTime();
        addStationAsync(i);
        awaitAuthorized(i);
        authMillis.add((System.nanoTime() - t0) / 1_000_000);
    }

    /** @return how long each {@link #addStation} took, in ms */
    List<Long> authMillis() {
        return authMillis;
    }

    /**
     * Adds stations {@code from..to} at once and waits until hostapd has authorized them all.
     *
     * @param from first station number
     * @param to last station number (inclusive)
     * @return how long it took, in ms
     * @throws Exception on failure or timeout
     */
    long addStations(int from, int to) throws Exception {
        long t0 = System.nanoTime();
        for (int i = from; i <= to; i++) {
            addStationAsync(i);
        }
        for (int i = from; i <= to; i++) {
            awaitAuthorized(i);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Waits until hostapd reports station {@code i} as AUTHORIZED. @throws Exception on timeout */
    void awaitAuthorized(int i) throws Exception {
        long end = System.nanoTime() + AUTH_DEADLINE.toNanos();
        while (!cli("sta", mac(i).toString()).contains("[AUTHORIZED]")) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("station " + mac(i) + " not authorized within " + AUTH_DEADLINE
                        + "\nwpa_supplicant:\n" + read(dir.resolve("wpa-" + i + ".log")));
            }
            Thread.sleep(20);
        }
    }

    /**
     * Adds station {@code i} like {@link #addStationAsync}, but in a network namespace of its own
     * (its macvlan moved there, its wpa_supplicant run there), so its addresses are its own and
     * the AP's side sees it as a separate host. Does not wait for it.
     *
     * @param i 1..254
     * @throws Exception on failure
     */
    void addStationInOwnNamespaceAsync(int i) throws Exception {
        String ns = tag + "s" + i;
        check(run("ip", "netns", "add", ns));
        ownNamespaces.put(i, ns);
        check(run("ip", "-n", staNs, "link", "add", "link", "sta0", "name", ifname(i), "address", mac(i).toString(),
                "type", "macvlan", "mode", "private"));
        check(run("ip", "-n", staNs, "link", "set", ifname(i), "netns", ns));
        check(run("ip", "-n", ns, "link", "set", "lo", "up"));
        check(run("ip", "-n", ns, "link", "set", ifname(i), "up"));
        Process p = new ProcessBuilder(find("ip"), "netns", "exec", ns, find("wpa_supplicant"), "-D", "wired",
                "-i", ifname(i), "-c", dir.resolve("wpa.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("wpa-" + i + ".log").toFile()).start();
        supplicants.put(i, p);
    }

    /** @return the namespace hostapd (and the AP's side of the link, {@link #AP_IF}) is in */
    String apNamespace() {
        return apNs;
    }

    /**
     * @param i a station added with {@link #addStationInOwnNamespaceAsync}
     * @return its namespace
     */
    String stationNamespace(int i) {
        String ns = ownNamespaces.get(i);
        if (ns == null) {
            throw new IllegalArgumentException("station " + i + " has no namespace of its own");
        }
        return ns;
    }

    /** @return station {@code i}'s interface name (inside its namespace) */
    static String stationIf(int i) {
        return ifname(i);
    }

    /** Station {@code i} sends EAPOL-Logoff (the wired analogue of leaving). @throws Exception on failure */
    void logoff(int i) throws Exception {
        check(run(find("wpa_cli"), "-p", wpaCtrlDir.toString(), "-i", ifname(i), "logoff"));
    }

    /**
     * Runs {@code hostapd_cli -p CTRL_DIR -i wlan0 ARGS...}.
     *
     * @param args the command
     * @return its output
     * @throws Exception on failure to run
     */
    String cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(find("hostapd_cli"), "-p", ctrlDir.toString(), "-i", AP_IF));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(new String[0])).out();
    }

    /**
     * Runs several commands through one {@code hostapd_cli} (they are read from its stdin).
     *
     * @param commands e.g. {@code raw DENY_ACL DEL_MAC 02:00:00:00:00:01}
     * @return its output
     * @throws Exception on failure to run
     */
    String cliBatch(List<String> commands) throws Exception {
        Path in = Files.createTempFile(dir, "cli", ".txt");
        Files.writeString(in, String.join("\n", commands) + "\n");
        Process p = new ProcessBuilder(find("hostapd_cli"), "-p", ctrlDir.toString(), "-i", AP_IF)
                .redirectInput(in.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("hostapd_cli did not finish");
        }
        Files.delete(in);
        return new String(out, StandardCharsets.UTF_8);
    }

    /**
     * Reads hostapd's whole deny list although {@code DENY_ACL SHOW} shows only what fits in one
     * 4 KiB reply (the lowest MACs): shows, removes what was shown, and again until it is empty.
     * Leaves the list empty.
     *
     * @return every entry that was on the list
     * @throws Exception on failure
     */
    Set<MacAddress> drainDenyList() throws Exception {
        Set<MacAddress> all = new TreeSet<>();
        while (true) {
            Set<MacAddress> shown = denyList();
            if (shown.isEmpty()) {
                return all;
            }
            all.addAll(shown);
            List<String> del = new ArrayList<>();
            for (MacAddress mac : shown) {
                del.add("raw DENY_ACL DEL_MAC " + mac);
            }
            cliBatch(del);
        }
    }

    /** @return the MACs hostapd lists as authorized ({@code STA-FIRST}/{@code STA-NEXT}) @throws Exception on failure */
    Set<MacAddress> authorizedStations() throws Exception {
        Set<MacAddress> out = new TreeSet<>();
        String all = cli("all_sta");
        MacAddress current = null;
        for (String line : all.split("\n")) {
            if (line.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
                current = MacAddress.parse(line);
            } else if (current != null && line.startsWith("flags=") && line.contains("[AUTHORIZED]")) {
                out.add(current);
            }
        }
        return out;
    }

    /** @return the MACs on hostapd's deny list @throws Exception on failure */
    Set<MacAddress> denyList() throws Exception {
        Set<MacAddress> out = new TreeSet<>();
        for (String line : cli("raw", "DENY_ACL SHOW").split("\n")) {
            if (line.length() >= 17 && line.substring(0, 17).matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
                out.add(MacAddress.parse(line.substring(0, 17)));
            }
        }
        return out;
    }

    /**
     * Waits for an event in hostapd's own log ({@code -t -f}: every {@code wpa_msg} line carries
     * the epoch time at which hostapd emitted it, the same moment it goes to the control sockets).
     *
     * @param event e.g. {@code AP-STA-CONNECTED}
     * @param mac the station
     * @param deadline how long to wait for it
     * @return when hostapd emitted it (epoch ms, the last such line)
     * @throws Exception on timeout
     */
    long awaitEventTime(String event, MacAddress mac, Duration deadline) throws Exception {
        return awaitEventTime(event, mac, -1, deadline, true);
    }

    /**
     * Like {@link #awaitEventTime(String, MacAddress, Duration)}, for the first such event at or
     * after {@code afterMs}.
     *
     * @param event e.g. {@code AP-STA-CONNECTED}
     * @param mac the station
     * @param afterMs epoch ms; earlier events do not count
     * @param deadline how long to wait for it
     * @return when hostapd emitted it (epoch ms)
     * @throws Exception on timeout
     */
    long awaitEventAfter(String event, MacAddress mac, long afterMs, Duration deadline) throws Exception {
        return awaitEventTime(event, mac, afterMs, deadline, false);
    }

    private long awaitEventTime(String event, MacAddress mac, long afterMs, Duration deadline, boolean last)
            throws Exception {
        Path log = dir.resolve("hostapd-" + hostapdStarts + ".log");
        String needle = ": " + AP_IF + ": " + event + " " + mac;
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            long found = -1;
            for (String line : read(log).split("\n")) {
                if (line.contains(needle)) {
                    String ts = line.substring(0, line.indexOf(':'));
                    long t = Math.round(Double.parseDouble(ts) * 1000);
                    if (t >= afterMs && (found < 0 || last)) {
                        found = t;
                    }
                }
            }
            if (found >= 0) {
                return found;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("hostapd logged no " + event + " " + mac + " within " + deadline + ":\n"
                        + read(log));
            }
            Thread.sleep(10);
        }
    }

    /**
     * Waits for a condition on the daemon under test; a timeout shows the daemon's output.
     *
     * @param d the daemon
     * @param deadline how long to wait
     * @param what description for the failure message
     * @param c the condition
     * @throws InterruptedException if interrupted
     */
    static void awaitOrDump(DaemonProcess d, Duration deadline, String what, BooleanSupplier c)
            throws InterruptedException {
        try {
            DaemonProcess.await(deadline, what, c);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ndaemon output:\n" + d.output(), e);
        }
    }

    /** A condition that may throw (a hostapd_cli call). */
    interface Check {
        boolean get() throws Exception;
    }

    /** @param c a condition that may throw @return its value; what it throws fails the wait */
    static boolean quiet(Check c) {
        try {
            return c.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return hostapd's log so far (for assertion messages) */
    String hostapdLog() {
        return read(dir.resolve("hostapd-" + hostapdStarts + ".log"));
    }

    @Override
    public void close() {
        for (Process p : supplicants.values()) {
            p.destroyForcibly();
        }
        if (hostapd != null) {
            hostapd.destroyForcibly();
        }
        for (Process p : supplicants.values()) {
            waitQuietly(p);
        }
        if (hostapd != null) {
            waitQuietly(hostapd);
        }
        if (netnsCreated) {
            run("ip", "netns", "del", staNs); // removes the macvlans and the veth pair
            run("ip", "netns", "del", apNs);
        }
        for (String ns : ownNamespaces.values()) {
            run("ip", "netns", "del", ns);
        }
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- processes ----

    record Result(int code, String out) {
        boolean ok() {
            return code == 0;
        }
    }

    private static void check(Result r) {
        if (!r.ok()) {
            throw new IllegalStateException("command failed (" + r.code() + "): " + r.out());
        }
    }

    static Result run(String... cmd) {
        try {
            List<String> c = new ArrayList<>(List.of(cmd));
            String exe = find(c.get(0));
            if (exe != null) {
                c.set(0, exe);
            }
            Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", cmd) + ": timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, String.join(" ", cmd) + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    static String find(String tool) {
        if (tool.startsWith("/")) {
            return tool;
        }
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of(SEARCH));
        for (String d : dirs) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static int uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
