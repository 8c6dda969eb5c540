/*
 * stationctl -- command-line client for stationd, built on libstationd.
 *
 * This file is the command line: the global options (before or after the command), each
 * command's options, the argument parsers, the exit paths and the dispatch. The commands live in
 * the files stationctl.h lists.
 *
 * Exit codes: 0 ok, 1 protocol / I/O error (the message names the code),
 * 2 usage, 3 cannot connect (the message names the path and errno).
 */
#include "stationctl.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *sock_path;
const char *events_path;
int opt_json;
int timeout_ms = STATIOND_DEFAULT_TIMEOUT_MS;
volatile sig_atomic_t stop_requested;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: stationctl [-s SOCKET] [-e EVENTS_SOCKET] [-t TIMEOUT_MS] [--json] COMMAND ...\n"
        "\n"
        "commands:\n"
        "  list [--group N] [--ifname IF] [--filtered|--unfiltered]   station table\n"
        "  get MAC                                  one station\n"
        "  filter add MAC [--group N] [--for DURATION]   add a filter (timed with --for)\n"
        "  filter del MAC [--group N]               remove a filter\n"
        "  filter flush [--group N]                 remove filters (all groups by default)\n"
        "  filter list [--group N]                  the filters, with their expiry\n"
        "  kick MAC [--ban DURATION]                disconnect a station from hostapd (admin)\n"
        "  kick --group N|--ifname IF [--ban DURATION]   disconnect every station of a group / interface\n"
        "  ping                                     check the daemon answers\n"
        "  watch [--count N] [--changes joins,leaves,roams,updates,flushes]\n"
        "                                           print table changes until interrupted\n"
        "  simulate [--stations N] [--rate EVENTS_PER_S] [--seconds S] [--seed N]\n"
        "                                           send simulated station events to the ingest socket\n"
        "  stats [--metrics HOST:PORT]              the daemon's counters, from its metrics endpoint\n"
        "                                           ($STATIOND_METRICS, default 127.0.0.1:9089)\n"
        "\n"
        "DURATION: seconds, or a number with a unit: 90s, 10m, 2h, 1d, 1h30m\n"
        "global options (before or after the command): -s, -e, -t, --json\n"
        "sockets: -s (or $STATIOND_SOCKET, default %s),\n"
        "         -e (or $STATIOND_EVENTS, default %s)\n"
        "exit codes: 0 ok, 1 protocol error, 2 usage, 3 cannot connect\n",
        STATIOND_DEFAULT_SOCKET, STATIOND_DEFAULT_EVENTS_SOCKET);
}

void die_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("stationctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n(see stationctl --help)\n", stderr);
    va_end(ap);
    exit(EXIT_USAGE);
}

void die_code(const char *what, int rc)
{
    fprintf(stderr, "stationctl: %s: %s (%s)\n", what, stationd_code_name(rc), stationd_strerror(rc));
    exit(EXIT_PROTO);
}

/* Why a connect failed, with a hint when the socket is not where we looked. */
void die_connect(const char *path, int err, const char *option, const char *env)
{
    fprintf(stderr, "stationctl: cannot connect to %s: %s\n", path, strerror(err));
    if (err == ENOENT || err == ECONNREFUSED) {
        fprintf(stderr, "stationctl: is stationd running? another socket path is given with %s PATH or $%s\n",
                option, env);
    }
    exit(EXIT_CONNECT);
}

stationd *open_or_die(void)
{
    stationd *h = stationd_open(sock_path, timeout_ms);
    if (h == NULL) {
        die_connect(sock_path, errno, "-s", "STATIOND_SOCKET");
    }
    return h;
}
void oom(void)
{
    fprintf(stderr, "stationctl: out of memory\n");
    exit(EXIT_PROTO);
}

uint32_t parse_u32(const char *opt, const char *text)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (text[0] == '\0' || text[0] == '-' || *end != '\0' || errno != 0 || v > UINT32_MAX) {
        die_usage("%s: not an unsigned 32-bit number: '%s'", opt, text);
    }
    return (uint32_t)v;
}

double parse_positive(const char *opt, const char *text)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || errno != 0 || !(v > 0) || !isfinite(v)) {
        die_usage("%s: not a positive number: '%s'", opt, text);
    }
    return v;
}

