package dev.stationd.daemon.persist;

import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable, human-readable storage of a {@link FilterSet} as {@code filters.conf} in a directory:
 *
 * <pre>
 * # stationd filters, format 1. One filter per line: GROUP MAC
 * # Written by stationd; edit only while it is stopped.
 * 0 aa:bb:cc:dd:ee:ff
 * 7 02:00:00:00:00:01
 * # end count=2 crc32=1a2b3c4d
 * </pre>
 *
 * <p>The trailer must be the last line (newline-terminated) and carries the number of filters and
 * the CRC-32 (8 lowercase hex digits) of every byte before it, so a torn or mis-edited file is
 * detected instead of being loaded as a different set. Lines starting with {@code #} and blank
 * lines are comments; {@code GROUP} is a decimal {@code u32}.
 *
 * <p>{@link #save} never leaves a moment without a valid {@code filters.conf}: it writes and
 * fsyncs {@code filters.conf.tmp}, keeps the current file as {@code filters.conf.prev} (hard link,
 * else copy; replaced atomically), atomically renames the temporary file over {@code filters.conf}
 * and fsyncs the directory.
 *
 * <p>Not thread-safe: one writer ({@link FilterService}) at a time. Non-final only so that tests
 * can inject faults.
 */
public class FilterFile {
    /** The file name inside the state directory. */
    public static final String FILE_NAME = "filters.conf";
    /** Suffix of the previous good generation. */
    public static final String PREV_SUFFIX = ".prev";
    /** Suffix of the file being written. */
    public static final String TMP_SUFFIX = ".tmp";
    /** First header line. */
    static final String HEADER1 = "# stationd filters, format 1. One filter per line: GROUP MAC";
    /** Second header line. */
    static final String HEADER2 = "# Written by stationd; edit only while it is stopped.";
    /** Start of the trailer line. */
    static final String TRAILER_START = "# end";

    private static final Logger log = LoggerFactory.getLogger(FilterFile.class);
    private static final Pattern TRAILER = Pattern.compile("# end count=(0|[1-9][0-9]{0,9}) crc32=([0-9a-f]{8})");
    private static final Pattern GROUP = Pattern.compile("0|[1-9][0-9]{0,9}");
    private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}");
    private static final FileAttribute<?> DIR_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<?> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

    private static final Set<StandardOpenOption> OPEN_NEW =
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private final Path directory;
    private final Path file;
    private final Path prev;
    private final Path tmp;
    private final Path prevTmp;

    /** @param directory the state directory (created by {@link #save} when missing) */
    public FilterFile(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.file = directory.resolve(FILE_NAME);
        this.prev = directory.resolve(FILE_NAME + PREV_SUFFIX);
        this.tmp = directory.resolve(FILE_NAME + TMP_SUFFIX);
        this.prevTmp = directory.resolve(FILE_NAME + PREV_SUFFIX + TMP_SUFFIX);
    }

    /** @return the state directory */
    public Path directory() {
        return directory;
    }

    /** @return {@code filters.conf} */
    public Path path() {
        return file;
    }

    /** @return {@code filters.conf.prev} */
    public Path prevPath() {
        return prev;
    }

    /**
     * Reads {@code filters.conf}.
     *
     * @return the filters; the empty set when the file does not exist (first start)
     * @throws StateFileException when the file exists but is corrupt; the message says whether
     *     {@code filters.conf.prev} is valid and how to restore it. Old data is never loaded silently.
     * @throws IOException when the file cannot be read
     */
    public FilterSet load() throws IOException {
        if (!Files.exists(file)) {
            if (Files.exists(prev)) {
                log.warn("{} does not exist but {} does; starting with no filters (restore it with: cp -p {} {})",
                        file, prev, prev, file);
            } else {
                log.info("{} does not exist (first start): starting with no filters", file);
            }
            return FilterSet.empty();
        }
        FilterSet set;
        try {
            set = parse(file, Files.readAllBytes(file));
        } catch (StateFileException e) {
            throw new StateFileException(file, e.line(), e.detail() + "; " + describePrev());
        }
        log.info("loaded {} filters from {}", set.size(), file);
        if (Files.exists(tmp)) {
            log.info("ignoring {} left by an interrupted save", tmp);
        }
        return set;
    }

    private String describePrev() {
        if (!Files.exists(prev)) {
            return "no " + prev.getFileName() + " to fall back on; fix or remove " + file + " while stationd is stopped";
        }
        try {
            FilterSet old = parse(prev, Files.readAllBytes(prev));
            return prev.getFileName() + " (the previous generation, " + old.size()
                    + " filters) is valid: to restore it, stop stationd and run: cp -p " + prev + " " + file
                    + " (changes made after it was written are lost)";
        } catch (StateFileException e) {
            return prev.getFileName() + " is not valid either (" + e.getMessage() + ")";
        } catch (IOException e) {
            return prev.getFileName() + " cannot be read either (" + e + ")";
        }
    }

    /**
     * Durably replaces {@code filters.conf} with {@code filters}, keeping the current file as
     * {@code filters.conf.prev}. Returns only once the new content and its name are on disk.
     *
     * @param filters the set to store
     * @throws IOException when any step fails ({@code filters.conf} is then still the old or the
     *     new file, both complete)
     */
    public void save(FilterSet filters) throws IOException {
        byte[] content = format(filters);
        createDirectory();
        Files.deleteIfExists(tmp);
        writeAndSync(tmp, content);
        if (Files.exists(file)) {
            keepAsPrevious();
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(directory);
        log.debug("saved {} filters to {}", filters.size(), file);
    }

    private void createDirectory() throws IOException {
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
        Path parent = directory.toAbsolutePath().getParent();
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

    /** Makes {@code filters.conf.prev} name the current file, replacing the older one atomically. */
    private void keepAsPrevious() throws IOException {
        Files.deleteIfExists(prevTmp);
        try {
            Files.createLink(prevTmp, file);
        } catch (UnsupportedOperationException | FileSystemException e) {
            log.debug("cannot hard-link {} ({}); copying", file, e.toString());
            Files.deleteIfExists(prevTmp);
            writeAndSync(prevTmp, Files.readAllBytes(file));
        }
        Files.move(prevTmp, prev, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void syncDirectory(Path dirPath) throws IOException {
        try (FileChannel dir = FileChannel.open(dirPath, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    /**
     * @param filters a set
     * @return the exact bytes {@link #save} writes for it
     */
    public static byte[] format(FilterSet filters) {
        StringBuilder sb = new StringBuilder(64 + filters.size() * 24);
        sb.append(HEADER1).append('\n').append(HEADER2).append('\n');
        for (FilterSet.Filter f : filters.sorted()) {
            sb.append(Integer.toUnsignedString(f.groupId())).append(' ').append(f.mac()).append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] trailer = String.format(Locale.ROOT, "%s count=%d crc32=%08x\n", TRAILER_START, filters.size(), crc.getValue())
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[body.length + trailer.length];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(trailer, 0, out, body.length, trailer.length);
        return out;
    }

    /**
     * Parses the content of a filter file.
     *
     * @param name the file, for messages
     * @param content its bytes
     * @return the filters
     * @throws StateFileException naming the file, the line and what is wrong
     */
    public static FilterSet parse(Path name, byte[] content) throws StateFileException {
        int n = content.length;
        if (n == 0) {
            throw new StateFileException(name, 0, "file is empty (no '" + TRAILER_START
                    + " count=N crc32=XXXXXXXX' trailer): torn write or not written by stationd");
        }
        // count the lines only to name the unterminated last one; the loop below splits them
        int lines = 0;
        for (byte b : content) {
            if (b == '\n') {
                lines++;
            }
        }
        if (content[n - 1] != '\n') {
            throw new StateFileException(name, lines + 1,
                    "last line is not terminated by a newline and there is no trailer after it: file is truncated (torn write)");
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        FilterSet.Builder set = FilterSet.empty().toBuilder();
        Map<FilterSet.Filter, Integer> firstLine = new HashMap<>();
        int start = 0;
        int lineNo = 0;
        while (start < n) {
            int end = start;
            while (content[end] != '\n') {
                end++;
            }
            lineNo++;
            String line;
            try {
                line = utf8.decode(ByteBuffer.wrap(content, start, end - start)).toString();
            } catch (CharacterCodingException e) {
                throw new StateFileException(name, lineNo, "not valid UTF-8 text");
            }
            if (line.startsWith(TRAILER_START)) {
                if (end + 1 != n) {
                    throw new StateFileException(name, lineNo + 1, "content after the '" + TRAILER_START + "' trailer");
                }
                checkTrailer(name, lineNo, line, content, start, set.size());
                return set.build();
            }
            parseLine(name, lineNo, line, set, firstLine);
            start = end + 1;
        }
        throw new StateFileException(name, 0, "no '" + TRAILER_START
                + " count=N crc32=XXXXXXXX' trailer line: file is truncated (torn write) or not written by stationd");
    }

    private static void parseLine(Path name, int lineNo, String raw, FilterSet.Builder set,
                                  Map<FilterSet.Filter, Integer> firstLine) throws StateFileException {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
            return;
        }
        String[] parts = line.split("[ \t]+");
        if (parts.length != 2) {
            throw new StateFileException(name, lineNo, "expected 'GROUP MAC', got '" + printable(raw) + "'");
        }
        if (!GROUP.matcher(parts[0]).matches() || Long.parseLong(parts[0]) > CloudCmdAttr.U32_MAX) {
            throw new StateFileException(name, lineNo, "bad group '" + printable(parts[0])
                    + "': expected a decimal number from 0 to " + CloudCmdAttr.U32_MAX);
        }
        int group = (int) Long.parseLong(parts[0]);
        if (!MAC.matcher(parts[1]).matches()) {
            throw new StateFileException(name, lineNo, "bad MAC '" + printable(parts[1]) + "': expected aa:bb:cc:dd:ee:ff");
        }
        MacAddress mac = MacAddress.parse(parts[1]);
        if (mac.isZero()) {
            throw new StateFileException(name, lineNo, "bad MAC '" + parts[1] + "': the all-zero MAC cannot be a filter");
        }
        FilterSet.Filter f = new FilterSet.Filter(group, mac);
        Integer first = firstLine.putIfAbsent(f, lineNo);
        if (first != null) {
            throw new StateFileException(name, lineNo, "duplicate filter '" + f + "' (first on line " + first + ")");
        }
        set.add(group, mac);
    }

    private static void checkTrailer(Path name, int lineNo, String line, byte[] content, int trailerStart, int count)
            throws StateFileException {
        Matcher m = TRAILER.matcher(line);
        if (!m.matches()) {
            throw new StateFileException(name, lineNo, "malformed trailer '" + printable(line)
                    + "': expected '" + TRAILER_START + " count=N crc32=XXXXXXXX' (8 lowercase hex digits)");
        }
        long declared = Long.parseLong(m.group(1));
        if (declared != count) {
            throw new StateFileException(name, lineNo, "trailer says count=" + declared + " but the file holds "
                    + count + " filters (lines lost or added)");
        }
        CRC32 crc = new CRC32();
        crc.update(content, 0, trailerStart);
        String actual = String.format(Locale.ROOT, "%08x", crc.getValue());
        if (!actual.equals(m.group(2))) {
            throw new StateFileException(name, lineNo, "checksum mismatch: trailer says crc32=" + m.group(2)
                    + " but the " + trailerStart + " bytes before it have crc32=" + actual
                    + " (torn write or hand edit; if the edit is intended, set crc32=" + actual + ")");
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c != 0x7f ? c : '?');
        }
        return s.length() > 64 ? sb + "..." : sb.toString();
    }
}
