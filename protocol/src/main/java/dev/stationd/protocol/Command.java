package dev.stationd.protocol;

/** Commands of {@code struct cloud_cmd_attr} ({@code cmd} field) and the reply form each one gets. */
public enum Command {
    /** Table reply: stations matching group / ifname / flags, sorted by MAC, paged. */
    STA_LIST(1, ReplyForm.TABLE, false),
    /** Table reply with 0 or 1 record. */
    STA_GET(2, ReplyForm.TABLE, true),
    /** Ack reply; idempotent; durable before the ACK. */
    FILTER_ADD(3, ReplyForm.ACK, true),
    /** Ack reply; {@code NAK E_NOENT} if absent. */
    FILTER_DEL(4, ReplyForm.ACK, true),
    /** Ack reply; group 0 = all groups. */
    FILTER_FLUSH(5, ReplyForm.ACK, false),
    /** Table reply: one record per filter. */
    FILTER_LIST(6, ReplyForm.TABLE, false),
    /** Ack reply. */
    PING(7, ReplyForm.ACK, false),
    /** Ack reply, then a stream of {@code sta_event} records. */
    SUBSCRIBE(8, ReplyForm.ACK, false);

    /** How a command is answered. */
    public enum ReplyForm {
        /** {@code int32 num} then {@code num} x {@code sta_list_attr}; negative num = error. */
        TABLE,
        /** {@code "ACK\0"}, or {@code "NAK\0"} + {@code int32} code. */
        ACK
    }

    private static final Command[] BY_CODE = new Command[9];

    static {
        for (Command c : values()) {
            BY_CODE[c.code] = c;
        }
    }

    private final int code;
    private final ReplyForm replyForm;
    private final boolean needsMac;

    Command(int code, ReplyForm replyForm, boolean needsMac) {
        this.code = code;
        this.replyForm = replyForm;
        this.needsMac = needsMac;
    }

    /** @return the {@code u16} wire code */
    public int code() {
        return code;
    }

    /** @return the reply form of this command */
    public ReplyForm replyForm() {
        return replyForm;
    }

    /** @return whether the command requires a non-zero {@code mac} */
    public boolean needsMac() {
        return needsMac;
    }

    /** @return whether the command changes the filter set (an admin command) */
    public boolean isMutation() {
        return this == FILTER_ADD || this == FILTER_DEL || this == FILTER_FLUSH;
    }

    /**
     * @param code a wire code
     * @return whether {@link #valueOf(int)} accepts it
     */
    public static boolean isKnown(int code) {
        return code > 0 && code < BY_CODE.length;
    }

    /**
     * Maps a wire code to its constant.
     *
     * @param code the {@code cmd} field
     * @return the command
     * @throws IllegalArgumentException for an unknown code
     */
    public static Command valueOf(int code) {
        if (!isKnown(code)) {
            throw new IllegalArgumentException("unknown cmd: " + code + " (expected 1..8)");
        }
        return BY_CODE[code];
    }
}
