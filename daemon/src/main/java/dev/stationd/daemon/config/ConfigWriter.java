package dev.stationd.daemon.config;

import java.util.List;
import java.util.Map;

/**
 * Prints a {@link StationdConfig} as YAML that {@link ConfigLoader} reads back unchanged, by
 * walking {@link ConfigKeys#FILE}: every key, defaults included, in declaration order.
 */
final class ConfigWriter {
    private ConfigWriter() {
    }

    static String write(StationdConfig config) {
        YamlOut out = new YamlOut();
        out.line("# stationd effective configuration");
        out.line("# source: " + (config.source() == null ? "(built-in defaults)" : quote(config.source().toString())));
        fields(ConfigKeys.FILE, config, out);
        return out.toString();
    }

    /** Writes every key of {@code schema} with its value in {@code owner}. */
    static <O> void fields(Schema<O> schema, O owner, YamlOut out) {
        level(schema.keys(), "", owner, out);
    }

    private static <O> void level(List<Key<O, ?>> keys, String prefix, O owner, YamlOut out) {
        for (Map.Entry<String, List<Key<O, ?>>> e : Schema.groups(keys, prefix).entrySet()) {
            Key<O, ?> leaf = Schema.leaf(e.getValue(), prefix, e.getKey());
            if (leaf != null) {
                key(leaf, owner, out);
            } else {
                out.line(e.getKey() + ":");
                level(e.getValue(), prefix + e.getKey() + ".", owner, out.nested());
            }
        }
    }

    private static <O, T> void key(Key<O, T> key, O owner, YamlOut out) {
        key.type().write(out, key.name(), key.get(owner));
    }

    /** @return {@code s} as a YAML double-quoted scalar */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                b.append('\\').appendCodePoint(cp);
            } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029
                    || cp == 0xfeff || cp == 0xfffe || cp == 0xffff
                    || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                b.append(cp <= 0xff ? String.format("\\x%02x", cp) : String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append('"').toString();
    }
}
