package dev.stationd.daemon.config;

/** Indented YAML lines for {@code --check-config}. */
final class YamlOut {
    private final StringBuilder out;
    private final int indent;
    /** Where {@code - } goes for a writer made by {@link #item()}; -1 otherwise. */
    private int itemStart = -1;

    YamlOut() {
        this(new StringBuilder(), 0);
    }

    private YamlOut(StringBuilder out, int indent) {
        this.out = out;
        this.indent = indent;
    }

    /** Appends one line at this level. */
    void line(String text) {
        out.append(" ".repeat(indent)).append(text).append('\n');
    }

    /** @return a writer two spaces deeper, into the same text */
    YamlOut nested() {
        return new YamlOut(out, indent + 2);
    }

    /**
     * Starts one item of a block sequence: the returned writer is four spaces deeper, and the
     * first line written to it gets {@code - } in place of its last two spaces of indentation.
     */
    YamlOut item() {
        int start = out.length();
        YamlOut item = new YamlOut(out, indent + 4);
        item.itemStart = start + indent + 2;
        return item;
    }

    /** Ends an item started with {@link #item()}. */
    void endItem() {
        if (itemStart >= 0 && itemStart + 2 <= out.length()) {
            out.replace(itemStart, itemStart + 2, "- ");
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
