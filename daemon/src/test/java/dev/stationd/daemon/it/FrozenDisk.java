package dev.stationd.daemon.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small ext4 file system on a loop device, mounted in the test's directory, whose writes can be
 * made to hang ({@code fsfreeze -f}: every write and {@code fsync} then blocks until
 * {@code fsfreeze -u}), as on a disk that stopped answering. Needs root, {@code losetup},
 * {@code mkfs.ext4} and {@code fsfreeze}; {@link #available()} says whether this machine has them.
 * {@link #close()} always thaws, unmounts and detaches, so a failing test leaves nothing behind.
 */
public final class FrozenDisk implements AutoCloseable {
    private static final List<String> TOOLS = List.of("/usr/sbin/losetup", "/usr/sbin/mkfs.ext4", "/usr/sbin/fsfreeze",
            "/usr/bin/mount", "/usr/bin/umount");

    private final Path image;
    private final Path mountPoint;
    private final String device;
    private boolean frozen;

    private FrozenDisk(Path image, Path mountPoint, String device) {
        this.image = image;
        this.mountPoint = mountPoint;
        this.device = device;
    }

    /** @return whether the test runs as root with the tools at hand */
    public static boolean available() {
        try {
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid == 0 && TOOLS.stream().map(Path::of).allMatch(Files::isExecutable);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param dir where the image and the mount point go
     * @return the mounted file system
     * @throws Exception if a step fails (what was done is undone)
     */
    public static FrozenDisk create(Path dir) throws Exception {
        Path image = dir.resolve("disk.img");
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        run("truncate", "-s", "64M", image.toString());
        run("/usr/sbin/mkfs.ext4", "-q", "-F", image.toString());
        String device = run("/usr/sbin/losetup", "--find", "--show", image.toString()).strip();
        try {
            run("/usr/bin/mount", device, mnt.toString());
        } catch (Exception e) {
            run("/usr/sbin/losetup", "-d", device);
            throw e;
        }
        return new FrozenDisk(image, mnt, device);
    }

    /** @return where the file system is mounted */
    public Path mountPoint() {
        return mountPoint;
    }

    /** Makes every write to the file system hang until {@link #thaw()}. @throws Exception on failure */
    public synchronized void freeze() throws Exception {
        run("/usr/sbin/fsfreeze", "-f", mountPoint.toString());
        frozen = true;
    }

    /** Lets the writes that hang go on. @throws Exception on failure */
    public synchronized void thaw() throws Exception {
        if (frozen) {
            run("/usr/sbin/fsfreeze", "-u", mountPoint.toString());
            frozen = false;
        }
    }

    /** Thaws, then unmounts (once the processes that used it are gone) and detaches. */
    @Override
    public void close() throws Exception {
        try {
            thaw();
        } finally {
            try {
                // a killed daemon that was blocked on the frozen file system exits only after the thaw
                DaemonProcess.poll("unmounting " + mountPoint, java.time.Duration.ofSeconds(30)).ignoreExceptions()
                        .pollInterval(java.time.Duration.ofMillis(200))
                        .until(() -> {
                            run("/usr/bin/umount", mountPoint.toString());
                            return true;
                        });
            } finally {
                run("/usr/sbin/losetup", "-d", device);
                Files.deleteIfExists(image);
            }
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
