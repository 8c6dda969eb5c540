/*
 * epoll_server: the limit of this machine for the stationd command protocol in C.
 * Edge-triggered epoll, non-blocking sockets, persistent connections, pipelining (any number
 * of 64-byte commands per read, replies in order), replies sent with writev() straight from
 * one pre-encoded table buffer (no per-request copy or allocation), partial writes resumed on
 * EPOLLOUT. Answers STA_LIST with the whole table and PING with "ACK\0"; any other command
 * gets a bare E_CMD, a bad magic gets E_MAGIC and the connection is closed.
 *
 * With -i it is also the ingest baseline: a SOCK_DGRAM socket read with recvmmsg() in the same
 * loop, each valid UPSERT sta_event copied into its station's slot of the pre-encoded table
 * (bench MACs map to slots directly; any other MAC is remembered as "the marker" so that STA_GET
 * can answer whether it arrived). SIGTERM prints "events=N" (datagrams applied) on stderr.
 *
 * With -z a STA_LIST reply is sent with sendfile() from a sealed memory file holding the table
 * instead of writev() from the buffer: the kernel then hands the socket references to the file's
 * pages rather than copying the table, as stationd does for tables of 4 KiB to 1 MiB. The same
 * server with and without -z shows what that is worth on its own.
 *
 * usage: epoll_server [-t THREADS] [-i INGEST_PATH | -z] SOCKET_PATH NUM_STATIONS
 *   -t THREADS  event loop threads, each with its own epoll set sharing the listening socket
 *               through EPOLLEXCLUSIVE (default 1)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include "bench_common.h"

#define READ_BUF 16384
#define MAX_FRAMES (READ_BUF / (int)sizeof(cloud_cmd_attr))
#define MAX_EVENTS 256

static char *table_reply;
static size_t table_len;
static const char ack_reply[4] = {'A', 'C', 'K', '\0'};
static int32_t e_cmd_reply = STATIOND_E_CMD;
static int32_t e_magic_reply = STATIOND_E_MAGIC;
static int listen_fd;
static int ingest_fd = -1;
static int table_file = -1; /* -z: the table in a sealed memory file */
static uint32_t num_stations;
static volatile uint64_t events_applied;
static uint8_t marker_mac[6];
static int marker_seen;
static char marker_reply[sizeof(int32_t) + sizeof(sta_list_attr)];
static const int32_t zero_reply = 0;
#define INGEST_BATCH 64

