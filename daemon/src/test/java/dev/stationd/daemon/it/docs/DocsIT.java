package dev.stationd.daemon.it.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.docs.Markdown;
import dev.stationd.daemon.it.DaemonProcess;
import dev.stationd.protocol.client.StationClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs what the documentation ({@link Markdown#files}) shows, exactly as printed, in a fresh copy
 * of the repository (its tracked and new files, nothing built): one dynamic test per code block,
 * in the order a reader meets them, {@code README.md} first.
 *
 * <p>What a block is decides what is done with it:
 * <ul>
 *   <li>{@code sh}: run with bash ({@code -e -o pipefail}) at the copy's root, in a session of its
 *       own; what one block of a document exports, the next one of that document sees (one
 *       terminal per document). Background jobs ({@code &}) live on until the end.
 *   <li>{@code python}: run with {@code python3}; {@code yaml}: validated with the copy's
 *       {@code daemon/target/stationd --check-config}; {@code java} and {@code c} holding a
 *       {@code main}: compiled and run (against the copy's daemon jar / {@code libstationd.a}).
 *   <li>{@code text}: output or a synopsis, shown, not run. Anything else must say what to do
 *       with it (a directive below); a block without a language fails.
 * </ul>
 * Directives, one or more HTML comments on the lines right before the block (invisible when
 * the page is rendered):
 * <ul>
 *   <li>{@code <!-- docs-test: daemon SOCKET -->}: starts the block in the background (the
 *       README's first command: build, then run the daemon); later blocks use that daemon. The
 *       build must print nothing; at the end a Ctrl-C (SIGINT to its process group) must stop
 *       the daemon cleanly.
 *   <li>{@code expect TEXT}: the block's output holds TEXT. {@code check COMMAND}: after the block,
 *       COMMAND (bash, same environment) succeeds within 30 s — for an effect that comes a moment
 *       later, such as a datagram applied.
 *   <li>{@code env NAME=VALUE}: run with that variable set (e.g. a shorter duration).
 *   <li>{@code excerpt FILE}: the block is an excerpt of FILE, which must hold it verbatim and
 *       which some block of the documentation runs.
 *   <li>{@code ci FILE}: CI runs it: each line of the block is a line of FILE.
 *   <li>{@code systemd-e2e LABEL}: {@code .ci/systemd-e2e.sh} runs it under a real systemd
 *       ({@code docs_blocks LABEL}); here it is only checked that the script does.
 *   <li>{@code skip (REASON)}: not run, reported as skipped with the reason.
 *   <li>{@code requires root TOOL...}: run only as root ({@code root}) and where each TOOL is on
 *       the path (or in {@code /usr/sbin}, {@code /sbin}); elsewhere skipped with a message, as the
 *       tests that need root or a missing tool are.
 * </ul>
 * A new block in the documentation is therefore run as soon as it is written, or says why not.
 */
class DocsIT {
    private static final Duration BLOCK_DEADLINE = Duration.ofMinutes(10);
    private static final Duration CHECK_DEADLINE = Duration.ofSeconds(30);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
    private static final Set<String> DIRECTIVES = Set.of("daemon", "expect", "check", "env", "excerpt", "ci",
            "systemd-e2e", "skip", "requires");
    private static final Pattern DAEMON_LOG_LINE = Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\dT\\S+ [A-Z]+ ");

    private static Path copy;
    private static Terminal terminal;
    private static Process daemon;
    /** What became of each block, in the order of the documentation. */
    private static final Map<String, String> summary = new LinkedHashMap<>();

    static Path root() {
        String root = System.getProperty("stationd.root");
        return (root != null ? Path.of(root) : Path.of("..")).toAbsolutePath().normalize();
    }

    @TestFactory
    Stream<DynamicTest> everyBlockOfTheDocumentation() throws Exception {
        Path root = root();
        copy = copyOfRepository(root, Files.createTempDirectory("stationd-docs"));
        terminal = new Terminal(copy, copy.resolve("target/docs-it"));
        List<Markdown.Block> blocks = new ArrayList<>();
        for (Path file : Markdown.files(copy)) {
            blocks.addAll(Markdown.blocks(file));
        }
        assertTrue(blocks.stream().anyMatch(b -> b.directive("daemon") != null),
                "README.md's first command (build and start the daemon) is not marked 'docs-test: daemon SOCKET'");
        List<DynamicTest> tests = new ArrayList<>();
        for (Markdown.Block b : blocks) {
            if (b.lang().equals("text") && b.directives().isEmpty()) {
                summary.put(b.where(copy), "shown: output or synopsis, not run");
                continue;
            }
            summary.put(b.where(copy), "FAILED");   // until it passes
            tests.add(DynamicTest.dynamicTest(b.where(copy), () -> run(b, blocks)));
        }
        tests.add(DynamicTest.dynamicTest("the daemon stops on Ctrl-C", DocsIT::stopDaemon));
        return tests.stream();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (daemon != null && daemon.isAlive()) {
            Terminal.signal("KILL", daemon.pid());   // its group: the build or the JVM under the shell
            daemon.waitFor(10, TimeUnit.SECONDS);
        }
        if (terminal != null) {
            terminal.close();
        }
        StringBuilder report = new StringBuilder("DocsIT: the code blocks of the documentation\n");
        Map<String, Integer> counts = new LinkedHashMap<>();
        summary.forEach((where, outcome) -> {
            report.append("  ").append(where).append(": ").append(outcome).append('\n');
            counts.merge(outcome.replaceAll("[:,( ].*", ""), 1, Integer::sum);
        });
        System.out.println(report + "DocsIT: " + counts + " (of " + summary.size() + " blocks)");
        if (copy != null && !summary.containsValue("FAILED")) {
            try (Stream<Path> s = Files.walk(copy)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(Markdown.Block b, List<Markdown.Block> all) throws Exception {
        String where = b.where(copy);
        for (Markdown.Directive d : b.directives()) {
            assertTrue(DIRECTIVES.contains(d.kind()), where + ": unknown directive 'docs-test: " + d.kind()
                    + "' (known: " + DIRECTIVES + ")");
        }
        String skip = b.directive("skip");
        if (skip != null) {
            assertTrue(skip.matches("\\(.+\\)"), where + ": 'docs-test: skip (REASON)' needs a reason in parentheses");
            summary.put(where, "skipped " + skip);
            Assumptions.abort("not run: " + skip);
        }
        String requires = b.directive("requires");
        if (requires != null) {
            String missing = missingRequirements(requires);
            if (!missing.isEmpty()) {
                summary.put(where, "skipped (needs " + missing + ")");
                Assumptions.abort("not run here: needs " + missing);
            }
        }
        String outcome;
        if (b.directive("excerpt") != null) {
            outcome = excerpt(b, all);
        } else if (b.directive("ci") != null) {
            outcome = ci(b);
        } else if (b.directive("systemd-e2e") != null) {
            outcome = systemdE2e(b);
        } else if (b.directive("daemon") != null) {
            outcome = startDaemon(b);
        } else {
            outcome = execute(b);
        }
        summary.put(where, outcome);
    }

    /** Runs a block; {@code expect} and {@code check} decide whether it did what the docs say. */
    private static String execute(Markdown.Block b) throws Exception {
        String where = b.where(copy);
        String body = command(b);
        Map<String, String> env = new HashMap<>();
        for (Markdown.Directive d : b.directives()) {
            if (d.kind().equals("env")) {
                int eq = d.arg().indexOf('=');
                assertTrue(eq > 0, where + ": 'docs-test: env NAME=VALUE'");
                env.put(d.arg().substring(0, eq), d.arg().substring(eq + 1));
            }
        }
        Path envFile = envFile(b);
        Terminal.Result r = terminal.run(name(b), body, envFile, env, BLOCK_DEADLINE);
        assertEquals(0, r.exitCode(), where + " failed (exit " + r.exitCode() + "), log " + r.log() + ":\n" + tail(r.output()));
        String expect = b.directive("expect");
        if (expect != null) {
            assertTrue(r.output().contains(expect), where + ": the output does not hold '" + expect + "':\n" + tail(r.output()));
        }
        String check = b.directive("check");
        if (check != null) {
            List<Terminal.Result> last = new ArrayList<>(List.of(r));
            try {
                DaemonProcess.await(CHECK_DEADLINE, "'" + check + "' to succeed after " + where, () -> {
                    try {
                        Terminal.Result c = terminal.run(name(b) + "-check", check, envFile, Map.of(), CHECK_DEADLINE);
                        last.set(0, c);
                        return c.exitCode() == 0;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; its last output:\n" + tail(last.get(0).output()), e);
            }
        }
        return "ran" + (expect != null ? ", printed '" + expect + "'" : "") + (check != null ? ", then '" + check + "' succeeded" : "")
                + (env.isEmpty() ? "" : " (with " + env + ")");
    }

    /** @return the bash commands that run the block as its language is run */
    private static String command(Markdown.Block b) throws IOException {
        String where = b.where(copy);
        Path dir = terminal.work();
        String n = name(b);
        switch (b.lang()) {
            case "sh", "bash", "shell":
                return b.text();
            case "python": {
                Path f = Files.writeString(dir.resolve(n + ".py"), b.text());
                return "python3 " + f + "\n";
            }
            case "yaml": {
                Path f = Files.writeString(dir.resolve(n + ".yaml"), b.text());
                return "daemon/target/stationd --check-config --config " + f + " >/dev/null\n";
            }
            case "java": {
                Matcher m = Pattern.compile("public\\s+(?:final\\s+)?class\\s+(\\w+)").matcher(b.text());
                assertTrue(b.text().contains("static void main") && m.find(), where
                        + ": a Java block must be a whole program (a public class with main) or say 'docs-test: excerpt FILE'");
                Path f = Files.writeString(Files.createDirectories(dir.resolve(n)).resolve(m.group(1) + ".java"), b.text());
                return "java -cp daemon/target/stationd.jar " + f + "\n";
            }
            case "c": {
                assertTrue(b.text().contains("main("), where
                        + ": a C block must be a whole program (with main) or say 'docs-test: excerpt FILE'");
                Path f = Files.writeString(dir.resolve(n + ".c"), b.text());
                return "cc -o " + dir.resolve(n) + " " + f + " -Isrc/include src/build/libstationd.a\n" + dir.resolve(n) + "\n";
            }
            default:
                throw new AssertionError(where + ": a '" + b.lang() + "' block cannot be run here: mark it "
                        + "'docs-test: skip (REASON)' or 'docs-test: systemd-e2e LABEL', or use sh, python, yaml, java, c or text");
        }
    }

    /** The README's first command: build, then start the daemon; it keeps running for the blocks after it. */
    private static String startDaemon(Markdown.Block b) throws Exception {
        assertTrue(daemon == null, b.where(copy) + ": a second 'docs-test: daemon' block");
        Path socket = copy.resolve(b.directive("daemon"));
        long started = System.nanoTime();
        daemon = terminal.start(name(b), b.text(), envFile(b), Map.of());
        DaemonProcess.await(BLOCK_DEADLINE, "the daemon to answer PING on " + socket, () -> !daemon.isAlive() || answersPing(socket));
        assertTrue(daemon.isAlive(), b.where(copy) + " ended:\n" + tail(terminal.output(daemon)));
        double seconds = (System.nanoTime() - started) / 1e9;
        String out = terminal.output(daemon);
        Matcher first = DAEMON_LOG_LINE.matcher(out);
        String build = first.find() ? out.substring(0, first.start()) : out;
        assertEquals("", build.strip(),
                "the build must print nothing (README: 'The build prints nothing unless something fails')");
        return String.format("ran: in the background, built and answering PING after %.0f s", seconds);
    }

    /** @return what of {@code requirements} ("root", tool names) this machine lacks, or "" */
    private static String missingRequirements(String requirements) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String r : requirements.trim().split("\\s+")) {
            if (r.equals("root")) {
                if (!Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)) {
                    missing.add("root");
                }
            } else if (Stream.concat(Stream.of(System.getenv().getOrDefault("PATH", "").split(":")),
                    Stream.of("/usr/sbin", "/sbin")).noneMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, r)))) {
                missing.add(r);
            }
        }
        return String.join(", ", missing);
    }

    private static boolean answersPing(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (StationClient c = StationClient.open(socket, Duration.ofSeconds(2))) {
            c.ping();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void stopDaemon() throws Exception {
        assertTrue(daemon != null, "no daemon was started");
        assertTrue(daemon.isAlive(), "the daemon died:\n" + tail(terminal.output(daemon)));
        Terminal.signal("INT", daemon.pid());
        assertTrue(daemon.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "still running " + STOP_DEADLINE + " after Ctrl-C");
        String out = terminal.output(daemon);
        assertEquals(0, daemon.exitValue(), "exit status after Ctrl-C:\n" + tail(out));
        assertTrue(out.contains("Daemon: stopped:"), "no clean stop logged:\n" + tail(out));
        summary.put("README's daemon", "ran: stopped on Ctrl-C with exit status 0");
    }

    private static String excerpt(Markdown.Block b, List<Markdown.Block> all) throws IOException {
        String file = b.directive("excerpt");
        Path source = copy.resolve(file);
        assertTrue(Files.isRegularFile(source), b.where(copy) + ": no " + file);
        assertTrue(Files.readString(source, StandardCharsets.UTF_8).contains(b.text()),
                b.where(copy) + ": not an excerpt of " + file + " (it must appear there verbatim)");
        List<String> runners = all.stream()
                .filter(o -> o.lang().matches("sh|bash|shell") && o.directive("skip") == null && o.text().contains(file))
                .map(o -> o.where(copy)).toList();
        assertTrue(!runners.isEmpty(), b.where(copy) + ": no block of the documentation runs " + file);
        return "excerpt: of " + file + ", which " + runners.get(0) + " runs";
    }

    private static String ci(Markdown.Block b) throws IOException {
        String file = b.directive("ci");
        List<String> lines = Files.readAllLines(copy.resolve(file)).stream().map(String::strip).toList();
        for (String line : b.text().lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            assertTrue(lines.contains(line), b.where(copy) + ": '" + line + "' is not a line of " + file);
        }
        return "CI: every line is a line of " + file;
    }

    private static String systemdE2e(Markdown.Block b) throws IOException {
        String label = b.directive("systemd-e2e");
        String e2e = Files.readString(copy.resolve(".ci/systemd-e2e.sh"));
        assertTrue(Pattern.compile("docs_blocks " + Pattern.quote(label) + "\\b").matcher(e2e).find(),
                b.where(copy) + ": .ci/systemd-e2e.sh runs no 'docs_blocks " + label + "'");
        return "systemd-e2e: run by .ci/systemd-e2e.sh (docs_blocks " + label + ")";
    }

    /** One environment per document, as one terminal per page read. */
    private static Path envFile(Markdown.Block b) {
        return terminal.work().resolve(copy.relativize(b.file()).toString().replace('/', '_') + ".env");
    }

    private static String name(Markdown.Block b) {
        return copy.relativize(b.file()).toString().replace('/', '_').replace(".md", "") + "-" + b.line();
    }

    private static String tail(String output) {
        String[] lines = output.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }

    /**
     * A fresh copy: the tracked files and the new ones git does not ignore, as a clone with the
     * work in progress would have them; nothing built.
     */
    private static Path copyOfRepository(Path root, Path dest) throws Exception {
        if (!Files.exists(root.resolve(".git"))) {
            return copyOfTree(root, dest);
        }
        Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z", "--cached", "--others",
                "--exclude-standard").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String list = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, git.waitFor(), "git ls-files in " + root);
        int copied = 0;
        for (String f : list.split("\0")) {
            Path src = root.resolve(f);
            if (f.isEmpty() || !Files.isRegularFile(src)) {
                continue;   // deleted in the work tree
            }
            Path dst = dest.resolve(f);
            Files.createDirectories(dst.getParent());
            Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
            copied++;
        }
        assertTrue(copied > 100, "only " + copied + " files in " + root);
        return dest;
    }

    /** Without git (an unpacked source archive): everything but what builds and runs produce. */
    private static Path copyOfTree(Path root, Path dest) throws IOException {
        Set<Path> produced = Set.of(root.resolve("src/build"), root.resolve("bench/out"));
        try (Stream<Path> s = Files.walk(root)) {
            for (Path src : s.filter(Files::isRegularFile).toList()) {
                Path rel = root.relativize(src);
                boolean skip = produced.stream().anyMatch(src::startsWith);
                for (Path part : rel) {
                    skip |= part.toString().equals("target");
                }
                if (!skip) {
                    Files.createDirectories(dest.resolve(rel).getParent());
                    Files.copy(src, dest.resolve(rel), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return dest;
    }
}
