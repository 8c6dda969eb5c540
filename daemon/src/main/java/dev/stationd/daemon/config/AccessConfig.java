package dev.stationd.daemon.config;

import java.util.Objects;

/**
 * The {@code access:} section.
 *
 * @param read who may run the read-only commands (list, get, ping, subscribe)
 * @param admin who may run the commands that change the filter list
 */
public record AccessConfig(AccessRule read, AccessRule admin) {

    /** Checks every invariant; throws NPE when one fails. */
    public AccessConfig {
        Objects.requireNonNull(read, "access.read");
        Objects.requireNonNull(admin, "access.admin");
    }

    /** @return the built-in defaults: anyone may do anything the socket mode lets them */
    public static AccessConfig defaults() {
        return from(new Values());
    }

    static AccessConfig from(Values v) {
        return new AccessConfig(v.get(ConfigKeys.ACCESS_READ), v.get(ConfigKeys.ACCESS_ADMIN));
    }
}
