package dev.stationd.daemon.persist;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable replacement of a small state file, never leaving a moment without a complete one:
 * write and fsync {@code NAME.tmp}, optionally keep the current file as a previous generation
 * (hard link, else copy; replaced atomically through {@code PREV.tmp}), atomically rename the
 * temporary file over {@code NAME}, fsync the directory. Returns only once the content and its
 * name are on disk.
 */
public final class AtomicFile {
    /** Suffix of the file being written. */
    public static final String TMP_SUFFIX = ".tmp";

    private static final Logger log = LoggerFactory.getLogger(AtomicFile.class);
    private static final FileAttribute<?> DIR_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<?> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
    private static final Set<StandardOpenOption> OPEN_NEW =
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private AtomicFile() {
    }

    /**
     * Durably replaces {@code target} with {@code content}, creating its directory (mode 0700)
     * when missing.
     *
     * @param target the file
     * @param content its new bytes
     * @param previous where to keep the current file first, or {@code null} to keep none
     * @throws IOException when any step fails ({@code target} is then still the old or the new
     *     file, both complete)
     */
    public static void replace(Path target, byte[] content, Path previous) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Path tmp = target.resolveSibling(target.getFileName() + TMP_SUFFIX);
        createDirectory(directory);
        Files.deleteIfExists(tmp);
        writeAndSync(tmp, content);
        if (previous != null && Files.exists(target)) {
            keepAsPrevious(target, previous);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(directory);
    }

    private static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            Files.createDirectories(directory, DIR_MODE);
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(directory);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(directory)) {
                throw e;
            }
        }
        Path parent = directory.getParent();
        if (parent != null) {
            syncDirectory(parent); // make the new directory's own name durable
        }
        log.info("created state directory {}", directory);
    }

    private static void writeAndSync(Path path, byte[] content) throws IOException {
        try (FileChannel ch = openNew(path)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    private static FileChannel openNew(Path path) throws IOException {
        try {
            return FileChannel.open(path, OPEN_NEW, FILE_MODE);
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(path, OPEN_NEW);
        }
    }

    /** Makes {@code previous} name the current file, replacing the older one atomically. */
    private static void keepAsPrevious(Path target, Path previous) throws IOException {
        Path prevTmp = previous.resolveSibling(previous.getFileName() + TMP_SUFFIX);
        Files.deleteIfExists(prevTmp);
        try {
            Files.createLink(prevTmp, target);
        } catch (UnsupportedOperationException | FileSystemException e) {
            log.debug("cannot hard-link {} ({}); copying", target, e.toString());
            Files.deleteIfExists(prevTmp);
            writeAndSync(prevTmp, Files.readAllBytes(target));
        }
        Files.move(prevTmp, previous, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void syncDirectory(Path dirPath) throws IOException {
        try (FileChannel dir = FileChannel.open(dirPath, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
