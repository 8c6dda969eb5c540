package dev.stationd.daemon.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.event.Level;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** The kinds of value a configuration key can have; {@link ConfigKeys} picks one per key. */
final class Types {
    private Types() {
    }

    /** A plain decimal integer ({@code 1_000} allowed); its keys give the range. */
    static final ValueType<Integer> INT = new ValueType.Scalar<>("integer", "",
            (ctx, range) -> Scalars.integer(range),
            String::valueOf, String::valueOf, Comparator.naturalOrder());

    /** A number of bytes, written as a plain decimal integer. */
    static final ValueType<Integer> SIZE = new ValueType.Scalar<>("bytes", "",
            (ctx, range) -> Scalars.integer(range),
            String::valueOf, Types::bytes, Comparator.naturalOrder());

    /** An unsigned 32-bit integer, kept in an {@code int} with the same bits. */
    static final ValueType<Integer> U32 = new ValueType.Scalar<>("integer", "0 .. 4294967295",
            (ctx, range) -> Scalars.u32(), Integer::toUnsignedString, Integer::toUnsignedString, null);

    /** A plain {@code true} or {@code false}. */
    static final ValueType<Boolean> BOOL = new ValueType.Scalar<>("boolean", "true, false",
            (ctx, range) -> Scalars.bool(), String::valueOf, String::valueOf, null);

    /** A duration such as {@code 30s} (see {@link Durations}); its keys give the range. */
    static final ValueType<Duration> DURATION = new ValueType.Scalar<>("duration", "",
            (ctx, range) -> Scalars.duration(range), Durations::format, Durations::format,
            Comparator.naturalOrder());

    /** Permission bits as a quoted octal string, {@code "0000"} to {@code "0777"}. */
    static final ValueType<Integer> FILE_MODE = new ValueType.Scalar<>("file mode", "quoted octal, \"0000\" .. \"0777\"",
            (ctx, range) -> Scalars.fileMode(), m -> ConfigWriter.quote(FileModes.format(m)),
            m -> "\"" + FileModes.format(m) + "\"", null);

    /** A Unix socket path: at most {@value Scalars#MAX_SOCKET_PATH_BYTES} bytes once made absolute. */
    static final ValueType<Path> SOCKET_PATH = new ValueType.Scalar<>("path",
            "at most " + Scalars.MAX_SOCKET_PATH_BYTES + " bytes",
            (ctx, range) -> Scalars.path(ctx.baseDir(), Scalars.MAX_SOCKET_PATH_BYTES),
            p -> ConfigWriter.quote(p.toString()), Path::toString, null);

    /** Any path. */
    static final ValueType<Path> PATH = new ValueType.Scalar<>("path", "",
            (ctx, range) -> Scalars.path(ctx.baseDir(), 0), p -> ConfigWriter.quote(p.toString()), Path::toString, null);

    /** A log level name, any case. */
    static final ValueType<Level> LOG_LEVEL = new ValueType.Scalar<>("log level", Scalars.LEVELS,
            (ctx, range) -> Scalars.logLevel(), l -> l.name().toLowerCase(Locale.ROOT),
            l -> l.name().toLowerCase(Locale.ROOT), null);

    /** One group by name or number; {@code ""} leaves the group alone. */
    static final ValueType<SocketGroup> GROUP = new ValueType.Scalar<>("group", "name or gid; \"\" = as created",
            (ctx, range) -> ctx.ids().socketGroup(), Types::group, g -> g.spec().isEmpty() ? "\"\"" : g.spec(), null);

    /** A list of user names or uids. */
    static final ValueType<Set<Integer>> USERS = new ValueType.Scalar<>("list of users", "names or uids",
            (ctx, range) -> ctx.ids().users(), Types::ids, Types::ids, null);

    /** A list of group names or gids. */
    static final ValueType<Set<Integer>> GROUPS = new ValueType.Scalar<>("list of groups", "names or gids",
            (ctx, range) -> ctx.ids().groups(), Types::ids, Types::ids, null);

    /** A TCP address {@code IP:PORT} ({@code [IPV6]:PORT}); {@code ""} = off. */
    static final ValueType<ListenAddress> LISTEN = new ValueType.Scalar<>("address",
            "IP:PORT or [IPv6]:PORT; \"\" = off", (ctx, range) -> (node, key, problems) -> {
                String text = Scalars.text(node, key, problems, "an address such as 127.0.0.1:9089");
                if (text == null) {
                    return null;
                }
                try {
                    return ListenAddress.parse(text);
                } catch (IllegalArgumentException e) {
                    problems.at(node, key + ": " + e.getMessage());
                    return null;
                }
            }, a -> ConfigWriter.quote(a.toString()), a -> a.isOff() ? "\"\"" : a.toString(), null);

