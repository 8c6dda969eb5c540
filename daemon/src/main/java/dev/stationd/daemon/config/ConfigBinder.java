package dev.stationd.daemon.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Maps a composed YAML document onto the configuration by walking {@link ConfigKeys#FILE}:
 * sections and their known keys come from the key paths, each value is converted by its
 * key's type and checked against its range, absent keys take their defaults, then the rules
 * across keys run. Every problem goes to {@link Problems}; the records are built only from a
 * file without problems.
 */
final class ConfigBinder {
    private final Problems problems;
    private final BindContext ctx;

    /**
     * @param problems where errors go
     * @param baseDir absolute directory that relative paths are resolved against
     * @param resolver resolves user and group names
     */
    ConfigBinder(Problems problems, Path baseDir, IdResolver resolver) {
        this.problems = problems;
        this.ctx = new BindContext(baseDir, new Ids(resolver));
    }

    /**
     * @param document the composed document, or {@code null} for an empty file
     * @param source recorded as {@link StationdConfig#source()}
     */
    StationdConfig bind(Node document, Path source) throws ConfigException {
        return bindFile(ConfigKeys.FILE, document).withSource(source);
    }

    /**
     * Reads a whole document with the keys of {@code schema}.
     *
     * @param document the composed document, or {@code null} for an empty file
     * @throws ConfigException with every problem, if there is any
     */
    <O> O bindFile(Schema<O> schema, Node document) throws ConfigException {
        Values values = bind(schema, Section.root(document, problems, names(schema.keys(), "")), problems, ctx);
        problems.throwIfAny();
        return schema.build(values);
    }

    /**
     * Reads the fields of one mapping value: a list item or the value of a mapping-typed key.
     *
     * @param path the value's dotted name for messages, e.g. {@code hostapd[0]}
     * @param node the value ({@code null} or an empty value = an empty mapping)
     * @return the record, or {@code null} after reporting a problem
     */
    static <O> O bindFields(Schema<O> schema, String path, Node node, Problems problems, BindContext ctx) {
        int before = problems.count();
        Section section = Section.of(path, node, problems, names(schema.keys(), ""));
        if (node != null && !Scalars.isNull(node) && !(node instanceof MappingNode)) {
            return null; // Section.of reported it
        }
        Values values = bind(schema, section, problems, ctx);
        return problems.count() != before ? null : schema.build(values);
    }

    private static <O> Values bind(Schema<O> schema, Section top, Problems problems, BindContext ctx) {
        Values values = new Values();
        level(top, "", schema.keys(), values, problems, ctx);
        for (Schema.Rule rule : schema.rules()) {
            if (!values.anyBad(rule.keys())) {
                rule.check().accept(values, problems);
            }
        }
        return values;
    }

    private static <O> void level(Section section, String prefix, List<Key<O, ?>> keys, Values values,
            Problems problems, BindContext ctx) {
        for (Map.Entry<String, List<Key<O, ?>>> e : Schema.groups(keys, prefix).entrySet()) {
            String name = e.getKey();
            Key<O, ?> leaf = Schema.leaf(e.getValue(), prefix, name);
            if (leaf != null) {
                key(section, leaf, values, problems, ctx);
            } else {
                String sub = prefix + name + ".";
                level(section.section(name, names(e.getValue(), sub)), sub, e.getValue(), values, problems, ctx);
            }
        }
    }

    private static <T> void key(Section section, Key<?, T> key, Values values, Problems problems, BindContext ctx) {
        String path = section.path(key.name());
        Optional<Node> node = section.node(key.name());
        if (node.isEmpty()) {
            if (key.required()) {
                String message = path + ": missing; " + key.requiredHint();
                if (section.start() == null) {
                    problems.file(message);
                } else {
                    problems.at(section.start(), message);
                }
                values.bad(key);
            }
            return;
        }
        T value = key.type().convert(node.get(), path, problems, ctx, key.range());
        if (value == null) {
            values.bad(key);
        } else {
            values.put(key, value, node.get());
        }
    }

    /** @return the names of the next level below {@code prefix}: the keys a section may hold */
    private static <O> List<String> names(List<Key<O, ?>> keys, String prefix) {
        return new ArrayList<>(Schema.groups(keys, prefix).keySet());
    }
}
