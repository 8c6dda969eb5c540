package dev.stationd.daemon.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@code docs/configuration.md}, the configuration reference, from {@link ConfigKeys}.
 * A unit test fails while the committed page differs from {@link #render()}.
 */
public final class ConfigReference {
    /** The command that regenerates the page, run from the repository root after {@code mvn package}. */
    public static final String REGENERATE =
            "java -cp daemon/target/stationd.jar dev.stationd.daemon.config.ConfigReference docs/configuration.md";

    private ConfigReference() {
    }

    /**
     * Writes the page to the file named by the only argument, or to stdout without one.
     *
     * @param args {@code [FILE]}
     * @throws IOException if the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.out.print(render());
        } else {
            Files.writeString(Path.of(args[0]), render(), StandardCharsets.UTF_8);
        }
    }

    /** @return the whole page */
    public static String render() {
        StringBuilder out = new StringBuilder();
        out.append("""
                # Configuration reference

                <!-- Generated from daemon/src/main/java/dev/stationd/daemon/config/ConfigKeys.java; do not edit.
                     After changing the table: mvn -B -q -DskipTests package && %s -->

                stationd reads one YAML file: `stationd --config FILE` (default `/etc/stationd/stationd.yaml`).
                `stationd --check-config --config FILE` validates it and prints the effective configuration,
                defaults included: exit 0, or exit 78 with one `FILE:LINE:COLUMN: message` line per problem
                (unknown keys, wrong types, values outside their range, unknown users and groups). A normal
                start with an invalid file exits 78 the same way.

                - Every key is optional unless its default says *required*.
                - Relative paths are resolved against the directory of the configuration file.
                - Durations are a whole number and one unit: `ms`, `s`, `m`, `h` or `d` (`250ms`, `30s`, `5m`).
                - Sizes are bytes, written as a plain integer (`1_048_576` is allowed).
                - **Reload** (`systemctl reload stationd`, or `kill -HUP` on the daemon): *live* keys take
                  effect at once; *restart* keys keep their running value until the next start, and the
                  reload logs which of them changed. A file with any error changes nothing: every problem is
                  logged as `FILE:LINE:COLUMN: message` and the running configuration stays.

                Examples: [config/stationd.yaml](../config/stationd.yaml) shows every key (the paths point
                into the checkout); [systemd/stationd.yaml](../systemd/stationd.yaml) is the packaged file
                with the built-in defaults.

                ## Keys

                | Key | Type | Default | Allowed | Reload | Meaning |
                |---|---|---|---|---|---|
                """.formatted(REGENERATE));
        for (Key<StationdConfig, ?> k : ConfigKeys.FILE.keys()) {
            rows(k, k.path(), k.reload().label(), out);
        }
        out.append("\n## Checks across keys\n\n");
        for (Schema.Rule rule : ConfigKeys.FILE.rules()) {
            out.append("- ").append(rule.doc()).append('\n');
        }
        out.append("""

                ## Adding a key

                Each key is declared once, in `ConfigKeys.java` (path, type, default, range, reload, a one-line
                doc, and where the loaded value sits); the loader's known keys, `--check-config`, the reload
                rules, the records' range checks and this page are derived from it. Durations, sizes and
                integers must have a range. Add the value to the section's record (`from(Values)`), the key to
                `config/stationd.yaml`, an out-of-range case to `LimitsTest` if it has a range, and regenerate
                this page; the tests fail until each is done. Lists of mappings and nested mappings are
                declared as their own field schemas (see `hostapd` and `access.read`). The comment at the top
                of `ConfigKeys.java` has the details.
                """);
        return out.toString();
    }

    /** Writes the row of {@code k} and those of its fields; a field's reload is its container's. */
    private static <O, T> void rows(Key<O, T> k, String path, String reload, StringBuilder out) {
        ValueType<T> type = k.type();
        List<String> allowed = new ArrayList<>();
        if (k.range() != null) {
            allowed.add(type.show(k.range().min()) + " .. " + type.show(k.range().max()));
        }
        if (!type.allowed().isEmpty()) {
            allowed.add(type.allowed());
        }
        String def = k.required() ? "*required*" : "`" + type.show(k.defaultValue()) + "`";
        out.append("| `").append(path).append("` | ").append(type.name()).append(" | ").append(cell(def))
                .append(" | ").append(cell(String.join("; ", allowed))).append(" | ")
                .append(reload).append(" | ").append(cell(k.doc())).append(" |\n");
        Schema<?> fields = type.fields();
        if (fields != null) {
            fieldRows(fields, type.fieldPrefix(path), reload, out);
        }
    }

    private static <I> void fieldRows(Schema<I> fields, String prefix, String reload, StringBuilder out) {
        for (Key<I, ?> f : fields.keys()) {
            rows(f, prefix + "." + f.path(), reload, out);
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
