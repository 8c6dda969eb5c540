package dev.stationd.daemon.persist;

import dev.stationd.daemon.logging.LogText;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The text form of stationd's state files: newline-terminated UTF-8 lines, {@code #} comments
 * and blank lines, data lines, and as the very last line a trailer
 * {@code # end count=N crc32=XXXXXXXX} with the number of data lines and the CRC-32 (8 lowercase
 * hex digits) of every byte before it, so a torn or mis-edited file is detected instead of being
 * loaded as different data.
 */
final class SealedText {
    /** Start of the trailer line. */
    static final String TRAILER_START = "# end";

    private static final Pattern TRAILER = Pattern.compile("# end count=(0|[1-9][0-9]{0,9}) crc32=([0-9a-f]{8})");

    /** Parses one data line (not a comment, not blank, not the trailer). */
    interface LineParser {
        /**
         * @param lineNo its 1-based number
         * @param line the line without its newline
         * @throws StateFileException when it is not valid
         */
        void line(int lineNo, String line) throws StateFileException;
    }

    private SealedText() {
    }

    /**
     * @param body the header and data lines, each newline-terminated (ASCII)
     * @param count the number of data lines
     * @return the body followed by its trailer
     */
    static byte[] seal(String body, int count) {
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(b);
        byte[] trailer = String.format(Locale.ROOT, "%s count=%d crc32=%08x\n", TRAILER_START, count, crc.getValue())
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[b.length + trailer.length];
        System.arraycopy(b, 0, out, 0, b.length);
        System.arraycopy(trailer, 0, out, b.length, trailer.length);
        return out;
    }

    /**
     * Checks the framing and the trailer and hands every data line to {@code parser}.
     *
     * @param name the file, for messages
     * @param content its bytes
     * @param items what a data line holds, plural, for messages (e.g. {@code "filters"})
     * @param parser gets each data line, in order
     * @return the number of data lines (as the trailer says)
     * @throws StateFileException naming the file, the line and what is wrong
     */
    static int parse(Path name, byte[] content, String items, LineParser parser) throws StateFileException {
        int n = content.length;
        if (n == 0) {
            throw new StateFileException(name, 0, "file is empty (no '" + TRAILER_START
                    + " count=N crc32=XXXXXXXX' trailer): torn write or not written by stationd");
        }
        if (content[n - 1] != '\n') {
            int lines = 0;
            for (byte b : content) {
                if (b == '\n') {
                    lines++;
                }
            }
            throw new StateFileException(name, lines + 1,
                    "last line is not terminated by a newline and there is no trailer after it: file is truncated (torn write)");
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int count = 0;
        int start = 0;
        int lineNo = 0;
        while (start < n) {
            int end = start;
            while (content[end] != '\n') {
                end++;
            }
            lineNo++;
            String line;
            try {
                line = utf8.decode(ByteBuffer.wrap(content, start, end - start)).toString();
            } catch (CharacterCodingException e) {
                throw new StateFileException(name, lineNo, "not valid UTF-8 text");
            }
            if (line.startsWith(TRAILER_START)) {
                if (end + 1 != n) {
                    throw new StateFileException(name, lineNo + 1, "content after the '" + TRAILER_START + "' trailer");
                }
                checkTrailer(name, lineNo, line, content, start, count, items);
                return count;
            }
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                parser.line(lineNo, line);
                count++;
            }
            start = end + 1;
        }
        throw new StateFileException(name, 0, "no '" + TRAILER_START
                + " count=N crc32=XXXXXXXX' trailer line: file is truncated (torn write) or not written by stationd");
    }

    private static void checkTrailer(Path name, int lineNo, String line, byte[] content, int trailerStart, int count,
                                     String items) throws StateFileException {
        Matcher m = TRAILER.matcher(line);
        if (!m.matches()) {
            throw new StateFileException(name, lineNo, "malformed trailer '" + printable(line)
                    + "': expected '" + TRAILER_START + " count=N crc32=XXXXXXXX' (8 lowercase hex digits)");
        }
        long declared = Long.parseLong(m.group(1));
        if (declared != count) {
            throw new StateFileException(name, lineNo, "trailer says count=" + declared + " but the file holds "
                    + count + " " + items + " (lines lost or added)");
        }
        CRC32 crc = new CRC32();
        crc.update(content, 0, trailerStart);
        String actual = String.format(Locale.ROOT, "%08x", crc.getValue());
        if (!actual.equals(m.group(2))) {
            throw new StateFileException(name, lineNo, "checksum mismatch: trailer says crc32=" + m.group(2)
                    + " but the " + trailerStart + " bytes before it have crc32=" + actual
                    + " (torn write or hand edit; if the edit is intended, set crc32=" + actual + ")");
        }
    }

    /**
     * @param s text from a file
     * @return it escaped ({@link LogText}) and cut to 64 characters, for messages
     */
    static String printable(String s) {
        return LogText.escape(s, 64);
    }
}
