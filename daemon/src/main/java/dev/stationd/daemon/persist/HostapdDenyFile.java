package dev.stationd.daemon.persist;

import dev.stationd.protocol.MacAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which entries of hostapd's deny lists stationd added, per interface, as
 * {@code hostapd-deny.conf} in the state directory next to {@code filters.conf}:
 *
 * <pre>
 * # stationd: hostapd deny-list entries stationd added, format 1. One per line: IFNAME MAC
 * # Written by stationd; do not edit.
 * wlan0 02:00:00:00:00:01
 * # end count=1 crc32=1a2b3c4d
 * </pre>
 *
 * <p>With it, an entry whose filter was deleted while stationd was stopped is still known as
 * stationd's at the next start and taken off hostapd's list, instead of being left alone as an
 * entry someone else added. Same text form and trailer as {@code filters.conf}
 * ({@link SealedText}), written the same durable way ({@link AtomicFile}), without a previous
 * generation. Not thread-safe: one writer at a time.
 */
public final class HostapdDenyFile {
    /** The file name inside the state directory. */
    public static final String FILE_NAME = "hostapd-deny.conf";
    static final String HEADER1 = "# stationd: hostapd deny-list entries stationd added, format 1. One per line: IFNAME MAC";
    static final String HEADER2 = "# Written by stationd; do not edit.";

    /** An interface name as {@code hostapd.ctrl}'s file name gives it: 1 to 15 bytes, no blanks. */
    private static final Pattern IFNAME = Pattern.compile("[^\\s/]{1,15}");
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    private final Path file;

    /** @param directory the state directory (created by {@link #save} when missing) */
    public HostapdDenyFile(Path directory) {
        this.file = Objects.requireNonNull(directory, "directory").resolve(FILE_NAME);
    }

    /** @return {@code hostapd-deny.conf} */
    public Path path() {
        return file;
    }

    /**
     * @return interface name to the MACs stationd added to its deny list; empty when the file does
     *     not exist
     * @throws StateFileException when the file is corrupt
     * @throws IOException when it cannot be read
     */
    public Map<String, Set<MacAddress>> load() throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        return parse(file, content);
    }

    /**
     * Durably replaces the file.
     *
     * @param entries interface name to MACs (interfaces without MACs are left out)
     * @throws IOException when any step fails (the file is then still the old or the new one)
     */
    public void save(Map<String, Set<MacAddress>> entries) throws IOException {
        AtomicFile.replace(file, format(entries), null);
    }

    /**
     * @param entries interface name to MACs
     * @return the exact bytes {@link #save} writes: sorted by interface, then MAC
     */
    public static byte[] format(Map<String, Set<MacAddress>> entries) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(HEADER1).append('\n').append(HEADER2).append('\n');
        int count = 0;
        for (Map.Entry<String, Set<MacAddress>> e : new TreeMap<>(entries).entrySet()) {
            if (!IFNAME.matcher(e.getKey()).matches() || e.getKey().getBytes(StandardCharsets.UTF_8).length > 15) {
                throw new IllegalArgumentException("not an interface name: '" + e.getKey() + "'");
            }
            for (MacAddress mac : new TreeSet<>(e.getValue())) {
                sb.append(e.getKey()).append(' ').append(mac).append('\n');
                count++;
            }
        }
        return SealedText.seal(sb.toString(), count);
    }

    /**
     * @param name the file, for messages
     * @param content its bytes
     * @return interface name to MACs
     * @throws StateFileException naming the file, the line and what is wrong
     */
    public static Map<String, Set<MacAddress>> parse(Path name, byte[] content) throws StateFileException {
        Map<String, Set<MacAddress>> out = new TreeMap<>();
        SealedText.parse(name, content, "entries", (lineNo, raw) -> {
            String[] parts = raw.strip().split("[ \t]+");
            if (parts.length != 2) {
                throw new StateFileException(name, lineNo, "expected 'IFNAME MAC', got '" + SealedText.printable(raw) + "'");
            }
            if (!IFNAME.matcher(parts[0]).matches() || parts[0].getBytes(StandardCharsets.UTF_8).length > 15) {
                throw new StateFileException(name, lineNo, "bad interface name '" + SealedText.printable(parts[0])
                        + "': expected 1 to 15 bytes without blanks or '/'");
            }
            if (!MAC.matcher(parts[1]).matches()) {
                throw new StateFileException(name, lineNo, "bad MAC '" + SealedText.printable(parts[1])
                        + "': expected aa:bb:cc:dd:ee:ff (lowercase)");
            }
            if (!out.computeIfAbsent(parts[0], k -> new TreeSet<>()).add(MacAddress.parse(parts[1]))) {
                throw new StateFileException(name, lineNo, "duplicate entry '" + parts[0] + " " + parts[1] + "'");
            }
        });
        out.replaceAll((k, v) -> Collections.unmodifiableSet(v));
        return Collections.unmodifiableMap(out);
    }
}
