package dev.stationd.daemon.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * glibc's malloc settings for a process that frees large direct buffers (see
 * {@code daemon/src/main/c/stationd_memory.c}): buffers from {@link #MMAP_THRESHOLD} up are
 * mapped and unmapped on their own, so freed replies go back to the system instead of staying in
 * the process, and threads share {@link #ARENAS} malloc arenas. Without the library (or without
 * glibc) nothing changes; the memory limits still hold, the RSS is just less tight.
 */
public final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);
    /** Allocations from this size up get their own mapping (glibc's initial threshold, made fixed). */
    static final int MMAP_THRESHOLD = 128 * 1024;
    /** malloc arenas shared by all threads. */
    static final int ARENAS = 2;

    private NativeMemory() {
    }

    /** Applies the settings; call early, before the event loops start. */
    public static void tune() {
        if (!NativeLibrary.loaded()) {
            return;
        }
        try {
            int applied = tune(MMAP_THRESHOLD, ARENAS);
            LOG.debug("malloc settings applied: {}", applied == 3 ? "all" : "mask " + applied);
        } catch (UnsatisfiedLinkError e) {
            LOG.debug("{} has no malloc settings (another build): {}", NativeLibrary.fileName(), e.getMessage());
        }
    }

    private static native int tune(int mmapThreshold, int arenaMax);
}
