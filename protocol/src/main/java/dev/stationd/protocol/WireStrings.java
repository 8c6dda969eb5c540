package dev.stationd.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * NUL-padded fixed-size C strings ({@code char[N]}). A string must leave room for its NUL:
 * at most {@code N - 1} UTF-8 bytes.
 */
public final class WireStrings {
    /** Station interface names and SSIDs: few values, many stations. */
    private static final SharedStrings SHARED = new SharedStrings();
    /** Room for the largest {@code char[]} field of the protocol ({@code ssid}, 33 bytes) and then some. */
    private static final int SCRATCH_SIZE = 64;
    /**
     * Each thread's copy of the field being read: the string made from it copies what it keeps, so
     * reading an event's three strings leaves no array behind (the ingest reads 300,000 a second).
     */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_SIZE]);
    /** The same few strings written for many stations. */
    private static final PaddedStrings PADDED = new PaddedStrings();

    private WireStrings() {
    }

    /**
     * Checks that {@code s} fits a {@code char[size]} field with its NUL.
     *
     * @param field the C field name, for the message
     * @param s the string
     * @param size the array size
     * @return {@code s}
     * @throws IllegalArgumentException if it does not fit or contains NUL
     */
    public static String requireFits(String field, String s, int size) {
        if (s == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(field + " must not contain NUL");
        }
        if (s.length() * 3 > size - 1) { // UTF-8 takes at most 3 bytes a char (4 a surrogate pair): shorter ones fit uncounted
            int len = utf8Length(s);
            if (len > size - 1) {
                throw new IllegalArgumentException(field + " is " + len + " bytes, at most " + (size - 1) + " fit char[" + size + "]");
            }
        }
        return s;
    }

    /**
     * Reads a {@code char[size]} at the reader index and advances past it.
     *
     * @param buf the buffer
     * @param size the array size
     * @param field the C field name
     * @param fieldOffset the field's offset in its struct, for errors
     * @return the string up to the first NUL
     * @throws ProtocolException ({@link ErrorCode#E_ARG}) if there is no NUL or the bytes are not UTF-8
     */
    public static String read(ByteBuf buf, int size, String field, int fieldOffset) {
        return read(buf, size, field, fieldOffset, false, false);
    }

    /**
     * Like {@link #read(ByteBuf, int, String, int)}, but bytes that are not UTF-8 become
     * {@code '?'} instead of an error: station strings (an SSID is any 32 octets) must never
     * make a station undeliverable. The result still fits the array.
     *
     * @param buf the buffer
     * @param size the array size
     * @param field the C field name
     * @param fieldOffset the field's offset in its struct, for errors
     * @return the string up to the first NUL
     * @throws ProtocolException ({@link ErrorCode#E_ARG}) if there is no NUL
     */
    public static String readLenient(ByteBuf buf, int size, String field, int fieldOffset) {
        return read(buf, size, field, fieldOffset, true, false);
    }

    /**
     * Like {@link #readLenient}, for a field that takes few values over many records (a station's
     * {@code ifname}, {@code ssid}): an ASCII value decoded shortly before is the same instance.
     *
     * @param buf the buffer
     * @param size the array size
     * @param field the C field name
     * @param fieldOffset the field's offset in its struct, for errors
     * @return the string up to the first NUL
     * @throws ProtocolException ({@link ErrorCode#E_ARG}) if there is no NUL
     */
    public static String readShared(ByteBuf buf, int size, String field, int fieldOffset) {
        return read(buf, size, field, fieldOffset, true, true);
    }

    /**
     * Reads a {@code char[size]} out of a struct already copied into an array, as
     * {@link #read(ByteBuf, int, String, int)} does out of a buffer.
     *
     * @param struct the struct's bytes, from its first
     * @param fieldOffset the field's offset in the struct (where it is read, and what errors name)
     * @param size the array size
     * @param field the C field name
     * @return the string up to the first NUL
     * @throws ProtocolException ({@link ErrorCode#E_ARG}) if there is no NUL or the bytes are not UTF-8
     */
    public static String read(byte[] struct, int fieldOffset, int size, String field) {
        return read(struct, fieldOffset, size, field, fieldOffset, false, false);
    }

    private static String read(ByteBuf buf, int size, String field, int fieldOffset, boolean lenient, boolean shared) {
        // One bulk copy, then loops over an array: byte by byte through the buffer, each access is
        // a call with its own index and liveness checks, which C1 does not inline (the ingest of
        // sta_event datagrams spent a tenth of its time there).
        byte[] b = size <= SCRATCH_SIZE ? SCRATCH.get() : new byte[size];
        buf.getBytes(buf.readerIndex(), b, 0, size);
        String s = read(b, 0, size, field, fieldOffset, lenient, shared);
        buf.skipBytes(size);
        return s;
    }

    private static String read(byte[] b, int off, int size, String field, int fieldOffset, boolean lenient,
            boolean shared) {
        int length = nul(b, off, size);
        if (length < 0) {
            throw new ProtocolException(ErrorCode.E_ARG, field, fieldOffset,
                    size + " bytes without NUL", "a NUL-terminated string of at most " + (size - 1) + " bytes");
        }
        if (length == 0) {
            return "";
        }
        if (isAscii(b, off, length)) {
            return shared ? SHARED.ascii(b, off, length) : new String(b, off, length, StandardCharsets.US_ASCII);
        }
        if (!lenient) {
            return decode(b, off, length, field, fieldOffset);
        }
        try {
            return decode(b, off, length, field, fieldOffset);
        } catch (ProtocolException e) {
            return replaceInvalid(b, off, length);
        }
    }

    /** @return how far from {@code off} the first NUL of the {@code size} bytes there is, or -1 */
    private static int nul(byte[] b, int off, int size) {
        for (int i = 0; i < size; i++) {
            if (b[off + i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isAscii(byte[] b, int off, int length) {
        for (int i = 0; i < length; i++) {
            if (b[off + i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static String decode(byte[] b, int off, int length, String field, int fieldOffset) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, off, length)).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(ErrorCode.E_ARG, field, fieldOffset, "bytes that are not UTF-8",
                    "a UTF-8 string");
        }
    }

    private static String replaceInvalid(byte[] b, int off, int length) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith("?");
        try {
            return d.decode(ByteBuffer.wrap(b, off, length)).toString(); // '?' is 1 byte: never longer
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("REPLACE decoder reported an error", e);
        }
    }

    /**
     * Writes {@code s} as a NUL-padded {@code char[size]}.
     *
     * @param buf the destination
     * @param s a string that fits (see {@link #requireFits})
     * @param size the array size
     */
    public static void write(ByteBuf buf, String s, int size) {
        int written = s.isEmpty() ? 0 : buf.writeCharSequence(s, StandardCharsets.UTF_8);
        buf.writeZero(size - written);
    }

    /**
     * Puts {@code s} as a NUL-padded {@code char[size]} into an array, as {@link #write} does into a buffer.
     *
     * @param b the destination
     * @param off where the array starts
     * @param s a string that fits (see {@link #requireFits})
     * @param size the array size
     */
    public static void put(byte[] b, int off, String s, int size) {
        byte[] padded = PADDED.padded(s, size);
        if (padded != null) {
            System.arraycopy(padded, 0, b, off, size);
        } else {
            putUncached(b, off, s, size);
        }
    }

    /** {@link #put} without the cache. */
    static void putUncached(byte[] b, int off, String s, int size) {
        int n = s.length();
        int i = 0;
        while (i < n && s.charAt(i) < 0x80) { // the common case, ASCII: no encoder, no copy
            b[off + i] = (byte) s.charAt(i);
            i++;
        }
        int written = i;
        if (i < n) {
            // a lone surrogate becomes '?': never longer than requireFits counted
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(utf8, 0, b, off, utf8.length);
            written = utf8.length;
        }
        Arrays.fill(b, off + written, off + size, (byte) 0);
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
