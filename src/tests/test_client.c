/*
 * libstationd tests.
 *
 *   test_client --offline                 fake-server tests only (no daemon needed)
 *   test_client [SOCKET [EVENTS]]         fake-server tests, then every call against a
 *                                         running daemon (default: $STATIOND_SOCKET and
 *                                         $STATIOND_EVENTS)
 *
 * Fake servers are forked children on a private socket: one that never answers
 * (timeouts), ones that close in the middle of a reply (_SHORT), ones that send
 * malformed or error replies, and a "normal" one with a 10-record table (buffer
 * too small: _TOO_SMALL with a canary behind the buffer). Run under ASan
 * (make SANITIZE=1) to catch any overflow the canaries miss.
 *
 * Prints "test_client: N checks, all passed" and exits 0, or lists failures and exits 1.
 */
#include "stationd/compat.h"
#include "stationd/stationd.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int checks, failures;

#define CHECK(cond, ...)                                                            \
    do {                                                                            \
        checks++;                                                                   \
        if (!(cond)) {                                                              \
            failures++;                                                             \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);         \
            fprintf(stderr, __VA_ARGS__);                                           \
            fputc('\n', stderr);                                                    \
        }                                                                           \
    } while (0)

#define CHECK_RC(expr, want)                                                        \
    do {                                                                            \
        int rc_ = (expr);                                                           \
        CHECK(rc_ == (want), "%s returned %d %s, want %d %s", #expr, rc_,           \
              stationd_code_name(rc_), (want), stationd_code_name(want));           \
    } while (0)

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void msleep(int ms)
{
    poll(NULL, 0, ms);
}

/* ============================================================ fake server */

enum fake_mode {
    M_SILENT,        /* accepts, reads, never answers */
    M_CLOSE_NOREPLY, /* reads the request, closes */
    M_MID_TABLE,     /* num = 3, one and a half records, close */
    M_MID_NAK,       /* "NAK\0", close */
    M_GARBAGE,       /* "XYZ\0" */
    M_BARE_CMD,      /* bare -3 (E_CMD), connection kept */
    M_BARE_MAGIC,    /* bare -1 (E_MAGIC), close */
    M_NAK_NOENT,     /* "NAK\0" -6 */
    M_NAK_BAD,       /* "NAK\0" 42 */
    M_TABLE_FULL,    /* num = -7 */
    M_TABLE_BAD,     /* num = -42 */
    M_NORMAL,        /* PING ACK; lists: 10 records; GET: 2 records; SUBSCRIBE: scripted events */
    M_SUB_CLOSE,     /* SUBSCRIBE: ACK, one event, close */
};

typedef struct fake {
    pid_t pid;
    char dir[64];
    char path[108];
} fake;

static int write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void fake_record(sta_list_attr *r, int i)
{
    memset(r, 0, sizeof(*r));
    r->mac[0] = 0x02;
    r->mac[5] = (uint8_t)(i + 1);
    r->group_id = 9;
    snprintf(r->ifname, sizeof(r->ifname), "fake%d", i);
    snprintf(r->ssid, sizeof(r->ssid), "FakeNet");
    r->signal_dbm = (int8_t)(-40 - i);
    r->band = STATIOND_BAND_5G;
    r->tx_bytes = 1000u * (unsigned)i;
    snprintf(r->hostname, sizeof(r->hostname), "fake-host-%d", i);
}

static void fake_event(sta_event *ev, int i, uint32_t magic)
{
    memset(ev, 0, sizeof(*ev));
    ev->magic = magic;
    ev->version = STATIOND_PROTOCOL_VERSION;
    ev->type = STATIOND_EVENT_UPSERT;
    ev->seq = (uint32_t)i;
    fake_record(&ev->sta, i);
}

static void send_table(int fd, int32_t num, int records)
{
    write_full(fd, &num, sizeof(num));
    for (int i = 0; i < records; i++) {
        sta_list_attr r;
        fake_record(&r, i);
        write_full(fd, &r, sizeof(r));
    }
}

static void send_i32(int fd, int32_t v)
{
    write_full(fd, &v, sizeof(v));
}

static void fake_filter(filter_attr *r, int i)
{
    memset(r, 0, sizeof(*r));
    r->mac[0] = 0x02;
    r->mac[5] = (uint8_t)(i + 1);
    r->group_id = (uint32_t)i;
    r->flags = STATIOND_FILTER_TIMED | (i % 2 ? STATIOND_FILTER_PRESENT : 0);
    r->created_ms = 1000u + (unsigned)i;
    r->expires_ms = 61000u + (unsigned)i;
}

static void send_filters(int fd, int32_t num)
{
    write_full(fd, &num, sizeof(num));
    for (int i = 0; i < num; i++) {
        filter_attr r;
        fake_filter(&r, i);
        write_full(fd, &r, sizeof(r));
    }
}

/* The normal fake checks what the library put on the wire for the commands with arguments. */
static int fake_args_ok(const cloud_cmd_attr *c)
{
    static const uint8_t zero[6];
    switch (c->cmd) {
    case STATIOND_CMD_FILTER_ADD: /* stationd_filter_add_timed(h, 7, 02:..:01, 600) or a plain add */
        return c->lifetime_s == 0 || (c->lifetime_s == 600 && c->group_id == 7 && c->mac[5] == 1);
    case STATIOND_CMD_FILTER_DUMP: /* stationd_filter_dump with group 4, offset 1, max 3 or no query */
        return c->lifetime_s == 0 && c->ifname[0] == '\0'
               && ((c->group_id == 4 && c->offset == 1 && c->max_entries == 3) || c->group_id == 0);
    case STATIOND_CMD_STA_KICK: /* one MAC banned 60 s, or group 3 on wlan1 without a ban */
        return (c->mac[5] == 9 && c->group_id == 0 && c->ifname[0] == '\0' && c->lifetime_s == 60)
               || (memcmp(c->mac, zero, 6) == 0 && c->group_id == 3 && strcmp(c->ifname, "wlan1") == 0
                   && c->lifetime_s == 0);
    default:
        return c->lifetime_s == 0;
    }
}

