package dev.stationd.protocol;

/**
 * Error codes of the stationd wire protocol (an {@code int32} on the wire).
 *
 * <p>{@link #E_MAGIC}, {@link #E_VERSION} and {@link #E_CMD} are detected before the
 * command is trusted and are therefore always sent as a bare negative {@code int32};
 * every other code follows the reply form of the command it answers.
 */
public enum ErrorCode {
    /** Magic wrong: the stream cannot be trusted; the connection is closed after the reply. */
    E_MAGIC(-1, true),
    /** Version not supported. */
    E_VERSION(-2, false),
    /** Unknown command. */
    E_CMD(-3, false),
    /** Reserved not zero, bad string, missing MAC, bad flags. */
    E_ARG(-4, false),
    /** The peer's uid/gid may not run this command. */
    E_PERM(-5, false),
    /** {@code FILTER_DEL} of a filter that does not exist. */
    E_NOENT(-6, false),
    /** A configured limit is reached. */
    E_FULL(-7, false),
    /** Shutting down or overloaded; the connection is closed after the reply. */
    E_BUSY(-8, true);

    private static final ErrorCode[] BY_NEGATED_CODE = new ErrorCode[9];

    static {
        for (ErrorCode c : values()) {
            BY_NEGATED_CODE[-c.code] = c;
        }
    }

    private final int code;
    private final boolean closesConnection;

    ErrorCode(int code, boolean closesConnection) {
        this.code = code;
        this.closesConnection = closesConnection;
    }

    /** @return the negative {@code int32} sent on the wire */
    public int code() {
        return code;
    }

    /** @return whether the daemon closes the connection after sending this error */
    public boolean closesConnection() {
        return closesConnection;
    }

    /** @return whether this code is always sent as a bare {@code int32}, whatever the command */
    public boolean isBare() {
        return this == E_MAGIC || this == E_VERSION || this == E_CMD;
    }

    /**
     * @param code a wire code
     * @return whether {@link #valueOf(int)} accepts it
     */
    public static boolean isKnown(int code) {
        return code < 0 && code >= -8;
    }

    /**
     * Maps a wire code to its constant.
     *
     * @param code the negative {@code int32} from the wire
     * @return the matching constant
     * @throws IllegalArgumentException if the code is not defined by the protocol
     */
    public static ErrorCode valueOf(int code) {
        if (!isKnown(code)) {
            throw new IllegalArgumentException("unknown error code: " + code + " (expected -8..-1)");
        }
        return BY_NEGATED_CODE[-code];
    }
}
