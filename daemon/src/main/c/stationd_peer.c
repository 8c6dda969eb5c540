/*
 * libstationd_ingest: the supplementary groups of the process on the other end of an accepted
 * Unix stream socket (JNI for dev.stationd.daemon.server.PeerGroups).
 *
 * SO_PEERGROUPS (Linux 4.13) returns the groups the peer had when it connected, from the socket
 * itself: no /proc/PID/status to read (hidden by the unit's ProtectProc=invisible), and no pid that
 * may belong to another process by the time it is read.
 */
#include <errno.h>
#include <jni.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59 /* include/uapi/asm-generic/socket.h; older libc headers lack it */
#endif

/* The Java side's PeerGroups.ABI_VERSION must match this. */
#define PEER_ABI_VERSION 1

/* Lets the Java side check, once, that this library has the call it was built with. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_PeerGroups_abiVersion(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return PEER_ABI_VERSION;
}

/*
 * Reads the peer's groups into out. Returns how many the peer has (when that is more than out's
 * length, nothing is copied: call again with an array that large), or -errno.
 */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_PeerGroups_read(JNIEnv *env, jclass cls, jint fd,
                                                                     jintArray out) {
    (void) cls;
    jsize cap = (*env)->GetArrayLength(env, out);
    gid_t *groups = malloc(sizeof(gid_t) * (size_t) (cap > 0 ? cap : 1));
    if (groups == NULL) {
        return -ENOMEM;
    }
    socklen_t len = (socklen_t) (sizeof(gid_t) * (size_t) cap);
    jint n;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
        n = (jint) (len / sizeof(gid_t));
        for (jint i = 0; i < n; i++) {
            jint g = (jint) groups[i];
            (*env)->SetIntArrayRegion(env, out, i, 1, &g);
        }
    } else {
        /* too small an array: the kernel says how many bytes it needs */
        n = errno == ERANGE ? (jint) (len / sizeof(gid_t)) : -errno;
    }
    free(groups);
    return n;
}
