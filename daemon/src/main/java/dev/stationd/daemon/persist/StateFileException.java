package dev.stationd.daemon.persist;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A state file exists but cannot be trusted (torn, corrupt or edited wrongly). The message names
 * the file, the line (when one is to blame) and what is wrong; the daemon must not start on it.
 */
public final class StateFileException extends IOException {
    private final transient Path file;
    private final int line;
    private final String detail;

    /**
     * @param file the file
     * @param line 1-based line number, or 0 when no single line is to blame
     * @param message what is wrong (and, where possible, how to recover)
     */
    public StateFileException(Path file, int line, String message) {
        super(file + (line > 0 ? ", line " + line : "") + ": " + message);
        this.file = file;
        this.line = line;
        this.detail = message;
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /** @return what is wrong, without the file and line prefix */
    public String detail() {
        return detail;
    }

    /** @return the 1-based line number, or 0 when no single line is to blame */
    public int line() {
        return line;
    }
}
