package dev.stationd.daemon.it.docs;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs shell scripts in a directory the way a user's terminal would: each in a session of its own
 * (so Ctrl-C, a SIGINT to its process group, reaches what it started) with SIGINT at its default,
 * whatever the test JVM inherited, and the environment the previous script of the same
 * {@code envFile} exported. Background jobs live on after their script; {@link #close()} ends
 * them (by process handle, so a recycled pid is never hit).
 */
final class Terminal implements AutoCloseable {
    /** Starts bash in a new session with SIGINT restored to its default (Java cannot setsid). */
    private static final String LAUNCH = "import os, signal, sys\n"
            + "signal.signal(signal.SIGINT, signal.SIG_DFL)\n"
            + "os.setsid()\n"
            + "os.execvp('bash', ['bash', sys.argv[1]])\n";

    private final Path dir;
    private final Path work;
    private final Map<Long, Path> logs = new HashMap<>();
    private final List<ProcessHandle> leftovers = new ArrayList<>();
    private int scripts;

    /** What a finished script did. */
    record Result(int exitCode, String output, Path log) {
    }

    /**
     * @param dir where scripts run (their working directory)
     * @param work where scripts, logs and environment files are kept
     * @throws IOException if {@code work} cannot be created
     */
    Terminal(Path dir, Path work) throws IOException {
        this.dir = dir;
        this.work = Files.createDirectories(work);
    }

    /** @return the directory for the scripts' files */
    Path work() {
        return work;
    }

    /**
     * Starts {@code body} as a bash script ({@code set -e -o pipefail}) in {@link #dir}.
     *
     * @param name a name for its script and log files
     * @param body the commands
     * @param envFile the environment to start from and to save on success (per document)
     * @param extraEnv more environment variables
     * @return the running process (the leader of its own process group)
     * @throws IOException if it cannot be started
     */
    Process start(String name, String body, Path envFile, Map<String, String> extraEnv) throws IOException {
        int n = ++scripts;
        Path script = work.resolve(String.format("%03d-%s.sh", n, name));
        Files.writeString(script, "set -e -o pipefail\n"
                + "cd " + quote(dir) + "\n"
                + "if [ -f " + quote(envFile) + " ]; then . " + quote(envFile) + "; fi\n"
                + body
                + (body.endsWith("\n") ? "" : "\n")
                + "export -p | grep -vE '^declare -[a-zA-Z]*r|^declare -x (PWD|OLDPWD|SHLVL|_)=' > " + quote(envFile) + "\n",
                StandardCharsets.UTF_8);
        Path log = work.resolve(String.format("%03d-%s.log", n, name));
        ProcessBuilder pb = new ProcessBuilder("python3", "-c", LAUNCH, script.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(new File("/dev/null"));
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        logs.put(p.pid(), log);
        return p;
    }

    /**
     * Runs a script to its end.
     *
     * @param name see {@link #start}
     * @param body the commands
     * @param envFile see {@link #start}
     * @param extraEnv see {@link #start}
     * @param deadline how long it may take
     * @return what it did
     * @throws Exception if it cannot be run or is interrupted
     */
    Result run(String name, String body, Path envFile, Map<String, String> extraEnv, Duration deadline) throws Exception {
        Process p = start(name, body, envFile, extraEnv);
        if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            signal("KILL", p.pid());
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(name + " did not finish within " + deadline + ":\n" + output(p));
        }
        leftovers.addAll(members(p.pid()));
        return new Result(p.exitValue(), output(p), logs.get(p.pid()));
    }

    /**
     * @param p a process of {@link #start}
     * @return what it printed so far
     * @throws IOException if the log cannot be read
     */
    String output(Process p) throws IOException {
        return Files.readString(logs.get(p.pid()), StandardCharsets.UTF_8);
    }

    /**
     * @param group a process group
     * @return the processes in it now (background jobs of a finished script)
     */
    static List<ProcessHandle> members(long group) {
        List<ProcessHandle> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(f[2]) == group) {
                        ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(out::add);
                    }
                } catch (IOException | RuntimeException e) {
                    // the process went away while we looked
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Sends a signal to a process group, as a terminal does to its foreground job.
     *
     * @param signal e.g. {@code INT}
     * @param group the group (the pid of a process of {@link #start})
     * @throws IOException if {@code kill} cannot be run
     * @throws InterruptedException if interrupted
     */
    static void signal(String signal, long group) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, "--", "-" + group).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }

    /** Ends what the scripts left running in the background. */
    @Override
    public void close() {
        for (ProcessHandle h : leftovers) {
            h.destroyForcibly();
        }
    }

    private static String quote(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }
}
