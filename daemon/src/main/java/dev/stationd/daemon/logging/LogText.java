package dev.stationd.daemon.logging;

/**
 * Text from outside the daemon (a datagram sender's socket path, hostapd's replies and SSIDs, a
 * state file's line, an HTTP request) made safe for one log line: control characters (C0, DEL,
 * C1), the Unicode line and paragraph separators and the bidirectional overrides are written as
 * escapes ({@code \n}, {@code \x1b}, {@code \u2028}), and so is the backslash itself, so that a
 * peer can neither break a line in two, nor forge one, nor hide text, and every escape reads
 * back unambiguously. The one place that does it, for every such text.
 */
public final class LogText {
    private LogText() {
    }

    /**
     * @param text text a peer controls (may be {@code null})
     * @return it with every character that could disturb a log line escaped
     */
    public static String escape(CharSequence text) {
        return escape(text, Integer.MAX_VALUE);
    }

    /**
     * @param text text a peer controls (may be {@code null})
     * @param max most characters of {@code text} to show; more are cut and marked {@code ...}
     * @return it escaped, and cut
     */
    public static String escape(CharSequence text, int max) {
        if (text == null) {
            return "null";
        }
        int n = Math.min(text.length(), max);
        StringBuilder sb = null;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (needsEscape(c) && sb == null) {
                sb = new StringBuilder(n + 16).append(text, 0, i);
            }
            if (sb != null) {
                append(sb, c);
            }
        }
        String out = sb != null ? sb.toString() : text.subSequence(0, n).toString();
        return text.length() > max ? out + "..." : out;
    }

    private static boolean needsEscape(char c) {
        return c == '\\' || Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }

    private static void append(StringBuilder sb, char c) {
        switch (c) {
            case '\\' -> sb.append("\\\\");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            default -> {
                if (!needsEscape(c)) {
                    sb.append(c);
                } else if (c <= 0xff) {
                    sb.append(String.format("\\x%02x", (int) c));
                } else {
                    sb.append(String.format("\\u%04x", (int) c));
                }
            }
        }
    }
}
