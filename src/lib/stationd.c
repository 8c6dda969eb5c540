/*
 * libstationd: client for the stationd command socket (protocol.md, version 1).
 *
 * The socket is non-blocking; every wait is a poll() bounded by the call's
 * deadline. A reply is always consumed whole or the connection is dropped, so
 * the request/reply stream never goes out of sync.
 */
#include "stationd/stationd.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SUN_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path))
/* stationd_*_alloc refuses (STATIOND_ERR_NOMEM) replies larger than this. */
#define MAX_ALLOC_RECORDS ((size_t)1 << 22)

struct stationd {
    int fd;
    int timeout_ms;
    int subscribed;
    int used;       /* the connection has carried a complete exchange */
    uint32_t seq;
    size_t ev_have;
    unsigned char ev_buf[sizeof(sta_event)];
    char path[SUN_PATH_MAX];
};

/* ------------------------------------------------------------------ time */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* deadline < 0 = none */
static int64_t deadline_in(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

/* ms left for poll(): -1 = forever, 0 = expired */
static int remaining(int64_t deadline)
{
    if (deadline < 0) {
        return -1;
    }
    int64_t r = deadline - now_ms();
    if (r <= 0) {
        return 0;
    }
    return r > INT_MAX ? INT_MAX : (int)r;
}

/* Waits for events on fd: 0 ready, STATIOND_ERR_TIMEOUT, STATIOND_ERR_IO. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int rem = remaining(deadline);
        if (rem == 0) {
            return STATIOND_ERR_TIMEOUT;
        }
        struct pollfd p = { .fd = fd, .events = events, .revents = 0 };
        int r = poll(&p, 1, rem);
        if (r > 0) {
            return 0; /* readable, writable, HUP or ERR: the next call tells which */
        }
        if (r == 0) {
            return STATIOND_ERR_TIMEOUT;
        }
        if (errno != EINTR) {
            return STATIOND_ERR_IO;
        }
    }
}

/* --------------------------------------------------------------- connect */

static const char *default_path(void)
{
    const char *env = getenv("STATIOND_SOCKET");
    return env != NULL && env[0] != '\0' ? env : STATIOND_DEFAULT_SOCKET;
}

/* Returns a connected non-blocking fd, or -1 with errno set. */
static int connect_unix(const char *path, int64_t deadline)
{
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof(addr.sun_path)) {
        errno = len == 0 ? EINVAL : ENAMETOOLONG;
        return -1;
    }
    memcpy(addr.sun_path, path, len);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    for (;;) {
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 || errno == EISCONN) {
            return fd;
        }
        int err = errno;
        if (err == EINTR) {
            continue;
        }
        if (err == EAGAIN) { /* listen backlog full: try again until the deadline */
            int rem = remaining(deadline);
            if (rem == 0) {
                err = ETIMEDOUT;
            } else {
                poll(NULL, 0, rem < 0 || rem > 10 ? 10 : rem);
                continue;
            }
        } else if (err == EINPROGRESS || err == EALREADY) {
            int w = wait_fd(fd, POLLOUT, deadline);
            if (w == 0) {
                int soerr = 0;
                socklen_t sl = sizeof(soerr);
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0) {
                    return fd;
                }
                err = soerr != 0 ? soerr : errno;
            } else {
                err = w == STATIOND_ERR_TIMEOUT ? ETIMEDOUT : errno;
            }
        }
        close(fd);
        errno = err;
        return -1;
    }
}

static void drop(stationd *h)
{
    if (h->fd >= 0) {
        close(h->fd);
        h->fd = -1;
    }
    h->used = 0;
    h->ev_have = 0;
}

stationd *stationd_open(const char *path, int timeout_ms)
{
    if (path == NULL || path[0] == '\0') {
        path = default_path();
    }
    if (strlen(path) >= SUN_PATH_MAX) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    stationd *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    strcpy(h->path, path);
    h->timeout_ms = timeout_ms > 0 ? timeout_ms : STATIOND_DEFAULT_TIMEOUT_MS;
    h->fd = connect_unix(h->path, deadline_in(h->timeout_ms));
    if (h->fd < 0) {
        int err = errno;
        free(h);
        errno = err;
        return NULL;
    }
    return h;
}

void stationd_close(stationd *h)
{
    if (h != NULL) {
        drop(h);
        free(h);
    }
}

