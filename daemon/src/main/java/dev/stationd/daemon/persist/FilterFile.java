package dev.stationd.daemon.persist;

import dev.stationd.daemon.table.FilterSet;
import dev.stationd.protocol.CloudCmdAttr;
import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable, human-readable storage of a {@link FilterSet} as {@code filters.conf} in a directory:
 *
 * <pre>
 * # stationd filters, format 2. One filter per line: GROUP MAC [created=EPOCH_MS] [expires=EPOCH_MS]
 * # Written by stationd; edit only while it is stopped.
 * 0 aa:bb:cc:dd:ee:ff
 * 7 02:00:00:00:00:01 created=1764312345678 expires=1764312945678
 * # end count=2 crc32=1a2b3c4d
 * </pre>
 *
 * <p>The trailer must be the last line (newline-terminated) and carries the number of filters and
 * the CRC-32 (8 lowercase hex digits) of every byte before it, so a torn or mis-edited file is
 * detected instead of being loaded as a different set. Lines starting with {@code #} and blank
 * lines are comments; {@code GROUP} is a decimal {@code u32}. {@code created=} (when the filter's
 * expiry was last set) and {@code expires=} (when a timed filter ends) are optional Unix epoch
 * milliseconds, so a file of format 1 ({@code GROUP MAC} lines only) reads as permanent filters of
 * unknown age. Expired filters are loaded like any other; dropping them is the service's job.
 *
 * <p>{@link #save} never leaves a moment without a valid {@code filters.conf} ({@link AtomicFile}):
 * it writes and fsyncs {@code filters.conf.tmp}, keeps the current file as {@code filters.conf.prev}
 * (hard link, else copy; replaced atomically), atomically renames the temporary file over
 * {@code filters.conf} and fsyncs the directory. The text format and its trailer: {@link SealedText}.
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
    public static final String TMP_SUFFIX = AtomicFile.TMP_SUFFIX;
    /** First header line. */
    static final String HEADER1 =
            "# stationd filters, format 2. One filter per line: GROUP MAC [created=EPOCH_MS] [expires=EPOCH_MS]";
    /** Second header line. */
    static final String HEADER2 = "# Written by stationd; edit only while it is stopped.";
    /** Start of the trailer line. */
    static final String TRAILER_START = SealedText.TRAILER_START;

    private static final Logger log = LoggerFactory.getLogger(FilterFile.class);
    private static final Pattern GROUP = Pattern.compile("0|[1-9][0-9]{0,9}");
    private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}");
    private static final Pattern TIME = Pattern.compile("(created|expires)=(0|[1-9][0-9]{0,18})");
    private static final String CREATED = "created";

    private final Path directory;
    private final Path file;
    private final Path prev;
    private final Path tmp;

    /** @param directory the state directory (created by {@link #save} when missing) */
    public FilterFile(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.file = directory.resolve(FILE_NAME);
        this.prev = directory.resolve(FILE_NAME + PREV_SUFFIX);
        this.tmp = directory.resolve(FILE_NAME + TMP_SUFFIX);
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
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            // only this means "none yet": a file that exists but cannot be read (EACCES, EIO, a
            // directory in its place) throws, and the daemon does not start as if it had no filters
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
            set = parse(file, content);
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
        AtomicFile.replace(file, format(filters), prev);
        log.debug("saved {} filters to {}", filters.size(), file);
    }

    /**
     * @param filters a set
     * @return the exact bytes {@link #save} writes for it
     */
    public static byte[] format(FilterSet filters) {
        StringBuilder sb = new StringBuilder(64 + filters.size() * 24);
        sb.append(HEADER1).append('\n').append(HEADER2).append('\n');
        for (FilterSet.Filter f : filters.sorted()) {
            sb.append(Integer.toUnsignedString(f.groupId())).append(' ').append(f.mac());
            FilterSet.Lifetime l = filters.lifetimeOf(f.groupId(), f.mac());
            if (l.createdMs() != 0) {
                sb.append(" created=").append(l.createdMs());
            }
            if (l.expiresMs() != 0) {
                sb.append(" expires=").append(l.expiresMs());
            }
            sb.append('\n');
        }
        return SealedText.seal(sb.toString(), filters.size());
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
        FilterSet.Builder set = FilterSet.empty().toBuilder();
        Map<FilterSet.Filter, Integer> firstLine = new HashMap<>();
        SealedText.parse(name, content, "filters", (lineNo, line) -> parseLine(name, lineNo, line, set, firstLine));
        return set.build();
    }

    private static void parseLine(Path name, int lineNo, String raw, FilterSet.Builder set,
                                  Map<FilterSet.Filter, Integer> firstLine) throws StateFileException {
        String line = raw.strip();
        String[] parts = line.split("[ \t]+");
        if (parts.length < 2 || parts.length > 4) {
            throw new StateFileException(name, lineNo, "expected 'GROUP MAC [created=EPOCH_MS] [expires=EPOCH_MS]', got '"
                    + SealedText.printable(raw) + "'");
        }
        if (!GROUP.matcher(parts[0]).matches() || Long.parseLong(parts[0]) > CloudCmdAttr.U32_MAX) {
            throw new StateFileException(name, lineNo, "bad group '" + SealedText.printable(parts[0])
                    + "': expected a decimal number from 0 to " + CloudCmdAttr.U32_MAX);
        }
        int group = (int) Long.parseLong(parts[0]);
        if (!MAC.matcher(parts[1]).matches()) {
            throw new StateFileException(name, lineNo, "bad MAC '" + SealedText.printable(parts[1]) + "': expected aa:bb:cc:dd:ee:ff");
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
        set.put(group, mac, parseLifetime(name, lineNo, parts));
    }

    /** The optional {@code created=} and {@code expires=} fields after GROUP and MAC, each at most once. */
    private static FilterSet.Lifetime parseLifetime(Path name, int lineNo, String[] parts) throws StateFileException {
        long created = -1;
        long expires = -1;
        for (int i = 2; i < parts.length; i++) {
            Matcher m = TIME.matcher(parts[i]);
            long value;
            try {
                value = m.matches() ? Long.parseLong(m.group(2)) : -1;
            } catch (NumberFormatException e) {
                value = -1; // 19 digits beyond Long.MAX_VALUE
            }
            if (value < 0) {
                throw new StateFileException(name, lineNo, "bad field '" + SealedText.printable(parts[i])
                        + "': expected created=EPOCH_MS or expires=EPOCH_MS (decimal milliseconds)");
            }
            boolean isCreated = CREATED.equals(m.group(1));
            if ((isCreated ? created : expires) >= 0) {
                throw new StateFileException(name, lineNo, "'" + m.group(1) + "=' appears twice");
            }
            if (isCreated) {
                created = value;
            } else {
                expires = value;
            }
        }
        return new FilterSet.Lifetime(Math.max(created, 0), Math.max(expires, 0));
    }

}
