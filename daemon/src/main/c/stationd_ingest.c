/*
 * libstationd_ingest: the daemon's receive path for sta_event datagrams (JNI for
 * dev.stationd.daemon.server.NativeIngest).
 *
 * Netty reads a Unix datagram socket one recvfrom() at a time and builds a sender address object
 * through JNI for every datagram; this reads up to a batch per recvmmsg() into one direct buffer
 * the Java side decodes in place, with the senders' paths next to it for the log of bad input.
 * The fd is left as it is (non-blocking, shared with systemd under socket activation): when
 * nothing is queued the call waits in poll() for up to a timeout, so the reader thread sleeps in
 * the kernel and still sees its stop flag within that time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jni.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

/* The Java side's NativeIngest.ABI_VERSION, MAX_BATCH and META_BYTES must match these. */
#define ABI_VERSION 2
#define MAX_BATCH 64
#define META_BYTES 120 /* int length, int sender path length, sun_path (108), pad */
#define META_PATH_OFFSET 8
#define PATH_MAX_BYTES ((int) sizeof(((struct sockaddr_un *) 0)->sun_path))

_Static_assert(META_PATH_OFFSET + sizeof(((struct sockaddr_un *) 0)->sun_path) <= META_BYTES, "meta slot too small");

/* Lets the Java side check, once, that this is the library it was built with. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_NativeIngest_abiVersion(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return ABI_VERSION;
}

/*
 * Receives up to max datagrams into data, slot bytes each; when none is queued, first waits up to
 * timeout_ms for one. For each datagram meta holds its length (slot when it was longer:
 * MSG_TRUNC), the length of the sender's path and the path. Returns the number received, -EAGAIN
 * when the wait timed out, or another -errno.
 */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_NativeIngest_receive(JNIEnv *env, jclass cls, jint fd,
                                                                          jobject data, jint slot, jint max,
                                                                          jobject meta, jint timeout_ms) {
    (void) cls;
    char *base = (*env)->GetDirectBufferAddress(env, data);
    char *info = (*env)->GetDirectBufferAddress(env, meta);
    if (base == NULL || info == NULL || slot <= 0 || max <= 0 || max > MAX_BATCH
        || (*env)->GetDirectBufferCapacity(env, data) < (jlong) slot * max
        || (*env)->GetDirectBufferCapacity(env, meta) < (jlong) META_BYTES * max) {
        return -EINVAL;
    }
    struct mmsghdr msgs[MAX_BATCH];
    struct iovec iov[MAX_BATCH];
    struct sockaddr_un from[MAX_BATCH];
    memset(msgs, 0, sizeof(msgs[0]) * (size_t) max);
    for (int i = 0; i < max; i++) {
        iov[i].iov_base = base + (size_t) i * (size_t) slot;
        iov[i].iov_len = (size_t) slot;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    int n = recvmmsg(fd, msgs, (unsigned int) max, MSG_DONTWAIT, NULL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, timeout_ms);
        if (r <= 0) {
            return r == 0 ? -EAGAIN : -errno;
        }
        n = recvmmsg(fd, msgs, (unsigned int) max, MSG_DONTWAIT, NULL);
    }
    if (n < 0) {
        return -errno;
    }
    for (int i = 0; i < n; i++) {
        char *m = info + (size_t) i * META_BYTES;
        jint len = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? slot : (jint) msgs[i].msg_len;
        socklen_t namelen = msgs[i].msg_hdr.msg_namelen;
        jint path_len = namelen > offsetof(struct sockaddr_un, sun_path)
                ? (jint) (namelen - offsetof(struct sockaddr_un, sun_path)) : 0;
        if (path_len > PATH_MAX_BYTES) {
            path_len = PATH_MAX_BYTES;
        }
        memcpy(m, &len, sizeof len);
        memcpy(m + 4, &path_len, sizeof path_len);
        memcpy(m + META_PATH_OFFSET, from[i].sun_path, (size_t) path_len);
    }
    return n;
}
