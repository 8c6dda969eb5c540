package dev.stationd.daemon.config;

import java.nio.file.Path;

/**
 * The {@code state:} section.
 *
 * @param directory absolute path of the directory holding persistent state (the filter list)
 */
public record StateConfig(Path directory) {

    /** Default {@code state.directory}. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/var/lib/stationd");

    /** Checks every invariant; throws {@link IllegalArgumentException} or NPE when one fails. */
    public StateConfig {
        Require.absolute(directory, "state.directory");
    }

    /** @return the built-in defaults */
    public static StateConfig defaults() {
        return new StateConfig(DEFAULT_DIRECTORY);
    }
}
