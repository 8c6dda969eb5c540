package dev.stationd.daemon.enrich;

/**
 * The damaged lines of one read of a lease file: how many, and the first one (line number,
 * reason, an escaped excerpt), for one log line per file rather than one per line.
 */
final class ParseProblems {
    private static final int EXCERPT_CHARS = 48;

    private int count;
    private String first;

    /**
     * @param line 1-based line number
     * @param reason what is wrong, e.g. {@code "bad MAC"}
     * @param text the line, or {@code null} when it is not shown
     */
    void add(int line, String reason, String text) {
        if (count++ == 0) {
            first = "line " + line + ": " + reason + (text == null ? "" : " in \"" + excerpt(text) + "\"");
        }
    }

    /** @param problem a problem of the whole file (no line) */
    void addFileProblem(String problem) {
        if (count++ == 0) {
            first = problem;
        }
    }

    /** @return how many lines were skipped */
    int count() {
        return count;
    }

    /** @return the first problem, or {@code ""} */
    String first() {
        return first == null ? "" : first;
    }

    /** @return the text shortened, with anything unprintable as {@code \xNN} / {@code \}{@code uNNNN} */
    static String excerpt(String text) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < EXCERPT_CHARS; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                b.append(c);
            } else if (c < 0x100) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        if (b.length() >= EXCERPT_CHARS) {
            b.append("...");
        }
        return b.toString();
    }
}
