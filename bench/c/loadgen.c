/*
 * loadgen: closed-loop load generator for the stationd command protocol (and the C
 * baselines), plus an ingest sender for sta_event datagrams.
 *
 * Modes (-m):
 *   oneshot     every request: connect, write one cloud_cmd_attr, read the whole reply, close
 *   persistent  one connection per thread, one request in flight (pipeline depth 1)
 *   pipeline    one connection per thread, -d requests in flight
 *   ingest      -c sender threads send UPSERT sta_event datagrams to the ingest socket -s,
 *               at -r events/s in total (0 = as fast as the receiver takes them); with -W CMDSOCK
 *               a marker station is sent last and polled for with STA_GET, which times when the
 *               daemon has applied everything that was sent
 *   count       one STA_LIST, prints "COUNT <num>"
 *   startup     runs the command after "--", times until the socket -s answers PING, stops it
 *
 * Every reply is checked: a table reply must be int32 num (== -e when given) followed by exactly
 * num x 176 bytes (a one-shot server must not close early); PING must answer "ACK\0". Anything
 * else is counted as malformed. Latency is recorded in a log-linear histogram (64 sub-buckets
 * per power of two, < 1.6 % relative error), per thread, merged at the end.
 *
 * Output: a human line on stderr and one machine line on stdout:
 *   RESULT label=... mode=... conns=... depth=... requests=... seconds=... qps=... p50_us=...
 *          p99_us=... p999_us=... max_us=... errors=... malformed=...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench_common.h"
#include "bench_net.h"
#include "hist.h"

struct stats {
    struct hist h;
    uint64_t errors;
    uint64_t malformed;
};

static void record(struct stats *s, uint64_t ns)
{
    hist_record(&s->h, ns);
}

/* ---- options ---- */
enum mode { M_ONESHOT, M_PERSISTENT, M_PIPELINE, M_INGEST, M_COUNT, M_STARTUP };
static enum mode mode = M_PERSISTENT;
static const char *mode_name = "persistent";
static const char *sock_path;
static const char *cmd_sock;
static const char *label = "-";
static int conns = 1;
static int depth = 1;
static double duration = 5.0;
static double warmup = 1.0;
static uint64_t max_requests;
static long expected = -1;
static int use_ping;
static int idle_conns;
static double rate;
static uint32_t stations = 256;
static uint32_t base_station;
static int timeout_ms = 5000;
static int want_ready;

/* ---- shared run state ---- */
static atomic_int stop_flag;
static atomic_int recording;
static atomic_ullong recorded;
static atomic_ullong end_ns;
static uint64_t start_ns;

static void mark_done(void)
{
    unsigned long long zero = 0;
    atomic_compare_exchange_strong(&end_ns, &zero, now_ns());
    atomic_store(&stop_flag, 1);
}

/* Records one latency when the measurement window is open; enforces -n. */
static void done_one(struct stats *s, uint64_t ns)
{
    if (!atomic_load_explicit(&recording, memory_order_relaxed)) {
        return;
    }
    record(s, ns);
    unsigned long long n = atomic_fetch_add(&recorded, 1) + 1;
    if (max_requests > 0 && n >= max_requests) {
        mark_done();
    }
}

/* ---- streaming reply parser ---- */
struct parser {
    int have;            /* header bytes collected */
    unsigned char hdr[4];
    uint64_t body_left;  /* record bytes still to come */
    int in_body;
};