uint32_t parse_duration(const char *opt, const char *text)
{
    uint64_t total = 0;
    const char *p = text;
    if (*p == '\0') {
        die_usage("%s: empty duration", opt);
    }
    while (*p != '\0') {
        if (*p < '0' || *p > '9') {
            die_usage("%s: not a duration: '%s' (expected e.g. 90s, 10m, 2h, 1d)", opt, text);
        }
        uint64_t n = 0;
        while (*p >= '0' && *p <= '9') {
            n = n * 10 + (uint64_t)(*p++ - '0');
            if (n > UINT32_MAX) {
                die_usage("%s: too long: '%s' (at most %u seconds)", opt, text, UINT32_MAX);
            }
        }
        uint64_t unit;
        if (*p == 's' || *p == 'm' || *p == 'h' || *p == 'd') {
            unit = *p == 's' ? 1 : *p == 'm' ? 60 : *p == 'h' ? 3600 : 86400;
            p++;
        } else if (*p == '\0' && total == 0 && text[strspn(text, "0123456789")] == '\0') {
            unit = 1; /* a bare number of seconds, only on its own */
        } else {
            die_usage("%s: not a duration: '%s' (expected e.g. 90s, 10m, 2h, 1d)", opt, text);
        }
        total += n * unit;
        if (total > UINT32_MAX) {
            die_usage("%s: too long: '%s' (at most %u seconds)", opt, text, UINT32_MAX);
        }
    }
    if (total == 0) {
        die_usage("%s: must be longer than 0 s: '%s'", opt, text);
    }
    return (uint32_t)total;
}

void parse_mac_or_die(const char *text, uint8_t mac[6])
{
    static const uint8_t zero[6];
    if (stationd_parse_mac(text, mac) != 0 || memcmp(mac, zero, 6) == 0) {
        die_usage("not a MAC address: '%s' (expected aa:bb:cc:dd:ee:ff)", text);
    }
}

uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

void install_stop_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The options every command takes, before or after the command name. */
static const struct option global_lo[] = {
    { "socket", required_argument, NULL, 's' },
    { "events", required_argument, NULL, 'e' },
    { "timeout", required_argument, NULL, 't' },
    { "json", no_argument, NULL, 'j' },
    { "help", no_argument, NULL, 'h' },
};
#define GLOBAL_SHORT "s:e:t:jh"
#define N_GLOBAL (sizeof(global_lo) / sizeof(global_lo[0]))

/* Applies a global option; 0 when c is not one. */
static int global_opt(int c, const char *arg)
{
    switch (c) {
    case 's': sock_path = arg; return 1;
    case 'e': events_path = arg; return 1;
    case 't': {
        uint32_t v = parse_u32("--timeout", arg);
        if (v == 0 || v > INT_MAX) {
            die_usage("--timeout: 1..%d ms", INT_MAX);
        }
        timeout_ms = (int)v;
        return 1;
    }
    case 'j': opt_json = 1; return 1;
    case 'h': usage(stdout); exit(0);
    default: return 0;
    }
}

void sub_getopt(int argc, char **argv, const struct option *lo, void (*each)(int, const char *), args *pos)
{
    struct option all[24];
    size_t n = 0;
    while (lo[n].name != NULL && n < sizeof(all) / sizeof(all[0]) - N_GLOBAL - 1) {
        all[n] = lo[n];
        n++;
    }
    for (size_t i = 0; i < N_GLOBAL; i++) {
        all[n++] = global_lo[i];
    }
    memset(&all[n], 0, sizeof(all[n]));
    pos->n = 0;
    optind = 0; /* glibc: full re-initialisation */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "-" GLOBAL_SHORT, all, NULL)) != -1) {
        if (c == 1) { /* positional (with "-" in optstring positionals come in order) */
            if (pos->n < STATIONCTL_MAX_ARGS) {
                pos->v[pos->n] = optarg;
            }
            pos->n++;
            continue;
        }
        if (c == '?' || c == ':') {
            die_usage("%s: unknown option or missing value: %s", argv[0], argv[optind - 1]);
        }
        if (!global_opt(c, optarg) && each != NULL) {
            each(c, optarg);
        }
    }
}

void no_args(const char *cmd, const args *pos)
{
    if (pos->n > 0) {
        die_usage("%s: unexpected argument '%s'", cmd, pos->v[0]);
    }
}

/* ================================================================== main */

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    { "list", cmd_list },
    { "get", cmd_get },
    { "filter", cmd_filter },
    { "ping", cmd_ping },
    { "kick", cmd_kick },
    { "watch", cmd_watch },
    { "simulate", cmd_simulate },
    { "stats", cmd_stats },
};

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        { "socket", required_argument, NULL, 's' },
        { "events", required_argument, NULL, 'e' },
        { "timeout", required_argument, NULL, 't' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    sock_path = getenv("STATIOND_SOCKET");
    if (sock_path == NULL || sock_path[0] == '\0') {
        sock_path = STATIOND_DEFAULT_SOCKET;
    }
    events_path = getenv("STATIOND_EVENTS");
    if (events_path == NULL || events_path[0] == '\0') {
        events_path = STATIOND_DEFAULT_EVENTS_SOCKET;
    }
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+" GLOBAL_SHORT "V", lo, NULL)) != -1) {
        if (c == 'V') {
            printf("stationctl %s\n", STATIOND_LIB_VERSION);
            return 0;
        }
        if (!global_opt(c, optarg)) {
            die_usage("unknown option or missing value: %s", argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[optind];
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(cmd, commands[i].name) == 0) {
            return commands[i].run(argc - optind, argv + optind);
        }
    }
    if (strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    die_usage("unknown command '%s'", cmd);
}