    /** Any non-empty text. */
    static final ValueType<String> STRING = new ValueType.Scalar<>("string", "not empty",
            (ctx, range) -> (node, key, problems) -> {
                String text = Scalars.text(node, key, problems, "a string");
                if (text != null && text.isEmpty()) {
                    problems.at(node, key + ": must not be empty");
                    return null;
                }
                return text;
            }, ConfigWriter::quote, s -> s, null);

    /** A network interface name: 1 .. 15 bytes ({@code IFNAMSIZ - 1}), no '/' and no white space. */
    static final ValueType<String> INTERFACE = new ValueType.Scalar<>("interface name",
            "1 .. " + HostapdConfig.MAX_IFNAME_BYTES + " bytes, no '/' or blanks", (ctx, range) -> (node, key, problems) -> {
                String text = Scalars.text(node, key, problems, "an interface name");
                if (text == null) {
                    return null;
                }
                int len = text.getBytes(StandardCharsets.UTF_8).length;
                if (len == 0 || len > HostapdConfig.MAX_IFNAME_BYTES || text.contains("/") || !text.strip().equals(text)
                        || text.chars().anyMatch(Character::isWhitespace)) {
                    problems.at(node, key + ": not an interface name (1.." + HostapdConfig.MAX_IFNAME_BYTES
                            + " bytes, no '/' or blanks): '" + text + "'");
                    return null;
                }
                return text;
            }, ConfigWriter::quote, s -> s, null);

