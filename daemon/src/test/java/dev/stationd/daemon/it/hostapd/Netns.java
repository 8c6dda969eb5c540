package dev.stationd.daemon.it.hostapd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A network namespace of its own for a test ({@code ip netns}); deleted on close. Needs root and iproute2. */
final class Netns implements AutoCloseable {
    private final String name;

    private Netns(String name) {
        this.name = name;
    }

    /** Skips the test unless it runs as root with {@code ip}. */
    static void assumeRoot() {
        assumeTrue(isRoot(), "needs root (ip netns); skipped");
        assumeTrue(find("ip") != null, "needs iproute2 (ip); skipped");
    }

    /** @return whether the test runs as root */
    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * @param prefix a short name part
     * @return a new, empty namespace (loopback up)
     */
    static Netns create(String prefix) {
        assumeRoot();
        String n = prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        HostapdLab.Result r = run("ip", "netns", "add", n);
        assumeTrue(r.ok(), "cannot create a network namespace (" + r.out().strip() + "); skipped");
        Netns ns = new Netns(n);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    /** @return its name */
    String name() {
        return name;
    }

    /** Runs {@code ip -n NAME ARGS...}, failing on a non-zero exit. */
    void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        check(run(cmd.toArray(new String[0])));
    }

    /** @return {@code ARGS...} run inside the namespace ({@code ip netns exec}) */
    HostapdLab.Result exec(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        String exe = find(args[0]);
        cmd.add(exe != null ? exe : args[0]);
        cmd.addAll(List.of(args).subList(1, args.length));
        return run(cmd.toArray(new String[0]));
    }

    /** Starts {@code ARGS...} inside the namespace, output to {@code log}. */
    Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(find("ip"), "netns", "exec", name));
        String exe = find(args[0]);
        cmd.add(exe != null ? exe : args[0]);
        cmd.addAll(List.of(args).subList(1, args.length));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Override
    public void close() {
        run("ip", "netns", "del", name);
    }

    static void check(HostapdLab.Result r) {
        if (!r.ok()) {
            throw new IllegalStateException("command failed (" + r.code() + "): " + r.out());
        }
    }

    static HostapdLab.Result run(String... cmd) {
        return HostapdLab.run(cmd);
    }

    /** @return the absolute path of a tool, or null */
    static String find(String tool) {
        return HostapdLab.find(tool);
    }
}
