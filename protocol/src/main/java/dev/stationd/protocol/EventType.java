package dev.stationd.protocol;

/** The {@code type} field of {@code struct sta_event}. */
public enum EventType {
    /** Add or replace the station, keyed by MAC. */
    UPSERT(1),
    /** Remove the station with {@code sta.mac}. */
    REMOVE(2),
    /** Remove every station on {@code sta.ifname}, or all when it is empty. */
    FLUSH(3);

    private final int code;

    EventType(int code) {
        this.code = code;
    }

    /** @return the {@code u16} wire code */
    public int code() {
        return code;
    }

    /**
     * @param code a wire code
     * @return whether {@link #valueOf(int)} accepts it
     */
    public static boolean isKnown(int code) {
        return code >= 1 && code <= 3;
    }

    /**
     * @param code the wire code
     * @return the constant
     * @throws IllegalArgumentException for an unknown code
     */
    public static EventType valueOf(int code) {
        if (!isKnown(code)) {
            throw new IllegalArgumentException("unknown event type: " + code + " (expected 1..3)");
        }
        return values()[code - 1];
    }
}