void stationd_set_timeout(stationd *h, int timeout_ms)
{
    if (h != NULL) {
        h->timeout_ms = timeout_ms > 0 ? timeout_ms : STATIOND_DEFAULT_TIMEOUT_MS;
    }
}

int stationd_fd(const stationd *h)
{
    return h != NULL ? h->fd : -1;
}

const char *stationd_path(const stationd *h)
{
    return h != NULL ? h->path : NULL;
}

/* ------------------------------------------------------------------ I/O */

/* 0, STATIOND_ERR_CLOSED (peer gone: EPIPE/ECONNRESET), _TIMEOUT or _IO. */
static int write_all(int fd, const void *buf, size_t len, int64_t deadline)
{
    const unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int w = wait_fd(fd, POLLOUT, deadline);
            if (w != 0) {
                return w;
            }
            continue;
        }
        return n < 0 && (errno == EPIPE || errno == ECONNRESET) ? STATIOND_ERR_CLOSED : STATIOND_ERR_IO;
    }
    return 0;
}

/* One reply being read: got counts its bytes so EOF can be told apart. */
typedef struct reader {
    int fd;
    int64_t deadline;
    size_t got;
    int keep;   /* set by a reply parser when the whole reply was consumed */
} reader;

static int rd_exact(reader *r, void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = recv(r->fd, p, len, 0);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            r->got += (size_t)n;
            continue;
        }
        if (n == 0) {
            return r->got == 0 ? STATIOND_ERR_CLOSED : STATIOND_ERR_SHORT;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int w = wait_fd(r->fd, POLLIN, r->deadline);
            if (w != 0) {
                return w;
            }
            continue;
        }
        if (errno == ECONNRESET) {
            return r->got == 0 ? STATIOND_ERR_CLOSED : STATIOND_ERR_SHORT;
        }
        return STATIOND_ERR_IO;
    }
    return 0;
}

static int rd_skip(reader *r, uint64_t len)
{
    unsigned char sink[4096];
    while (len > 0) {
        size_t chunk = len > sizeof(sink) ? sizeof(sink) : (size_t)len;
        int rc = rd_exact(r, sink, chunk);
        if (rc != 0) {
            return rc;
        }
        len -= chunk;
    }
    return 0;
}

static int is_protocol_code(int32_t c)
{
    return c <= STATIOND_E_MAGIC && c >= STATIOND_E_BUSY;
}

/* A protocol error code from the daemon; E_MAGIC and E_BUSY close the connection. */
static int daemon_error(reader *r, int32_t code)
{
    if (!is_protocol_code(code)) {
        r->keep = 0;
        return STATIOND_ERR_PROTO;
    }
    r->keep = code != STATIOND_E_MAGIC && code != STATIOND_E_BUSY;
    return code;
}

/* ---------------------------------------------------------- reply parsers */

typedef struct reply {
    int table;                /* 0 = ack reply */
    size_t rec_size;          /* table: sizeof one record (sta_list_attr, filter_attr) */
    void *out;                /* table: caller's buffer of cap records */
    size_t cap;
    size_t *n;
    void **alloc;             /* table: allocate exactly (cap ignored) */
    size_t max_records;       /* table: more than this is malformed (STA_GET: 1), 0 = no bound */
} reply;

static int read_ack(reader *r)
{
    unsigned char b[4];
    int rc = rd_exact(r, b, sizeof(b));
    if (rc != 0) {
        return rc;
    }
    if (memcmp(b, STATIOND_ACK, STATIOND_ACK_LEN) == 0) {
        r->keep = 1;
        return 0;
    }
    int32_t code;
    if (memcmp(b, STATIOND_NAK, STATIOND_ACK_LEN) == 0) {
        rc = rd_exact(r, &code, sizeof(code));
        if (rc != 0) {
            return rc == STATIOND_ERR_CLOSED ? STATIOND_ERR_SHORT : rc;
        }
        return daemon_error(r, code);
    }
    memcpy(&code, b, sizeof(code)); /* bare negative code (E_MAGIC, E_VERSION, E_CMD) */
    return daemon_error(r, code);
}

