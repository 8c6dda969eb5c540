/*
 * apsim: an access point around stationd, for the latency and scale workloads (W8-W10).
 *
 * It plays hostapd (one control socket per BSS, speaking hostapd's control-interface protocol:
 * PING, ATTACH/DETACH, GET_CONFIG, STATUS, STA-FIRST/STA-NEXT/STA <mac>, DENY_ACL, and the
 * AP-STA-CONNECTED / AP-STA-DISCONNECTED events sent to every ATTACHed client), or a sender of
 * sta_event datagrams; and, in the same process and on the same clock (CLOCK_MONOTONIC), the
 * subscribers (SUBSCRIBE) that time when each change reaches them, and a cloud agent that lists
 * the table. Against a real hostapd it takes the emission times from hostapd's own log.
 *
 * Modes (-m):
 *   hostapd  -d DIR: one fake BSS (DIR/wlan0); events at each rate of -r R1,R2,... for -t s each
 *            (after -w s of warm-up); one subscriber times every join (UPSERT) and leave (REMOVE)
 *   ingest   -e EVSOCK: the same with UPSERT/REMOVE sta_event datagrams sent to the ingest socket
 *   real     -c LOG: a real hostapd (started with -t -f LOG) followed by the daemon; someone else
 *            makes stations come and go; until SIGTERM (or -t s), then every AP-STA-* line logged
 *            in that window is paired with what the subscriber read (wall clock, as hostapd's log)
 *   ap       -d DIR -b BSS -n STATIONS: BSS fake control sockets (DIR/wlan0..) with STATIONS each,
 *            -r events/s of churn (a station leaves, another joins), -S subscribers of which -D
 *            read slowly (dropped when their backlog fills; they resubscribe), an agent listing one
 *            BSS every second and everything every 10 s; with -P samples the daemon's CPU, RSS, fds
 *            and threads every -i s (to -o FILE as CSV). Runs -t s after -w s of warm-up.
 *
 * A station's MAC is 02:5b:BB:NN:NN:NN (BB = BSS, NNNNNN = its number in the BSS's pool). Each
 * BSS has a pool of stations; the connected ones are a window of it that moves with the churn
 * (joins at the new end, leaves at the old end), so a station changes at most once per window.
 *
 * Output: RESULT lines (and SUB lines per subscriber in ap mode), key=value, on stdout.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include "apsim.h"
#include "bench_net.h"

enum mode mode = M_HOSTAPD;
static const char *mode_name = "hostapd";
const char *dir = ".";
const char *cmd_sock;
const char *ev_sock;
static const char *real_log;
static const char *label = "-";
static const char *sample_file;
FILE *trace;
uint64_t trace_t0;
static double rates[MAX_RATES] = {100};
static int nrates = 1;
static double duration = 10;
static double warmup = 2;
int nbss = 1;
uint32_t stations;
uint32_t pool;
uint32_t nidx;
int nsubs = 1;
int nslow;
static pid_t daemon_pid;
static int find_daemon_pid;
static double sample_every = 10;
_Atomic int stop_all;
_Atomic int ending;
struct phase phases[MAX_RATES];
_Atomic int cur_phase = -1;

/* ---------------------------------------------------------------- the daemon's resources */

struct proc_sample {
    long rss_kib, hwm_kib, threads, fds;
    unsigned long long cpu_ticks;
};

static int sample_proc(pid_t pid, struct proc_sample *ps)
{
    char path[64], line[256];
    memset(ps, 0, sizeof(*ps));
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        sscanf(line, "VmRSS: %ld", &ps->rss_kib);
        sscanf(line, "VmHWM: %ld", &ps->hwm_kib);
        sscanf(line, "Threads: %ld", &ps->threads);
    }
    fclose(f);
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    char stat[1024];
    size_t n = fread(stat, 1, sizeof(stat) - 1, f);
    fclose(f);
    stat[n] = 0;
    char *p = strrchr(stat, ')'); /* after the command name: state, then utime and stime are fields 14 and 15 */
    unsigned long long ut = 0, st = 0;
    if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) {
        return -1;
    }
    ps->cpu_ticks = ut + st;
    snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            ps->fds += e->d_name[0] != '.';
        }
        closedir(d);
    }
    return 0;
}

