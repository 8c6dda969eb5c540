package dev.stationd.daemon.config;

import java.util.LinkedHashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** {@link Converter}s for user and group ids given as numbers or names. */
final class Ids {
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    private static final Pattern NEGATIVE = Pattern.compile("-[0-9]+");

    private final IdResolver resolver;

    Ids(IdResolver resolver) {
        this.resolver = resolver;
    }

    /** A list of user ids or names, e.g. {@code [0, "alice"]}; empty or missing = no ids. */
    Converter<Set<Integer>> users() {
        return list(true);
    }

    /** A list of group ids or names, e.g. {@code [0, "netdev"]}; empty or missing = no ids. */
    Converter<Set<Integer>> groups() {
        return list(false);
    }

    /** One group, by name or number; an empty value or {@code ""} means "leave the group". */
    Converter<SocketGroup> socketGroup() {
        return (node, key, problems) -> {
            if (Scalars.isNull(node)
                    || (node instanceof ScalarNode s && !s.isPlain() && s.getValue().isEmpty())) {
                return SocketGroup.LEAVE;
            }
            Integer gid = one(node, key, problems, false);
            return gid == null ? null : new SocketGroup(((ScalarNode) node).getValue(), OptionalInt.of(gid));
        };
    }

    private Converter<Set<Integer>> list(boolean users) {
        return (node, key, problems) -> {
            if (Scalars.isNull(node)) {
                return Set.of();
            }
            if (!(node instanceof SequenceNode seq)) {
                problems.at(node, key + ": expected a list of " + (users ? "user" : "group")
                        + " names or ids, e.g. [0, \"name\"], got " + Scalars.describe(node));
                return null;
            }
            Set<Integer> ids = new LinkedHashSet<>();
            boolean ok = true;
            for (Node item : seq.getValue()) {
                Integer id = one(item, key, problems, users);
                if (id == null) {
                    ok = false;
                } else {
                    ids.add(id);
                }
            }
            return ok ? ids : null;
        };
    }

    private Integer one(Node node, String key, Problems problems, boolean user) {
        String kind = user ? "user" : "group";
        String text = Scalars.text(node, key, problems, "a " + kind + " name or id");
        if (text == null) {
            return null;
        }
        if (NUMBER.matcher(text).matches()) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                problems.at(node, key + ": " + kind + " id " + text + " is too large");
                return null;
            }
        }
        if (NEGATIVE.matcher(text).matches()) {
            problems.at(node, key + ": " + kind + " id must not be negative, got " + text);
            return null;
        }
        if (text.isEmpty()) {
            problems.at(node, key + ": empty " + kind + " name");
            return null;
        }
        OptionalInt id = user ? resolver.userId(text) : resolver.groupId(text);
        if (id.isEmpty()) {
            problems.at(node, key + ": unknown " + kind + " '" + text + "'");
            return null;
        }
        return id.getAsInt();
    }
}