static int read_table(reader *r, const reply *rep)
{
    int32_t num;
    int rc = rd_exact(r, &num, sizeof(num));
    if (rc != 0) {
        return rc;
    }
    if (num < 0) {
        return daemon_error(r, num);
    }
    size_t total = (size_t)num;
    size_t store;
    void *dst;
    if (rep->alloc != NULL) {
        *rep->alloc = NULL;
        dst = NULL;
        if (total > 0 && total <= MAX_ALLOC_RECORDS) {
            dst = malloc(total * rep->rec_size);
        }
        store = dst != NULL ? total : 0;
    } else {
        dst = rep->out;
        store = total < rep->cap ? total : rep->cap;
    }
    if (store > 0) {
        rc = rd_exact(r, dst, store * rep->rec_size);
        if (rc != 0) {
            if (rep->alloc != NULL) {
                free(dst);
            }
            return rc == STATIOND_ERR_CLOSED ? STATIOND_ERR_SHORT : rc;
        }
    }
    if (store < total) {
        rc = rd_skip(r, (uint64_t)(total - store) * rep->rec_size);
        if (rc != 0) {
            return rc == STATIOND_ERR_CLOSED ? STATIOND_ERR_SHORT : rc;
        }
    }
    r->keep = 1;
    *rep->n = total;
    if (rep->max_records != 0 && total > rep->max_records) { /* only without alloc */
        *rep->n = 0;
        return STATIOND_ERR_PROTO;
    }
    if (rep->alloc != NULL) {
        if (store < total) {
            *rep->n = 0;
            return STATIOND_ERR_NOMEM;
        }
        *rep->alloc = dst;
        return 0;
    }
    return store < total ? STATIOND_ERR_TOO_SMALL : 0;
}

/*
 * Sends cmd and reads its reply. A connection that was already in use and turns
 * out to be closed by the daemon (idle timeout) before any reply byte is
 * replaced once and the request resent.
 */
static int transact(stationd *h, cloud_cmd_attr *cmd, const reply *rep)
{
    if (h == NULL) {
        return STATIOND_ERR_INVAL;
    }
    if (h->subscribed) {
        return STATIOND_ERR_INVAL;
    }
    if (rep->n != NULL) {
        *rep->n = 0;
    }
    int64_t deadline = deadline_in(h->timeout_ms);
    for (int attempt = 0;; attempt++) {
        int reused = h->fd >= 0 && h->used;
        if (h->fd < 0) {
            h->fd = connect_unix(h->path, deadline);
            if (h->fd < 0) {
                return errno == ETIMEDOUT ? STATIOND_ERR_TIMEOUT : STATIOND_ERR_IO;
            }
        }
        cmd->seq = ++h->seq;
        reader r = { .fd = h->fd, .deadline = deadline, .got = 0, .keep = 0 };
        int rc = write_all(h->fd, cmd, sizeof(*cmd), deadline);
        if (rc == 0) {
            rc = rep->table ? read_table(&r, rep) : read_ack(&r);
        }
        if (rc == STATIOND_ERR_CLOSED && reused && attempt == 0) {
            drop(h);
            continue;
        }
        if (r.keep) {
            h->used = 1;
        } else {
            int err = errno;
            drop(h);
            errno = err;
        }
        return rc;
    }
}

static void init_cmd(cloud_cmd_attr *c, uint16_t cmd)
{
    memset(c, 0, sizeof(*c));
    c->magic = STATIOND_CMD_MAGIC;
    c->version = STATIOND_PROTOCOL_VERSION;
    c->cmd = cmd;
}

static int fill_query(cloud_cmd_attr *c, uint16_t cmd, const stationd_query *q)
{
    init_cmd(c, cmd);
    if (q == NULL) {
        return 0;
    }
    c->group_id = q->group_id;
    c->flags = q->flags;
    c->offset = q->offset;
    c->max_entries = q->max_entries;
    if (q->ifname != NULL) {
        size_t len = strlen(q->ifname);
        if (len >= sizeof(c->ifname)) {
            return STATIOND_ERR_INVAL;
        }
        memcpy(c->ifname, q->ifname, len);
    }
    return 0;
}

static int is_zero_mac(const uint8_t mac[6])
{
    static const uint8_t zero[6];
    return memcmp(mac, zero, 6) == 0;
}

