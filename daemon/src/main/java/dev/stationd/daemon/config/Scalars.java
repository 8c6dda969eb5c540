package dev.stationd.daemon.config;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.event.Level;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** {@link Converter}s for the scalar value types of the configuration file. */
final class Scalars {
    /** Longest Unix socket path: {@code sun_path} is 108 bytes including the final NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9][0-9_]*");
    /** The log level names, for messages and the reference. */
    static final String LEVELS = "error, warn, info, debug, trace";

    private Scalars() {
    }

    /** An integer written as a plain (unquoted) decimal YAML number, within {@code range}. */
    static Converter<Integer> integer(Range<Integer> range) {
        return (node, key, problems) -> {
            ScalarNode scalar = scalar(node, key, problems, "an integer");
            if (scalar == null) {
                return null;
            }
            String text = scalar.getValue();
            if (!INTEGER.matcher(text).matches()) {
                problems.at(node, key + ": expected an integer, got " + describe(node));
                return null;
            }
            if (!scalar.isPlain()) {
                problems.at(node, key + ": expected an integer, got the quoted string \"" + text
                        + "\"; remove the quotes");
                return null;
            }
            String digits = text.replace("_", "");
            String unsigned = digits.startsWith("-") || digits.startsWith("+") ? digits.substring(1) : digits;
            if (unsigned.length() > 1 && unsigned.startsWith("0")) {
                problems.at(node, key + ": leading zeros are not allowed in '" + text
                        + "' (YAML would read it as an octal number)");
                return null;
            }
            BigInteger value = new BigInteger(digits);
            if (value.bitLength() > 31 || !range.contains(value.intValue())) {
                return range.reject(node, key, problems, value.toString());
            }
            return value.intValue();
        };
    }

    /**
     * An unsigned 32-bit integer written as a plain decimal YAML number ({@code 0..4294967295}),
     * returned as the {@code int} with the same bits.
     */
    static Converter<Integer> u32() {
        return (node, key, problems) -> {
            ScalarNode scalar = scalar(node, key, problems, "an integer");
            if (scalar == null) {
                return null;
            }
            String text = scalar.getValue();
            if (!INTEGER.matcher(text).matches() || !scalar.isPlain()) {
                problems.at(node, key + ": expected an integer between 0 and 4294967295, got " + describe(node));
                return null;
            }
            String digits = text.replace("_", "");
            String unsigned = digits.startsWith("+") ? digits.substring(1) : digits;
            if (unsigned.length() > 1 && unsigned.startsWith("0")) {
                problems.at(node, key + ": leading zeros are not allowed in '" + text
                        + "' (YAML would read it as an octal number)");
                return null;
            }
            BigInteger value = new BigInteger(unsigned);
            if (value.signum() < 0 || value.bitLength() > 32) {
                problems.at(node, key + ": must be between 0 and 4294967295, got " + value);
                return null;
            }
            return (int) value.longValue();
        };
    }

    /** A plain (unquoted) {@code true} or {@code false}. */
    static Converter<Boolean> bool() {
        return (node, key, problems) -> {
            ScalarNode scalar = scalar(node, key, problems, "true or false");
            if (scalar == null) {
                return null;
            }
            String text = scalar.getValue();
            if (scalar.isPlain() && text.equals("true")) {
                return Boolean.TRUE;
            }
            if (scalar.isPlain() && text.equals("false")) {
                return Boolean.FALSE;
            }
            problems.at(node, key + ": expected true or false, got " + describe(node));
            return null;
        };
    }

    /**
     * A duration such as {@code 30s} (see {@link Durations}) within {@code range}. A number too
     * large for any duration is reported as out of range too, with the text as written.
     */
    static Converter<Duration> duration(Range<Duration> range) {
        return (node, key, problems) -> {
            String text = text(node, key, problems, "a duration such as 30s");
            if (text == null) {
                return null;
            }
            try {
                return Durations.parse(text);
            } catch (Durations.TooLargeException e) {
                return range.reject(node, key, problems, text);
            } catch (IllegalArgumentException e) {
                problems.at(node, key + ": " + e.getMessage());
                return null;
            }
        };
    }

