/*
 * apsim's clients of the daemon: subscribers that time every change they read and keep their
 * own view of the table, the cloud agent that lists it, and, for a real hostapd, the matching
 * of what a subscriber read against the events hostapd logged.
 *
 * A subscriber (re)subscribes the way a client that must not miss anything does: SUBSCRIBE, then
 * STA_LIST on a second connection, then applies every event read (those that came while it was
 * listing included) over the list; the last event for a station wins, so its view ends equal to
 * the table. It counts records and gaps in the table's event seq (lost).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "apsim.h"
#include "bench_net.h"

struct sub *subs;
struct hist q_bss, q_all;
uint64_t q_errors;
_Atomic int agent_on;

/* ---------------------------------------------------------------- listing */

/* when this thread's last list_table was connected and read its first byte (0 if it did not) */
__thread uint64_t list_connected_ns, list_first_ns;

long list_table(const char *ifname, uint8_t *view, char *buf, size_t cap)
{
    int fd = bench_connect(cmd_sock, SOCK_STREAM, 10000);
    list_connected_ns = now_ns();
    list_first_ns = 0;
    if (fd < 0) {
        return -1;
    }
    cloud_cmd_attr c;
    make_cmd(&c, STATIOND_CMD_STA_LIST, 1);
    if (ifname != NULL) {
        snprintf(c.ifname, sizeof(c.ifname), "%s", ifname);
    }
    int32_t num = -1;
    long result = -1;
    if (write_all(fd, &c, sizeof(c)) == 0 && read_full(fd, &num, 4) == 0 && num >= 0) {
        list_first_ns = now_ns();
        if (view != NULL) {
            memset(view, 0, nidx);
        }
        long left = num;
        size_t per = cap / sizeof(sta_list_attr);
        result = num;
        while (left > 0) {
            size_t k = (size_t)left < per ? (size_t)left : per;
            if (read_full(fd, buf, k * sizeof(sta_list_attr)) < 0) {
                result = -1;
                break;
            }
            for (size_t i = 0; view != NULL && i < k; i++) {
                int64_t idx = mac_index(((sta_list_attr *)(void *)buf)[i].mac);
                if (idx >= 0) {
                    view[idx] = 1;
                }
            }
            left -= (long)k;
        }
    }
    close(fd);
    return result;
}

/* ---------------------------------------------------------------- real hostapd: receptions */

#define MAX_RECV 65536
static struct reception {
    uint8_t mac[6];
    int type;
    uint64_t wall_ns; /* CLOCK_REALTIME: hostapd's log uses the wall clock */
    int used;
} recvs[MAX_RECV];
static int nrecvs;
static pthread_mutex_t recv_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t real_from, real_to; /* the measured window, wall clock */

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void real_window(int begin)
{
    *(begin ? &real_from : &real_to) = wall_ns();
}

/* Pairs every AP-STA-* line hostapd logged in the window ("SECONDS.MICROS: IF: EVENT MAC", from
 * hostapd -t -f LOG; hostapd logs an event just before it sends it to the control sockets) with the
 * first later record of that kind for that station a subscriber read. Returns -1 if LOG cannot be read. */
int real_match(const char *log, struct hist *h, uint64_t *events, uint64_t *matched)
{
    FILE *f = fopen(log, "r");
    if (f == NULL) {
        return -1;
    }
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        unsigned long long sec, usec;
        char ev[64], macs[32];
        if (sscanf(line, "%llu.%llu: %*s %63s %31s", &sec, &usec, ev, macs) != 4) {
            continue;
        }
        int type = !strcmp(ev, "AP-STA-CONNECTED") ? 0 : !strcmp(ev, "AP-STA-DISCONNECTED") ? 1 : -1;
        uint8_t mac[6];
        uint64_t t = sec * 1000000000ull + usec * 1000ull;
        if (type < 0 || parse_mac(macs, mac) < 0 || t < real_from || t >= real_to) {
            continue;
        }
        (*events)++;
        for (int i = 0; i < nrecvs; i++) {
            struct reception *r = &recvs[i];
            if (!r->used && r->type == type && memcmp(r->mac, mac, 6) == 0 && r->wall_ns >= t) {
                r->used = 1;
                hist_record(h, r->wall_ns - t);
                (*matched)++;
                break;
            }
        }
    }
    fclose(f);
    return 0;
}

