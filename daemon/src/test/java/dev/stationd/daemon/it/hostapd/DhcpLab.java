package dev.stationd.daemon.it.hostapd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real DHCP on a {@link HostapdLab}: a server (dnsmasq, Kea or ISC dhcpd) on the AP's side of the
 * link, in hostapd's namespace, and busybox {@code udhcpc} on stations that have namespaces of
 * their own, sending a host name ({@code -x hostname:NAME}) and configuring the address it gets.
 * The AP's side has {@link #AP_V4}/24 and {@link #AP_V6}/64.
 */
final class DhcpLab implements AutoCloseable {
    static final String AP_V4 = "10.77.0.1";
    static final String AP_V6 = "fd77::1";
    private static final Duration LEASE_DEADLINE = Duration.ofSeconds(20);
    private static final Pattern OBTAINED = Pattern.compile("lease of (\\S+) obtained");

    /** The servers, by the program each runs. */
    enum Server {
        /** dnsmasq, {@code dnsmasq.leases} */
        DNSMASQ("dnsmasq", "dnsmasq-base"),
        /** Kea, {@code kea-leases4.csv} */
        KEA("kea-dhcp4", "kea-dhcp4-server"),
        /** ISC dhcpd, {@code dhcpd.leases} */
        ISC("dhcpd", "isc-dhcp-server");

        final String program;
        final String debianPackage;

        Server(String program, String debianPackage) {
            this.program = program;
            this.debianPackage = debianPackage;
        }
    }

    private final HostapdLab lab;
    private final Path dir;
    /** Where the server runs: hostapd's namespace, or a gateway's (Kea). */
    private String serverNs;
    private String gatewayNs;
    private final Path script;
    private Process server;
    private final Map<Integer, Process> clients = new LinkedHashMap<>();
    private final Map<Integer, Path> clientLogs = new LinkedHashMap<>();
    private int clientRuns;