static void ingest_ready(void)
{
    static sta_event bufs[INGEST_BATCH];
    static struct iovec iov[INGEST_BATCH];
    static struct mmsghdr msgs[INGEST_BATCH];
    for (;;) {
        for (int i = 0; i < INGEST_BATCH; i++) {
            iov[i].iov_base = &bufs[i];
            iov[i].iov_len = sizeof(sta_event);
            memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int n = recvmmsg(ingest_fd, msgs, INGEST_BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) {
            return; /* EAGAIN: drained (edge-triggered) */
        }
        for (int i = 0; i < n; i++) {
            const sta_event *e = &bufs[i];
            if (msgs[i].msg_len != sizeof(sta_event) || e->magic != STATIOND_EVENT_MAGIC
                || e->version != STATIOND_PROTOCOL_VERSION || e->type != STATIOND_EVENT_UPSERT) {
                continue;
            }
            const uint8_t *m = e->sta.mac;
            uint32_t v = ((uint32_t)m[2] << 24) | ((uint32_t)m[3] << 16) | ((uint32_t)m[4] << 8) | m[5];
            if (m[0] == 0x02 && m[1] == 0 && v >= 1 && v <= num_stations) {
                memcpy(table_reply + sizeof(int32_t) + (size_t)(v - 1) * sizeof(sta_list_attr), &e->sta, sizeof(sta_list_attr));
            } else {
                memcpy(marker_mac, m, 6);
                int32_t one = 1;
                memcpy(marker_reply, &one, sizeof(one));
                memcpy(marker_reply + sizeof(int32_t), &e->sta, sizeof(sta_list_attr));
                marker_seen = 1;
            }
            events_applied++;
        }
    }
}

static void on_term(int sig)
{
    (void)sig;
    dprintf(2, "events=%llu\n", (unsigned long long)events_applied);
    _exit(0);
}

struct conn {
    int fd;
    int carry;                    /* bytes of a partial command kept in in[] */
    int close_after_flush;
    int head;                     /* first pending reply */
    int count;                    /* pending replies */
    size_t head_off;              /* bytes of out[head] already written */
    struct iovec out[MAX_FRAMES]; /* pending replies, in order (each points into a static buffer) */
    char in[READ_BUF];
};

static void conn_close(int ep, struct conn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
}

static void push(struct conn *c, const void *p, size_t len)
{
    int idx = (c->head + c->count) % MAX_FRAMES;
    c->out[idx].iov_base = (void *)p;
    c->out[idx].iov_len = len;
    c->count++;
}

/* Writes pending replies; returns 0 when all written, 1 when the socket is full, -1 on error. */
static int flush(struct conn *c)
{
    while (c->count > 0) {
        ssize_t w;
        if (table_file >= 0 && c->out[c->head].iov_base == table_reply) {
            off_t off = (off_t)c->head_off; /* -z: the rest of the table at the head, from its file */
            w = sendfile(c->fd, table_file, &off, table_len - c->head_off);
        } else {
            struct iovec iov[MAX_FRAMES];
            int n = 0;
            for (int i = 0; i < c->count && n < IOV_MAX && n < MAX_FRAMES; i++, n++) {
                iov[n] = c->out[(c->head + i) % MAX_FRAMES];
                if (table_file >= 0 && i > 0 && iov[n].iov_base == table_reply) {
                    break; /* sent from its file once what is before it is out */
                }
            }
            iov[0].iov_base = (char *)iov[0].iov_base + c->head_off;
            iov[0].iov_len -= c->head_off;
            w = writev(c->fd, iov, n);
        }
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return 1;
            }
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        size_t left = (size_t)w;
        while (left > 0 && c->count > 0) {
            size_t rem = c->out[c->head].iov_len - c->head_off;
            if (left >= rem) {
                left -= rem;
                c->head = (c->head + 1) % MAX_FRAMES;
                c->count--;
                c->head_off = 0;
            } else {
                c->head_off += left;
                left = 0;
            }
        }
    }
    return 0;
}

static void handle(int ep, struct conn *c)
{
    for (;;) {
        int f = flush(c);
        if (f < 0) {
            conn_close(ep, c);
            return;
        }
        if (f > 0) {
            return; /* wait for EPOLLOUT (edge-triggered, registered from the start) */
        }
        if (c->close_after_flush) {
            conn_close(ep, c);
            return;
        }
        ssize_t r = read(c->fd, c->in + c->carry, sizeof(c->in) - (size_t)c->carry);
        if (r == 0) {
            conn_close(ep, c);
            return;
        }
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return;
            }
            if (errno == EINTR) {
                continue;
            }
            conn_close(ep, c);
            return;
        }
        int total = c->carry + (int)r;
        int off = 0;
        while (total - off >= (int)sizeof(cloud_cmd_attr)) {
            const cloud_cmd_attr *cmd = (const cloud_cmd_attr *)(const void *)(c->in + off);
            off += (int)sizeof(cloud_cmd_attr);
            if (cmd->magic != STATIOND_CMD_MAGIC) {
                push(c, &e_magic_reply, sizeof(e_magic_reply));
                c->close_after_flush = 1;
                break;
            }
            if (cmd->cmd == STATIOND_CMD_STA_LIST) {
                push(c, table_reply, table_len);
            } else if (cmd->cmd == STATIOND_CMD_STA_GET) {
                if (marker_seen && memcmp(cmd->mac, marker_mac, 6) == 0) {
                    push(c, marker_reply, sizeof(marker_reply));
                } else {
                    push(c, &zero_reply, sizeof(zero_reply));
                }
            } else if (cmd->cmd == STATIOND_CMD_PING) {
                push(c, ack_reply, sizeof(ack_reply));
            } else {
                push(c, &e_cmd_reply, sizeof(e_cmd_reply));
            }
        }
        c->carry = total - off;
        if (c->carry > 0 && off > 0) {
            memmove(c->in, c->in + off, (size_t)c->carry);
        }
    }
}

