/*
 * apsim's station sources: fake hostapd control sockets (one per BSS) speaking hostapd's
 * control-interface protocol, the churn that makes stations join and leave, and the sender of
 * sta_event datagrams; all driven by one emitter thread that also answers the control requests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "apsim.h"
#include "bench_net.h"

#define MAX_ATTACHED 8
#define CTRL_BUF 4096

_Atomic uint64_t *emit_ns[2];
_Atomic int8_t *emit_phase[2];
_Atomic uint64_t emitted[MAX_RATES];
_Atomic uint64_t peer_dropped[MAX_RATES];
_Atomic int attached_bss;
_Atomic uint64_t ctrl_requests;

static _Atomic int emitting;             /* whether events are being emitted */
static _Atomic uint64_t emit_t0;         /* schedule origin of the current rate */
static _Atomic uint64_t emit_rate_milli; /* events/s x 1000 */
static _Atomic uint64_t emit_gen;        /* bumped when the schedule changes */

/* ---------------------------------------------------------------- stations */

/* station n of BSS bss: 02:5b:BB:NN:NN:NN */
void sim_mac(uint8_t mac[6], int bss, uint32_t n)
{
    mac[0] = 0x02;
    mac[1] = 0x5b;
    mac[2] = (uint8_t)bss;
    mac[3] = (uint8_t)(n >> 16);
    mac[4] = (uint8_t)(n >> 8);
    mac[5] = (uint8_t)n;
}

/* the station's index (bss * pool + n), or -1 for a MAC that is not one of ours */
int64_t mac_index(const uint8_t mac[6])
{
    if (mac[0] != 0x02 || mac[1] != 0x5b || mac[2] >= nbss) {
        return -1;
    }
    uint32_t n = (uint32_t)mac[3] << 16 | (uint32_t)mac[4] << 8 | mac[5];
    return n < pool ? (int64_t)mac[2] * pool + n : -1;
}

int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) {
        return -1;
    }
    for (int i = 0; i < 6; i++) {
        mac[i] = (uint8_t)v[i];
    }
    return 0;
}

