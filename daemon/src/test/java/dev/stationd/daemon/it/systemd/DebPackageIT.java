package dev.stationd.daemon.it.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stationd.daemon.it.DaemonProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The {@code .deb} built by {@code mvn package}: contents, conffile, dependencies, scripts. */
class DebPackageIT {
    static Path deb() throws Exception {
        Path target = DaemonProcess.jar().toAbsolutePath().getParent();
        try (var s = Files.list(target)) {
            List<Path> debs = s.filter(p -> p.getFileName().toString().matches("stationd_.+_all\\.deb")).toList();
            assertEquals(1, debs.size(), "one stationd_<version>_all.deb in " + target + ": " + debs);
            return debs.get(0);
        }
    }

    @Test
    void containsJarUnitsSnippetsAndConfig() throws Exception {
        assumeTrue(UnitFilesIT.have("dpkg-deb"), "dpkg-deb is not installed");
        UnitFilesIT.Result c = UnitFilesIT.run(Path.of("."), null, "dpkg-deb", "-c", deb().toString());
        assertEquals(0, c.code(), c.output());
        for (String path : List.of("./usr/share/stationd/stationd.jar", "./usr/share/stationd/jvm.options", "./usr/lib/systemd/system/stationd.service",
                "./usr/lib/systemd/system/stationd.socket",
                "./usr/lib/systemd/system/stationd-ingest.socket", "./usr/lib/systemd/system/stationd-netlink.socket",
                "./usr/lib/systemd/system/stationd-metrics.socket", "./usr/share/doc/stationd/metrics.md",
                "./usr/lib/sysusers.d/stationd.conf",
                "./usr/lib/tmpfiles.d/stationd.conf", "./etc/stationd/stationd.yaml",
                "./usr/lib/stationd/libnetty_transport_native_epoll_x86_64.so",
                "./usr/lib/stationd/libnetty_transport_native_epoll_aarch_64.so")) {
            Matcher m = Pattern.compile("^-rw-r--r-- root/root .* " + Pattern.quote(path) + "$", Pattern.MULTILINE)
                    .matcher(c.output());
            assertTrue(m.find(), path + " (0644 root:root) in\n" + c.output());
        }
        // the launcher the unit runs, executable
        assertTrue(Pattern.compile("^-rwxr-xr-x root/root .* \\./usr/sbin/stationd$", Pattern.MULTILINE).matcher(c.output()).find(),
                "./usr/sbin/stationd (0755 root:root) in\n" + c.output());
        // the batched ingest reader, built for this machine's architecture when a C compiler was there
        Path ingestLib = DaemonProcess.nativeDir().resolve(System.mapLibraryName("stationd_ingest_"
                + System.getProperty("os.arch").toLowerCase(java.util.Locale.ROOT)));
        if (Files.isRegularFile(ingestLib)) {
            assertTrue(c.output().contains("./usr/lib/stationd/" + ingestLib.getFileName()), c.output());
        }
        long jarSize = Files.size(DaemonProcess.jar());
        assertTrue(c.output().contains(" " + jarSize + " "), "the packaged jar is the built one (" + jarSize + " bytes)");
    }

    @Test
    void controlDeclaresJavaConffileAndScripts() throws Exception {
        assumeTrue(UnitFilesIT.have("dpkg-deb"), "dpkg-deb is not installed");
        Path deb = deb();
        UnitFilesIT.Result info = UnitFilesIT.run(Path.of("."), null, "dpkg-deb", "-I", deb.toString());
        assertEquals(0, info.code(), info.output());
        assertTrue(info.output().contains("Package: stationd"), info.output());
        assertTrue(info.output().contains("Architecture: all"), info.output());
        assertTrue(info.output().contains("default-jre-headless (>= 2:1.17) | java17-runtime-headless"), info.output());
        String version = deb.getFileName().toString().replaceAll("^stationd_(.+)_all\\.deb$", "$1");
        assertTrue(info.output().contains("Version: " + version), info.output());
        UnitFilesIT.Result conffiles = UnitFilesIT.run(Path.of("."), null, "dpkg-deb", "-I", deb.toString(), "conffiles");
        assertEquals("/etc/stationd/stationd.yaml", conffiles.output().strip());
        UnitFilesIT.Result postinst = UnitFilesIT.run(Path.of("."), null, "dpkg-deb", "-I", deb.toString(), "postinst");
        assertTrue(postinst.output().contains("systemd-sysusers stationd.conf"), postinst.output());
        assertTrue(postinst.output().contains("systemd-tmpfiles --create stationd.conf"), postinst.output());
        assertTrue(postinst.output().contains("/usr/sbin/stationd --create-cds-archive"), postinst.output());
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertTrue(info.output().matches("(?s).*\\d+ lines\\s+\\*\\s+" + script + "\\s.*"), script + " executable:\n" + info.output());
        }
    }
}