/* ---------------------------------------------------------------- subscribers */

static int subscribe(struct sub *s, char *buf, size_t cap)
{
    int fd = bench_connect(cmd_sock, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    cloud_cmd_attr c;
    make_cmd(&c, STATIOND_CMD_SUBSCRIBE, (uint32_t)s->id);
    char ack[4];
    if (write_all(fd, &c, sizeof(c)) < 0 || read_full(fd, ack, 4) < 0 || memcmp(ack, "ACK", 4) != 0
        || list_table(NULL, s->view, buf, cap) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void apply_record(struct sub *s, const sta_event *e, uint64_t t)
{
    if (s->have_seq && e->seq != s->last_seq + 1) {
        atomic_fetch_add(&s->lost, (uint32_t)(e->seq - s->last_seq - 1));
    }
    s->have_seq = 1;
    atomic_store(&s->last_seq, e->seq);
    atomic_fetch_add(&s->records, 1);
    atomic_store(&s->last_record_ns, t);
    int type = e->type == STATIOND_EVENT_UPSERT ? 0 : e->type == STATIOND_EVENT_REMOVE ? 1 : -1;
    if (mode == M_REAL) {
        pthread_mutex_lock(&recv_lock);
        if (type >= 0 && s->id == 0 && nrecvs < MAX_RECV) {
            struct reception *r = &recvs[nrecvs++];
            memcpy(r->mac, e->sta.mac, 6);
            r->type = type;
            r->wall_ns = wall_ns();
            r->used = 0;
        }
        pthread_mutex_unlock(&recv_lock);
        return;
    }
    if (type < 0) {
        memset(s->view, 0, nidx); /* FLUSH: these workloads send none; it would empty the view */
        return;
    }
    int64_t idx = mac_index(e->sta.mac);
    if (idx < 0) {
        return;
    }
    s->view[idx] = (uint8_t)(type == 0);
    uint64_t em = atomic_load_explicit(&emit_ns[type][idx], memory_order_acquire);
    if (em == 0 || em == s->seen[type][idx]) {
        return; /* not a change we made (a resync's refresh), or one already timed */
    }
    s->seen[type][idx] = em;
    int ph = atomic_load_explicit(&emit_phase[type][idx], memory_order_relaxed);
    if (ph >= 0 && t >= em) {
        hist_record(&s->lat[ph], t - em);
        s->matched[ph]++;
        if (trace != NULL && s->id == 0) {
            fprintf(trace, "%.6f,%d,%u,%.1f\n", (double)(em - trace_t0) / 1e9, type, (unsigned)idx, (double)(t - em) / 1e3);
        }
    }
}

static void *subscriber(void *arg)
{
    struct sub *s = arg;
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    char rec[REC_SIZE];
    while (!atomic_load(&stop_all)) {
        int fd = subscribe(s, buf, cap);
        if (fd < 0) {
            usleep(100000);
            continue;
        }
        atomic_store(&s->fd, fd);
        int have = 0;
        for (;;) {
            int slow = atomic_load(&s->slow_now);
            ssize_t r = read(fd, buf, slow ? 10 * REC_SIZE : cap); /* slow: at most 100 records/s */
            if (r < 0 && errno == EINTR) {
                continue;
            }
            if (r <= 0) {
                break;
            }
            uint64_t t = now_ns();
            for (ssize_t i = 0; i < r;) {
                int take = REC_SIZE - have < r - i ? REC_SIZE - have : (int)(r - i);
                memcpy(rec + have, buf + i, (size_t)take);
                have += take;
                i += take;
                if (have == REC_SIZE) {
                    apply_record(s, (const sta_event *)(void *)rec, t);
                    have = 0;
                }
            }
            if (slow) {
                usleep(100000);
            }
        }
        atomic_store(&s->fd, -1);
        close(fd);
        if (!atomic_load(&stop_all)) {
            atomic_fetch_add(&s->drops, 1);
        }
    }
    free(buf);
    return NULL;
}

/* starts the subscribers (the last nslow of them slow) and waits until each has subscribed */
void subs_start(void)
{
    subs = calloc((size_t)nsubs, sizeof(struct sub));
    for (int i = 0; i < nsubs; i++) {
        struct sub *s = &subs[i];
        s->id = i;
        s->slow = i >= nsubs - nslow;
        atomic_store(&s->slow_now, s->slow);
        atomic_store(&s->fd, -1);
        s->seen[0] = calloc(nidx, sizeof(uint64_t));
        s->seen[1] = calloc(nidx, sizeof(uint64_t));
        s->view = calloc(nidx, 1);
        pthread_create(&s->tid, NULL, subscriber, s);
    }
    for (int i = 0; i < nsubs; i++) {
        while (atomic_load(&subs[i].fd) < 0 && !atomic_load(&stop_all)) {
            usleep(10000);
        }
    }
}

void subs_stop(void)
{
    for (int i = 0; i < nsubs; i++) {
        int fd = atomic_load(&subs[i].fd);
        if (fd >= 0) {
            shutdown(fd, SHUT_RDWR);
        }
    }
    for (int i = 0; i < nsubs; i++) {
        pthread_join(subs[i].tid, NULL);
    }
}

/* waits until every subscriber is connected, all read the same last seq, and nothing came for QUIET s */
void await_quiet(double quiet, double seconds)
{
    uint64_t end = now_ns() + (uint64_t)(seconds * 1e9);
    while (now_ns() < end) {
        uint32_t maxseq = 0;
        uint64_t last = 0;
        int behind = 0;
        for (int i = 0; i < nsubs; i++) {
            uint32_t q = atomic_load(&subs[i].last_seq);
            uint64_t l = atomic_load(&subs[i].last_record_ns);
            maxseq = q > maxseq ? q : maxseq;
            last = l > last ? l : last;
        }
        for (int i = 0; i < nsubs; i++) {
            behind += atomic_load(&subs[i].last_seq) != maxseq || atomic_load(&subs[i].fd) < 0;
        }
        if (!behind && now_ns() - last > (uint64_t)(quiet * 1e9)) {
            return;
        }
        usleep(50000);
    }
}

/* the latencies of phase PH over every subscriber that reads at full speed; returns how many */
uint64_t merged_latency(int ph, struct hist *h)
{
    memset(h, 0, sizeof(*h));
    uint64_t matched = 0;
    for (int i = 0; i < nsubs; i++) {
        if (!subs[i].slow) {
            hist_merge(h, &subs[i].lat[ph]);
            matched += subs[i].matched[ph];
        }
    }
    return matched;
}

/* ---------------------------------------------------------------- the cloud agent */

void *agent(void *arg)
{
    (void)arg;
    size_t cap = 1 << 20;
    char *buf = malloc(cap);
    int second = 0;
    uint64_t next = now_ns();
    while (!atomic_load(&stop_all)) {
        uint64_t now = now_ns();
        if (now < next) {
            uint64_t w = next - now < 100000000ull ? next - now : 100000000ull;
            struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)w};
            nanosleep(&ts, NULL);
            continue;
        }
        next += 1000000000ull;
        if (!atomic_load(&agent_on)) {
            continue;
        }
        char ifname[16];
        int all = second % 10 == 0;
        snprintf(ifname, sizeof(ifname), "wlan%d", second % nbss);
        second++;
        uint64_t t0 = now_ns();
        long n = list_table(all ? NULL : ifname, NULL, buf, cap);
        uint64_t dt = now_ns() - t0;
        /* the churn alternates join and leave per BSS: each holds its stations or one more */
        long lo = (long)stations * (all ? nbss : 1);
        if (n < lo || n > lo + (all ? nbss : 1)) {
            q_errors++;
            fprintf(stderr, "apsim: STA_LIST %s returned %ld stations, expected %ld..%ld\n", all ? "(all)" : ifname,
                    n, lo, lo + (all ? nbss : 1));
            continue;
        }
        hist_record(all ? &q_all : &q_bss, dt);
        if (dt > 10000000ull) { /* over the target: when, to set beside the daemon's GC log */
            struct timespec wall;
            clock_gettime(CLOCK_REALTIME, &wall);
            fprintf(stderr, "apsim: STA_LIST %s took %.1f ms (connected after %.2f, first byte after %.2f), ended at %lld.%03ld (wall clock)\n",
                    all ? "(all)" : ifname, dt / 1e6, (list_connected_ns - t0) / 1e6, (list_first_ns - t0) / 1e6,
                    (long long)wall.tv_sec, wall.tv_nsec / 1000000);
        }
    }
    free(buf);
    return NULL;
}