    /**
     * Gives the AP's side its addresses.
     *
     * @param lab the running lab
     * @param dir a private directory for configurations, logs and the lease file
     * @throws IOException if the client script cannot be written
     */
    DhcpLab(HostapdLab lab, Path dir) throws IOException {
        this.lab = lab;
        this.dir = dir;
        this.serverNs = lab.apNamespace();
        assumeTrue(HostapdLab.find("udhcpc") != null, "needs busybox udhcpc (apt-get install udhcpc); skipped");
        check("ip", "-n", lab.apNamespace(), "addr", "add", AP_V4 + "/24", "dev", HostapdLab.AP_IF);
        check("ip", "-n", lab.apNamespace(), "addr", "add", AP_V6 + "/64", "dev", HostapdLab.AP_IF, "nodad");
        // udhcpc's script: set the IPv4 address it got (so the station answers ARP), drop it when it goes
        script = dir.resolve("udhcpc.sh");
        Files.writeString(script, "#!/bin/sh\ncase \"$1\" in\n"
                + "  bound|renew) ip -4 addr flush dev \"$interface\"; ip addr add \"$ip/${mask:-24}\" dev \"$interface\" ;;\n"
                + "  deconfig) ip -4 addr flush dev \"$interface\" ;;\nesac\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    /** Skips the test unless {@code server} is installed. */
    static void assumeInstalled(Server server) {
        assumeTrue(HostapdLab.find(server.program) != null, server.program + " is not installed (apt-get install "
                + server.debianPackage + "); its lease format is still tested on the committed capture; skipped");
    }

    /**
     * Starts a server handing out 10.77.0.100-199.
     *
     * @param s which server
     * @param leaseSeconds lease time (dnsmasq: at least 120)
     * @return its lease file
     * @throws Exception if it does not start
     */
    Path start(Server s, int leaseSeconds) throws Exception {
        assumeInstalled(s);
        Path log = dir.resolve(s.program + ".log");
        if (s == Server.KEA) {
            gateway();
        }
        List<String> cmd = new ArrayList<>(List.of(HostapdLab.find("ip"), "netns", "exec", serverNs,
                HostapdLab.find(s.program)));
        Path leases;
        switch (s) {
            case DNSMASQ -> {
                leases = dir.resolve("dnsmasq.leases");
                cmd.addAll(List.of("--no-daemon", "--conf-file=/dev/null", "--port=0", "--interface=" + HostapdLab.AP_IF,
                        "--bind-interfaces", "--dhcp-authoritative", "--user=root", "--log-dhcp", "--log-facility=-",
                        "--dhcp-range=10.77.0.100,10.77.0.199,255.255.255.0," + leaseSeconds + "s",
                        "--dhcp-leasefile=" + leases, "--pid-file=" + dir.resolve("dnsmasq.pid")));
            }
            case KEA -> {
                leases = dir.resolve("kea-leases4.csv");
                Path conf = Files.writeString(dir.resolve("kea-dhcp4.json"), "{ \"Dhcp4\": {\n"
                        + "  \"interfaces-config\": { \"interfaces\": [ \"gw0\" ],"
                        + " \"dhcp-socket-type\": \"raw\" },\n"
                        + "  \"lease-database\": { \"type\": \"memfile\", \"persist\": true, \"name\": \"" + leases
                        + "\", \"lfc-interval\": 0 },\n"
                        + "  \"valid-lifetime\": " + leaseSeconds + ",\n"
                        + "  \"expired-leases-processing\": { \"reclaim-timer-wait-time\": 1,"
                        + " \"flush-reclaimed-timer-wait-time\": 0 },\n"
                        + "  \"subnet4\": [ { \"id\": 1, \"subnet\": \"10.77.0.0/24\","
                        + " \"pools\": [ { \"pool\": \"10.77.0.100 - 10.77.0.199\" } ] } ],\n"
                        + "  \"loggers\": [ { \"name\": \"kea-dhcp4\", \"output_options\": [ { \"output\": \"stdout\" } ],"
                        + " \"severity\": \"INFO\" } ]\n} }\n");
                cmd.addAll(List.of("-c", conf.toString()));
            }
            case ISC -> {
                leases = Files.writeString(dir.resolve("dhcpd.leases"), "");
                Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "default-lease-time " + leaseSeconds + ";\n"
                        + "max-lease-time " + leaseSeconds + ";\nmin-lease-time " + leaseSeconds + ";\nauthoritative;\n"
                        + "subnet 10.77.0.0 netmask 255.255.255.0 {\n  range 10.77.0.100 10.77.0.199;\n}\n");
                cmd.addAll(List.of("-4", "-f", "-d", "-cf", conf.toString(), "-lf", leases.toString(),
                        "-pf", dir.resolve("dhcpd.pid").toString(), HostapdLab.AP_IF));
            }
            default -> throw new IllegalArgumentException(s.name());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("KEA_PIDFILE_DIR", dir.toString());
        pb.environment().put("KEA_LOCKFILE_DIR", dir.toString());
        server = pb.start();
        // the server is up once it has written (or created) its lease file; give up if it exits
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!(Files.exists(leases) && (s != Server.ISC || logHas(log, "Sending on")))) {
            if (!server.isAlive() || System.nanoTime() > end) {
                throw new IllegalStateException(s.program + " did not start:\n" + read(log));
            }
            Thread.sleep(20);
        }
        return leases;
    }

    /**
     * Puts the DHCP server on a gateway of its own: hostapd's wired driver holds UDP port 67 on
     * {@link HostapdLab#AP_IF} (it watches DHCP), and Kea, unlike dnsmasq and dhcpd, insists on
     * binding that port. A bridge on the AP's side joins {@link HostapdLab#AP_IF} and a veth pair to
     * the gateway's namespace ({@code gw0}, {@link #AP_V4}; the AP keeps 10.77.0.2 on the bridge), as
     * on a network whose DHCP server is not the access point.
     */
    private void gateway() {
        String ap = lab.apNamespace();
        gatewayNs = ap + "gw";
        check("ip", "netns", "add", gatewayNs);
        check("ip", "-n", ap, "link", "add", "br-lan", "type", "bridge");
        check("ip", "-n", ap, "link", "add", "gwp", "type", "veth", "peer", "name", "gw0", "netns", gatewayNs);
        // the AP is no longer the server: its addresses move to the bridge, the server's to the gateway
        check("ip", "-n", ap, "addr", "flush", "dev", HostapdLab.AP_IF);
        check("ip", "-n", ap, "link", "set", HostapdLab.AP_IF, "master", "br-lan");
        check("ip", "-n", ap, "addr", "add", "10.77.0.2/24", "dev", "br-lan");
        check("ip", "-n", ap, "link", "set", "gwp", "master", "br-lan");
        check("ip", "-n", ap, "link", "set", "gwp", "up");
        check("ip", "-n", ap, "link", "set", "br-lan", "up");
        check("ip", "-n", gatewayNs, "link", "set", "lo", "up");
        check("ip", "-n", gatewayNs, "addr", "add", AP_V4 + "/24", "dev", "gw0");
        check("ip", "-n", gatewayNs, "link", "set", "gw0", "up");
        serverNs = gatewayNs;
    }

    /**
     * Starts {@code udhcpc} on station {@code i} (a namespace of its own) and waits for its lease.
     *
     * @param i the station
     * @param hostname sent as option 12, or null for none
     * @param requestIp address to ask for ({@code -r}), or null
     * @return the leased address
     * @throws Exception if no lease comes
     */
    String lease(int i, String hostname, String requestIp) throws Exception {
        stopClient(i);
        Path log = dir.resolve("udhcpc-" + i + "-" + (++clientRuns) + ".log");
        List<String> cmd = new ArrayList<>(List.of(HostapdLab.find("ip"), "netns", "exec", lab.stationNamespace(i),
                HostapdLab.find("udhcpc"), "-f", "-R", "-i", HostapdLab.stationIf(i), "-s", script.toString(),
                "-t", "20", "-T", "1"));
        if (hostname != null) {
            cmd.addAll(List.of("-x", "hostname:" + hostname));
        }
        if (requestIp != null) {
            cmd.addAll(List.of("-r", requestIp));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        clients.put(i, p);
        clientLogs.put(i, log);
        long end = System.nanoTime() + LEASE_DEADLINE.toNanos();
        while (true) {
            Matcher m = OBTAINED.matcher(read(log));
            if (m.find()) {
                return m.group(1);
            }
            if (!p.isAlive() || System.nanoTime() > end) {
                throw new IllegalStateException("station " + i + " got no lease:\n" + read(log) + "\nserver:\n"
                        + read(dir.resolve(serverLog())) + "\nUDP sockets on the AP's side:\n"
                        + HostapdLab.run("ip", "netns", "exec", serverNs, "ss", "-ulpn").out());
            }
            Thread.sleep(20);
        }
    }

    /** Station {@code i}'s client releases its lease (SIGUSR2: DHCPRELEASE) and drops the address. @throws Exception on failure */
    void release(int i) throws Exception {
        Process p = clients.get(i);
        HostapdLab.Result r = HostapdLab.run("kill", "-USR2", Long.toString(p.pid()));
        if (!r.ok()) {
            throw new IllegalStateException("kill -USR2: " + r.out());
        }
        long end = System.nanoTime() + LEASE_DEADLINE.toNanos();
        while (!logHas(clientLogs.get(i), "entering released state")) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("station " + i + " did not release:\n" + read(clientLogs.get(i)));
            }
            Thread.sleep(20);
        }
    }

