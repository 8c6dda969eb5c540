package dev.stationd.daemon.config;

import java.nio.file.Path;

/**
 * What converting a value may need besides its node: where the file is and how names resolve.
 *
 * @param baseDir absolute directory that relative paths are resolved against
 * @param ids converters for user and group names
 */
record BindContext(Path baseDir, Ids ids) {
}
