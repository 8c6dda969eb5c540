package dev.stationd.daemon.server;

import java.util.Locale;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's own JNI library, {@code libstationd_ingest_<os.arch>.so} (built from
 * {@code daemon/src/main/c/*.c} by {@code mvn package} into the directory of
 * {@code -Djava.library.path}), loaded once for every class that has functions in it. Each of
 * them checks what it needs (an ABI version, or a function that may be missing) and has a way of
 * working without it.
 */
final class NativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    /** Library base name; the file is {@code lib<name>_<os.arch>.so}. */
    static final String NAME = "stationd_ingest";
    private static final boolean LOADED = load();

    private NativeLibrary() {
    }

    /** @return whether the library is on {@code java.library.path} and loaded */
    static boolean loaded() {
        return LOADED;
    }

    /**
     * Whether the library has the calls of one part of the daemon at the ABI version that part
     * was built against; an older or newer build of the library lacks them or has others (logged).
     *
     * @param calls what the calls are for, for the log
     * @param abiVersion that part's ABI version call ({@link UnsatisfiedLinkError} when the library lacks it)
     * @param expected the version the Java side was built against
     * @param otherwise what the daemon does without them, for the log
     * @return whether the calls can be used (false also when there is no library)
     */
    static boolean offers(String calls, IntSupplier abiVersion, int expected, String otherwise) {
        if (!LOADED) {
            return false;
        }
        try {
            int version = abiVersion.getAsInt();
            if (version == expected) {
                return true;
            }
            LOG.warn("{} is of another build ({} ABI {}, expected {}); {}", fileName(), calls, version, expected, otherwise);
        } catch (UnsatisfiedLinkError e) {
            LOG.warn("{} is of another build (no {} calls); {}", fileName(), calls, otherwise);
        }
        return false;
    }

    /** @return the library's file name on this machine */
    static String fileName() {
        return System.mapLibraryName(name());
    }

    /** @return the name {@link System#loadLibrary} takes: {@code stationd_ingest_<os.arch>} */
    private static String name() {
        return NAME + "_" + System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    }

    private static boolean load() {
        try {
            System.loadLibrary(name());
            return true;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            LOG.debug("no usable {} on java.library.path ({})", fileName(), e.getMessage());
            return false;
        }
    }
}
