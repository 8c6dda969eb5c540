package dev.stationd.protocol;

/** The {@code band} field of {@code struct sta_list_attr}. */
public enum Band {
    /** Unknown band. */
    UNKNOWN(0, "unknown"),
    /** 2.4 GHz. */
    GHZ_2_4(1, "2.4GHz"),
    /** 5 GHz. */
    GHZ_5(2, "5GHz"),
    /** 6 GHz. */
    GHZ_6(3, "6GHz"),
    /** 60 GHz. */
    GHZ_60(4, "60GHz");

    private final int code;
    private final String label;

    Band(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** @return the {@code u8} wire code */
    public int code() {
        return code;
    }

    /** @return a short human label such as {@code 5GHz} */
    public String label() {
        return label;
    }

    /**
     * @param code a wire code
     * @return whether {@link #valueOf(int)} accepts it
     */
    public static boolean isKnown(int code) {
        return code >= 0 && code <= 4;
    }

    /**
     * @param code the wire code
     * @return the constant
     * @throws IllegalArgumentException for an unknown code
     */
    public static Band valueOf(int code) {
        if (!isKnown(code)) {
            throw new IllegalArgumentException("unknown band: " + code + " (expected 0..4)");
        }
        return values()[code];
    }
}
