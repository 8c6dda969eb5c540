package dev.stationd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The benchmark's C tools for the tests: built once with make (skipped without a C compiler), and run. */
final class CTools {
    static final Path DIR = Path.of("target", "c");
    private static boolean built;

    private CTools() {
    }

    /** Builds the tools once; skips the calling test where there is no C compiler or make. */
    static synchronized void build() throws Exception {
        assumeTrue(onPath("cc") || onPath("gcc"), "no C compiler: benchmark tool tests skipped");
        assumeTrue(onPath("make"), "no make: benchmark tool tests skipped");
        if (built) {
            return;
        }
        Process make = new ProcessBuilder("make", "-s", "-C", "c").redirectErrorStream(true).start();
        String out = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(make.waitFor(120, TimeUnit.SECONDS), "make timed out");
        assertEquals(0, make.exitValue(), "make -C bench/c failed:\n" + out);
        built = true;
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }

    /** @return the key=value fields of every line of {@code out} that starts with {@code prefix} */
    static List<Map<String, String>> lines(String out, String prefix) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith(prefix + " ")) {
                Map<String, String> kv = new HashMap<>();
                for (String f : line.substring(prefix.length() + 1).split(" ")) {
                    int eq = f.indexOf('=');
                    if (eq > 0) {
                        kv.put(f.substring(0, eq), f.substring(eq + 1));
                    }
                }
                rows.add(kv);
            }
        }
        return rows;
    }

    /** Runs a tool to its end (at most {@code seconds}); returns its stdout. */
    static String run(int seconds, String tool, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(DIR.resolve(tool).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), tool + " hung");
        assertEquals(0, p.exitValue(), tool + " " + String.join(" ", args) + " failed: " + out);
        return out;
    }
}