/* Serves one connection; returns 1 to keep the fd open (never answers). */
static int fake_serve(int fd, enum fake_mode mode)
{
    cloud_cmd_attr c;
    while (read_full(fd, &c, sizeof(c)) == 0) {
        switch (mode) {
        case M_SILENT:
            return 1;
        case M_CLOSE_NOREPLY:
            return 0;
        case M_MID_TABLE: {
            sta_list_attr r[2];
            fake_record(&r[0], 0);
            fake_record(&r[1], 1);
            send_i32(fd, 3);
            write_full(fd, r, sizeof(r[0]) + sizeof(r[0]) / 2);
            return 0;
        }
        case M_MID_NAK:
            write_full(fd, "NAK", 4);
            return 0;
        case M_GARBAGE:
            write_full(fd, "XYZ", 4);
            break;
        case M_BARE_CMD:
            send_i32(fd, STATIOND_E_CMD);
            break;
        case M_BARE_MAGIC:
            send_i32(fd, STATIOND_E_MAGIC);
            return 0;
        case M_NAK_NOENT:
            write_full(fd, "NAK", 4);
            send_i32(fd, STATIOND_E_NOENT);
            break;
        case M_NAK_BAD:
            write_full(fd, "NAK", 4);
            send_i32(fd, 42);
            break;
        case M_TABLE_FULL:
            send_i32(fd, STATIOND_E_FULL);
            break;
        case M_TABLE_BAD:
            send_i32(fd, -42);
            break;
        case M_NORMAL:
        case M_SUB_CLOSE:
            if (c.magic != STATIOND_CMD_MAGIC || c.version != STATIOND_PROTOCOL_VERSION) {
                send_i32(fd, STATIOND_E_MAGIC);
                return 0;
            }
            if (!fake_args_ok(&c)) {
                if (c.cmd == STATIOND_CMD_FILTER_DUMP) {
                    send_i32(fd, STATIOND_E_ARG);
                } else {
                    write_full(fd, "NAK", 4);
                    send_i32(fd, STATIOND_E_ARG);
                }
            } else if (c.cmd == STATIOND_CMD_STA_LIST || c.cmd == STATIOND_CMD_FILTER_LIST) {
                send_table(fd, 10, 10);
            } else if (c.cmd == STATIOND_CMD_FILTER_DUMP) {
                send_filters(fd, 10);
            } else if (c.cmd == STATIOND_CMD_STA_GET) {
                send_table(fd, 2, 2);
            } else if (c.cmd == STATIOND_CMD_SUBSCRIBE) {
                sta_event ev;
                write_full(fd, "ACK", 4);
                if (mode == M_SUB_CLOSE) {
                    fake_event(&ev, 1, STATIOND_EVENT_MAGIC);
                    write_full(fd, &ev, sizeof(ev));
                    return 0;
                }
                fake_event(&ev, 1, STATIOND_EVENT_MAGIC);     /* split in two */
                write_full(fd, &ev, 100);
                msleep(400);
                write_full(fd, (char *)&ev + 100, sizeof(ev) - 100);
                fake_event(&ev, 2, STATIOND_EVENT_MAGIC);     /* whole */
                write_full(fd, &ev, sizeof(ev));
                msleep(200);
                fake_event(&ev, 3, 0xdeadbeef);               /* bad magic */
                write_full(fd, &ev, sizeof(ev));
                return 1;
            } else {
                write_full(fd, "ACK", 4);
            }
            break;
        }
    }
    return 0;
}

static void fake_start(fake *f, enum fake_mode mode)
{
    snprintf(f->dir, sizeof(f->dir), "/tmp/stationd-test-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
    snprintf(f->path, sizeof(f->path), "%s/fake.sock", f->dir);
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", f->path);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 16) != 0) {
        perror("fake server");
        exit(2);
    }
    fflush(NULL);
    f->pid = fork();
    if (f->pid < 0) {
        perror("fork");
        exit(2);
    }
    if (f->pid == 0) {
        /* one process per connection, all in one process group that fake_stop() kills */
        setpgid(0, 0);
        signal(SIGCHLD, SIG_IGN);
        for (;;) {
            int fd = accept(lfd, NULL, NULL);
            if (fd < 0) {
                if (errno == EINTR) {
                    continue;
                }
                _exit(0);
            }
            pid_t c = fork();
            if (c == 0) {
                close(lfd);
                if (fake_serve(fd, mode)) {
                    for (;;) {
                        pause();
                    }
                }
                _exit(0);
            }
            close(fd);
        }
    }
    setpgid(f->pid, f->pid); /* also from here: no race with the child's own call */
    close(lfd);
}

static void fake_stop(fake *f)
{
    kill(-f->pid, SIGKILL);
    waitpid(f->pid, NULL, 0);
    unlink(f->path);
    rmdir(f->dir);
}

/* ========================================================= offline tests */

