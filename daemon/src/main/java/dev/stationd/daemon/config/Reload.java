package dev.stationd.daemon.config;

/** What a reload ({@code SIGHUP}, {@code systemctl reload}) does with a changed key. */
enum Reload {
    /** The new value takes effect at once. */
    LIVE("live"),
    /** The running value is kept (and the change logged) until the daemon restarts. */
    RESTART("restart");

    private final String label;

    Reload(String label) {
        this.label = label;
    }

    /** @return the word used in the configuration reference */
    public String label() {
        return label;
    }
}
