package dev.stationd.daemon.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every link of the documentation ({@link Markdown#files}) stays inside the repository and
 * arrives: the file exists, and a {@code #anchor} names a heading of it. Web links are not
 * followed. Runs the commands of the documentation: {@code DocsIT}.
 */
class DocLinksTest {
    /** The repository root: the module's parent (tests run in the module directory). */
    static Path root() {
        String root = System.getProperty("stationd.root");
        return (root != null ? Path.of(root) : Path.of("..")).toAbsolutePath().normalize();
    }

    @Test
    void everyLinkArrivesInsideTheRepository() {
        Path root = root();
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path file : Markdown.files(root)) {
            for (Markdown.Link link : Markdown.links(file)) {
                String target = link.target();
                if (target.matches("(?i)(https?|mailto):.*")) {
                    continue;
                }
                checked++;
                String where = root.relativize(file) + ":" + link.line() + ": " + target;
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path dest = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                if (!dest.startsWith(root)) {
                    broken.add(where + " (outside the repository)");
                } else if (!Files.exists(dest)) {
                    broken.add(where + " (no such file)");
                } else if (anchor != null) {
                    Set<String> anchors = Markdown.anchors(dest);
                    if (!anchors.contains(anchor)) {
                        broken.add(where + " (no heading '" + anchor + "' in " + root.relativize(dest) + "; there are " + anchors + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), broken, "broken links");
        assertTrue(checked > 20, "only " + checked + " links found: is the documentation there?");
    }

    @Test
    void anchorsAreGitHubs() {
        assertEquals("struct-cloud_cmd_attr--64-bytes-client--daemon",
                Markdown.slug("struct cloud_cmd_attr — 64 bytes, client → daemon"));
        assertEquals("error-codes-int32", Markdown.slug("Error codes (int32)"));
        assertEquals("a-five-minute-tour", Markdown.slug("A five-minute tour"));
        assertEquals("stationctl", Markdown.slug("`stationctl`"));
    }
}
