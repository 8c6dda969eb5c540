/*
 * The daemon's rtnetlink socket (JNI for dev.stationd.daemon.enrich.NetlinkSocket): the kernel's
 * neighbour table (ARP / IPv6 ND) and its interfaces, for filling in stations' addresses.
 *
 * Only transport lives here: open (or adopt, under systemd) a NETLINK_ROUTE socket, send a request
 * the Java side built, and receive whole datagrams into a direct buffer, each preceded by its
 * length; the Java side parses the messages. receive() sleeps in poll() on the socket and on an
 * eventfd with no timeout, so an idle daemon does not wake up at all; writing the eventfd
 * (wake()) is how the reader thread is stopped. Datagrams that do not come from the kernel
 * (nl_pid != 0) are dropped here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jni.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

/* The Java side's NetlinkSocket.ABI_VERSION and FRAME_HEADER / MAX_DATAGRAM must match these. */
#define ABI_VERSION 1
#define FRAME_HEADER 4
#define MAX_DATAGRAM 65536
/* Receive buffer asked for: room for a burst of events while Java parses (the kernel caps it at rmem_max). */
#define RCVBUF_BYTES (4 * 1024 * 1024)

JNIEXPORT jint JNICALL Java_dev_stationd_daemon_enrich_NetlinkSocket_abiVersion(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return ABI_VERSION;
}

/* Opens a NETLINK_ROUTE socket subscribed to the legacy group mask `groups`. Returns the fd or -errno. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_enrich_NetlinkSocket_open(JNIEnv *env, jclass cls, jint groups) {
    (void) env;
    (void) cls;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (fd < 0) {
        return -errno;
    }
    int rcvbuf = RCVBUF_BYTES;
    (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf); /* best effort */
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = (uint32_t) groups};
    if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

/*
 * Checks an inherited fd: returns its legacy group mask (>= 0) when it is a bound NETLINK_ROUTE
 * socket, -ENOTSOCK / -EPROTOTYPE / -errno otherwise.
 */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_enrich_NetlinkSocket_groupsOf(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    int domain = 0, protocol = -1;
    socklen_t len = sizeof domain;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0) {
        return -errno;
    }
    len = sizeof protocol;
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) < 0) {
        return -errno;
    }
    if (domain != AF_NETLINK || protocol != NETLINK_ROUTE) {
        return -EPROTOTYPE;
    }
    struct sockaddr_nl sa;
    len = sizeof sa;
    memset(&sa, 0, sizeof sa);
    if (getsockname(fd, (struct sockaddr *) &sa, &len) < 0) {
        return -errno;
    }
    return (jint) (sa.nl_groups & 0x7fffffff);
}

/* Sends len bytes of buf (one or more netlink messages) to the kernel. Returns 0 or -errno. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_enrich_NetlinkSocket_send(JNIEnv *env, jclass cls, jint fd,
                                                                         jobject buf, jint len) {
    (void) cls;
    char *base = (*env)->GetDirectBufferAddress(env, buf);
    if (base == NULL || len <= 0 || (*env)->GetDirectBufferCapacity(env, buf) < len) {
        return -EINVAL;
    }
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    for (;;) {
        ssize_t n = sendto(fd, base, (size_t) len, 0, (struct sockaddr *) &kernel, sizeof kernel);
        if (n >= 0) {
            return n == len ? 0 : -EMSGSIZE;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            (void) poll(&p, 1, 1000);
            continue;
        }
        return -errno;
    }
}

/*
 * Waits (no timeout) until the socket or wake_fd is readable, then receives datagrams into buf
 * while they fit, each as a host-order uint32 length followed by the bytes, padded to 4 bytes.
 * A frame of length 0 marks ENOBUFS: the kernel dropped messages because the socket buffer was
 * full. Returns the bytes written (> 0), 0 when woken through wake_fd, or -errno.
 */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_enrich_NetlinkSocket_receive(JNIEnv *env, jclass cls, jint fd,
                                                                            jint wake_fd, jobject buf) {
    (void) cls;
    char *base = (*env)->GetDirectBufferAddress(env, buf);
    jlong cap = (*env)->GetDirectBufferCapacity(env, buf);
    if (base == NULL || cap < FRAME_HEADER + MAX_DATAGRAM) {
        return -EINVAL;
    }
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
    for (;;) {
        int r = poll(p, 2, -1);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (p[1].revents) {
            uint64_t v;
            (void) read(wake_fd, &v, sizeof v);
            return 0;
        }
        if (p[0].revents) {
            break;
        }
    }
    jlong used = 0;
    while (cap - used >= FRAME_HEADER + MAX_DATAGRAM) {
        struct sockaddr_nl from;
        struct iovec iov = {.iov_base = base + used + FRAME_HEADER, .iov_len = MAX_DATAGRAM};
        struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
        ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            }
            if (errno == ENOBUFS) {
                /* the kernel reports an overflow once: a zero-length frame tells the Java side, after
                   the datagrams received before it */
                uint32_t zero = 0;
                memcpy(base + used, &zero, sizeof zero);
                used += FRAME_HEADER;
                break;
            }
            if (used > 0) {
                break; /* a lasting error shows up again on the next call */
            }
            return -errno;
        }
        if ((msg.msg_flags & MSG_TRUNC) || from.nl_pid != 0 || n == 0) {
            continue; /* not whole, or not from the kernel */
        }
        uint32_t len = (uint32_t) n;
        memcpy(base + used, &len, sizeof len);
        used += FRAME_HEADER + ((n + 3) & ~3);
    }
    return (jint) used;
}

/* Returns a non-blocking eventfd for wake(), or -errno. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_enrich_NetlinkSocket_wakeFd(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return fd < 0 ? -errno : fd;
}

/* Makes a receive() waiting on wake_fd return 0. Returns 0 or -errno. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_enrich_NetlinkSocket_wake(JNIEnv *env, jclass cls, jint wake_fd) {
    (void) env;
    (void) cls;
    uint64_t one = 1;
    return write(wake_fd, &one, sizeof one) == sizeof one ? 0 : -errno;
}

/* Closes an fd. Returns 0 or -errno. */
JNIEXPORT jint JNICALL Java_dev_stationd_daemon_enrich_NetlinkSocket_close(JNIEnv *env, jclass cls, jint fd) {
    (void) env;
    (void) cls;
    return close(fd) == 0 ? 0 : -errno;
}