static void test_args(void)
{
    errno = 0;
    stationd *h = stationd_open("/nonexistent-dir/stationd.sock", 200);
    CHECK(h == NULL && errno == ENOENT, "open of a missing path: h=%p errno=%d", (void *)h, errno);
    char longpath[300];
    memset(longpath, 'x', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';
    errno = 0;
    h = stationd_open(longpath, 200);
    CHECK(h == NULL && errno == ENAMETOOLONG, "open of a too long path: errno=%d", errno);

    size_t n = 99;
    sta_list_attr r;
    int found = 7;
    uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
    uint8_t zero[6] = { 0 };
    CHECK_RC(stationd_ping(NULL), STATIOND_ERR_INVAL);
    CHECK_RC(stationd_list(NULL, NULL, &r, 1, &n), STATIOND_ERR_INVAL);
    CHECK_RC(stationd_get(NULL, mac, &r, &found), STATIOND_ERR_INVAL);
    CHECK_RC(stationd_filter_add(NULL, 1, mac), STATIOND_ERR_INVAL);
    CHECK_RC(stationd_next_event(NULL, NULL, 0), STATIOND_ERR_INVAL);
    stationd_close(NULL);

    fake f;
    fake_start(&f, M_NORMAL);
    h = stationd_open(f.path, 1000);
    CHECK(h != NULL, "open fake: %s", strerror(errno));
    if (h != NULL) {
        stationd_query q = { .ifname = "an-interface-name-too-long" };
        CHECK_RC(stationd_list(h, &q, &r, 1, &n), STATIOND_ERR_INVAL);
        CHECK_RC(stationd_list(h, NULL, NULL, 1, &n), STATIOND_ERR_INVAL);
        CHECK_RC(stationd_get(h, zero, &r, &found), STATIOND_ERR_INVAL);
        CHECK_RC(stationd_filter_del(h, 1, zero), STATIOND_ERR_INVAL);
        CHECK_RC(stationd_filter_add_timed(h, 1, NULL, 60), STATIOND_ERR_INVAL);
        CHECK_RC(stationd_filter_add_timed(h, 1, zero, 60), STATIOND_ERR_INVAL);
        filter_attr fa;
        stationd_query qi = { .ifname = "wlan0" };
        CHECK_RC(stationd_filter_dump(h, &qi, &fa, 1, &n), STATIOND_ERR_INVAL);
        stationd_query qf = { .flags = STATIOND_LIST_ONLY_FILTERED };
        CHECK_RC(stationd_filter_dump(h, &qf, &fa, 1, &n), STATIOND_ERR_INVAL);
        CHECK_RC(stationd_filter_dump(h, NULL, NULL, 1, &n), STATIOND_ERR_INVAL);
        CHECK_RC(stationd_filter_dump_alloc(h, NULL, NULL, &n), STATIOND_ERR_INVAL);
        CHECK_RC(stationd_kick(h, NULL, 0, NULL, 0), STATIOND_ERR_INVAL);       /* no target */
        CHECK_RC(stationd_kick(h, zero, 0, "", 60), STATIOND_ERR_INVAL);        /* no target */
        CHECK_RC(stationd_kick(h, mac, 3, NULL, 0), STATIOND_ERR_INVAL);        /* MAC and group */
        CHECK_RC(stationd_kick(h, mac, 0, "wlan0", 0), STATIOND_ERR_INVAL);     /* MAC and ifname */
        CHECK_RC(stationd_kick(h, NULL, 0, "an-interface-name-too-long", 0), STATIOND_ERR_INVAL);
        sta_event ev;
        CHECK_RC(stationd_next_event(h, &ev, 0), STATIOND_ERR_INVAL); /* not subscribed */
        CHECK_RC(stationd_ping(h), 0);
        CHECK(strcmp(stationd_path(h), f.path) == 0, "stationd_path");
        stationd_close(h);
    }
    fake_stop(&f);

    int codes[] = { 0, -1, -2, -3, -4, -5, -6, -7, -8, -100, -101, -102, -103, -104, -105, -106, -107 };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        CHECK(strcmp(stationd_code_name(codes[i]), "UNKNOWN") != 0, "code name of %d", codes[i]);
        CHECK(strcmp(stationd_strerror(codes[i]), "unknown error code") != 0, "strerror of %d", codes[i]);
    }
    CHECK(strcmp(stationd_code_name(STATIOND_E_NOENT), "E_NOENT") == 0, "E_NOENT name");
    CHECK(strcmp(stationd_code_name(12345), "UNKNOWN") == 0, "unknown name");

    char buf[18];
    CHECK_RC(stationd_parse_mac("02:AB:cd:00:11:ff", mac), 0);
    CHECK(strcmp(stationd_format_mac(mac, buf), "02:ab:cd:00:11:ff") == 0, "format %s", buf);
    CHECK_RC(stationd_parse_mac("02-ab-cd-00-11-ff", mac), 0);
    CHECK_RC(stationd_parse_mac("02:ab:cd:00:11", mac), STATIOND_ERR_INVAL);
    CHECK_RC(stationd_parse_mac("02:ab:cd:00:11:fg", mac), STATIOND_ERR_INVAL);
}

static void test_timeouts(void)
{
    fake f;
    fake_start(&f, M_SILENT);
    stationd *h = stationd_open(f.path, 300);
    CHECK(h != NULL, "open silent fake: %s", strerror(errno));
    if (h != NULL) {
        double t0 = mono();
        CHECK_RC(stationd_ping(h), STATIOND_ERR_TIMEOUT);
        double took = mono() - t0;
        CHECK(took >= 0.25 && took < 2.0, "ping timeout took %.3f s", took);
        CHECK(stationd_fd(h) == -1, "connection dropped after a timeout");
        size_t n = 5;
        sta_list_attr r[2];
        t0 = mono();
        CHECK_RC(stationd_list(h, NULL, r, 2, &n), STATIOND_ERR_TIMEOUT); /* reconnects, times out */
        CHECK(mono() - t0 < 2.0, "list timeout bounded");
        CHECK(n == 0, "n reset on error: %zu", n);
        CHECK_RC(stationd_subscribe(h), STATIOND_ERR_TIMEOUT);
        stationd_close(h);
    }
    /* the seed client waits CLI_TIME_OUT (5 s) */
    setenv("STATIOND_SOCKET", f.path, 1);
    cloud_cmd_attr c;
    memset(&c, 0, sizeof(c));
    c.cmd = STATIOND_CMD_PING;
    double t0 = mono();
    CHECK_RC(do_filter_notify(&c, NULL, 0), CT_RET_SOCK_SELECT_TIMEOUT);
    double took = mono() - t0;
    CHECK(took >= 4.5 && took < 8.0, "do_filter_notify timeout took %.3f s", took);
    fake_stop(&f);
}