    /** Permission bits written as a quoted octal string such as {@code "0660"}. */
    static Converter<Integer> fileMode() {
        return (node, key, problems) -> {
            ScalarNode scalar = scalar(node, key, problems, "a quoted octal mode such as \"0660\"");
            if (scalar == null) {
                return null;
            }
            if (scalar.isPlain()) {
                String name = key.substring(key.lastIndexOf('.') + 1);
                problems.at(node, key + ": the mode must be a quoted string, e.g. " + name + ": \""
                        + example(scalar.getValue()) + "\" (unquoted, YAML reads " + scalar.getValue() + " as a number)");
                return null;
            }
            try {
                return FileModes.parse(scalar.getValue());
            } catch (IllegalArgumentException e) {
                problems.at(node, key + ": " + e.getMessage());
                return null;
            }
        };
    }

    /**
     * A non-empty path; a relative path is resolved against {@code baseDir} (absolute).
     *
     * @param maxBytes longest accepted absolute path in UTF-8 bytes, or 0 for no limit
     */
    static Converter<Path> path(Path baseDir, int maxBytes) {
        return (node, key, problems) -> {
            String text = text(node, key, problems, "a path");
            if (text == null) {
                return null;
            }
            if (text.isEmpty()) {
                problems.at(node, key + ": the path must not be empty");
                return null;
            }
            Path path;
            try {
                path = Path.of(text);
            } catch (InvalidPathException e) {
                problems.at(node, key + ": invalid path: " + e.getReason());
                return null;
            }
            if (!path.isAbsolute()) {
                path = baseDir.resolve(path).normalize();
            }
            int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
            if (maxBytes > 0 && bytes > maxBytes) {
                problems.at(node, key + ": socket path is too long: " + bytes + " bytes, at most "
                        + maxBytes + " (" + path + ")");
                return null;
            }
            return path;
        };
    }

    /** A log level name, case-insensitive. */
    static Converter<Level> logLevel() {
        return (node, key, problems) -> {
            String text = text(node, key, problems, "a log level (" + LEVELS + ")");
            if (text == null) {
                return null;
            }
            switch (text.toLowerCase(Locale.ROOT)) {
                case "error": return Level.ERROR;
                case "warn": return Level.WARN;
                case "info": return Level.INFO;
                case "debug": return Level.DEBUG;
                case "trace": return Level.TRACE;
                default:
                    problems.at(node, key + ": unknown log level '" + text + "' (expected one of: " + LEVELS + ")");
                    return null;
            }
        };
    }

    /** @return the node as a non-null scalar, or {@code null} after reporting a problem */
    static ScalarNode scalar(Node node, String key, Problems problems, String expected) {
        if (node instanceof ScalarNode scalar && !isNull(scalar)) {
            return scalar;
        }
        problems.at(node, key + ": expected " + expected + ", got " + describe(node));
        return null;
    }

    /** @return the text of a non-null scalar, or {@code null} after reporting a problem */
    static String text(Node node, String key, Problems problems, String expected) {
        ScalarNode scalar = scalar(node, key, problems, expected);
        return scalar == null ? null : scalar.getValue();
    }

    /** @return true for an empty value ({@code key:}, {@code ~}, {@code null}) */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.isPlain() && Tag.NULL.equals(scalar.getTag());
    }

    /** @return a short description of a node for messages, e.g. {@code a mapping} */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(node)) {
            return "an empty value";
        }
        ScalarNode scalar = (ScalarNode) node;
        String value = scalar.getValue();
        if (value.length() > 40) {
            value = value.substring(0, 37) + "...";
        }
        return scalar.getScalarStyle() == ScalarStyle.PLAIN ? "'" + value + "'" : "the string \"" + value + "\"";
    }

    private static String example(String unquoted) {
        return unquoted.matches("[0-7]{3,4}") ? unquoted : "0660";
    }
}
