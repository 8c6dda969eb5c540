package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stationd.daemon.config.ConfigReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regeneration command that {@code docs/configuration.md}, its unit test and
 * {@code ConfigKeys} print, run as printed against the packaged jar, reproduces the committed page.
 */
class ConfigReferenceIT {
    @TempDir
    Path dir;

    @Test
    void regenerationCommandReproducesTheCommittedPage() throws Exception {
        Path root = Path.of(System.getProperty("stationd.root", "..")).toAbsolutePath().normalize();
        // a repository-shaped work directory, so the committed page is not rewritten by the test
        Files.createDirectories(dir.resolve("daemon/target"));
        Files.createSymbolicLink(dir.resolve("daemon/target/stationd.jar"), DaemonProcess.jar().toAbsolutePath());
        Files.createDirectories(dir.resolve("docs"));
        Path log = dir.resolve("out.log");
        Process p = new ProcessBuilder("sh", "-c", ConfigReference.REGENERATE).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running");
        assertEquals(0, p.exitValue(), Files.readString(log));
        assertEquals(Files.readString(root.resolve("docs/configuration.md")),
                Files.readString(dir.resolve("docs/configuration.md")));
        assertTrue(Files.readString(root.resolve("docs/configuration.md")).contains(ConfigReference.REGENERATE),
                "the page shows the command");
    }
}
