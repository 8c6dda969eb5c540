package dev.stationd.daemon.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start command of the README and the unit passes {@code -Djava.library.path} with the
 * directory {@code mvn package} fills with Netty's epoll JNI library: Netty then loads it in place
 * and copies nothing into its work directory (start-up time). Without the flag Netty copies the
 * library out of the jar, which the second test shows the first one would notice.
 */
class NativeLibraryIT {
    @TempDir
    Path dir;

    @Test
    void packageBuildsTheLibraryForEachArchitecture() {
        for (String arch : List.of("x86_64", "aarch_64")) {
            Path lib = DaemonProcess.nativeDir().resolve("libnetty_transport_native_epoll_" + arch + ".so");
            assertTrue(Files.isRegularFile(lib), lib + " built by mvn package");
        }
    }

    @Test
    void withTheLibraryPathNothingIsExtracted() throws Exception {
        assertEquals(List.of(), extractedWhileRunning(true), "files Netty extracted although the library path has the library");
    }

    @Test
    void withoutTheLibraryPathNettyExtractsItsCopy() throws Exception {
        List<Path> extracted = extractedWhileRunning(false);
        assertEquals(1, extracted.size(), "Netty's extracted library: " + extracted);
    }

    /** The files in Netty's work directory while the daemon runs (Netty keeps its copy until exit when told to). */
    private List<Path> extractedWhileRunning(boolean libraryPath) throws Exception {
        Path work = Files.createDirectory(dir.resolve("netty-work"));
        List<String> flags = new ArrayList<>(List.of("-Dio.netty.native.workdir=" + work,
                "-Dio.netty.native.deleteLibAfterLoading=false"));
        if (libraryPath) {
            flags.add("-Djava.library.path=" + DaemonProcess.nativeDir());
        }
        try (DaemonProcess d = DaemonProcess.start(dir, DaemonProcess.writeConfig(dir, ""), flags);
             Stream<Path> files = Files.list(work)) {
            return files.toList();
        }
    }
}
