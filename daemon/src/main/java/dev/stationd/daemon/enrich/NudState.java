package dev.stationd.daemon.enrich;

/** The neighbour states ({@code NUD_*}, bits of {@code ndm_state}) and which of them give a station its address. */
enum NudState {
    /** address resolution under way */
    INCOMPLETE(0x01, false),
    /** confirmed recently */
    REACHABLE(0x02, true),
    /** not confirmed recently, still believed */
    STALE(0x04, true),
    /** about to be probed */
    DELAY(0x08, true),
    /** being probed */
    PROBE(0x10, true),
    /** resolution failed */
    FAILED(0x20, false),
    /** no resolution needed (e.g. point-to-point) */
    NOARP(0x40, false),
    /** set by an administrator */
    PERMANENT(0x80, true);

    /** All bits of the states that count. */
    static final int COUNTING = mask();

    final int bit;
    final boolean counts;

    NudState(int bit, boolean counts) {
        this.bit = bit;
        this.counts = counts;
    }

    /**
     * @param state an {@code ndm_state}
     * @return whether an entry in that state gives its MAC the address
     */
    static boolean counts(int state) {
        return (state & COUNTING) != 0 && (state & (FAILED.bit | INCOMPLETE.bit)) == 0;
    }

    /** @return the names of the bits set in {@code state}, e.g. {@code "REACHABLE"} */
    static String describe(int state) {
        StringBuilder b = new StringBuilder();
        for (NudState s : values()) {
            if ((state & s.bit) != 0) {
                b.append(b.length() == 0 ? "" : "|").append(s.name());
            }
        }
        return b.length() == 0 ? "NONE" : b.toString();
    }

    private static int mask() {
        int m = 0;
        for (NudState s : values()) {
            if (s.counts) {
                m |= s.bit;
            }
        }
        return m;
    }
}
