package dev.stationd.daemon.config;

import java.nio.file.Path;

/**
 * The {@code state:} section.
 *
 * @param directory absolute path of the directory holding persistent state (the filter list)
 */
public record StateConfig(Path directory) {

    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public StateConfig {
        Require.absolute(directory, "state.directory");
    }

    /** @return the built-in defaults (see {@link ConfigKeys}) */
    public static StateConfig defaults() {
        return from(new Values());
    }

    static StateConfig from(Values v) {
        return new StateConfig(v.get(ConfigKeys.STATE_DIRECTORY));
    }
}
