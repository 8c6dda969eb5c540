package dev.stationd.daemon.config;

import java.util.Map;
import java.util.OptionalInt;

/**
 * Turns user and group names from the configuration file into numeric ids. Numbers in the file
 * never reach the resolver. {@link #system()} reads {@code /etc/passwd} and {@code /etc/group};
 * tests pass a fake made with {@link #of(Map, Map)}.
 */
public interface IdResolver {

    /** @return the uid of user {@code name}, or empty if there is no such user */
    OptionalInt userId(String name);

    /** @return the gid of group {@code name}, or empty if there is no such group */
    OptionalInt groupId(String name);

    /** @return a resolver reading {@code /etc/passwd} and {@code /etc/group} (once, lazily) */
    static IdResolver system() {
        return new EtcIdResolver();
    }

    /** @return a resolver backed by fixed maps from name to id */
    static IdResolver of(Map<String, Integer> users, Map<String, Integer> groups) {
        Map<String, Integer> u = Map.copyOf(users);
        Map<String, Integer> g = Map.copyOf(groups);
        return new IdResolver() {
            @Override
            public OptionalInt userId(String name) {
                Integer id = u.get(name);
                return id == null ? OptionalInt.empty() : OptionalInt.of(id);
            }

            @Override
            public OptionalInt groupId(String name) {
                Integer id = g.get(name);
                return id == null ? OptionalInt.empty() : OptionalInt.of(id);
            }
        };
    }
}