    /** Ends station {@code i}'s client without a release (its lease runs out on its own). */
    void stopClient(int i) throws InterruptedException {
        Process p = clients.remove(i);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Sends one UDP datagram from the AP's side to {@code address} (to port 9, discard), so the AP's
     * kernel resolves the station's link-layer address: a neighbour entry.
     *
     * @param address an IPv4 or IPv6 address of a station
     */
    void trafficFromAp(String address) {
        String target = address.contains(":") ? "[" + address + "]" : address;
        HostapdLab.Result r = HostapdLab.run("ip", "netns", "exec", lab.apNamespace(), "bash", "-c",
                "echo x > /dev/udp/" + address + "/9");
        if (!r.ok()) {
            throw new IllegalStateException("udp to " + target + ": " + r.out());
        }
    }

    /**
     * Gives station {@code i} a static IPv6 address (no duplicate detection, usable at once).
     *
     * @param i the station
     * @param address the address, in {@link #AP_V6}'s /64
     */
    void staticIpv6(int i, String address) {
        check("ip", "-n", lab.stationNamespace(i), "addr", "add", address + "/64", "dev", HostapdLab.stationIf(i), "nodad");
    }

    /** @return the server's log file name */
    private String serverLog() {
        for (Server s : Server.values()) {
            if (Files.exists(dir.resolve(s.program + ".log"))) {
                return s.program + ".log";
            }
        }
        return "none.log";
    }

    /** @return station {@code i}'s client output so far (for assertion messages) */
    String clientOutput(int i) {
        Path log = clientLogs.get(i);
        return log == null ? "" : read(log);
    }

    /** @return the server's output so far (for assertion messages) */
    String serverOutput() {
        return read(dir.resolve(serverLog()));
    }

    @Override
    public void close() {
        for (Process p : clients.values()) {
            p.destroyForcibly();
        }
        if (server != null) {
            server.destroy();
            try {
                if (!server.waitFor(5, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (gatewayNs != null) {
            HostapdLab.run("ip", "netns", "del", gatewayNs);
        }
    }

    private static void check(String... cmd) {
        HostapdLab.Result r = HostapdLab.run(cmd);
        if (!r.ok()) {
            throw new IllegalStateException("command failed (" + r.code() + "): " + String.join(" ", cmd) + ": " + r.out());
        }
    }

    private static boolean logHas(Path log, String text) {
        return read(log).contains(text);
    }

    private static String read(Path p) {
        return HostapdLab.read(p);
    }
}