/* Feeds bytes; returns completed replies (>= 0) or -1 when the stream is malformed. */
static int feed(struct parser *p, const char *buf, size_t n, struct stats *st)
{
    int done = 0;
    size_t i = 0;
    while (i < n) {
        if (!p->in_body) {
            size_t take = 4 - (size_t)p->have;
            if (take > n - i) {
                take = n - i;
            }
            memcpy(p->hdr + p->have, buf + i, take);
            p->have += (int)take;
            i += take;
            if (p->have < 4) {
                break;
            }
            p->have = 0;
            if (use_ping) {
                if (memcmp(p->hdr, "ACK", 4) != 0) {
                    st->malformed++;
                    return -1;
                }
                done++;
                continue;
            }
            int32_t num;
            memcpy(&num, p->hdr, 4);
            if (num < 0 || num > 16 * 1024 * 1024 || (expected >= 0 && num != expected)) {
                st->malformed++;
                return -1;
            }
            p->body_left = (uint64_t)num * sizeof(sta_list_attr);
            if (p->body_left == 0) {
                done++;
            } else {
                p->in_body = 1;
            }
        } else {
            uint64_t take = p->body_left < n - i ? p->body_left : n - i;
            p->body_left -= take;
            i += take;
            if (p->body_left == 0) {
                p->in_body = 0;
                done++;
            }
        }
    }
    return done;
}

#define RBUF (256 * 1024)

struct worker {
    pthread_t tid;
    int id;
    struct stats st;
    char *rbuf;
};

static void *oneshot_worker(void *arg)
{
    struct worker *w = arg;
    cloud_cmd_attr cmd;
    make_cmd(&cmd, use_ping ? STATIOND_CMD_PING : STATIOND_CMD_STA_LIST, 0);
    while (!atomic_load(&stop_flag)) {
        uint64_t t0 = now_ns();
        int fd = bench_connect(sock_path, SOCK_STREAM, timeout_ms);
        if (fd < 0) {
            w->st.errors++;
            usleep(1000);
            continue;
        }
        cmd.seq++;
        if (write_all(fd, &cmd, sizeof(cmd)) < 0) {
            w->st.errors++;
            close(fd);
            continue;
        }
        struct parser p = {0};
        int got = 0;
        for (;;) {
            ssize_t r = read(fd, w->rbuf, RBUF);
            if (r <= 0) {
                if (r < 0 && errno == EINTR) {
                    continue;
                }
                /* EOF or timeout before a whole reply: a short reply */
                if (r == 0 && (p.have > 0 || p.in_body)) {
                    w->st.malformed++;
                } else {
                    w->st.errors++;
                }
                break;
            }
            int d = feed(&p, w->rbuf, (size_t)r, &w->st);
            if (d < 0) {
                break;
            }
            if (d > 0) {
                got = 1;
                break;
            }
        }
        close(fd);
        if (got) {
            done_one(&w->st, now_ns() - t0);
        }
    }
    return NULL;
}

static void *pipeline_worker(void *arg)
{
    struct worker *w = arg;
    int d = depth;
    cloud_cmd_attr *cmds = calloc((size_t)d, sizeof(cloud_cmd_attr));
    uint64_t *sent = calloc((size_t)d, sizeof(uint64_t));
    for (int i = 0; i < d; i++) {
        make_cmd(&cmds[i], use_ping ? STATIOND_CMD_PING : STATIOND_CMD_STA_LIST, (uint32_t)i);
    }
    while (!atomic_load(&stop_flag)) {
        int fd = bench_connect(sock_path, SOCK_STREAM, timeout_ms);
        if (fd < 0) {
            w->st.errors++;
            usleep(1000);
            continue;
        }
        struct parser p = {0};
        int head = 0, outstanding = 0;
        int broken = 0;
        while (!broken) {
            int k = atomic_load(&stop_flag) ? 0 : d - outstanding;
            if (k > 0) {
                uint64_t t = now_ns();
                for (int i = 0; i < k; i++) {
                    sent[(head + outstanding + i) % d] = t;
                }
                if (write_all(fd, cmds, (size_t)k * sizeof(cloud_cmd_attr)) < 0) {
                    w->st.errors++;
                    break;
                }
                outstanding += k;
            }
            if (outstanding == 0) {
                break; /* stopping and drained */
            }
            ssize_t r = read(fd, w->rbuf, RBUF);
            if (r <= 0) {
                if (r < 0 && errno == EINTR) {
                    continue;
                }
                if (r == 0 && (p.have > 0 || p.in_body)) {
                    w->st.malformed++;
                } else {
                    w->st.errors++;
                }
                break;
            }
            int n = feed(&p, w->rbuf, (size_t)r, &w->st);
            if (n < 0) {
                broken = 1;
                break;
            }
            uint64_t t = now_ns();
            for (int i = 0; i < n; i++) {
                done_one(&w->st, t - sent[head]);
                head = (head + 1) % d;
                outstanding--;
            }
        }
        close(fd);
    }
    free(cmds);
    free(sent);
    return NULL;
}

