package dev.stationd.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link IdResolver} reading the colon-separated {@code passwd(5)} and {@code group(5)} files
 * (name in field 1, id in field 3). Each file is read once, on first use. Users and groups that
 * exist only in other NSS sources (LDAP, systemd-homed, ...) are not found; use numeric ids for
 * those. An unreadable file is logged and treated as empty.
 */
public final class EtcIdResolver implements IdResolver {
    private static final Logger LOG = LoggerFactory.getLogger(EtcIdResolver.class);

    private final Path passwd;
    private final Path group;
    private Map<String, Integer> users;
    private Map<String, Integer> groups;

    /** Reads {@code /etc/passwd} and {@code /etc/group}. */
    public EtcIdResolver() {
        this(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    /** Reads the given files, in {@code passwd(5)} and {@code group(5)} format. */
    public EtcIdResolver(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    @Override
    public synchronized OptionalInt userId(String name) {
        if (users == null) {
            users = read(passwd);
        }
        return lookup(users, name);
    }

    @Override
    public synchronized OptionalInt groupId(String name) {
        if (groups == null) {
            groups = read(group);
        }
        return lookup(groups, name);
    }

    private static OptionalInt lookup(Map<String, Integer> ids, String name) {
        Integer id = ids.get(name);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    private static Map<String, Integer> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read {}: {}", file, e.toString());
            return Map.of();
        }
        Map<String, Integer> ids = new HashMap<>();
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
                continue;
            }
            String[] fields = line.split(":", -1);
            if (fields.length < 3 || fields[0].isEmpty()) {
                continue;
            }
            try {
                int id = Integer.parseInt(fields[2]);
                if (id >= 0) {
                    ids.putIfAbsent(fields[0], id); // first entry wins, as in getpwnam(3)
                }
            } catch (NumberFormatException e) {
                // not a usable entry; ignore it like the C library does
            }
        }
        return ids;
    }
}
