package dev.stationd.daemon;

/** The daemon's version, from the jar manifest. */
public final class Version {
    private Version() {
    }

    /** @return e.g. {@code 0.1.0}, or {@code dev} when not run from the packaged jar */
    public static String get() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
