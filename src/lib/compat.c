/*
 * do_filter_notify(): the seed article's one-shot client, kept call- and
 * result-compatible (docs/protocol.md: "Origin", "seed-style client").
 *
 * Same steps as the seed: socket, SO_SNDTIMEO, connect, one write of the
 * command, wait CLI_TIME_OUT seconds for readability, one read into buf (or a
 * 128-byte recv_buf), strcasecmp(recv_buf, "ack"), close. Differences, all
 * invisible to a correct caller:
 *  - poll() instead of select() (no FD_SETSIZE overflow), EINTR retried;
 *  - send(MSG_NOSIGNAL): a vanished daemon is CT_RET_FD_WRITE_ERR, not SIGPIPE;
 *  - ack mode returns CT_RET_PEER_NAK for a NAK or error code (the seed fell
 *    through with 0 = success) and never reads an unterminated recv_buf;
 *  - table mode: if the first read returned only part of a table that fits in
 *    buf, the rest is read within the same deadline (a large table may not
 *    arrive in one read());
 *  - no printf noise on stdout; the socket path honours $STATIOND_SOCKET.
 */
#include "stationd/compat.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* >0 readable, 0 timeout, -1 error */
static int wait_readable(int fd, long long deadline)
{
    for (;;) {
        long long rem = deadline - mono_ms();
        if (rem < 0) {
            rem = 0;
        }
        struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };
        int r = poll(&p, 1, (int)rem);
        if (r >= 0) {
            return r;
        }
        if (errno != EINTR) {
            return -1;
        }
    }
}

static ssize_t read_retry(int fd, void *buf, size_t len)
{
    ssize_t n;
    do {
        n = recv(fd, buf, len, 0);
    } while (n < 0 && errno == EINTR);
    return n;
}

int do_filter_notify(cloud_cmd_attr *attr, char *buf, int buf_len)
{
    int ret = CT_RET_SUCCESS;
    int client_fd;
    char recv_buf[128] = { 0 };
    struct sockaddr_un srv_addr;
    struct timeval t;
    const char *path = getenv("STATIOND_SOCKET");

    if (path == NULL || path[0] == '\0') {
        path = UNIX_DOMAIN_CLOUD;
    }
    if (attr == NULL) {
        return CT_RET_FD_WRITE_ERR;
    }
    if (buf != NULL && buf_len <= 0) {
        return CT_RET_FD_READ_ERR;
    }

    memset(&srv_addr, 0, sizeof(srv_addr));
    srv_addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(srv_addr.sun_path)) {
        errno = ENAMETOOLONG;
        return CT_RET_SYS_SOCK_CONNECT_ERR;
    }
    memcpy(srv_addr.sun_path, path, strlen(path));

    client_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (client_fd < 0) {
        return CT_RET_SYS_SOCK_CREATE_ERR;
    }

    t.tv_sec = UNIX_SOCK_CONNECT_TIMEO;
    t.tv_usec = 0;
    (void)setsockopt(client_fd, SOL_SOCKET, SO_SNDTIMEO, &t, sizeof(t));

    if (connect(client_fd, (struct sockaddr *)&srv_addr, sizeof(srv_addr)) == -1) {
        int err = errno;
        close(client_fd);
        errno = err;
        return CT_RET_SYS_SOCK_CONNECT_ERR;
    }

    cloud_cmd_attr cmd = *attr;
    if (cmd.magic == 0 && cmd.version == 0) { /* a seed-era caller */
        cmd.magic = STATIOND_CMD_MAGIC;
        cmd.version = STATIOND_PROTOCOL_VERSION;
    }
    ssize_t write_num;
    do {
        write_num = send(client_fd, &cmd, sizeof(cmd), MSG_NOSIGNAL);
    } while (write_num < 0 && errno == EINTR);
    if (write_num != (ssize_t)sizeof(cmd)) {
        ret = CT_RET_FD_WRITE_ERR;
        goto close_fd;
    }

    long long deadline = mono_ms() + CLI_TIME_OUT * 1000LL;
    int nfds = wait_readable(client_fd, deadline);
    if (nfds < 0) {
        ret = CT_RET_SYS_SOCK_SELECT_ERR;
        goto close_fd;
    }
    if (nfds == 0) {
        ret = CT_RET_SOCK_SELECT_TIMEOUT;
        goto close_fd;
    }

    if (buf == NULL) {
        ssize_t num = read_retry(client_fd, recv_buf, sizeof(recv_buf) - 1);
        if (num <= 0) {
            ret = CT_RET_FD_READ_ERR;
        } else if (strcasecmp(recv_buf, "ack") == 0) {
            ret = CT_RET_SUCCESS;
        } else {
            ret = CT_RET_PEER_NAK;
        }
        goto close_fd;
    }

    ssize_t num = read_retry(client_fd, buf, (size_t)buf_len);
    if (num <= 0) {
        ret = CT_RET_FD_READ_ERR;
        goto close_fd;
    }
    /* complete a table that arrived in pieces, as far as it fits */
    size_t have = (size_t)num;
    if (have >= sizeof(int32_t)) {
        int32_t count;
        memcpy(&count, buf, sizeof(count));
        size_t want = sizeof(int32_t);
        if (count > 0) {
            want += (size_t)count * sizeof(sta_list_attr);
        }
        if (want > (size_t)buf_len) {
            want = (size_t)buf_len;
        }
        while (have < want && wait_readable(client_fd, deadline) > 0) {
            ssize_t more = read_retry(client_fd, buf + have, want - have);
            if (more <= 0) {
                break;
            }
            have += (size_t)more;
        }
    }
    ret = CT_RET_SUCCESS;

close_fd:
    close(client_fd);
    return ret;
}
