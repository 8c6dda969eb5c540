package dev.stationd.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The shipped YAML files agree with {@link ConfigKeys}: the example documents every key and
 * loads, and the packaged file loads to exactly the built-in defaults.
 */
class ExampleConfigTest {
    /**
     * A line of commented-out YAML in the example: {@code #} directly followed by what the line
     * would be, e.g. {@code #hostapd:} or {@code #  - ctrl: /run/hostapd/wlan0}. Prose comments
     * start with {@code "# "} and a word that is not followed by a colon.
     */
    private static final Pattern COMMENTED_KEY = Pattern.compile("(?m)^#( *(- )?[a-z_]+:( .*)?)$");

    private static final Path EXAMPLE = ConfigReferenceTest.repositoryRoot().resolve("config/stationd.yaml");
    private static final Path PACKAGED = ConfigReferenceTest.repositoryRoot().resolve("systemd/stationd.yaml");

    /** @return the example with its commented-out keys enabled */
    private static String exampleWithCommentedKeys() throws Exception {
        return COMMENTED_KEY.matcher(Files.readString(EXAMPLE)).replaceAll("$1");
    }

    @Test
    void exampleNamesEveryKeyOfTheTable() throws Exception {
        Set<String> inExample = new LinkedHashSet<>();
        paths(new Yaml().compose(new StringReader(exampleWithCommentedKeys())), "", inExample);
        for (Key<StationdConfig, ?> k : ConfigKeys.FILE.keys()) {
            assertTrue(inExample.contains(k.path()), () -> k + " is not in " + EXAMPLE + " (found " + inExample + ")");
            Schema<?> fields = k.type().fields();
            if (fields != null) {
                for (Key<?, ?> f : fields.keys()) {
                    String path = k.type().fieldPrefix(k.path()) + "." + f.path();
                    assertTrue(inExample.contains(path), () -> path + " is not in " + EXAMPLE);
                }
            }
        }
    }

    @Test
    void exampleLoadsWithAndWithoutItsCommentedKeys() throws Exception {
        StationdConfig active = ConfigLoader.load(EXAMPLE, ConfigLoaderTest.IDS);
        assertTrue(active.hostapd().isEmpty(), "the example runs without hostapd");
        StationdConfig all = ConfigLoader.parse(exampleWithCommentedKeys(), EXAMPLE, ConfigLoaderTest.IDS);
        assertFalse(all.hostapd().isEmpty(), "the commented-out hostapd entries are valid");
    }

    /** The example's header says its values are the built-in defaults apart from the paths. */
    @Test
    void exampleDiffersFromTheDefaultsOnlyInItsPaths() throws Exception {
        StationdConfig example = ConfigLoader.load(EXAMPLE, ConfigLoaderTest.IDS);
        StationdConfig defaults = StationdConfig.defaults();
        Set<Key<?, ?>> paths = Set.of(ConfigKeys.SERVER_SOCKET, ConfigKeys.INGEST_SOCKET, ConfigKeys.STATE_DIRECTORY);
        for (Key<StationdConfig, ?> k : ConfigKeys.FILE.keys()) {
            if (!paths.contains(k)) {
                assertEquals(k.get(defaults), k.get(example), k::path);
            }
        }
        assertEquals(EXAMPLE.resolveSibling("../target/run/stationd.sock").normalize(), example.server().socket());
    }

    /** The packaged file's header says the values shown are the built-in defaults. */
    @Test
    void packagedFileIsTheDefaults() throws Exception {
        assertEquals(StationdConfig.defaults(), ConfigLoader.load(PACKAGED, ConfigLoaderTest.IDS).withSource(null));
    }

    /** Collects the dotted path of every mapping key; list items add {@code []}: {@code hostapd[].ctrl}. */
    private static void paths(Node node, String prefix, Set<String> out) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String path = prefix + ((ScalarNode) t.getKeyNode()).getValue();
                out.add(path);
                paths(t.getValueNode(), path + ".", out);
            }
        } else if (node instanceof SequenceNode s) {
            String list = prefix.substring(0, prefix.length() - 1) + "[].";
            s.getValue().forEach(item -> paths(item, list, out));
        }
    }
}