/* A table request into out[0..cap) of rec_size-byte records. */
static int table_into(stationd *h, cloud_cmd_attr *c, size_t rec_size, void *out, size_t cap, size_t *n)
{
    if (n == NULL || (out == NULL && cap > 0)) {
        return STATIOND_ERR_INVAL;
    }
    *n = 0;
    reply rep = { .table = 1, .rec_size = rec_size, .out = out, .cap = cap, .n = n };
    return transact(h, c, &rep);
}

/* A table request into a malloc()ed array sized to the reply (*out = NULL when empty). */
static int table_alloc(stationd *h, cloud_cmd_attr *c, size_t rec_size, void **out, size_t *n)
{
    if (n == NULL || out == NULL) {
        return STATIOND_ERR_INVAL;
    }
    *out = NULL;
    *n = 0;
    reply rep = { .table = 1, .rec_size = rec_size, .alloc = out, .n = n };
    return transact(h, c, &rep);
}

/* ------------------------------------------------------------ public API */

int stationd_ping(stationd *h)
{
    cloud_cmd_attr c;
    init_cmd(&c, STATIOND_CMD_PING);
    reply rep = { 0 };
    return transact(h, &c, &rep);
}

int stationd_list(stationd *h, const stationd_query *q, sta_list_attr *out, size_t cap, size_t *n)
{
    cloud_cmd_attr c;
    if (n != NULL) {
        *n = 0;
    }
    if (fill_query(&c, STATIOND_CMD_STA_LIST, q) != 0) {
        return STATIOND_ERR_INVAL;
    }
    return table_into(h, &c, sizeof(*out), out, cap, n);
}

int stationd_list_alloc(stationd *h, const stationd_query *q, sta_list_attr **out, size_t *n)
{
    if (out == NULL || n == NULL) {
        return STATIOND_ERR_INVAL;
    }
    *out = NULL;
    *n = 0;
    cloud_cmd_attr c;
    if (fill_query(&c, STATIOND_CMD_STA_LIST, q) != 0) {
        return STATIOND_ERR_INVAL;
    }
    void *p = NULL;
    int rc = table_alloc(h, &c, sizeof(**out), &p, n);
    *out = p;
    return rc;
}

int stationd_get(stationd *h, const uint8_t mac[6], sta_list_attr *out, int *found)
{
    if (mac == NULL || out == NULL || found == NULL) {
        return STATIOND_ERR_INVAL;
    }
    *found = 0;
    if (is_zero_mac(mac)) {
        return STATIOND_ERR_INVAL;
    }
    cloud_cmd_attr c;
    init_cmd(&c, STATIOND_CMD_STA_GET);
    memcpy(c.mac, mac, 6);
    size_t n = 0;
    reply rep = { .table = 1, .rec_size = sizeof(*out), .out = out, .cap = 1, .n = &n, .max_records = 1 };
    int rc = transact(h, &c, &rep);
    if (rc == 0) {
        *found = n == 1;
    }
    return rc;
}

static int filter_cmd(stationd *h, uint16_t cmd, uint32_t group, const uint8_t mac[6], uint32_t lifetime_s)
{
    cloud_cmd_attr c;
    init_cmd(&c, cmd);
    c.group_id = group;
    c.lifetime_s = lifetime_s;
    if (mac != NULL) {
        if (is_zero_mac(mac)) {
            return STATIOND_ERR_INVAL;
        }
        memcpy(c.mac, mac, 6);
    }
    reply rep = { 0 };
    return transact(h, &c, &rep);
}

int stationd_filter_add(stationd *h, uint32_t group, const uint8_t mac[6])
{
    return mac == NULL ? STATIOND_ERR_INVAL : filter_cmd(h, STATIOND_CMD_FILTER_ADD, group, mac, 0);
}

int stationd_filter_add_timed(stationd *h, uint32_t group, const uint8_t mac[6], uint32_t lifetime_s)
{
    return mac == NULL ? STATIOND_ERR_INVAL : filter_cmd(h, STATIOND_CMD_FILTER_ADD, group, mac, lifetime_s);
}

int stationd_filter_del(stationd *h, uint32_t group, const uint8_t mac[6])
{
    return mac == NULL ? STATIOND_ERR_INVAL : filter_cmd(h, STATIOND_CMD_FILTER_DEL, group, mac, 0);
}

int stationd_filter_flush(stationd *h, uint32_t group)
{
    return filter_cmd(h, STATIOND_CMD_FILTER_FLUSH, group, NULL, 0);
}

