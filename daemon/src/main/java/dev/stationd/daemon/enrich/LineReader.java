package dev.stationd.daemon.enrich;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a lease file into lines with bounded memory, whatever the file holds: a line longer than
 * {@link #MAX_LINE_BYTES} is skipped (and reported), so is one with a NUL byte (binary garbage)
 * and a last line without its newline (a file caught half-written); reading stops after
 * {@link #MAX_FILE_BYTES}. Bytes that are not UTF-8 become U+FFFD.
 */
final class LineReader {
    /** Longest line read; lease file lines are far shorter. */
    static final int MAX_LINE_BYTES = 4096;
    /** Most bytes read from one file. */
    static final long MAX_FILE_BYTES = 128L << 20;

    /** Why a line is not handed out as text. */
    enum Damage {
        /** longer than {@link #MAX_LINE_BYTES} */
        TOO_LONG("line longer than " + MAX_LINE_BYTES + " bytes"),
        /** holds a NUL byte */
        BINARY("binary data (NUL byte)"),
        /** the file ends inside it */
        UNTERMINATED("last line has no newline (file being written?)");

        final String reason;

        Damage(String reason) {
            this.reason = reason;
        }
    }

    /**
     * One line.
     *
     * @param number 1-based line number
     * @param text the line without its line end, {@code null} when damaged
     * @param damage why it is unusable, {@code null} when it is not
     */
    record Line(int number, String text, Damage damage) {
    }

    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int pos;
    private int limit;
    private int number;
    private long total;
    private boolean eof;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** @return whether reading stopped at {@link #MAX_FILE_BYTES} */
    boolean truncated() {
        return total >= MAX_FILE_BYTES;
    }

    /**
     * @return the next line, or {@code null} at the end of the file
     * @throws IOException if reading fails
     */
    Line next() throws IOException {
        int len = 0;
        boolean tooLong = false;
        boolean nul = false;
        boolean any = false;
        while (true) {
            if (pos == limit && !fill()) {
                if (!any) {
                    return null;
                }
                number++;
                return new Line(number, null, tooLong ? Damage.TOO_LONG : Damage.UNTERMINATED);
            }
            any = true;
            byte b = buf[pos++];
            if (b == '\n') {
                number++;
                if (tooLong) {
                    return new Line(number, null, Damage.TOO_LONG);
                }
                if (nul) {
                    return new Line(number, null, Damage.BINARY);
                }
                if (len > 0 && line[len - 1] == '\r') {
                    len--;
                }
                return new Line(number, new String(line, 0, len, StandardCharsets.UTF_8), null);
            }
            if (b == 0) {
                nul = true;
            }
            if (len < MAX_LINE_BYTES) {
                line[len++] = b;
            } else {
                tooLong = true;
            }
        }
    }

    private boolean fill() throws IOException {
        if (eof || total >= MAX_FILE_BYTES) {
            return false;
        }
        int n = in.read(buf, 0, (int) Math.min(buf.length, MAX_FILE_BYTES - total));
        if (n <= 0) {
            eof = true;
            return false;
        }
        total += n;
        pos = 0;
        limit = n;
        return true;
    }
}