/* the daemon's pid, from the peer credentials of a connection to its command socket */
static pid_t daemon_pid_of(const char *sock)
{
    int fd = bench_connect(sock, SOCK_STREAM, 1000);
    struct ucred cred;
    socklen_t len = sizeof(cred);
    pid_t pid = fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 ? cred.pid : 0;
    if (fd >= 0) {
        close(fd);
    }
    return pid;
}

/* ---------------------------------------------------------------- helpers */

static void sleep_s(double s)
{
    uint64_t end = now_ns() + (uint64_t)(s * 1e9);
    while (!atomic_load(&stop_all) && !atomic_load(&ending)) {
        uint64_t now = now_ns();
        if (now >= end) {
            return;
        }
        uint64_t w = end - now < 50000000ull ? end - now : 50000000ull;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)w};
        nanosleep(&ts, NULL);
    }
}

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&ending, 1);
}

static void usage(const char *me)
{
    fprintf(stderr,
            "usage: %s -m hostapd|ingest|real|ap -s CMD_SOCKET [options]\n"
            "  -d DIR      directory of the fake control sockets (DIR/wlan0...)\n"
            "  -e SOCK     ingest socket (ingest mode)\n"
            "  -c LOG      the real hostapd's log, written with -t -f (real mode)\n"
            "  -r R1,R2..  events/s, one measured phase per rate (ap mode: the churn)\n"
            "  -t SEC      measured seconds per phase; -w SEC warm-up before the first\n"
            "  -b N        BSSes (ap mode, default 8); -n N connected stations per BSS\n"
            "  -S N        subscribers (default 1); -D N of them read slowly\n"
            "  -P          sample the daemon answering on CMD_SOCKET: CPU, RSS, fds, threads (ap mode)\n"
            "  -i SEC      sample interval (default 10); -o FILE samples as CSV\n"
            "  -l FILE     every latency the first subscriber measures, as CSV\n"
            "  -L LABEL    label of the RESULT lines\n",
            me);
    exit(64);
}

static void parse_rates(const char *s)
{
    nrates = 0;
    char *copy = strdup(s), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t != NULL && nrates < MAX_RATES; t = strtok_r(NULL, ",", &save)) {
        rates[nrates++] = atof(t);
    }
    free(copy);
    if (nrates == 0) {
        usage("apsim");
    }
}

/* waits until the daemon's table holds EXPECT stations (with EXPECT < 0: answers at all) */
static int await_table(long expect, double seconds)
{
    char *buf = malloc(1 << 20);
    uint64_t end = now_ns() + (uint64_t)(seconds * 1e9);
    long n = -1;
    while (now_ns() < end && !atomic_load(&ending)) {
        n = list_table(NULL, NULL, buf, 1 << 20);
        if ((expect < 0 && n >= 0) || (expect >= 0 && n == expect)) {
            free(buf);
            return 0;
        }
        usleep(20000);
    }
    free(buf);
    fprintf(stderr, "apsim: the daemon holds %ld stations, expected %ld\n", n, expect);
    return -1;
}

static void print_latency(const char *what, double rate, double seconds, uint64_t events, uint64_t matched,
                          uint64_t expected, uint64_t dropped, const struct hist *h)
{
    uint64_t lost = expected > matched ? expected - matched : 0;
    printf("RESULT label=%s mode=%s what=%s rate=%.0f seconds=%.1f events=%llu subscribers=%d matched=%llu lost=%llu "
           "peer_dropped=%llu p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f\n",
           label, mode_name, what, rate, seconds, (unsigned long long)events, nsubs - nslow,
           (unsigned long long)matched, (unsigned long long)lost, (unsigned long long)dropped,
           hist_percentile(h, 0.5) / 1e3, hist_percentile(h, 0.99) / 1e3, hist_percentile(h, 0.999) / 1e3, h->max / 1e3);
    fprintf(stderr, "%s %s at %.0f/s: %llu events, lost %llu, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", label, what,
            rate, (unsigned long long)events, (unsigned long long)lost, hist_percentile(h, 0.5) / 1e6,
            hist_percentile(h, 0.99) / 1e6, h->max / 1e6);
    fflush(stdout);
}