int stationd_filter_list(stationd *h, sta_list_attr *out, size_t cap, size_t *n)
{
    cloud_cmd_attr c;
    init_cmd(&c, STATIOND_CMD_FILTER_LIST);
    return table_into(h, &c, sizeof(*out), out, cap, n);
}

int stationd_filter_list_alloc(stationd *h, sta_list_attr **out, size_t *n)
{
    if (out == NULL || n == NULL) {
        return STATIOND_ERR_INVAL;
    }
    cloud_cmd_attr c;
    init_cmd(&c, STATIOND_CMD_FILTER_LIST);
    void *p = NULL;
    int rc = table_alloc(h, &c, sizeof(**out), &p, n);
    *out = p;
    return rc;
}

/* FILTER_DUMP selects by group and pages; the station selectors of stationd_query do not apply. */
static int fill_dump(cloud_cmd_attr *c, const stationd_query *q)
{
    if (q != NULL && (q->flags != 0 || (q->ifname != NULL && q->ifname[0] != '\0'))) {
        return STATIOND_ERR_INVAL;
    }
    return fill_query(c, STATIOND_CMD_FILTER_DUMP, q);
}

int stationd_filter_dump(stationd *h, const stationd_query *q, filter_attr *out, size_t cap, size_t *n)
{
    cloud_cmd_attr c;
    if (n != NULL) {
        *n = 0;
    }
    if (fill_dump(&c, q) != 0) {
        return STATIOND_ERR_INVAL;
    }
    return table_into(h, &c, sizeof(*out), out, cap, n);
}

int stationd_filter_dump_alloc(stationd *h, const stationd_query *q, filter_attr **out, size_t *n)
{
    cloud_cmd_attr c;
    if (out == NULL || n == NULL) {
        return STATIOND_ERR_INVAL;
    }
    *out = NULL;
    *n = 0;
    if (fill_dump(&c, q) != 0) {
        return STATIOND_ERR_INVAL;
    }
    void *p = NULL;
    int rc = table_alloc(h, &c, sizeof(**out), &p, n);
    *out = p;
    return rc;
}

int stationd_kick(stationd *h, const uint8_t mac[6], uint32_t group, const char *ifname, uint32_t ban_s)
{
    cloud_cmd_attr c;
    init_cmd(&c, STATIOND_CMD_STA_KICK);
    size_t len = ifname == NULL ? 0 : strlen(ifname);
    if (len >= sizeof(c.ifname)) {
        return STATIOND_ERR_INVAL;
    }
    int one = mac != NULL && !is_zero_mac(mac);
    if (one ? (group != 0 || len != 0) : (group == 0 && len == 0)) {
        return STATIOND_ERR_INVAL; /* one station, or a group / interface: not both, not neither */
    }
    if (one) {
        memcpy(c.mac, mac, 6);
    }
    c.group_id = group;
    memcpy(c.ifname, ifname == NULL ? "" : ifname, len);
    c.lifetime_s = ban_s;
    reply rep = { 0 };
    return transact(h, &c, &rep);
}

int stationd_subscribe(stationd *h)
{
    cloud_cmd_attr c;
    init_cmd(&c, STATIOND_CMD_SUBSCRIBE);
    reply rep = { 0 };
    int rc = transact(h, &c, &rep);
    if (rc == 0) {
        h->subscribed = 1;
        h->ev_have = 0;
    }
    return rc;
}

int stationd_next_event(stationd *h, sta_event *ev, int timeout_ms)
{
    if (h == NULL || ev == NULL || !h->subscribed) {
        return STATIOND_ERR_INVAL;
    }
    if (h->fd < 0) {
        return STATIOND_ERR_CLOSED;
    }
    int64_t deadline = deadline_in(timeout_ms);
    while (h->ev_have < sizeof(h->ev_buf)) {
        ssize_t n = recv(h->fd, h->ev_buf + h->ev_have, sizeof(h->ev_buf) - h->ev_have, 0);
        if (n > 0) {
            h->ev_have += (size_t)n;
            continue;
        }
        int rc;
        if (n == 0 || errno == ECONNRESET) {
            rc = h->ev_have == 0 ? STATIOND_ERR_CLOSED : STATIOND_ERR_SHORT;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            rc = wait_fd(h->fd, POLLIN, deadline);
            if (rc == 0) {
                continue;
            }
            if (rc == STATIOND_ERR_TIMEOUT) {
                return rc; /* keep the partial event */
            }
        } else {
            rc = STATIOND_ERR_IO;
        }
        int err = errno;
        drop(h);
        errno = err;
        return rc;
    }
    h->ev_have = 0;
    memcpy(ev, h->ev_buf, sizeof(*ev));
    if (ev->magic != STATIOND_EVENT_MAGIC || ev->version != STATIOND_PROTOCOL_VERSION
            || ev->type < STATIOND_EVENT_UPSERT || ev->type > STATIOND_EVENT_FLUSH) {
        drop(h);
        return STATIOND_ERR_PROTO;
    }
    return 0;
}

