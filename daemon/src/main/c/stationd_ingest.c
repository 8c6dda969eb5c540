/*
 * libstationd_ingest: the daemon's receive path for sta_event datagrams (JNI for
 * dev.stationd.daemon.server.NativeIngest).
 *
 * Netty reads a Unix datagram socket one recvfrom() at a time and builds a sender address object
 * through JNI for every datagram; this reads up to a batch per recvmmsg() into one direct buffer
 * the Java side decodes in place, with the senders' paths next to it for the log of bad input, and
 * the senders' credentials (SCM_CREDENTIALS, once SO_PASSCRED is on) for the ingest access rule.
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

/* The Java side's NativeIngest.ABI_VERSION, MAX_BATCH, META_BYTES and offsets must match these. */
#define ABI_VERSION 3
#define MAX_BATCH 64
#define META_BYTES 136 /* int length, int sender path length, int pid, int uid, int gid, pad, sun_path (108), pad */
#define META_PID_OFFSET 8
#define META_UID_OFFSET 12
#define META_GID_OFFSET 16
#define META_PATH_OFFSET 24
#define NO_CREDENTIALS (-1) /* pid, uid and gid when a datagram came without SCM_CREDENTIALS */
#define PATH_MAX_BYTES ((int) sizeof(((struct sockaddr_un *) 0)->sun_path))

_Static_assert(META_PATH_OFFSET + sizeof(((struct sockaddr_un *) 0)->sun_path) <= META_BYTES, "meta slot too small");

/* Lets the Java side check, once, that this is the library it was built with. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_NativeIngest_abiVersion(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return ABI_VERSION;
}

/* Turns SO_PASSCRED on: each datagram then carries its sender's pid, uid and gid. Returns 0 or -errno. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_server_NativeIngest_passCredentials(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    int on = 1;
    return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0 ? 0 : -errno;
}

/*
 * Receives up to max datagrams into data, slot bytes each; when none is queued, first waits up to
 * timeout_ms for one. For each datagram meta holds its length (slot when it was longer:
 * MSG_TRUNC), the sender's pid, uid and gid (NO_CREDENTIALS each without SCM_CREDENTIALS), the length
 * of the sender's path and the path. Returns the number received, -EAGAIN
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
    union { /* aligned for struct cmsghdr */
        char buf[CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } control[MAX_BATCH];
    memset(msgs, 0, sizeof(msgs[0]) * (size_t) max);
    for (int i = 0; i < max; i++) {
        iov[i].iov_base = base + (size_t) i * (size_t) slot;
        iov[i].iov_len = (size_t) slot;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof from[i];
        msgs[i].msg_hdr.msg_control = control[i].buf;
        msgs[i].msg_hdr.msg_controllen = sizeof control[i].buf;
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
        jint ids[3] = {NO_CREDENTIALS, NO_CREDENTIALS, NO_CREDENTIALS};
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c != NULL; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS
                && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
                struct ucred cred;
                memcpy(&cred, CMSG_DATA(c), sizeof cred);
                ids[0] = (jint) cred.pid;
                ids[1] = (jint) cred.uid;
                ids[2] = (jint) cred.gid;
            }
        }
        memcpy(m, &len, sizeof len);
        memcpy(m + 4, &path_len, sizeof path_len);
        memcpy(m + META_PID_OFFSET, &ids[0], sizeof ids[0]);
        memcpy(m + META_UID_OFFSET, &ids[1], sizeof ids[1]);
        memcpy(m + META_GID_OFFSET, &ids[2], sizeof ids[2]);
        memcpy(m + META_PATH_OFFSET, from[i].sun_path, (size_t) path_len);
    }
    return n;
}
