package dev.stationd.protocol;

/** Commands of {@code struct cloud_cmd_attr} ({@code cmd} field) and the reply form each one gets. */
public enum Command {
    /** Table reply: stations matching group / ifname / flags, sorted by MAC, paged. */
    STA_LIST(1, ReplyForm.TABLE, Target.NONE, Access.READ),
    /** Table reply with 0 or 1 record. */
    STA_GET(2, ReplyForm.TABLE, Target.MAC, Access.READ),
    /** Ack reply; idempotent; durable before the ACK; {@code lifetime_s} makes the filter timed. */
    FILTER_ADD(3, ReplyForm.ACK, Target.MAC, Access.ADMIN),
    /** Ack reply; {@code NAK E_NOENT} if absent. */
    FILTER_DEL(4, ReplyForm.ACK, Target.MAC, Access.ADMIN),
    /** Ack reply; group 0 = all groups. */
    FILTER_FLUSH(5, ReplyForm.ACK, Target.NONE, Access.ADMIN),
    /** Table reply: one record per filter. */
    FILTER_LIST(6, ReplyForm.TABLE, Target.NONE, Access.READ),
    /** Ack reply. */
    PING(7, ReplyForm.ACK, Target.NONE, Access.READ),
    /** Ack reply, then a stream of {@code sta_event} records. */
    SUBSCRIBE(8, ReplyForm.ACK, Target.NONE, Access.READ),
    /** Filter table reply: {@code filter_attr} records sorted by (group, MAC), paged. */
    FILTER_DUMP(9, ReplyForm.FILTER_TABLE, Target.NONE, Access.READ),
    /**
     * Ack reply: disconnects one station ({@code mac}) or every station of a group / interface
     * ({@code mac} all zero); {@code lifetime_s} also bans each kicked MAC for that long.
     */
    STA_KICK(10, ReplyForm.ACK, Target.MAC_OR_SELECTOR, Access.ADMIN);

    /** How a command is answered. */
    public enum ReplyForm {
        /** {@code int32 num} then {@code num} x {@code sta_list_attr}; negative num = error. */
        TABLE,
        /** {@code int32 num} then {@code num} x {@code filter_attr}; negative num = error. */
        FILTER_TABLE,
        /** {@code "ACK\0"}, or {@code "NAK\0"} + {@code int32} code. */
        ACK
    }

    /** Which peers may run a command (the {@code access.read} / {@code access.admin} lists). */
    public enum Access {
        /** Readers and admins. */
        READ,
        /** Admins only; readers get {@code E_PERM}. */
        ADMIN
    }

    /** What the {@code mac} / {@code group_id} / {@code ifname} fields must address. */
    private enum Target {
        /** Nothing required. */
        NONE,
        /** A non-zero {@code mac}. */
        MAC,
        /** A non-zero {@code mac}, or else a non-zero {@code group_id} or a non-empty {@code ifname}. */
        MAC_OR_SELECTOR
    }

    /** The highest command code of this protocol version. */
    public static final int MAX_CODE = 10;

    private static final Command[] BY_CODE = new Command[MAX_CODE + 1];

    static {
        for (Command c : values()) {
            BY_CODE[c.code] = c;
        }
    }

    private final int code;
    private final ReplyForm replyForm;
    private final Target target;
    private final Access access;

    Command(int code, ReplyForm replyForm, Target target, Access access) {
        this.code = code;
        this.replyForm = replyForm;
        this.target = target;
        this.access = access;
    }

    /** @return the {@code u16} wire code */
    public int code() {
        return code;
    }

    /** @return the reply form of this command */
    public ReplyForm replyForm() {
        return replyForm;
    }

    /** @return whether an error is answered as {@code "NAK\0"} + code (else as a negative {@code num}) */
    public boolean isAckReply() {
        return replyForm == ReplyForm.ACK;
    }

    /** @return whether the command requires a non-zero {@code mac} */
    public boolean needsMac() {
        return target == Target.MAC;
    }

    /**
     * @return whether an all-zero {@code mac} needs a non-zero {@code group_id} or a non-empty
     *     {@code ifname} instead ({@code STA_KICK})
     */
    public boolean needsMacOrSelector() {
        return target == Target.MAC_OR_SELECTOR;
    }

    /** @return whether {@code lifetime_s} may be non-zero ({@code FILTER_ADD}, {@code STA_KICK}) */
    public boolean takesLifetime() {
        return this == FILTER_ADD || this == STA_KICK;
    }

    /** @return who may run the command */
    public Access access() {
        return access;
    }

    /** @return whether only admins may run the command */
    public boolean isAdmin() {
        return access == Access.ADMIN;
    }

    /**
     * @return whether the command changes state (filters, or stations on hostapd) and is answered
     *     only once that change is done, so the replies behind it wait
     */
    public boolean isMutation() {
        return this == FILTER_ADD || this == FILTER_DEL || this == FILTER_FLUSH || this == STA_KICK;
    }

    /**
     * @param code a wire code
     * @return whether {@link #valueOf(int)} accepts it
     */
    public static boolean isKnown(int code) {
        return code > 0 && code <= MAX_CODE;
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
            throw new IllegalArgumentException("unknown cmd: " + code + " (expected 1.." + MAX_CODE + ")");
        }
        return BY_CODE[code];
    }
}