static void *loop(void *arg)
{
    (void)arg;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        perror("epoll_create1");
        exit(1);
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = NULL};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev) < 0) {
        perror("epoll_ctl listen");
        exit(1);
    }
    if (ingest_fd >= 0 && arg == NULL) { /* the ingest socket belongs to the first loop */
        struct epoll_event iev = {.events = EPOLLIN | EPOLLET, .data.ptr = &ingest_fd};
        epoll_ctl(ep, EPOLL_CTL_ADD, ingest_fd, &iev);
        ingest_ready();
    }
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("epoll_wait");
            exit(1);
        }
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == &ingest_fd) {
                ingest_ready();
            } else if (events[i].data.ptr == NULL) {
                for (;;) {
                    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) {
                        break; /* EAGAIN: another thread took it, or the backlog is empty */
                    }
                    struct conn *c = calloc(1, sizeof(*c));
                    if (c == NULL) {
                        close(fd);
                        continue;
                    }
                    c->fd = fd;
                    struct epoll_event cev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev) < 0) {
                        close(fd);
                        free(c);
                        continue;
                    }
                    handle(ep, c); /* data may already be there */
                }
            } else {
                handle(ep, (struct conn *)events[i].data.ptr);
            }
        }
    }
    return NULL;
}

static int usage(const char *me)
{
    fprintf(stderr, "usage: %s [-t THREADS] [-i INGEST_PATH | -z] SOCKET_PATH NUM_STATIONS\n", me);
    return 64;
}

int main(int argc, char **argv)
{
    int threads = 1;
    const char *ingest_path = NULL;
    int opt;
    int zero_copy = 0;
    while ((opt = getopt(argc, argv, "t:i:z")) != -1) {
        if (opt == 't') {
            threads = atoi(optarg);
        } else if (opt == 'i') {
            ingest_path = optarg;
        } else if (opt == 'z') {
            zero_copy = 1;
        } else {
            return usage(argv[0]);
        }
    }
    if (argc - optind != 2 || threads < 1 || (zero_copy && ingest_path != NULL)) { /* ingest changes the table */
        return usage(argv[0]);
    }
    signal(SIGPIPE, SIG_IGN);
    num_stations = (uint32_t)atoi(argv[optind + 1]);
    table_reply = bench_table_reply(num_stations, &table_len);
    signal(SIGTERM, on_term);
    if (zero_copy) {
        table_file = memfd_create("epoll-table", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (table_file < 0 || write(table_file, table_reply, table_len) != (ssize_t)table_len
            || fcntl(table_file, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
            perror("table memory file");
            return 1;
        }
    }
    if (ingest_path != NULL) {
        struct sockaddr_un ia;
        memset(&ia, 0, sizeof(ia));
        ia.sun_family = AF_UNIX;
        strncpy(ia.sun_path, ingest_path, sizeof(ia.sun_path) - 1);
        unlink(ingest_path);
        ingest_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (ingest_fd < 0 || bind(ingest_fd, (struct sockaddr *)&ia, sizeof(ia)) < 0) {
            perror("ingest socket");
            return 1;
        }
    }

    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    strncpy(a.sun_path, argv[optind], sizeof(a.sun_path) - 1);
    unlink(argv[optind]);
    listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(listen_fd, 4096) < 0) {
        perror("socket/bind/listen");
        return 1;
    }
    pthread_t tids[64];
    if (threads > 64) {
        threads = 64;
    }
    for (int i = 1; i < threads; i++) {
        pthread_create(&tids[i], NULL, loop, (void *)1);
    }
    loop(NULL);
    return 0;
}
