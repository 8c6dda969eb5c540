package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code docs/configuration.md} is generated from {@link ConfigKeys} and committed current. */
class ConfigReferenceTest {
    static Path repositoryRoot() {
        return Path.of(System.getProperty("stationd.root", "..")).toAbsolutePath().normalize();
    }

    @Test
    void committedPageIsCurrent() throws Exception {
        Path page = repositoryRoot().resolve("docs/configuration.md");
        String committed = Files.exists(page) ? Files.readString(page) : "(missing)";
        assertEquals(ConfigReference.render(), committed, () -> page + " is not current; regenerate it from the"
                + " repository root: mvn -B -q -DskipTests package && " + ConfigReference.REGENERATE);
    }

    @Test
    void mainWritesThePage(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("configuration.md");
        ConfigReference.main(new String[] {out.toString()});
        assertEquals(ConfigReference.render(), Files.readString(out));
    }

    @Test
    void pageHasARowPerKeyAndField() {
        String page = ConfigReference.render();
        for (Key<StationdConfig, ?> k : ConfigKeys.FILE.keys()) {
            assertTrue(page.contains("\n| `" + k.path() + "` | " + k.type().name() + " | "), k::path);
        }
        assertTrue(page.contains("\n| `hostapd[].ctrl` | path | *required* |"), page);
        assertTrue(page.contains("\n| `access.admin.gids` | list of groups | `[]` |"), page);
        assertTrue(page.contains("\n| `server.idle_timeout` | duration | `1m` | 100ms .. 1d | live |"), page);
        assertTrue(page.contains("\n| `hostapd[].group_id` | integer | `0` | 0 .. 4294967295 | restart |"), page);
        assertTrue(page.contains("- `ingest.socket` and `server.socket` are different paths.\n"), page);
    }
}