/* ---------------------------------------------------------------- codes */

const char *stationd_code_name(int code)
{
    switch (code) {
    case STATIOND_OK: return "OK";
    case STATIOND_E_MAGIC: return "E_MAGIC";
    case STATIOND_E_VERSION: return "E_VERSION";
    case STATIOND_E_CMD: return "E_CMD";
    case STATIOND_E_ARG: return "E_ARG";
    case STATIOND_E_PERM: return "E_PERM";
    case STATIOND_E_NOENT: return "E_NOENT";
    case STATIOND_E_FULL: return "E_FULL";
    case STATIOND_E_BUSY: return "E_BUSY";
    case STATIOND_ERR_IO: return "ERR_IO";
    case STATIOND_ERR_TIMEOUT: return "ERR_TIMEOUT";
    case STATIOND_ERR_SHORT: return "ERR_SHORT";
    case STATIOND_ERR_TOO_SMALL: return "ERR_TOO_SMALL";
    case STATIOND_ERR_PROTO: return "ERR_PROTO";
    case STATIOND_ERR_INVAL: return "ERR_INVAL";
    case STATIOND_ERR_CLOSED: return "ERR_CLOSED";
    case STATIOND_ERR_NOMEM: return "ERR_NOMEM";
    default: return "UNKNOWN";
    }
}

const char *stationd_strerror(int code)
{
    switch (code) {
    case STATIOND_OK: return "success";
    case STATIOND_E_MAGIC: return "bad magic: the daemon closed the connection";
    case STATIOND_E_VERSION: return "protocol version not supported by the daemon";
    case STATIOND_E_CMD: return "unknown command";
    case STATIOND_E_ARG: return "invalid argument in the command";
    case STATIOND_E_PERM: return "permission denied for this command";
    case STATIOND_E_NOENT: return "no such entry";
    case STATIOND_E_FULL: return "a configured limit is reached";
    case STATIOND_E_BUSY: return "daemon busy or shutting down";
    case STATIOND_ERR_IO: return "socket I/O error";
    case STATIOND_ERR_TIMEOUT: return "timed out waiting for the daemon";
    case STATIOND_ERR_SHORT: return "connection closed in the middle of a reply";
    case STATIOND_ERR_TOO_SMALL: return "buffer too small for the reply";
    case STATIOND_ERR_PROTO: return "malformed reply from the daemon";
    case STATIOND_ERR_INVAL: return "invalid argument";
    case STATIOND_ERR_CLOSED: return "connection closed by the daemon";
    case STATIOND_ERR_NOMEM: return "out of memory";
    default: return "unknown error code";
    }
}

/* ------------------------------------------------------------------ MAC */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int stationd_parse_mac(const char *text, uint8_t mac[6])
{
    if (text == NULL || mac == NULL || strlen(text) != 17) {
        return STATIOND_ERR_INVAL;
    }
    uint8_t tmp[6];
    for (int i = 0; i < 6; i++) {
        const char *p = text + i * 3;
        int hi = hexval(p[0]);
        int lo = hexval(p[1]);
        if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':' && p[2] != '-')) {
            return STATIOND_ERR_INVAL;
        }
        tmp[i] = (uint8_t)(hi << 4 | lo);
    }
    memcpy(mac, tmp, 6);
    return 0;
}

char *stationd_format_mac(const uint8_t mac[6], char buf[18])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        buf[i * 3] = hex[mac[i] >> 4];
        buf[i * 3 + 1] = hex[mac[i] & 0xf];
        buf[i * 3 + 2] = i < 5 ? ':' : '\0';
    }
    return buf;
}
