package dev.stationd.daemon.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Unix permission bits written as octal strings ({@code "0660"}, {@code "660"}). Only the
 * permission bits {@code 0777} are allowed: setuid, setgid and sticky make no sense on a socket.
 */
public final class FileModes {
    /** The largest accepted mode, {@code 0777}. */
    public static final int MAX = 0777;

    private static final Pattern OCTAL = Pattern.compile("[0-7]{3,4}");

    private FileModes() {
    }

    /**
     * @param text 3 or 4 octal digits, for example {@code "0660"}
     * @return the mode bits, for example {@code 0660} (432)
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static int parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!OCTAL.matcher(text).matches()) {
            throw new IllegalArgumentException("bad file mode '" + text
                    + "': expected 3 or 4 octal digits (0-7), e.g. \"0660\"");
        }
        int mode = Integer.parseInt(text, 8);
        if (mode > MAX) {
            throw new IllegalArgumentException("bad file mode '" + text
                    + "': setuid, setgid and sticky bits are not allowed (at most \"0777\")");
        }
        return mode;
    }

    /**
     * @param mode permission bits, 0 to {@code 0777}
     * @return four octal digits, for example {@code "0660"}
     */
    public static String format(int mode) {
        check(mode, "mode");
        return String.format("%04o", mode);
    }

    static int check(int mode, String what) {
        if (mode < 0 || mode > MAX) {
            throw new IllegalArgumentException(what + " must be between 0 and 0777 (octal), got "
                    + Integer.toOctalString(mode));
        }
        return mode;
    }
}
