/*
 * Socket helpers of the benchmark tools: connecting to the daemon's Unix sockets, whole writes,
 * and the cloud_cmd_attr request.
 */
#ifndef BENCH_NET_H
#define BENCH_NET_H

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "stationd/protocol.h"

/* A socket of TYPE connected to PATH (stream sockets get send/receive timeouts), or -1. */
static inline int bench_connect(const char *path, int type, int timeout_ms)
{
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    strncpy(a.sun_path, path, sizeof(a.sun_path) - 1);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return -1;
    }
    if (type == SOCK_STREAM && timeout_ms > 0) {
        struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    }
    return fd;
}

static inline int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Reads exactly LEN bytes; 0 on success, -1 on EOF, error or timeout. */
static inline int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t r = read(fd, p, len);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return -1;
        }
        p += r;
        len -= (size_t)r;
    }
    return 0;
}

static inline void make_cmd(cloud_cmd_attr *c, uint16_t cmd, uint32_t seq)
{
    memset(c, 0, sizeof(*c));
    c->magic = STATIOND_CMD_MAGIC;
    c->version = STATIOND_PROTOCOL_VERSION;
    c->cmd = cmd;
    c->seq = seq;
}

#endif