/* ap mode: per subscriber, and the whole access point */
static void print_ap(const struct proc_sample *s0, const struct proc_sample *s1, long rss_max)
{
    char *buf = malloc(1 << 20);
    uint8_t *truth = calloc(nidx, 1);
    long n = list_table(NULL, truth, buf, 1 << 20);
    uint32_t maxseq = 0;
    for (int i = 0; i < nsubs; i++) {
        uint32_t q = atomic_load(&subs[i].last_seq);
        maxseq = q > maxseq ? q : maxseq;
    }
    int ok_views = 0;
    uint64_t lost_fast = 0, lost_slow = 0;
    for (int i = 0; i < nsubs; i++) {
        struct sub *s = &subs[i];
        long wrong = 0;
        for (uint32_t k = 0; k < nidx; k++) {
            wrong += s->view[k] != truth[k];
        }
        uint64_t lost = atomic_load(&s->lost) + (maxseq - atomic_load(&s->last_seq));
        ok_views += wrong == 0;
        *(s->slow ? &lost_slow : &lost_fast) += lost;
        printf("SUB label=%s id=%d slow=%d records=%llu lost=%llu drops=%llu view_wrong=%ld\n", label, i, s->slow,
               (unsigned long long)atomic_load(&s->records), (unsigned long long)lost,
               (unsigned long long)atomic_load(&s->drops), wrong);
    }
    double secs = (double)(phases[0].end - phases[0].start) / 1e9;
    long hz = sysconf(_SC_CLK_TCK);
    double cpu = daemon_pid > 0 && hz > 0 ? (double)(s1->cpu_ticks - s0->cpu_ticks) / (double)hz / secs * 100 : -1;
    struct hist lat;
    merged_latency(0, &lat);
    rss_max = s1->rss_kib > rss_max ? s1->rss_kib : rss_max;
    printf("RESULT label=%s mode=ap bss=%d stations=%ld final_stations=%ld churn=%.0f seconds=%.1f subscribers=%d "
           "slow=%d views_ok=%d lost_fast=%llu lost_slow=%llu q_bss=%llu q_bss_p50_us=%.1f q_bss_p99_us=%.1f "
           "q_bss_max_us=%.1f q_all=%llu q_all_p50_us=%.1f q_all_p99_us=%.1f q_all_max_us=%.1f q_errors=%llu "
           "cpu_pct=%.2f rss_kib=%ld rss_max_kib=%ld hwm_kib=%ld fds=%ld threads=%ld ctrl_requests=%llu "
           "lat_p50_us=%.1f lat_p99_us=%.1f lat_max_us=%.1f\n",
           label, nbss, (long)stations * nbss, n, rates[0], secs, nsubs, nslow, ok_views, (unsigned long long)lost_fast,
           (unsigned long long)lost_slow, (unsigned long long)q_bss.count, hist_percentile(&q_bss, 0.5) / 1e3,
           hist_percentile(&q_bss, 0.99) / 1e3, q_bss.max / 1e3, (unsigned long long)q_all.count,
           hist_percentile(&q_all, 0.5) / 1e3, hist_percentile(&q_all, 0.99) / 1e3, q_all.max / 1e3,
           (unsigned long long)q_errors, cpu, s1->rss_kib, rss_max, s1->hwm_kib, s1->fds, s1->threads,
           (unsigned long long)atomic_load(&ctrl_requests), hist_percentile(&lat, 0.5) / 1e3,
           hist_percentile(&lat, 0.99) / 1e3, lat.max / 1e3);
    fprintf(stderr, "%s: %d/%d subscriber views match the table; lost: fast %llu, slow %llu; queries: BSS p99 %.2f ms, "
                    "all p99 %.2f ms; change to subscriber p99 %.2f ms; CPU %.1f %%, RSS %ld KiB (max %ld)\n",
            label, ok_views, nsubs, (unsigned long long)lost_fast, (unsigned long long)lost_slow,
            hist_percentile(&q_bss, 0.99) / 1e6, hist_percentile(&q_all, 0.99) / 1e6, hist_percentile(&lat, 0.99) / 1e6,
            cpu, s1->rss_kib, rss_max);
    fflush(stdout);
    free(truth);
    free(buf);
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "m:s:d:e:c:r:t:w:b:n:S:D:Pi:o:l:L:")) != -1) {
        switch (opt) {
        case 'm':
            mode_name = optarg;
            if (!strcmp(optarg, "hostapd")) mode = M_HOSTAPD;
            else if (!strcmp(optarg, "ingest")) mode = M_INGEST;
            else if (!strcmp(optarg, "real")) mode = M_REAL;
            else if (!strcmp(optarg, "ap")) mode = M_AP;
            else usage(argv[0]);
            break;
        case 's': cmd_sock = optarg; break;
        case 'd': dir = optarg; break;
        case 'e': ev_sock = optarg; break;
        case 'c': real_log = optarg; break;
        case 'r': parse_rates(optarg); break;
        case 't': duration = atof(optarg); break;
        case 'w': warmup = atof(optarg); break;
        case 'b': nbss = atoi(optarg); break;
        case 'n': stations = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'S': nsubs = atoi(optarg); break;
        case 'D': nslow = atoi(optarg); break;
        case 'P': find_daemon_pid = 1; break;
        case 'i': sample_every = atof(optarg); break;
        case 'o': sample_file = optarg; break;
        case 'l':
            trace = fopen(optarg, "w");
            if (trace != NULL) {
                fprintf(trace, "emit_s,type,station,latency_us\n");
            }
            break;
        case 'L': label = optarg; break;
        default: usage(argv[0]);
        }
    }
    if (cmd_sock == NULL || nsubs < 1 || nslow >= nsubs || nbss < 1 || nbss > MAX_BSS
        || (mode == M_INGEST && ev_sock == NULL) || (mode == M_REAL && real_log == NULL)) {
        usage(argv[0]);
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (mode != M_AP) {
        nbss = 1;
    }
    /* the pool: the connected window plus as many spares (ap: 1,000 per BSS), so a station
     * changes at most once per window: a second of events at the highest rate, at least */
    double maxrate = 0;
    for (int i = 0; i < nrates; i++) {
        maxrate = rates[i] > maxrate ? rates[i] : maxrate;
    }
    if (stations == 0 && mode != M_REAL) {
        stations = mode == M_AP ? 2007 : (uint32_t)(maxrate < 1000 ? 1000 : maxrate);
    }
    pool = mode == M_REAL ? 1 : stations + (mode == M_AP ? 1000 : stations);
    nidx = (uint32_t)nbss * pool;
    for (int t = 0; t < 2; t++) {
        emit_ns[t] = calloc(nidx, sizeof(uint64_t));
        emit_phase[t] = calloc(nidx, 1);
    }

    long initial = (long)stations * nbss;
    if (mode == M_HOSTAPD || mode == M_AP) {
        for (int i = 0; i < nbss; i++) {
            bss_open(i, stations);
        }
        fprintf(stderr, "apsim: %d fake hostapd BSS in %s, %u stations each; waiting for the daemon\n", nbss, dir,
                stations);
    }
    pthread_t em;
    if (mode != M_REAL) {
        pthread_create(&em, NULL, emitter, NULL);
    }
    if (mode == M_HOSTAPD || mode == M_AP) {
        uint64_t deadline = now_ns() + 60000000000ull;
        while (atomic_load(&attached_bss) < nbss && now_ns() < deadline && !atomic_load(&ending)) {
            usleep(10000);
        }
        if (atomic_load(&attached_bss) < nbss) {
            fprintf(stderr, "apsim: only %d of %d BSS attached\n", atomic_load(&attached_bss), nbss);
            return 1;
        }
    } else if (mode == M_INGEST) {
        if (ingest_open() < 0 && (await_table(-1, 60) < 0 || ingest_open() < 0)) {
            fprintf(stderr, "apsim: cannot connect to %s\n", ev_sock);
            return 1;
        }
        ingest_preload();
    }
    if (await_table(mode == M_REAL ? -1 : initial, 60) < 0) {
        return 1;
    }
    if (find_daemon_pid) {
        daemon_pid = daemon_pid_of(cmd_sock);
    }
    uint64_t t_ready = now_ns();
    trace_t0 = t_ready;
    subs_start();
    fprintf(stderr, "apsim: %ld stations loaded and %d subscribers in %.2f s\n", initial, nsubs,
            (double)(now_ns() - t_ready) / 1e9);
    pthread_t ag;
    if (mode == M_AP) {
        pthread_create(&ag, NULL, agent, NULL);
    }
    FILE *samples = sample_file != NULL ? fopen(sample_file, "w") : NULL;
    if (samples != NULL) {
        fprintf(samples, "t_s,rss_kib,fds,threads,cpu_ticks\n");
    }

    /* the phases: warm-up at the first rate, then each rate measured */
    if (mode != M_REAL) {
        start_rate(rates[0]);
    }
    sleep_s(warmup);
    struct proc_sample s0 = {0}, s1 = {0};
    long rss_max = 0;
    int nphases = 0;
    for (int ph = 0; ph < nrates && !atomic_load(&ending); ph++) {
        phases[ph].rate = mode == M_REAL ? 0 : rates[ph];
        if (ph > 0) {
            start_rate(rates[ph]);
            sleep_s(warmup > 1 ? 1 : warmup); /* the new rate settles before it is measured */
        }
        phases[ph].start = now_ns();
        phases[ph].end = UINT64_MAX;
        atomic_store(&cur_phase, ph);
        real_window(1);
        if (daemon_pid > 0) {
            sample_proc(daemon_pid, &s0);
        }
        atomic_store(&agent_on, 1);
        uint64_t next = now_ns();
        while (!atomic_load(&ending) && now_ns() - phases[ph].start < (uint64_t)(duration * 1e9)) {
            struct proc_sample ps;
            if (daemon_pid > 0 && now_ns() >= next && sample_proc(daemon_pid, &ps) == 0) {
                next += (uint64_t)(sample_every * 1e9);
                rss_max = ps.rss_kib > rss_max ? ps.rss_kib : rss_max;
                if (samples != NULL) {
                    fprintf(samples, "%.1f,%ld,%ld,%ld,%llu\n", (double)(now_ns() - phases[0].start) / 1e9, ps.rss_kib,
                            ps.fds, ps.threads, ps.cpu_ticks);
                    fflush(samples);
                }
            }
            sleep_s(0.1);
        }
        atomic_store(&agent_on, 0);
        if (daemon_pid > 0) {
            sample_proc(daemon_pid, &s1);
        }
        real_window(0);
        phases[ph].end = now_ns();
        atomic_store(&cur_phase, -1);
        nphases++;
    }
    stop_emitting();
    for (int i = 0; i < nsubs; i++) {
        atomic_store(&subs[i].slow_now, 0); /* slow readers catch up for the final comparison */
    }
    /* a real hostapd's join needs a STA round trip, and the daemon may be slow on a loaded machine: a longer quiet */
    await_quiet(mode == M_REAL ? 2.0 : 1.0, 30);

    if (mode == M_AP) {
        print_ap(&s0, &s1, rss_max);
    } else if (mode == M_REAL) {
        struct hist h;
        memset(&h, 0, sizeof(h));
        uint64_t events = 0, matched = 0;
        if (real_match(real_log, &h, &events, &matched) < 0) {
            fprintf(stderr, "apsim: cannot read %s\n", real_log);
            return 1;
        }
        print_latency("hostapd", 0, (double)(phases[0].end - phases[0].start) / 1e9, events, matched, events, 0, &h);
    } else {
        for (int ph = 0; ph < nphases; ph++) {
            struct hist h;
            uint64_t matched = merged_latency(ph, &h);
            uint64_t events = atomic_load(&emitted[ph]);
            print_latency(mode == M_INGEST ? "sta_event" : "ap_sta_event", phases[ph].rate,
                          (double)(phases[ph].end - phases[ph].start) / 1e9, events, matched,
                          events * (uint64_t)(nsubs - nslow), atomic_load(&peer_dropped[ph]), &h);
        }
    }
    if (samples != NULL) {
        fclose(samples);
    }
    atomic_store(&stop_all, 1);
    subs_stop();
    if (mode != M_REAL) {
        pthread_join(em, NULL);
    }
    if (mode == M_AP) {
        pthread_join(ag, NULL);
    }
    if (trace != NULL) {
        fclose(trace);
    }
    if (mode == M_HOSTAPD || mode == M_AP) {
        bss_close_all();
    }
    return 0;
}