/* ---- ingest ---- */
static atomic_ullong events_sent;

static void station_event(sta_event *e, uint32_t idx, uint32_t seq, uint64_t now)
{
    memset(e, 0, sizeof(*e));
    e->magic = STATIOND_EVENT_MAGIC;
    e->version = STATIOND_PROTOCOL_VERSION;
    e->type = STATIOND_EVENT_UPSERT;
    e->seq = seq;
    bench_station(&e->sta, idx, now);
}

static void *ingest_worker(void *arg)
{
    struct worker *w = arg;
    int fd = bench_connect(sock_path, SOCK_DGRAM, timeout_ms);
    if (fd < 0) {
        perror("connect ingest socket");
        w->st.errors++;
        return NULL;
    }
    uint32_t range = stations > base_station ? stations - base_station : 1;
    uint64_t now = wall_ms();
    sta_event e;
    station_event(&e, base_station, 0, now);
    double per_thread = rate > 0 ? rate / conns : 0;
    uint64_t t0 = now_ns();
    uint32_t seq = 0;
    for (uint64_t j = 0; !atomic_load_explicit(&stop_flag, memory_order_relaxed); j++) {
        if (max_requests > 0) {
            unsigned long long n = atomic_fetch_add(&events_sent, 1);
            if (n >= max_requests) {
                atomic_fetch_sub(&events_sent, 1);
                mark_done();
                break;
            }
        }
        uint32_t idx = base_station + (uint32_t)((j * (uint64_t)conns + (uint64_t)w->id) % range);
        bench_mac(e.sta.mac, idx);
        e.seq = ++seq;
        e.sta.tx_packets++;
        e.sta.rx_packets += 2;
        e.sta.tx_bytes += 1500;
        e.sta.ipv4.s_addr = htonl(0x0a000000u | ((idx + 1) & 0xffffffu));
        snprintf(e.sta.hostname, sizeof(e.sta.hostname), "bench-host-%u", idx);
        if ((j & 1023) == 0) {
            e.sta.last_seen_ms = wall_ms();
        }
        ssize_t r = send(fd, &e, sizeof(e), 0);
        if (r != (ssize_t)sizeof(e)) {
            if (r < 0 && errno == EINTR) {
                continue;
            }
            w->st.errors++;
            if (max_requests > 0) {
                atomic_fetch_sub(&events_sent, 1);
            }
            usleep(100);
            continue;
        }
        w->st.h.count++;
        if (per_thread > 0) {
            uint64_t target = t0 + (uint64_t)((double)(j + 1) * 1e9 / per_thread);
            uint64_t t = now_ns();
            if (target > t + 200000) {
                struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(target - t)};
                nanosleep(&ts, NULL);
            }
        }
    }
    close(fd);
    return NULL;
}

/* One request on a fresh connection; returns num (or -1000 on failure). */
static long one_request(const char *path, uint16_t cmdno, const uint8_t *mac)
{
    int fd = bench_connect(path, SOCK_STREAM, timeout_ms);
    if (fd < 0) {
        return -1000;
    }
    cloud_cmd_attr c;
    make_cmd(&c, cmdno, 1);
    if (mac != NULL) {
        memcpy(c.mac, mac, 6);
    }
    long result = -1000;
    if (write_all(fd, &c, sizeof(c)) == 0) {
        char buf[65536];
        int32_t num = 0;
        size_t got = 0;
        uint64_t need = 4;
        while (got < need) {
            ssize_t r = read(fd, buf, sizeof(buf));
            if (r <= 0) {
                break;
            }
            if (got < 4) {
                size_t take = (size_t)r < 4 - got ? (size_t)r : 4 - got;
                memcpy((char *)&num + got, buf, take);
                if (got + take == 4 && memcmp(&num, "ACK", 4) != 0 && num > 0) {
                    need = 4 + (uint64_t)num * sizeof(sta_list_attr);
                }
            }
            got += (size_t)r;
        }
        if (got == need) {
            result = memcmp(&num, "ACK", 4) == 0 ? 0 : num; /* a seed-design server answers anything with its table */
        }
    }
    close(fd);
    return result;
}