    /**
     * One of the constants of {@code type}, written as its name in lower case, e.g.
     * {@code format: dnsmasq} for {@code Format.DNSMASQ}.
     */
    static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(Types::lower).toList();
        String expected = String.join(", ", names);
        return new ValueType.Scalar<>("one of", expected, (ctx, range) -> (node, key, problems) -> {
            String text = Scalars.text(node, key, problems, "one of " + expected);
            if (text == null) {
                return null;
            }
            int i = names.indexOf(text);
            if (i < 0) {
                problems.at(node, key + ": unknown value '" + text + "' (expected one of: " + expected + ")");
                return null;
            }
            return type.getEnumConstants()[i];
        }, Types::lower, Types::lower, null);
    }

    /**
     * A flow or block list of scalars of {@code item}, e.g. {@code [wlan0, wlan1]}; an empty
     * value is an empty list. The items take no range.
     */
    static <T> ValueType<List<T>> listOf(ValueType<T> item) {
        if (item.order() != null || item.fields() != null) {
            throw new IllegalArgumentException("a list of " + item.name() + " is not supported");
        }
        return new ValueType.Scalar<List<T>>("list of " + item.name(), item.allowed(), (ctx, range) -> (node, key, problems) -> {
            if (Scalars.isNull(node)) {
                return List.of();
            }
            if (!(node instanceof SequenceNode seq)) {
                problems.at(node, key + ": expected a list, e.g. [a, b], got " + Scalars.describe(node));
                return null;
            }
            int before = problems.count();
            List<T> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                T value = item.convert(seq.getValue().get(i), key + "[" + i + "]", problems, ctx, null);
                if (value != null) {
                    out.add(value);
                }
            }
            return problems.count() != before ? null : List.copyOf(out);
        }, list -> list.stream().map(item::yaml).collect(Collectors.joining(", ", "[", "]")),
                list -> list.stream().map(item::show).collect(Collectors.joining(", ", "[", "]")), null);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A Unix socket path whose file name is also a name of at most {@code maxNameBytes} bytes
     * (hostapd names its control sockets after their interfaces).
     */
    static ValueType<Path> socketNamedAfter(String what, int maxNameBytes) {
        return new ValueType.Scalar<>("path", "at most " + Scalars.MAX_SOCKET_PATH_BYTES + " bytes; file name 1 .. "
                + maxNameBytes + " bytes", (ctx, range) -> (node, key, problems) -> {
                    Path p = Scalars.path(ctx.baseDir(), Scalars.MAX_SOCKET_PATH_BYTES).convert(node, key, problems);
                    if (p == null) {
                        return null;
                    }
                    String name = p.getFileName() == null ? "" : p.getFileName().toString();
                    int len = name.getBytes(StandardCharsets.UTF_8).length;
                    if (name.isEmpty() || len > maxNameBytes) {
                        problems.at(node, key + ": the socket's file name is the " + what + " and must be 1.."
                                + maxNameBytes + " bytes, got '" + name + "' (" + len + " bytes)");
                        return null;
                    }
                    return p;
                }, p -> ConfigWriter.quote(p.toString()), Path::toString, null);
    }

    /** A mapping whose keys are the fields of {@code fields}. */
    static <I> ValueType<I> mapping(Schema<I> fields) {
        return new MappingType<>(fields);
    }

    /**
     * A list of mappings, each with the keys of {@code items}.
     *
     * @param expected what a wrong value is told to be, e.g. {@code control sockets (- ctrl: PATH)}
     */
    static <I> ListType<I> listOf(Schema<I> items, String expected) {
        return new ListType<>(items, expected);
    }

    private static String bytes(int n) {
        String[] units = {"KiB", "MiB", "GiB"};
        long unit = 1024L * 1024 * 1024;
        for (int i = units.length - 1; i >= 0; i--, unit /= 1024) {
            if (n >= unit && n % unit == 0) {
                return n + " (" + n / unit + " " + units[i] + ")";
            }
        }
        return Integer.toString(n);
    }

    private static String group(SocketGroup g) {
        String yaml = ConfigWriter.quote(g.spec());
        if (g.gid().isPresent() && !g.spec().equals(Integer.toString(g.gid().getAsInt()))) {
            yaml += "  # gid " + g.gid().getAsInt();
        }
        return yaml;
    }

    private static String ids(Set<Integer> ids) {
        return ids.stream().sorted().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }

    /** See {@link #mapping(Schema)}. */
    private static final class MappingType<I> extends ValueType<I> {
        private final Schema<I> fields;

        MappingType(Schema<I> fields) {
            super("mapping");
            this.fields = fields;
        }

        @Override
        I convert(Node node, String key, Problems problems, BindContext ctx, Range<I> range) {
            return ConfigBinder.bindFields(fields, key, node, problems, ctx);
        }

        @Override
        String yaml(I value) {
            throw new UnsupportedOperationException("a mapping is written by write()");
        }

        @Override
        String show(I value) {
            YamlOut out = new YamlOut();
            ConfigWriter.fields(fields, value, out);
            return out.toString().strip().replace("\n", ", ");
        }

        @Override
        Schema<?> fields() {
            return fields;
        }

        @Override
        void write(YamlOut out, String name, I value) {
            out.line(name + ":");
            ConfigWriter.fields(fields, value, out.nested());
        }
    }

    /**
     * See {@link #listOf(Schema, String)}.
     *
     * @param <I> the item record
     */
    static final class ListType<I> extends ValueType<List<I>> {
        /** Builds the message for an item that repeats an earlier item's value. */
        interface Duplicate<I> {
            /**
             * @return the message after {@code hostapd[N]}, e.g. {@code .ctrl: PATH is listed twice (first at line 3)}
             */
            String message(I item, int firstLine);
        }

        private record Unique<I>(Function<I, ?> by, Duplicate<I> message) {
        }

        private final Schema<I> items;
        private final String expected;
        private final List<Unique<I>> uniques = new ArrayList<>();

        private ListType(Schema<I> items, String expected) {
            super("list of mappings");
            this.items = items;
            this.expected = expected;
        }

        /** No two items may have the same {@code by}; checked in order, one message per item. */
        ListType<I> unique(Function<I, ?> by, Duplicate<I> message) {
            uniques.add(new Unique<>(by, message));
            return this;
        }

        @Override
        List<I> convert(Node node, String key, Problems problems, BindContext ctx, Range<List<I>> range) {
            if (Scalars.isNull(node)) {
                return List.of();
            }
            if (!(node instanceof SequenceNode seq)) {
                problems.at(node, key + ": expected a list of " + expected + ", got " + Scalars.describe(node));
                return null;
            }
            int before = problems.count();
            List<Map<Object, Node>> seen = new ArrayList<>();
            uniques.forEach(u -> seen.add(new HashMap<>()));
            List<I> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node itemNode = seq.getValue().get(i);
                String path = key + "[" + i + "]";
                I item = ConfigBinder.bindFields(items, path, itemNode, problems, ctx);
                if (item == null) {
                    continue;
                }
                String duplicate = null;
                for (int u = 0; u < uniques.size(); u++) {
                    Node first = seen.get(u).putIfAbsent(uniques.get(u).by().apply(item), itemNode);
                    if (first != null && duplicate == null) {
                        duplicate = uniques.get(u).message().message(item, first.getStartMark().getLine() + 1);
                    }
                }
                if (duplicate != null) {
                    problems.at(itemNode, path + duplicate);
                } else {
                    out.add(item);
                }
            }
            return problems.count() != before ? null : List.copyOf(out);
        }

        @Override
        String yaml(List<I> value) {
            throw new UnsupportedOperationException("a list is written by write()");
        }

        @Override
        String show(List<I> value) {
            return value.isEmpty() ? "[]" : value.size() + " items";
        }

        @Override
        Schema<?> fields() {
            return items;
        }

        @Override
        String fieldPrefix(String path) {
            return path + "[]";
        }

        @Override
        void write(YamlOut out, String name, List<I> value) {
            if (value.isEmpty()) {
                out.line(name + ": []");
                return;
            }
            out.line(name + ":");
            for (I item : value) {
                YamlOut it = out.item();
                ConfigWriter.fields(items, item, it);
                it.endItem();
            }
        }
    }
}
