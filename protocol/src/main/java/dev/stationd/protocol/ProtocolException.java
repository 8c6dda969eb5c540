package dev.stationd.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * Malformed protocol input. The message names the field, the value found, what was
 * expected and the byte offset of the field inside its struct.
 */
public final class ProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode errorCode;
    private final String field;
    private final int offset;
    private final String value;
    private final String expected;

    /**
     * @param errorCode the protocol error code this input earns
     * @param field the C field name, e.g. {@code magic}
     * @param offset byte offset of the field in its struct, or -1 for the whole frame
     * @param value what was found, formatted
     * @param expected what was expected
     */
    public ProtocolException(ErrorCode errorCode, String field, int offset, String value, String expected) {
        this(errorCode, field, offset, value, expected, null);
    }

    private ProtocolException(ErrorCode errorCode, String field, int offset, String value, String expected,
                              Throwable cause) {
        super(field + " at offset " + offset + ": got " + value + ", expected " + expected, cause);
        this.errorCode = errorCode;
        this.field = field;
        this.offset = offset;
        this.value = value;
        this.expected = expected;
    }

    /**
     * The same error seen from an enclosing struct, e.g. {@code sta.band} at 16 + 82.
     *
     * @param prefix prefix of the field name, e.g. {@code "sta."}
     * @param baseOffset offset of the nested struct in the enclosing one
     * @return the re-addressed exception, with this one as its cause
     */
    public ProtocolException nested(String prefix, int baseOffset) {
        return new ProtocolException(errorCode, prefix + field, baseOffset + offset, value, expected, this);
    }

    /** @return the error code this input earns */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** @return the C field name */
    public String field() {
        return field;
    }

    /** @return the byte offset of the field in its struct */
    public int offset() {
        return offset;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