static int run_startup(char **cmd)
{
    unlink(sock_path);
    /* systemd-style readiness: a datagram socket in NOTIFY_SOCKET, timed until "READY=1" */
    int nfd = -1;
    char notify_path[108];
    snprintf(notify_path, sizeof(notify_path), "%s.notify", sock_path);
    unlink(notify_path);
    nfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un na;
    memset(&na, 0, sizeof(na));
    na.sun_family = AF_UNIX;
    memcpy(na.sun_path, notify_path, sizeof(na.sun_path) - 1);
    if (nfd >= 0 && bind(nfd, (struct sockaddr *)&na, sizeof(na)) == 0) {
        setenv("NOTIFY_SOCKET", notify_path, 1);
    } else if (nfd >= 0) {
        close(nfd);
        nfd = -1;
    }
    double ready_ms = -1;
    uint64_t t0 = now_ns();
    pid_t pid = fork();
    if (pid == 0) {
        execvp(cmd[0], cmd);
        perror("execvp");
        _exit(127);
    }
    double ms = -1;
    uint64_t deadline = t0 + (uint64_t)timeout_ms * 1000000ull;
    while (now_ns() < deadline) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "startup: the server exited during start-up\n");
            printf("RESULT label=%s mode=startup ms=-1\n", label);
            return 1;
        }
        if (nfd >= 0 && ready_ms < 0) {
            char nb[4096];
            ssize_t r;
            while ((r = recv(nfd, nb, sizeof(nb) - 1, 0)) > 0) {
                nb[r] = 0;
                if (strstr(nb, "READY=1") != NULL && ready_ms < 0) {
                    ready_ms = (double)(now_ns() - t0) / 1e6;
                }
            }
        }
        if (ms < 0 && one_request(sock_path, STATIOND_CMD_PING, NULL) > -1000) {
            ms = (double)(now_ns() - t0) / 1e6;
        }
        /* after PING answers, give READY=1 up to 2 s more (a daemon without it reports -1) */
        if (ms >= 0 && (ready_ms >= 0 || nfd < 0 || !want_ready || now_ns() - t0 > (uint64_t)(ms * 1e6) + 2000000000ull)) {
            break;
        }
        usleep(500);
    }
    if (nfd >= 0) {
        close(nfd);
        unlink(notify_path);
    }
    kill(pid, SIGTERM);
    for (int i = 0; i < 500; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            pid = 0;
            break;
        }
        usleep(10000);
    }
    if (pid != 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    fprintf(stderr, "startup %s: PING answered after %.1f ms, READY=1 after %.1f ms\n", label, ms, ready_ms);
    printf("RESULT label=%s mode=startup ms=%.1f ready_ms=%.1f\n", label, ms, ready_ms);
    return ms < 0;
}

static void usage(const char *me)
{
    fprintf(stderr,
            "usage: %s -m oneshot|persistent|pipeline|ingest|count|startup -s SOCKET [options] [-- CMD...]\n"
            "  -c N      connections (request modes) or sender threads (ingest), default 1\n"
            "  -d D      pipeline depth (pipeline mode), default 16\n"
            "  -t SEC    measured duration, default 5; -w SEC warm-up first, default 1\n"
            "  -n COUNT  stop after COUNT measured requests / sent events (0 = no bound)\n"
            "  -e NUM    expected num of each STA_LIST reply (default: any)\n"
            "  -P        send PING instead of STA_LIST\n"
            "  -I N      hold N idle connections open during the run\n"
            "  -r RATE   ingest: events/s in total (0 = max)\n"
            "  -N N -B B ingest: stations B..N-1 (default 0..255)\n"
            "  -W SOCK   ingest: then send a marker station and wait until SOCK's STA_GET sees it\n"
            "  -T MS     reply / start-up timeout (default 5000)\n"
            "  -R        startup: also wait (up to 2 s after PING) for READY=1 on $NOTIFY_SOCKET\n"
            "  -L LABEL  label of the RESULT line\n",
            me);
    exit(64);
}

