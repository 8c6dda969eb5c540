package dev.stationd.protocol;

/** Bits of the {@code flags} field of {@code struct sta_list_attr}. */
public final class StaFlags {
    /** bit0: 802.1X / 4-way handshake completed. */
    public static final int AUTHORIZED = 1;
    /** bit1: authenticated. */
    public static final int AUTHENTICATED = 1 << 1;
    /** bit2: associated. */
    public static final int ASSOCIATED = 1 << 2;
    /** bit3: WMM. */
    public static final int WMM = 1 << 3;
    /** bit4: HT (802.11n). */
    public static final int HT = 1 << 4;
    /** bit5: VHT (802.11ac). */
    public static final int VHT = 1 << 5;
    /** bit6: HE (802.11ax). */
    public static final int HE = 1 << 6;
    /** bit7: EHT (802.11be). */
    public static final int EHT = 1 << 7;
    /** bit8: management frame protection. */
    public static final int MFP = 1 << 8;
    /** bit16: a filter matches this station (set by the daemon only). */
    public static final int FILTERED = 1 << 16;

    private static final String[] NAMES = {
        "AUTHORIZED", "AUTHENTICATED", "ASSOCIATED", "WMM", "HT", "VHT", "HE", "EHT", "MFP"};

    private StaFlags() {
    }

    /**
     * @param flags a flags word
     * @return the set bits as names joined by {@code |}, e.g. {@code AUTHORIZED|WMM}
     */
    public static String describe(int flags) {
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                sb.append(sb.length() == 0 ? "" : "|").append(NAMES[bit]);
            }
        }
        if ((flags & FILTERED) != 0) {
            sb.append(sb.length() == 0 ? "" : "|").append("FILTERED");
        }
        return sb.toString();
    }
}