static void test_bad_replies(void)
{
    struct {
        enum fake_mode mode;
        int table;      /* exercise a table call (else ack call) */
        int want;
        int kept;       /* connection stays open */
    } cases[] = {
        { M_CLOSE_NOREPLY, 0, STATIOND_ERR_CLOSED, 0 },
        { M_CLOSE_NOREPLY, 1, STATIOND_ERR_CLOSED, 0 },
        { M_MID_TABLE, 1, STATIOND_ERR_SHORT, 0 },
        { M_MID_NAK, 0, STATIOND_ERR_SHORT, 0 },
        { M_GARBAGE, 0, STATIOND_ERR_PROTO, 0 },
        { M_BARE_CMD, 0, STATIOND_E_CMD, 1 },
        { M_BARE_CMD, 1, STATIOND_E_CMD, 1 },
        { M_BARE_MAGIC, 0, STATIOND_E_MAGIC, 0 },
        { M_NAK_NOENT, 0, STATIOND_E_NOENT, 1 },
        { M_NAK_BAD, 0, STATIOND_ERR_PROTO, 0 },
        { M_TABLE_FULL, 1, STATIOND_E_FULL, 1 },
        { M_TABLE_BAD, 1, STATIOND_ERR_PROTO, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fake f;
        fake_start(&f, cases[i].mode);
        stationd *h = stationd_open(f.path, 1000);
        CHECK(h != NULL, "open fake %zu", i);
        if (h == NULL) {
            fake_stop(&f);
            continue;
        }
        int rc;
        /* canary: a too-short reply must not write past the one-record buffer */
        sta_list_attr buf[2];
        memset(buf, 0xA5, sizeof(buf));
        size_t n = 77;
        if (cases[i].table) {
            rc = stationd_list(h, NULL, buf, 1, &n);
        } else {
            uint8_t mac[6] = { 2, 1, 2, 3, 4, 5 };
            rc = stationd_filter_del(h, 1, mac);
        }
        CHECK(rc == cases[i].want, "case %zu (mode %d): got %d %s, want %d %s", i, cases[i].mode, rc,
              stationd_code_name(rc), cases[i].want, stationd_code_name(cases[i].want));
        unsigned char canary[sizeof(sta_list_attr)];
        memset(canary, 0xA5, sizeof(canary));
        CHECK(memcmp(&buf[1], canary, sizeof(canary)) == 0, "case %zu: canary intact", i);
        CHECK((stationd_fd(h) >= 0) == cases[i].kept, "case %zu: connection kept=%d", i, cases[i].kept);
        if (cases[i].table) {
            CHECK(n == 0, "case %zu: n=0 on error, got %zu", i, n);
        }
        stationd_close(h);
        fake_stop(&f);
    }
}

static void test_fake_tables(void)
{
    fake f;
    fake_start(&f, M_NORMAL);
    stationd *h = stationd_open(f.path, 2000);
    CHECK(h != NULL, "open normal fake");
    if (h == NULL) {
        fake_stop(&f);
        return;
    }
    /* too small: 4 slots + canary, the server sends 10 */
    sta_list_attr *buf = malloc(5 * sizeof(sta_list_attr));
    memset(buf, 0x5A, 5 * sizeof(sta_list_attr));
    unsigned char canary[sizeof(sta_list_attr)];
    memset(canary, 0x5A, sizeof(canary));
    size_t n = 0;
    int fd_before = stationd_fd(h);
    CHECK_RC(stationd_list(h, NULL, buf, 4, &n), STATIOND_ERR_TOO_SMALL);
    CHECK(n == 10, "TOO_SMALL reports the total: %zu", n);
    CHECK(memcmp(&buf[4], canary, sizeof(canary)) == 0, "no write past cap");
    for (int i = 0; i < 4; i++) {
        sta_list_attr want;
        fake_record(&want, i);
        CHECK(memcmp(&buf[i], &want, sizeof(want)) == 0, "record %d stored", i);
    }
    CHECK_RC(stationd_ping(h), 0); /* the rest was drained: the stream is in sync */
    CHECK(stationd_fd(h) == fd_before, "same connection after TOO_SMALL");
    CHECK_RC(stationd_list(h, NULL, NULL, 0, &n), STATIOND_ERR_TOO_SMALL);
    CHECK(n == 10, "cap 0: total %zu", n);
    free(buf);

    /* exact-size heap buffer: ASan catches any overflow */
    buf = malloc(10 * sizeof(sta_list_attr));
    CHECK_RC(stationd_list(h, NULL, buf, 10, &n), 0);
    CHECK(n == 10 && buf[9].mac[5] == 10, "10 records, last mac %02x", buf[9].mac[5]);
    free(buf);

    sta_list_attr *all = NULL;
    CHECK_RC(stationd_list_alloc(h, NULL, &all, &n), 0);
    CHECK(n == 10 && all != NULL && strcmp(all[3].hostname, "fake-host-3") == 0, "list_alloc");
    free(all);
    CHECK_RC(stationd_filter_list_alloc(h, &all, &n), 0);
    CHECK(n == 10, "filter_list_alloc n=%zu", n);
    free(all);
    sta_list_attr one[2];
    memset(one, 0x33, sizeof(one));
    CHECK_RC(stationd_filter_list(h, one, 1, &n), STATIOND_ERR_TOO_SMALL);
    unsigned char c33[sizeof(sta_list_attr)];
    memset(c33, 0x33, sizeof(c33));
    CHECK(memcmp(&one[1], c33, sizeof(c33)) == 0, "filter_list canary");

    /* FILTER_DUMP: 32-byte records, same cap / canary / drain rules */
    filter_attr fbuf[5];
    memset(fbuf, 0x6B, sizeof(fbuf));
    unsigned char c6b[sizeof(filter_attr)];
    memset(c6b, 0x6B, sizeof(c6b));
    CHECK_RC(stationd_filter_dump(h, NULL, fbuf, 4, &n), STATIOND_ERR_TOO_SMALL);
    CHECK(n == 10, "dump TOO_SMALL total %zu", n);
    CHECK(memcmp(&fbuf[4], c6b, sizeof(c6b)) == 0, "dump: no write past cap");
    for (int i = 0; i < 4; i++) {
        filter_attr want;
        fake_filter(&want, i);
        CHECK(memcmp(&fbuf[i], &want, sizeof(want)) == 0, "filter record %d stored", i);
    }
    CHECK_RC(stationd_ping(h), 0);
    filter_attr *fall = NULL;
    stationd_query qd = { .group_id = 4, .offset = 1, .max_entries = 3 };
    CHECK_RC(stationd_filter_dump_alloc(h, &qd, &fall, &n), 0);
    CHECK(n == 10 && fall != NULL && fall[9].expires_ms == 61009 && fall[9].group_id == 9
              && fall[9].flags == (STATIOND_FILTER_TIMED | STATIOND_FILTER_PRESENT), "dump_alloc");
    free(fall);
    uint8_t m1[6] = { 2, 0, 0, 0, 0, 1 };
    uint8_t m9[6] = { 2, 0, 0, 0, 0, 9 };
    CHECK_RC(stationd_filter_add_timed(h, 7, m1, 600), 0);    /* the fake checks the wire fields */
    CHECK_RC(stationd_filter_add_timed(h, 8, m1, 600), STATIOND_E_ARG);
    CHECK_RC(stationd_kick(h, m9, 0, NULL, 60), 0);
    CHECK_RC(stationd_kick(h, NULL, 3, "wlan1", 0), 0);
    CHECK_RC(stationd_kick(h, NULL, 3, "wlan1", 1), STATIOND_E_ARG);
    CHECK(stationd_fd(h) >= 0, "connection kept after NAK E_ARG");

    /* STA_GET answering two records is malformed */
    uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
    int found = 5;
    CHECK_RC(stationd_get(h, mac, one, &found), STATIOND_ERR_PROTO);
    CHECK(found == 0, "found=0 on error");
    CHECK(memcmp(&one[1], c33, sizeof(c33)) == 0, "get canary");
    CHECK_RC(stationd_ping(h), 0);

    /* seed client, table mode, big enough buffer and too small buffer */
    setenv("STATIOND_SOCKET", f.path, 1);
    cloud_cmd_attr c;
    memset(&c, 0, sizeof(c));
    c.magic = STATIOND_CMD_MAGIC;
    c.version = STATIOND_PROTOCOL_VERSION;
    c.cmd = STATIOND_CMD_STA_LIST;
    size_t big = sizeof(int32_t) + 10 * sizeof(sta_list_attr);
    char *tb = malloc(big);
    CHECK_RC(do_filter_notify(&c, tb, (int)big), CT_RET_SUCCESS);
    int32_t num;
    memcpy(&num, tb, sizeof(num));
    CHECK(num == 10, "seed table count %d", num);
    sta_list_attr last;
    memcpy(&last, tb + sizeof(int32_t) + 9 * sizeof(sta_list_attr), sizeof(last));
    CHECK(strcmp(last.hostname, "fake-host-9") == 0, "seed table last record");
    free(tb);
    char small[100 + 16];
    memset(small, 0x77, sizeof(small));
    CHECK_RC(do_filter_notify(&c, small, 100), CT_RET_SUCCESS);
    for (size_t i = 100; i < sizeof(small); i++) {
        CHECK(small[i] == 0x77, "seed buffer canary at %zu", i);
    }
    c.cmd = STATIOND_CMD_PING;
    CHECK_RC(do_filter_notify(&c, NULL, 0), CT_RET_SUCCESS);
    memset(&c, 0, sizeof(c)); /* seed-era caller: no magic / version */
    c.cmd = STATIOND_CMD_PING;
    CHECK_RC(do_filter_notify(&c, NULL, 0), CT_RET_SUCCESS);
    CHECK(c.magic == 0, "caller's attr untouched");
    CHECK_RC(do_filter_notify(NULL, NULL, 0), CT_RET_FD_WRITE_ERR);
    CHECK_RC(do_filter_notify(&c, small, -1), CT_RET_FD_READ_ERR);

    stationd_close(h);
    fake_stop(&f);

    fake_start(&f, M_NAK_NOENT);
    setenv("STATIOND_SOCKET", f.path, 1);
    c.cmd = STATIOND_CMD_FILTER_DEL;
    c.mac[0] = 2;
    CHECK_RC(do_filter_notify(&c, NULL, 0), CT_RET_PEER_NAK);
    fake_stop(&f);
    fake_start(&f, M_CLOSE_NOREPLY);
    setenv("STATIOND_SOCKET", f.path, 1);
    CHECK_RC(do_filter_notify(&c, NULL, 0), CT_RET_FD_READ_ERR);
    fake_stop(&f);
    setenv("STATIOND_SOCKET", "/nonexistent-dir/stationd.sock", 1);
    CHECK_RC(do_filter_notify(&c, NULL, 0), CT_RET_SYS_SOCK_CONNECT_ERR);
}

static void test_fake_events(void)
{
    fake f;
    fake_start(&f, M_NORMAL);
    stationd *h = stationd_open(f.path, 2000);
    CHECK(h != NULL, "open normal fake");
    if (h == NULL) {
        fake_stop(&f);
        return;
    }
    CHECK_RC(stationd_subscribe(h), 0);
    size_t n;
    sta_list_attr r;
    CHECK_RC(stationd_list(h, NULL, &r, 1, &n), STATIOND_ERR_INVAL); /* events only now */
    CHECK_RC(stationd_ping(h), STATIOND_ERR_INVAL);
    sta_event ev;
    memset(&ev, 0, sizeof(ev));
    CHECK_RC(stationd_next_event(h, &ev, 100), STATIOND_ERR_TIMEOUT); /* half an event so far */
    CHECK_RC(stationd_next_event(h, &ev, 3000), 0);
    sta_event want;
    fake_event(&want, 1, STATIOND_EVENT_MAGIC);
    CHECK(memcmp(&ev, &want, sizeof(ev)) == 0, "split event reassembled");
    CHECK_RC(stationd_next_event(h, &ev, 3000), 0);
    CHECK(ev.seq == 2, "second event seq %u", ev.seq);
    CHECK_RC(stationd_next_event(h, &ev, 3000), STATIOND_ERR_PROTO); /* bad magic */
    CHECK_RC(stationd_next_event(h, &ev, 100), STATIOND_ERR_CLOSED);
    stationd_close(h);
    fake_stop(&f);

    fake_start(&f, M_SUB_CLOSE);
    h = stationd_open(f.path, 2000);
    CHECK(h != NULL, "open sub-close fake");
    if (h != NULL) {
        CHECK_RC(stationd_subscribe(h), 0);
        CHECK_RC(stationd_next_event(h, &ev, 3000), 0);
        CHECK_RC(stationd_next_event(h, &ev, 3000), STATIOND_ERR_CLOSED);
        stationd_close(h);
    }
    fake_stop(&f);
}

/* ========================================================== daemon tests */

static const char *events_path;
static int dgram_fd = -1;
static uint8_t base_mac[6];
#define NSTA 6
#define GROUP_EVEN 7100u
#define GROUP_ODD 7101u

static void test_mac(uint8_t mac[6], int i)
{
    memcpy(mac, base_mac, 6);
    mac[5] = (uint8_t)(i + 1);
}

static void make_station(sta_list_attr *s, int i, int signal)
{
    memset(s, 0, sizeof(*s));
    test_mac(s->mac, i);
    s->vlan_id = (uint16_t)(i % 2 ? 30 : 0);
    unsigned char ip[4] = { 192, 168, 77, (unsigned char)(10 + i) };
    memcpy(&s->ipv4, ip, 4);
    s->group_id = i % 2 ? GROUP_ODD : GROUP_EVEN;
    snprintf(s->ifname, sizeof(s->ifname), "ctest%d", i % 2);
    snprintf(s->ssid, sizeof(s->ssid), "Test \"SSID\" %d", i);
    s->signal_dbm = (int8_t)signal;
    s->band = i % 2 ? STATIOND_BAND_5G : STATIOND_BAND_2G4;
    s->flags = STATIOND_STA_AUTHORIZED | STATIOND_STA_ASSOCIATED;
    s->tx_rate_kbps = 144400;
    s->rx_rate_kbps = 72200;
    s->tx_bytes = 1000000u + (unsigned)i;
    s->rx_bytes = 2000000u + (unsigned)i;
    s->tx_packets = 1000;
    s->rx_packets = 2000;
    s->assoc_time_ms = wall_ms() - 60000;
    s->last_seen_ms = wall_ms();
    snprintf(s->hostname, sizeof(s->hostname), "ctest-host-%d", i);
}

static int send_event(uint16_t type, const sta_list_attr *s)
{
    static uint32_t seq;
    sta_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.magic = STATIOND_EVENT_MAGIC;
    ev.version = STATIOND_PROTOCOL_VERSION;
    ev.type = type;
    ev.seq = ++seq;
    ev.sta = *s;
    ssize_t n = send(dgram_fd, &ev, sizeof(ev), MSG_NOSIGNAL);
    return n == (ssize_t)sizeof(ev) ? 0 : -1;
}

static int cmp_mac(const void *a, const void *b)
{
    return memcmp(a, b, 6);
}

static int has_mac(const sta_list_attr *v, size_t n, const uint8_t mac[6])
{
    for (size_t i = 0; i < n; i++) {
        if (memcmp(v[i].mac, mac, 6) == 0) {
            return 1;
        }
    }
    return 0;
}

static void test_daemon(const char *sock)
{
    /* unique test MACs: 02:c7:<pid>:<time>:xx */
    base_mac[0] = 0x02;
    base_mac[1] = 0xc7;
    base_mac[2] = (uint8_t)(getpid() >> 8);
    base_mac[3] = (uint8_t)getpid();
    base_mac[4] = (uint8_t)time(NULL);

    dgram_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", events_path);
    CHECK(dgram_fd >= 0 && connect(dgram_fd, (struct sockaddr *)&a, sizeof(a)) == 0,
          "connect to ingest socket %s: %s", events_path, strerror(errno));

    stationd *h = stationd_open(sock, 3000);
    CHECK(h != NULL, "open %s: %s", sock, strerror(errno));
    if (h == NULL) {
        return;
    }
    CHECK_RC(stationd_ping(h), 0);

    sta_list_attr st[NSTA];
    for (int i = 0; i < NSTA; i++) {
        make_station(&st[i], i, -40 - i);
        CHECK(send_event(STATIOND_EVENT_UPSERT, &st[i]) == 0, "ingest %d: %s", i, strerror(errno));
    }
    /* wait for the table to apply them */
    int present = 0;
    for (double end = mono() + 10; mono() < end && present < NSTA; msleep(20)) {
        present = 0;
        for (int i = 0; i < NSTA; i++) {
            sta_list_attr got;
            int found = 0;
            if (stationd_get(h, st[i].mac, &got, &found) == 0 && found) {
                present++;
            }
        }
    }
    CHECK(present == NSTA, "ingested stations visible: %d of %d", present, NSTA);

    /* STA_GET */
    sta_list_attr got;
    int found = 0;
    CHECK_RC(stationd_get(h, st[3].mac, &got, &found), 0);
    CHECK(found == 1, "get found");
    CHECK(found && strcmp(got.hostname, st[3].hostname) == 0 && strcmp(got.ssid, st[3].ssid) == 0
              && got.signal_dbm == st[3].signal_dbm && got.group_id == GROUP_ODD
              && memcmp(&got.ipv4, &st[3].ipv4, 4) == 0 && got.tx_bytes == st[3].tx_bytes,
          "get returns the ingested fields");
    uint8_t absent[6] = { 0x02, 0xc7, 0xff, 0xff, 0xff, 0xfe };
    found = 9;
    CHECK_RC(stationd_get(h, absent, &got, &found), 0);
    CHECK(found == 0, "absent station not found");

    /* STA_LIST: everything, sorted */
    sta_list_attr *all = NULL;
    size_t n = 0;
    CHECK_RC(stationd_list_alloc(h, NULL, &all, &n), 0);
    CHECK(n >= NSTA, "list all: %zu", n);
    for (int i = 0; i < NSTA; i++) {
        CHECK(has_mac(all, n, st[i].mac), "station %d in the list", i);
    }
    for (size_t i = 1; i < n; i++) {
        CHECK(cmp_mac(all[i - 1].mac, all[i].mac) < 0, "sorted by MAC at %zu", i);
    }
    size_t total = n;
    sta_list_attr *buf = malloc((total + 4) * sizeof(sta_list_attr));
    CHECK_RC(stationd_list(h, NULL, buf, total + 4, &n), 0);
    CHECK(n == total, "list into a caller buffer: %zu vs %zu", n, total);
    free(buf);
    free(all);

    /* query: ifname, group, paging */
    sta_list_attr v[8];
    stationd_query q = { .ifname = "ctest1" };
    CHECK_RC(stationd_list(h, &q, v, 8, &n), 0);
    CHECK(n == 3 && has_mac(v, n, st[1].mac) && has_mac(v, n, st[3].mac) && has_mac(v, n, st[5].mac),
          "ifname filter: %zu", n);
    stationd_query qg = { .group_id = GROUP_EVEN };
    CHECK_RC(stationd_list(h, &qg, v, 8, &n), 0);
    CHECK(n == 3 && has_mac(v, n, st[0].mac) && has_mac(v, n, st[2].mac) && has_mac(v, n, st[4].mac),
          "group filter: %zu", n);
    stationd_query qp = { .group_id = GROUP_EVEN, .offset = 1, .max_entries = 1 };
    CHECK_RC(stationd_list(h, &qp, v, 8, &n), 0);
    CHECK(n == 1 && memcmp(v[0].mac, st[2].mac, 6) == 0, "paging offset 1 max 1: %zu", n);

    /* too small: 2 slots + canary for 3 records; the connection stays in sync */
    sta_list_attr *small = malloc(3 * sizeof(sta_list_attr));
    memset(small, 0xC3, 3 * sizeof(sta_list_attr));
    unsigned char canary[sizeof(sta_list_attr)];
    memset(canary, 0xC3, sizeof(canary));
    int fd_before = stationd_fd(h);
    CHECK_RC(stationd_list(h, &qg, small, 2, &n), STATIOND_ERR_TOO_SMALL);
    CHECK(n == 3, "too small: total %zu", n);
    CHECK(memcmp(&small[2], canary, sizeof(canary)) == 0, "canary intact");
    CHECK(memcmp(small[0].mac, st[0].mac, 6) == 0 && memcmp(small[1].mac, st[2].mac, 6) == 0,
          "first records stored");
    CHECK_RC(stationd_ping(h), 0);
    CHECK(stationd_fd(h) == fd_before, "same connection after TOO_SMALL");
    free(small);
    small = malloc(3 * sizeof(sta_list_attr)); /* exact size: ASan watches the edge */
    CHECK_RC(stationd_list(h, &qg, small, 3, &n), 0);
    CHECK(n == 3, "exact buffer: %zu", n);
    free(small);

    /* filters */
    CHECK_RC(stationd_filter_add(h, GROUP_EVEN, st[0].mac), 0);
    CHECK_RC(stationd_filter_add(h, GROUP_EVEN, st[0].mac), 0); /* idempotent */
    CHECK_RC(stationd_filter_add(h, GROUP_EVEN, st[2].mac), 0);
    sta_list_attr *fl = NULL;
    CHECK_RC(stationd_filter_list_alloc(h, &fl, &n), 0);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        if ((memcmp(fl[i].mac, st[0].mac, 6) == 0 || memcmp(fl[i].mac, st[2].mac, 6) == 0)
                && fl[i].group_id == GROUP_EVEN && (fl[i].flags & STATIOND_STA_FILTERED)) {
            seen++;
        }
    }
    CHECK(seen == 2, "filter list has both filters: %d of %zu", seen, n);
    free(fl);
    sta_list_attr fv[4];
    int frc = stationd_filter_list(h, fv, 4, &n);
    CHECK(frc == (n > 4 ? STATIOND_ERR_TOO_SMALL : 0) && n >= 2, "filter_list into 4 slots: %d, n=%zu", frc, n);
    stationd_query qf = { .group_id = GROUP_EVEN, .flags = STATIOND_LIST_ONLY_FILTERED };
    CHECK_RC(stationd_list(h, &qf, v, 8, &n), 0);
    CHECK(n == 2 && (v[0].flags & STATIOND_STA_FILTERED), "only filtered: %zu", n);
    stationd_query qu = { .group_id = GROUP_EVEN, .flags = STATIOND_LIST_EXCLUDE_FILTERED };
    CHECK_RC(stationd_list(h, &qu, v, 8, &n), 0);
    CHECK(n == 1 && memcmp(v[0].mac, st[4].mac, 6) == 0, "exclude filtered: %zu", n);
    CHECK_RC(stationd_filter_del(h, GROUP_EVEN, st[0].mac), 0);
    CHECK_RC(stationd_filter_del(h, GROUP_EVEN, st[0].mac), STATIOND_E_NOENT);
    CHECK(stationd_fd(h) >= 0, "connection kept after NAK");
    CHECK_RC(stationd_ping(h), 0);
    CHECK_RC(stationd_filter_flush(h, GROUP_EVEN), 0);
    CHECK_RC(stationd_list(h, &qf, v, 8, &n), 0);
    CHECK(n == 0, "flushed: %zu filtered left", n);

    /* timed filters and FILTER_DUMP */
    uint64_t t0 = wall_ms();
    CHECK_RC(stationd_filter_add_timed(h, GROUP_EVEN, st[0].mac, 600), 0);
    CHECK_RC(stationd_filter_add(h, GROUP_EVEN, st[2].mac), 0);
    uint64_t t1 = wall_ms();
    uint8_t gone[6] = { 0x02, 0xc7, 0xff, 0xff, 0xff, 0xfd };
    CHECK_RC(stationd_filter_add_timed(h, GROUP_EVEN, gone, 1), 0);
    stationd_query qdump = { .group_id = GROUP_EVEN };
    filter_attr *dump = NULL;
    CHECK_RC(stationd_filter_dump_alloc(h, &qdump, &dump, &n), 0);
    CHECK(n == 3, "dump of the group: %zu filters", n);
    if (n == 3) {
        /* sorted by MAC within the group: st[0] < st[2] < gone */
        CHECK(memcmp(dump[0].mac, st[0].mac, 6) == 0 && dump[0].group_id == GROUP_EVEN, "dump[0] is the timed one");
        CHECK(dump[0].flags == (STATIOND_FILTER_PRESENT | STATIOND_FILTER_TIMED), "dump[0] flags 0x%x", dump[0].flags);
        CHECK(dump[0].created_ms >= t0 && dump[0].created_ms <= t1, "created_ms %llu in [%llu, %llu]",
              (unsigned long long)dump[0].created_ms, (unsigned long long)t0, (unsigned long long)t1);
        CHECK(dump[0].expires_ms == dump[0].created_ms + 600000, "expires_ms = created_ms + 600 s");
        CHECK(memcmp(dump[1].mac, st[2].mac, 6) == 0 && dump[1].flags == STATIOND_FILTER_PRESENT
                  && dump[1].expires_ms == 0, "dump[1] is permanent and present");
        CHECK(memcmp(dump[2].mac, gone, 6) == 0 && dump[2].flags == STATIOND_FILTER_TIMED, "dump[2] is absent");
    }
    free(dump);
    filter_attr page[2];
    stationd_query qpage = { .group_id = GROUP_EVEN, .offset = 1, .max_entries = 1 };
    CHECK_RC(stationd_filter_dump(h, &qpage, page, 2, &n), 0);
    CHECK(n == 1 && memcmp(page[0].mac, st[2].mac, 6) == 0, "dump paged: %zu", n);
    CHECK_RC(stationd_filter_add_timed(h, GROUP_EVEN, st[0].mac, 0), 0); /* the last add wins: permanent */
    CHECK_RC(stationd_filter_dump(h, &qdump, page, 1, &n), STATIOND_ERR_TOO_SMALL);
    CHECK(page[0].expires_ms == 0 && page[0].flags == STATIOND_FILTER_PRESENT, "re-added as permanent");
    /* the 1 s filter ends by itself */
    int ended = 0;
    for (double end = mono() + 10; mono() < end && !ended; msleep(50)) {
        if (stationd_filter_dump(h, &qdump, page, 2, &n) == 0 && n == 2) {
            ended = 1;
        }
    }
    CHECK(ended, "the 1 s timed filter expired");
    CHECK_RC(stationd_filter_del(h, GROUP_EVEN, gone), STATIOND_E_NOENT);
    CHECK_RC(stationd_filter_flush(h, GROUP_EVEN), 0);

    /* STA_KICK: no hostapd is followed here, so no BSS holds any station */
    CHECK_RC(stationd_kick(h, st[0].mac, 0, NULL, 0), STATIOND_E_NOENT);
    CHECK_RC(stationd_kick(h, st[0].mac, 0, NULL, 60), STATIOND_E_NOENT);
    CHECK_RC(stationd_kick(h, NULL, GROUP_EVEN, NULL, 60), 0); /* nothing to kick, nothing banned */
    CHECK_RC(stationd_filter_dump(h, &qdump, page, 2, &n), 0);
    CHECK(n == 0, "a kick that kicked nobody banned nobody: %zu", n);

    /* subscription: subscribe first, then change the table */
    stationd *sub = stationd_open(sock, 3000);
    CHECK(sub != NULL, "open subscriber");
    if (sub != NULL) {
        CHECK_RC(stationd_subscribe(sub), 0);
        CHECK_RC(stationd_ping(sub), STATIOND_ERR_INVAL);
        msleep(100);
        make_station(&st[0], 0, -71);
        CHECK(send_event(STATIOND_EVENT_UPSERT, &st[0]) == 0, "ingest update");
        CHECK(send_event(STATIOND_EVENT_REMOVE, &st[5]) == 0, "ingest remove");
        int got_upsert = 0, got_remove = 0;
        sta_event ev;
        for (double end = mono() + 10; mono() < end && !(got_upsert && got_remove);) {
            int rc = stationd_next_event(sub, &ev, 1000);
            if (rc == STATIOND_ERR_TIMEOUT) {
                continue;
            }
            CHECK_RC(rc, 0);
            if (rc != 0) {
                break;
            }
            if (ev.type == STATIOND_EVENT_UPSERT && memcmp(ev.sta.mac, st[0].mac, 6) == 0) {
                CHECK(ev.sta.signal_dbm == -71, "event carries the new signal: %d", ev.sta.signal_dbm);
                CHECK(!got_remove, "events in order");
                got_upsert = 1;
            } else if (ev.type == STATIOND_EVENT_REMOVE && memcmp(ev.sta.mac, st[5].mac, 6) == 0) {
                got_remove = 1;
            }
        }
        CHECK(got_upsert && got_remove, "subscriber saw UPSERT %d and REMOVE %d", got_upsert, got_remove);
        stationd_close(sub);
    }
    found = 1;
    CHECK_RC(stationd_get(h, st[5].mac, &got, &found), 0);
    CHECK(found == 0, "removed station gone");

    /* the seed client against the daemon */
    setenv("STATIOND_SOCKET", sock, 1);
    cloud_cmd_attr c;
    memset(&c, 0, sizeof(c));
    c.magic = STATIOND_CMD_MAGIC;
    c.version = STATIOND_PROTOCOL_VERSION;
    c.cmd = STATIOND_CMD_PING;
    CHECK_RC(do_filter_notify(&c, NULL, 0), CT_RET_SUCCESS);
    c.cmd = STATIOND_CMD_FILTER_ADD;
    c.group_id = GROUP_ODD;
    memcpy(c.mac, st[1].mac, 6);
    CHECK_RC(do_filter_notify(&c, NULL, 0), CT_RET_SUCCESS);
    c.cmd = STATIOND_CMD_FILTER_DEL;
    CHECK_RC(do_filter_notify(&c, NULL, 0), CT_RET_SUCCESS);
    CHECK_RC(do_filter_notify(&c, NULL, 0), CT_RET_PEER_NAK); /* E_NOENT */
    memset(&c, 0, sizeof(c));
    c.magic = STATIOND_CMD_MAGIC;
    c.version = STATIOND_PROTOCOL_VERSION;
    c.cmd = STATIOND_CMD_STA_LIST;
    c.group_id = GROUP_EVEN;
    size_t tlen = sizeof(int32_t) + 8 * sizeof(sta_list_attr);
    char *tb = malloc(tlen);
    CHECK_RC(do_filter_notify(&c, tb, (int)tlen), CT_RET_SUCCESS);
    int32_t num;
    memcpy(&num, tb, sizeof(num));
    CHECK(num == 3, "seed table count %d", num);
    if (num == 3) {
        sta_list_attr r0;
        memcpy(&r0, tb + sizeof(int32_t), sizeof(r0));
        CHECK(memcmp(r0.mac, st[0].mac, 6) == 0, "seed table first record");
    }
    free(tb);
    memset(&c, 0, sizeof(c)); /* seed-era caller without magic */
    c.cmd = STATIOND_CMD_PING;
    CHECK_RC(do_filter_notify(&c, NULL, 0), CT_RET_SUCCESS);

    /* clean up */
    for (int i = 0; i < NSTA; i++) {
        send_event(STATIOND_EVENT_REMOVE, &st[i]);
    }
    stationd_close(h);
    close(dgram_fd);
}

int main(int argc, char **argv)
{
    /* SIGPIPE stays at its default: the library and the fakes must never raise it */
    int offline = argc > 1 && strcmp(argv[1], "--offline") == 0;
    const char *sock = argc > 1 && !offline ? argv[1] : getenv("STATIOND_SOCKET");
    events_path = argc > 2 ? argv[2] : getenv("STATIOND_EVENTS");
    if (sock != NULL) {
        sock = strdup(sock); /* setenv() below may replace the environment string */
    }
    if (events_path != NULL) {
        events_path = strdup(events_path);
    }

    test_args();
    test_bad_replies();
    test_fake_tables();
    test_fake_events();
    test_timeouts();
    if (!offline) {
        if (sock == NULL || events_path == NULL) {
            fprintf(stderr, "test_client: give SOCKET EVENTS (or $STATIOND_SOCKET/$STATIOND_EVENTS), or --offline\n");
            return 2;
        }
        test_daemon(sock);
    }
    free((void *)sock);
    free((void *)events_path);
    if (failures) {
        fprintf(stderr, "test_client: %d of %d checks FAILED\n", failures, checks);
        return 1;
    }
    printf("test_client: %d checks, all passed%s\n", checks, offline ? " (offline)" : "");
    return 0;
}