int main(int argc, char **argv)
{
    int opt;
    int depth_set = 0;
    while ((opt = getopt(argc, argv, "m:s:c:d:t:w:n:e:PI:r:N:B:W:T:L:R")) != -1) {
        switch (opt) {
        case 'm':
            mode_name = optarg;
            if (!strcmp(optarg, "oneshot")) mode = M_ONESHOT;
            else if (!strcmp(optarg, "persistent")) mode = M_PERSISTENT;
            else if (!strcmp(optarg, "pipeline")) mode = M_PIPELINE;
            else if (!strcmp(optarg, "ingest")) mode = M_INGEST;
            else if (!strcmp(optarg, "count")) mode = M_COUNT;
            else if (!strcmp(optarg, "startup")) mode = M_STARTUP;
            else usage(argv[0]);
            break;
        case 's': sock_path = optarg; break;
        case 'c': conns = atoi(optarg); break;
        case 'd': depth = atoi(optarg); depth_set = 1; break;
        case 't': duration = atof(optarg); break;
        case 'w': warmup = atof(optarg); break;
        case 'n': max_requests = strtoull(optarg, NULL, 10); break;
        case 'e': expected = atol(optarg); break;
        case 'P': use_ping = 1; break;
        case 'I': idle_conns = atoi(optarg); break;
        case 'r': rate = atof(optarg); break;
        case 'N': stations = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'B': base_station = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'W': cmd_sock = optarg; break;
        case 'T': timeout_ms = atoi(optarg); break;
        case 'L': label = optarg; break;
        case 'R': want_ready = 1; break;
        default: usage(argv[0]);
        }
    }
    if (sock_path == NULL || conns < 1) {
        usage(argv[0]);
    }
    if (mode == M_PIPELINE && !depth_set) {
        depth = 16;
    }
    if (mode != M_PIPELINE) {
        depth = 1;
    }
    if (depth < 1) {
        usage(argv[0]);
    }
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    if (mode == M_STARTUP) {
        if (optind >= argc) {
            usage(argv[0]);
        }
        return run_startup(argv + optind);
    }
    if (mode == M_COUNT) {
        long n = one_request(sock_path, STATIOND_CMD_STA_LIST, NULL);
        printf("COUNT %ld\n", n);
        return n < 0;
    }

    int *idle = NULL;
    int idle_open = 0;
    if (idle_conns > 0) {
        idle = calloc((size_t)idle_conns, sizeof(int));
        for (int i = 0; i < idle_conns; i++) {
            idle[i] = bench_connect(sock_path, SOCK_STREAM, timeout_ms);
            if (idle[i] >= 0) {
                idle_open++;
            }
        }
        fprintf(stderr, "%d of %d idle connections open\n", idle_open, idle_conns);
    }

    struct worker *ws = calloc((size_t)conns, sizeof(struct worker));
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    void *(*fn)(void *) = mode == M_ONESHOT ? oneshot_worker : mode == M_INGEST ? ingest_worker : pipeline_worker;
    if (mode == M_INGEST) {
        warmup = 0;
        atomic_store(&recording, 1);
    }
    start_ns = now_ns();
    for (int i = 0; i < conns; i++) {
        ws[i].id = i;
        ws[i].rbuf = mode == M_INGEST ? NULL : malloc(RBUF);
        if (pthread_create(&ws[i].tid, &attr, fn, &ws[i]) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    if (mode != M_INGEST) {
        struct timespec ts = {.tv_sec = (time_t)warmup, .tv_nsec = (long)((warmup - (double)(time_t)warmup) * 1e9)};
        nanosleep(&ts, NULL);
        start_ns = now_ns();
        atomic_store(&recording, 1);
    }
    uint64_t stop_at = start_ns + (uint64_t)(duration * 1e9);
    while (!atomic_load(&stop_flag)) {
        uint64_t t = now_ns();
        if (t >= stop_at) {
            break;
        }
        uint64_t left = stop_at - t;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(left < 5000000 ? left : 5000000)};
        nanosleep(&ts, NULL);
    }
    mark_done();
    uint64_t end = atomic_load(&end_ns);
    atomic_store(&recording, 0);
    for (int i = 0; i < conns; i++) {
        pthread_join(ws[i].tid, NULL);
    }
    double secs = (double)(end - start_ns) / 1e9;

    struct stats *all = calloc(1, sizeof(struct stats));
    for (int i = 0; i < conns; i++) {
        hist_merge(&all->h, &ws[i].st.h);
        all->errors += ws[i].st.errors;
        all->malformed += ws[i].st.malformed;
    }

    if (mode == M_INGEST) {
        double applied_secs = -1;
        if (cmd_sock != NULL) {
            /* marker: a station outside the bench range, sent after everything else */
            int fd = bench_connect(sock_path, SOCK_DGRAM, timeout_ms);
            sta_event e;
            uint32_t marker = 0xfffffeu;
            station_event(&e, marker, 0, wall_ms());
            if (fd >= 0 && send(fd, &e, sizeof(e), 0) == (ssize_t)sizeof(e)) {
                uint8_t mac[6];
                bench_mac(mac, marker);
                uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull * 6;
                while (now_ns() < deadline) {
                    if (one_request(cmd_sock, STATIOND_CMD_STA_GET, mac) == 1) {
                        applied_secs = (double)(now_ns() - start_ns) / 1e9;
                        break;
                    }
                    usleep(200);
                }
            }
            if (fd >= 0) {
                close(fd);
            }
        }
        double send_rate = secs > 0 ? (double)all->h.count / secs : 0;
        double applied_rate = applied_secs > 0 ? (double)all->h.count / applied_secs : -1;
        fprintf(stderr, "%s: ingest %d senders: sent %llu events in %.2f s = %.0f/s (target %.0f/s); "
                        "all applied after %.2f s = %.0f/s; send errors %llu\n",
                label, conns, (unsigned long long)all->h.count, secs, send_rate, rate, applied_secs, applied_rate,
                (unsigned long long)all->errors);
        printf("RESULT label=%s mode=ingest conns=%d target_rate=%.0f sent=%llu seconds=%.3f send_rate=%.0f "
               "applied_seconds=%.3f applied_rate=%.0f errors=%llu\n",
               label, conns, rate, (unsigned long long)all->h.count, secs, send_rate, applied_secs, applied_rate,
               (unsigned long long)all->errors);
        return all->errors > 0;
    }

    double qps = secs > 0 ? (double)all->h.count / secs : 0;
    fprintf(stderr, "%s: %s c=%d d=%d: %llu requests in %.2f s = %.0f/s, p50 %.1f us, p99 %.1f us, "
                    "p99.9 %.1f us, max %.1f us, errors %llu, malformed %llu\n",
            label, mode_name, conns, depth, (unsigned long long)all->h.count, secs, qps,
            hist_percentile(&all->h, 0.5) / 1e3, hist_percentile(&all->h, 0.99) / 1e3, hist_percentile(&all->h, 0.999) / 1e3,
            all->h.max / 1e3, (unsigned long long)all->errors, (unsigned long long)all->malformed);
    printf("RESULT label=%s mode=%s conns=%d depth=%d requests=%llu seconds=%.3f qps=%.0f p50_us=%.1f "
           "p99_us=%.1f p999_us=%.1f max_us=%.1f errors=%llu malformed=%llu idle=%d\n",
           label, mode_name, conns, depth, (unsigned long long)all->h.count, secs, qps,
           hist_percentile(&all->h, 0.5) / 1e3, hist_percentile(&all->h, 0.99) / 1e3, hist_percentile(&all->h, 0.999) / 1e3,
           all->h.max / 1e3, (unsigned long long)all->errors, (unsigned long long)all->malformed, idle_open);
    for (int i = 0; i < idle_conns; i++) {
        if (idle[i] >= 0) {
            close(idle[i]);
        }
    }
    return 0;
}