void fmt_mac(char *out, const uint8_t mac[6])
{
    sprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

void record_emit(int type, uint32_t idx, uint64_t t)
{
    int ph = atomic_load(&cur_phase);
    if (ph >= 0 && t >= phases[ph].start) {
        atomic_fetch_add(&emitted[ph], 1);
    } else {
        ph = -1;
    }
    /* the phase first, then the time with release: a subscriber that sees the time sees its phase */
    atomic_store_explicit(&emit_phase[type][idx], (int8_t)ph, memory_order_relaxed);
    atomic_store_explicit(&emit_ns[type][idx], t, memory_order_release);
}

/* ---------------------------------------------------------------- fake hostapd */

struct bss {
    int fd;
    char ifname[16];
    char path[108];
    uint8_t bssid[6];
    struct sockaddr_un att[MAX_ATTACHED]; /* ATTACHed clients, which get the events */
    socklen_t attlen[MAX_ATTACHED];
    int atterr[MAX_ATTACHED];
    int natt;
    uint64_t lo, hi;  /* connected: pool numbers lo % pool .. (hi - 1) % pool */
    uint64_t nevents; /* events of this BSS so far (even: a join, odd: a leave) */
};
static struct bss bsses[MAX_BSS];

static int index_of(const struct bss *b)
{
    return (int)(b - bsses);
}

static int is_connected(const struct bss *b, uint32_t n)
{
    uint64_t off = ((uint64_t)n + pool - b->lo % pool) % pool;
    return off < b->hi - b->lo;
}

/* hostapd 2.10's reply to STA <mac> for an associated WPA2 station (nl80211 driver) */
static int sta_text(char *out, size_t cap, const struct bss *b, uint32_t n)
{
    uint8_t mac[6];
    char m[18];
    sim_mac(mac, index_of(b), n);
    fmt_mac(m, mac);
    unsigned long long t = now_ns() / 1000000;
    return snprintf(out, cap,
                    "%s\nflags=[AUTH][ASSOC][AUTHORIZED][WMM][HT][VHT]\naid=%u\ncapability=0x1011\n"
                    "listen_interval=10\nsupported_rates=8c 12 98 24 b0 48 60 6c\ntimeout_next=NULLFUNC POLL\n"
                    "dot11RSNAStatsSTAAddress=%s\ndot11RSNAStatsVersion=1\n"
                    "dot11RSNAStatsSelectedPairwiseCipher=00-0f-ac-4\ndot11RSNAStatsTKIPLocalMICFailures=0\n"
                    "dot11RSNAStatsTKIPRemoteMICFailures=0\nwpa=2\nAKMSuiteSelector=00-0f-ac-2\n"
                    "hostapd_WPA_GroupRekeyTime=86400\nrx_packets=%llu\ntx_packets=%llu\nrx_bytes=%llu\n"
                    "tx_bytes=%llu\ninactive_msec=%llu\nsignal=%d\nrx_rate_info=%u vhtmcs 9 vhtnss 2 shortGI\n"
                    "tx_rate_info=%u vhtmcs 8 vhtnss 2 shortGI\nconnected_time=%u\n"
                    "supp_op_classes=51737475767778797a7b7c7d7e7f808182\nht_caps_info=0x19ef\n"
                    "min_txpower=-1\nmax_txpower=20\next_capab=0400000000000040\n",
                    m, n % 2007 + 1, m, 2000 + t % 100000, 1000 + t % 90000, 2000000 + t, 1000000 + t * 3,
                    t % 3000, -40 - (int)(n % 50), 8667u, 7800u, 60 + n % 3600);
}

static int addr_index(const struct bss *b, const struct sockaddr_un *a, socklen_t len)
{
    for (int i = 0; i < b->natt; i++) {
        if (b->attlen[i] == len && memcmp(&b->att[i], a, len) == 0) {
            return i;
        }
    }
    return -1;
}

static void attach(struct bss *b, const struct sockaddr_un *a, socklen_t len)
{
    if (addr_index(b, a, len) >= 0 || b->natt == MAX_ATTACHED) {
        return;
    }
    b->att[b->natt] = *a;
    b->attlen[b->natt] = len;
    b->atterr[b->natt] = 0;
    if (b->natt++ == 0) {
        atomic_fetch_add(&attached_bss, 1);
    }
}

static void detach(struct bss *b, int i)
{
    b->natt--;
    b->att[i] = b->att[b->natt];
    b->attlen[i] = b->attlen[b->natt];
    b->atterr[i] = b->atterr[b->natt];
    if (b->natt == 0) {
        atomic_fetch_sub(&attached_bss, 1);
    }
}

/* the reply to one request; a length of 0 is an empty reply (hostapd sends a zero-length datagram) */
static int ctrl_answer(struct bss *b, const char *req, const struct sockaddr_un *from, socklen_t fromlen, char *out,
                       size_t cap)
{
    char m[18];
    fmt_mac(m, b->bssid);
    if (!strcmp(req, "PING")) {
        return snprintf(out, cap, "PONG\n");
    }
    if (!strcmp(req, "ATTACH")) {
        attach(b, from, fromlen);
        return snprintf(out, cap, "OK\n");
    }
    if (!strcmp(req, "DETACH")) {
        int i = addr_index(b, from, fromlen);
        if (i >= 0) {
            detach(b, i);
        }
        return snprintf(out, cap, i >= 0 ? "OK\n" : "FAIL\n");
    }
    if (!strcmp(req, "GET_CONFIG")) {
        return snprintf(out, cap, "bssid=%s\nssid=bench-ap-%d\nwps_state=disabled\nwpa=2\nkey_mgmt=WPA-PSK\n"
                                  "group_cipher=CCMP\nrsn_pairwise_cipher=CCMP\n", m, index_of(b));
    }
    if (!strcmp(req, "STATUS")) {
        return snprintf(out, cap,
                        "state=ENABLED\nphy=phy0\nfreq=5180\nnum_sta_non_erp=0\nnum_sta_no_short_slot_time=0\n"
                        "num_sta_no_short_preamble=0\nolbc=0\nnum_sta_ht_no_gf=0\nnum_sta_no_ht=0\n"
                        "num_sta_ht_20_mhz=0\nnum_sta_ht40_intolerant=0\nolbc_ht=0\nht_op_mode=0x0\n"
                        "cac_time_seconds=0\ncac_time_left_seconds=N/A\nchannel=36\nsecondary_channel=1\n"
                        "ieee80211n=1\nieee80211ac=1\nieee80211ax=0\nbeacon_int=100\ndtim_period=2\n"
                        "bss[0]=%s\nbssid[0]=%s\nssid[0]=bench-ap-%d\nnum_sta[0]=%llu\n",
                        b->ifname, m, index_of(b), (unsigned long long)(b->hi - b->lo));
    }
    if (!strcmp(req, "STA-FIRST")) { /* hostapd lists the newest station first */
        return b->hi > b->lo ? sta_text(out, cap, b, (uint32_t)((b->hi - 1) % pool)) : 0;
    }
    if (!strncmp(req, "STA-NEXT ", 9) || !strncmp(req, "STA ", 4)) {
        int next = req[3] == '-';
        uint8_t mac[6];
        int64_t idx = parse_mac(req + (next ? 9 : 4), mac) == 0 ? mac_index(mac) : -1;
        uint32_t k = idx >= 0 ? (uint32_t)(idx % pool) : 0;
        if (idx < 0 || idx / pool != index_of(b) || !is_connected(b, k)) {
            return snprintf(out, cap, "FAIL\n");
        }
        if (!next) {
            return sta_text(out, cap, b, k);
        }
        return k == b->lo % pool ? 0 : sta_text(out, cap, b, (k + pool - 1) % pool);
    }
    if (!strcmp(req, "DENY_ACL SHOW")) {
        return 0;
    }
    if (!strncmp(req, "DENY_ACL ", 9) || !strncmp(req, "DEAUTHENTICATE ", 15)) {
        return snprintf(out, cap, "OK\n");
    }
    return snprintf(out, cap, "UNKNOWN COMMAND\n");
}

/* answers every request waiting on b's socket (hostapd replies with a blocking sendto) */
static void ctrl_drain(struct bss *b)
{
    char req[CTRL_BUF + 1];
    char out[CTRL_BUF];
    for (;;) {
        struct sockaddr_un from;
        socklen_t fromlen = sizeof(from);
        ssize_t r = recvfrom(b->fd, req, CTRL_BUF, MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
        if (r < 0) {
            return;
        }
        while (r > 0 && (req[r - 1] == '\n' || req[r - 1] == '\r')) {
            r--;
        }
        req[r] = 0;
        atomic_fetch_add(&ctrl_requests, 1);
        int n = ctrl_answer(b, req, &from, fromlen, out, sizeof(out));
        while (sendto(b->fd, out, (size_t)n, 0, (struct sockaddr *)&from, fromlen) < 0 && errno == EINTR) {
        }
    }
}

/* hostapd's monitor send: non-blocking; a client whose queue is full loses the event, and one
 * that failed more than 10 times in a row (or is gone) is detached */
static void ctrl_event(struct bss *b, const char *ev, int ph)
{
    for (int i = 0; i < b->natt; i++) {
        if (sendto(b->fd, ev, strlen(ev), MSG_DONTWAIT, (struct sockaddr *)&b->att[i], b->attlen[i]) >= 0) {
            b->atterr[i] = 0;
            continue;
        }
        int e = errno;
        if (ph >= 0) {
            atomic_fetch_add(&peer_dropped[ph], 1);
        }
        if (++b->atterr[i] > 10 || e == ENOENT || e == ECONNREFUSED) {
            fprintf(stderr, "apsim: %s: detaching a monitor after %s\n", b->ifname, strerror(e));
            detach(b, i);
            i--;
        }
    }
}

void bss_open(int i, uint32_t initial)
{
    struct bss *b = &bsses[i];
    snprintf(b->ifname, sizeof(b->ifname), "wlan%d", i);
    snprintf(b->path, sizeof(b->path), "%s/wlan%d", dir, i);
    b->bssid[0] = 0x02;
    b->bssid[1] = 0xaa;
    b->bssid[5] = (uint8_t)i;
    unlink(b->path);
    b->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    strncpy(a.sun_path, b->path, sizeof(a.sun_path) - 1);
    if (b->fd < 0 || bind(b->fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        fprintf(stderr, "apsim: cannot bind %s: %s\n", b->path, strerror(errno));
        exit(1);
    }
    b->lo = 0;
    b->hi = initial;
}

void bss_close_all(void)
{
    for (int i = 0; i < nbss; i++) {
        close(bsses[i].fd);
        unlink(bsses[i].path);
    }
}

/* one event of BSS b: even ones a join at the new end of the window, odd ones a leave at the old end */
static void bss_churn(struct bss *b, uint64_t t)
{
    int join = (b->nevents++ & 1) == 0;
    uint32_t n = (uint32_t)((join ? b->hi++ : b->lo++) % pool);
    uint8_t mac[6];
    char ev[64], m[18];
    sim_mac(mac, index_of(b), n);
    fmt_mac(m, mac);
    snprintf(ev, sizeof(ev), "<3>%s %s", join ? "AP-STA-CONNECTED" : "AP-STA-DISCONNECTED", m);
    record_emit(join ? 0 : 1, (uint32_t)index_of(b) * pool + n, t);
    ctrl_event(b, ev, atomic_load(&cur_phase));
}

/* ---------------------------------------------------------------- sta_event sender */

static int ev_fd = -1;
static uint64_t ing_lo, ing_hi, ing_events;
static uint32_t ing_seq;

int ingest_open(void)
{
    ev_fd = bench_connect(ev_sock, SOCK_DGRAM, 0);
    return ev_fd;
}

static void ingest_send(uint32_t n, int type)
{
    sta_event e;
    memset(&e, 0, sizeof(e));
    e.magic = STATIOND_EVENT_MAGIC;
    e.version = STATIOND_PROTOCOL_VERSION;
    e.type = (uint16_t)type;
    e.seq = ++ing_seq;
    bench_station(&e.sta, n, wall_ms());
    sim_mac(e.sta.mac, 0, n);
    snprintf(e.sta.ifname, sizeof(e.sta.ifname), "wlan0");
    /* blocking, like the W4 senders: nothing is lost, a full queue delays the sender */
    while (send(ev_fd, &e, sizeof(e), 0) < 0) {
        if (errno != EINTR && errno != EAGAIN) {
            perror("apsim: send to the ingest socket");
            exit(1);
        }
    }
}

/* the initially connected stations */
void ingest_preload(void)
{
    for (uint32_t n = 0; n < stations; n++) {
        ingest_send(n, STATIOND_EVENT_UPSERT);
    }
    ing_hi = stations;
}

static void ingest_churn(uint64_t t)
{
    int join = (ing_events++ & 1) == 0;
    uint32_t n = (uint32_t)((join ? ing_hi++ : ing_lo++) % pool);
    record_emit(join ? 0 : 1, n, t);
    ingest_send(n, join ? STATIOND_EVENT_UPSERT : STATIOND_EVENT_REMOVE);
}

/* ---------------------------------------------------------------- the emitter thread */

void start_rate(double rate)
{
    atomic_store(&emit_rate_milli, (uint64_t)(rate * 1000));
    atomic_store(&emit_t0, now_ns());
    atomic_fetch_add(&emit_gen, 1);
    atomic_store(&emitting, 1);
}

void stop_emitting(void)
{
    atomic_store(&emitting, 0);
}

/* Emits event k of the current rate at t0 + k / rate (in bursts when behind), round-robin over
 * the BSSes, and answers control requests in between (before each event: the daemon waits for them). */
void *emitter(void *arg)
{
    (void)arg;
    struct pollfd pfd[MAX_BSS];
    int nfds = mode == M_INGEST ? 0 : nbss;
    for (int i = 0; i < nfds; i++) {
        pfd[i].fd = bsses[i].fd;
        pfd[i].events = POLLIN;
    }
    uint64_t gen = 0, k = 0, t0 = 0, rate_milli = 0;
    int rr = 0;
    while (!atomic_load(&stop_all)) {
        uint64_t now = now_ns();
        uint64_t g = atomic_load(&emit_gen);
        if (g != gen) {
            gen = g;
            k = 0;
            t0 = atomic_load(&emit_t0);
            rate_milli = atomic_load(&emit_rate_milli);
        }
        int on = atomic_load(&emitting) && rate_milli > 0;
        uint64_t next = on ? t0 + (uint64_t)((double)k * 1e12 / (double)rate_milli) : now + 50000000ull;
        if (next > now) {
            uint64_t wait = next - now < 50000000ull ? next - now : 50000000ull;
            struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)wait};
            if (nfds > 0) {
                if (ppoll(pfd, (nfds_t)nfds, &ts, NULL) > 0) {
                    for (int i = 0; i < nfds; i++) {
                        if (pfd[i].revents & POLLIN) {
                            ctrl_drain(&bsses[i]);
                        }
                    }
                }
            } else {
                nanosleep(&ts, NULL);
            }
            continue;
        }
        for (int i = 0; i < nfds; i++) {
            ctrl_drain(&bsses[i]);
        }
        uint64_t t = now_ns();
        if (mode == M_INGEST) {
            ingest_churn(t);
        } else {
            bss_churn(&bsses[rr], t);
            rr = (rr + 1) % nbss;
        }
        k++;
    }
    return NULL;
}
