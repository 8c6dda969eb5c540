/*
 * libstationd_ingest: malloc settings of the daemon's process (JNI for
 * dev.stationd.daemon.server.NativeMemory).
 *
 * Netty's direct buffers are malloc()ed. A large reply (a 10,000-station table is 1.76 MB) that
 * is freed raises glibc's dynamic mmap threshold to its size, so the next ones come from the heap
 * arenas, and what they free stays in the process (RSS) instead of going back to the system; each
 * thread may also get an arena of its own. A fixed threshold (buffers above it are mmap()ed and
 * unmapped when freed) and two arenas keep the RSS close to what is in use.
 */
#include <jni.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* Returns a bit per setting applied: 1 the mmap threshold, 2 the arena limit; 0 without glibc. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_NativeMemory_tune(JNIEnv *env, jclass cls,
                                                                       jint mmap_threshold, jint arena_max) {
    (void) env;
    (void) cls;
    jint applied = 0;
#ifdef __GLIBC__
    if (mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1) {
        applied |= 1;
    }
    if (mallopt(M_ARENA_MAX, arena_max) == 1) {
        applied |= 2;
    }
#else
    (void) mmap_threshold;
    (void) arena_max;
#endif
    return applied;
}
