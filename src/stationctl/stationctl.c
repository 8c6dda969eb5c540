/*
 * stationctl -- command-line client for stationd, built on libstationd.
 *
 * Exit codes: 0 ok, 1 protocol / I/O error (the message names the code),
 * 2 usage, 3 cannot connect (the message names the path and errno).
 */
#include "stationd/stationd.h"
#include "stationctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *sock_path;
static const char *events_path;
static int opt_json;
static int timeout_ms = STATIOND_DEFAULT_TIMEOUT_MS;
static volatile sig_atomic_t stop_requested;

/* ================================================================ helpers */

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

static void __attribute__((noreturn, format(printf, 1, 2))) die_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("stationctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n(see stationctl --help)\n", stderr);
    va_end(ap);
    exit(EXIT_USAGE);
}

static void __attribute__((noreturn)) die_code(const char *what, int rc)
{
    fprintf(stderr, "stationctl: %s: %s (%s)\n", what, stationd_code_name(rc), stationd_strerror(rc));
    exit(EXIT_PROTO);
}

/* Why a connect failed, with a hint when the socket is not where we looked. */
static void __attribute__((noreturn)) die_connect(const char *path, int err, const char *option, const char *env)
{
    fprintf(stderr, "stationctl: cannot connect to %s: %s\n", path, strerror(err));
    if (err == ENOENT || err == ECONNREFUSED) {
        fprintf(stderr, "stationctl: is stationd running? another socket path is given with %s PATH or $%s\n",
                option, env);
    }
    exit(EXIT_CONNECT);
}

static stationd *open_or_die(void)
{
    stationd *h = stationd_open(sock_path, timeout_ms);
    if (h == NULL) {
        die_connect(sock_path, errno, "-s", "STATIOND_SOCKET");
    }
    return h;
}

static uint32_t parse_u32(const char *opt, const char *text)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (text[0] == '\0' || text[0] == '-' || *end != '\0' || errno != 0 || v > UINT32_MAX) {
        die_usage("%s: not an unsigned 32-bit number: '%s'", opt, text);
    }
    return (uint32_t)v;
}

static double parse_positive(const char *opt, const char *text)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || errno != 0 || !(v > 0) || !isfinite(v)) {
        die_usage("%s: not a positive number: '%s'", opt, text);
    }
    return v;
}

/* A lifetime: seconds, or number+unit groups (90s, 10m, 2h, 1d, 1h30m); 1 .. UINT32_MAX seconds. */
static uint32_t parse_duration(const char *opt, const char *text)
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

static void parse_mac_or_die(const char *text, uint8_t mac[6])
{
    static const uint8_t zero[6];
    if (stationd_parse_mac(text, mac) != 0 || memcmp(mac, zero, 6) == 0) {
        die_usage("not a MAC address: '%s' (expected aa:bb:cc:dd:ee:ff)", text);
    }
}

static uint64_t wall_ms(void)
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

static void install_stop_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Copies a NUL-padded wire string (which may lack a NUL) into dst. */
static void wire_str(char *dst, size_t dstlen, const char *src, size_t srclen)
{
    size_t n = strnlen(src, srclen);
    if (n >= dstlen) {
        n = dstlen - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Human display: control bytes become '?'. */
static void printable(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            *p = '?';
        }
    }
}

static int is_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i]) {
            return 0;
        }
    }
    return 1;
}

static const char *band_name(uint8_t band)
{
    switch (band) {
    case STATIOND_BAND_2G4: return "2.4GHz";
    case STATIOND_BAND_5G: return "5GHz";
    case STATIOND_BAND_6G: return "6GHz";
    case STATIOND_BAND_60G: return "60GHz";
    default: return "unknown";
    }
}

static const char *event_name(uint16_t type)
{
    switch (type) {
    case STATIOND_EVENT_UPSERT: return "UPSERT";
    case STATIOND_EVENT_REMOVE: return "REMOVE";
    case STATIOND_EVENT_FLUSH: return "FLUSH";
    default: return "UNKNOWN";
    }
}

static void format_ip(const sta_list_attr *s, char *buf, size_t len)
{
    if (!is_zero(&s->ipv4, sizeof(s->ipv4))) {
        inet_ntop(AF_INET, &s->ipv4, buf, (socklen_t)len);
    } else if (!is_zero(&s->ipv6, sizeof(s->ipv6))) {
        inet_ntop(AF_INET6, &s->ipv6, buf, (socklen_t)len);
    } else {
        snprintf(buf, len, "-");
    }
}

static void format_bytes(uint64_t v, char *buf, size_t len)
{
    static const char units[] = "KMGTPE";
    if (v < 1024) {
        snprintf(buf, len, "%lluB", (unsigned long long)v);
        return;
    }
    double d = (double)v / 1024.0;
    int u = 0;
    while (d >= 1024.0 && u < 5) {
        d /= 1024.0;
        u++;
    }
    snprintf(buf, len, "%.1f%c", d, units[u]);
}

/* 58s, 9m58s, 2h05m, 3d04h */
static void format_secs(uint64_t s, char *buf, size_t len)
{
    if (s < 60) {
        snprintf(buf, len, "%llus", (unsigned long long)s);
    } else if (s < 3600) {
        snprintf(buf, len, "%llum%02llus", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
    } else if (s < 86400) {
        snprintf(buf, len, "%lluh%02llum", (unsigned long long)(s / 3600), (unsigned long long)(s % 3600 / 60));
    } else {
        snprintf(buf, len, "%llud%02lluh", (unsigned long long)(s / 86400), (unsigned long long)(s % 86400 / 3600));
    }
}

static void format_duration(uint64_t assoc_ms, uint64_t now, char *buf, size_t len)
{
    if (assoc_ms == 0) {
        snprintf(buf, len, "-");
        return;
    }
    format_secs(now > assoc_ms ? (now - assoc_ms) / 1000 : 0, buf, len);
}

/* ================================================================= tables */

#define MAX_COLS 10
#define CELL 80

typedef struct table {
    int ncols;
    const char *head[MAX_COLS];
    int right[MAX_COLS];         /* right-aligned column */
    size_t rows, cap;
    char (*cells)[MAX_COLS][CELL];
} table;

/* display width: UTF-8 continuation bytes take no column */
static size_t width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80) {
            w++;
        }
    }
    return w;
}

static char (*table_row(table *t))[CELL]
{
    if (t->rows == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 64;
        void *p = realloc(t->cells, ncap * sizeof(*t->cells));
        if (p == NULL) {
            fprintf(stderr, "stationctl: out of memory\n");
            exit(EXIT_PROTO);
        }
        t->cells = p;
        t->cap = ncap;
    }
    memset(t->cells[t->rows], 0, sizeof(*t->cells));
    return t->cells[t->rows++];
}

static void table_print(table *t)
{
    size_t w[MAX_COLS];
    for (int c = 0; c < t->ncols; c++) {
        w[c] = width(t->head[c]);
        for (size_t r = 0; r < t->rows; r++) {
            size_t cw = width(t->cells[r][c]);
            if (cw > w[c]) {
                w[c] = cw;
            }
        }
    }
    char line[MAX_COLS * (CELL + 2) * 2];
    for (size_t r = 0; r <= t->rows; r++) {
        size_t len = 0;
        for (int c = 0; c < t->ncols; c++) {
            const char *s = r == 0 ? t->head[c] : t->cells[r - 1][c];
            size_t gap = w[c] - width(s);
            if (c > 0) {
                gap += 2;
            }
            if (!t->right[c] && c > 0) {
                memset(line + len, ' ', 2);
                len += 2;
                gap -= 2;
            }
            if (t->right[c]) {
                memset(line + len, ' ', gap);
                len += gap;
            }
            size_t sl = strlen(s);
            memcpy(line + len, s, sl);
            len += sl;
            if (!t->right[c]) {
                memset(line + len, ' ', gap);
                len += gap;
            }
        }
        while (len > 0 && line[len - 1] == ' ') {
            len--; /* no trailing blanks */
        }
        line[len] = '\0';
        puts(line);
    }
    free(t->cells);
    t->cells = NULL;
}

/* ================================================================== JSON */

void json_str(const char *s, size_t maxlen)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strnlen(s, maxlen);
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        switch (c) {
        case '"': fputs("\\\"", stdout); continue;
        case '\\': fputs("\\\\", stdout); continue;
        case '\b': fputs("\\b", stdout); continue;
        case '\f': fputs("\\f", stdout); continue;
        case '\n': fputs("\\n", stdout); continue;
        case '\r': fputs("\\r", stdout); continue;
        case '\t': fputs("\\t", stdout); continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7f) {
            printf("\\u%04x", c);
            continue;
        }
        if (c < 0x80) {
            putchar(c);
            continue;
        }
        /* copy a well-formed UTF-8 sequence; any other byte becomes U+00XX */
        size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        int ok = len > 0 && i + len <= n && c != 0xC0 && c != 0xC1 && c <= 0xF4;
        for (size_t k = 1; ok && k < len; k++) {
            ok = (p[i + k] & 0xC0) == 0x80;
        }
        if (ok && len == 3) {
            /* reject overlongs and surrogates */
            if ((c == 0xE0 && p[i + 1] < 0xA0) || (c == 0xED && p[i + 1] >= 0xA0)) {
                ok = 0;
            }
        } else if (ok && len == 4) {
            if ((c == 0xF0 && p[i + 1] < 0x90) || (c == 0xF4 && p[i + 1] >= 0x90)) {
                ok = 0;
            }
        }
        if (ok) {
            fwrite(p + i, 1, len, stdout);
            i += len - 1;
        } else {
            printf("\\u%04x", c);
        }
    }
    putchar('"');
}

/* The members of a station object, without the braces (callers may add members). */
static void json_station_members(const sta_list_attr *s)
{
    char mac[18], v4[INET_ADDRSTRLEN], v6[INET6_ADDRSTRLEN];
    static const char *flag_names[] = { "AUTHORIZED", "AUTHENTICATED", "ASSOCIATED", "WMM", "HT", "VHT",
                                        "HE", "EHT", "MFP" };
    inet_ntop(AF_INET, &s->ipv4, v4, sizeof(v4));
    inet_ntop(AF_INET6, &s->ipv6, v6, sizeof(v6));
    uint64_t now = wall_ms();
    printf("\"mac\":\"%s\",\"vlan_id\":%u,\"ipv4\":", stationd_format_mac(s->mac, mac), (unsigned)s->vlan_id);
    if (is_zero(&s->ipv4, sizeof(s->ipv4))) {
        fputs("null", stdout);
    } else {
        printf("\"%s\"", v4);
    }
    fputs(",\"ipv6\":", stdout);
    if (is_zero(&s->ipv6, sizeof(s->ipv6))) {
        fputs("null", stdout);
    } else {
        printf("\"%s\"", v6);
    }
    printf(",\"group_id\":%u,\"ifname\":", (unsigned)s->group_id);
    json_str(s->ifname, sizeof(s->ifname));
    fputs(",\"ssid\":", stdout);
    json_str(s->ssid, sizeof(s->ssid));
    printf(",\"signal_dbm\":%d,\"band\":\"%s\",\"flags\":%u,\"flag_names\":[", (int)s->signal_dbm,
           band_name(s->band), (unsigned)s->flags);
    int first = 1;
    for (unsigned i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
        if (s->flags & (1u << i)) {
            printf("%s\"%s\"", first ? "" : ",", flag_names[i]);
            first = 0;
        }
    }
    if (s->flags & STATIOND_STA_FILTERED) {
        printf("%s\"FILTERED\"", first ? "" : ",");
    }
    printf("],\"filtered\":%s,\"tx_rate_kbps\":%u,\"rx_rate_kbps\":%u,"
           "\"tx_bytes\":%llu,\"rx_bytes\":%llu,\"tx_packets\":%llu,\"rx_packets\":%llu,"
           "\"assoc_time_ms\":%llu,\"last_seen_ms\":%llu,\"connected_s\":%llu,\"hostname\":",
           (s->flags & STATIOND_STA_FILTERED) ? "true" : "false", (unsigned)s->tx_rate_kbps,
           (unsigned)s->rx_rate_kbps, (unsigned long long)s->tx_bytes, (unsigned long long)s->rx_bytes,
           (unsigned long long)s->tx_packets, (unsigned long long)s->rx_packets,
           (unsigned long long)s->assoc_time_ms, (unsigned long long)s->last_seen_ms,
           (unsigned long long)(s->assoc_time_ms != 0 && now > s->assoc_time_ms
                                ? (now - s->assoc_time_ms) / 1000 : 0));
    json_str(s->hostname, sizeof(s->hostname));
}

static void json_station(const sta_list_attr *s)
{
    putchar('{');
    json_station_members(s);
    putchar('}');
}

static void json_array(const sta_list_attr *v, size_t n)
{
    putchar('[');
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n " : "\n ", stdout);
        json_station(&v[i]);
    }
    fputs(n ? "\n]\n" : "]\n", stdout);
}

/* ============================================================== commands */

static void print_stations(const sta_list_attr *v, size_t n)
{
    if (opt_json) {
        json_array(v, n);
        return;
    }
    table t = { .ncols = 10,
                .head = { "MAC", "IP", "IFNAME", "SSID", "SIGNAL", "TX/RX Mb/s", "TX/RX BYTES", "CONNECTED",
                          "HOSTNAME", "FLT" },
                .right = { 0, 0, 0, 0, 1, 1, 1, 1, 0, 0 } };
    uint64_t now = wall_ms();
    for (size_t i = 0; i < n; i++) {
        const sta_list_attr *s = &v[i];
        char (*row)[CELL] = table_row(&t);
        char a[CELL / 2], b[CELL / 2];
        stationd_format_mac(s->mac, row[0]);
        format_ip(s, row[1], CELL);
        wire_str(row[2], CELL, s->ifname, sizeof(s->ifname));
        wire_str(row[3], CELL, s->ssid, sizeof(s->ssid));
        printable(row[2]);
        printable(row[3]);
        if (s->signal_dbm != 0) {
            snprintf(row[4], CELL, "%d dBm", (int)s->signal_dbm);
        } else {
            snprintf(row[4], CELL, "-");
        }
        snprintf(row[5], CELL, "%.1f/%.1f", s->tx_rate_kbps / 1000.0, s->rx_rate_kbps / 1000.0);
        format_bytes(s->tx_bytes, a, sizeof(a));
        format_bytes(s->rx_bytes, b, sizeof(b));
        snprintf(row[6], CELL, "%s/%s", a, b);
        format_duration(s->assoc_time_ms, now, row[7], CELL);
        wire_str(row[8], CELL, s->hostname, sizeof(s->hostname));
        printable(row[8]);
        if (row[8][0] == '\0') {
            snprintf(row[8], CELL, "-");
        }
        snprintf(row[9], CELL, "%s", (s->flags & STATIOND_STA_FILTERED) ? "*" : "");
    }
    table_print(&t);
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

/* Parses a subcommand's options (and the global ones) with getopt_long; returns optind in sub. */
static int sub_getopt(int argc, char **argv, const struct option *lo, void (*each)(int, const char *))
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
    optind = 0; /* glibc: full re-initialisation */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "-" GLOBAL_SHORT, all, NULL)) != -1) {
        if (c == 1) { /* positional (with "-" in optstring positionals come in order) */
            each(1, optarg);
            continue;
        }
        if (c == '?' || c == ':') {
            die_usage("%s: unknown option or missing value: %s", argv[0], argv[optind - 1]);
        }
        if (!global_opt(c, optarg)) {
            each(c, optarg);
        }
    }
    return optind;
}

/* ---- list */

static stationd_query list_q;
static char list_pos[256];

static void list_opt(int c, const char *arg)
{
    switch (c) {
    case 'g': list_q.group_id = parse_u32("--group", arg); break;
    case 'i':
        if (strlen(arg) >= STATIOND_IFNAME_LEN) {
            die_usage("--ifname: at most %d bytes: '%s'", STATIOND_IFNAME_LEN - 1, arg);
        }
        list_q.ifname = arg;
        break;
    case 'f': list_q.flags = STATIOND_LIST_ONLY_FILTERED; break;
    case 'u': list_q.flags = STATIOND_LIST_EXCLUDE_FILTERED; break;
    case 1: snprintf(list_pos, sizeof(list_pos), "%s", arg); break;
    default: break;
    }
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {
        { "group", required_argument, NULL, 'g' },
        { "ifname", required_argument, NULL, 'i' },
        { "filtered", no_argument, NULL, 'f' },
        { "unfiltered", no_argument, NULL, 'u' },
        { NULL, 0, NULL, 0 },
    };
    sub_getopt(argc, argv, lo, list_opt);
    if (list_pos[0]) {
        die_usage("list: unexpected argument '%s'", list_pos);
    }
    stationd *h = open_or_die();
    sta_list_attr *v = NULL;
    size_t n = 0;
    int rc = stationd_list_alloc(h, &list_q, &v, &n);
    stationd_close(h);
    if (rc != 0) {
        die_code("list", rc);
    }
    print_stations(v, n);
    free(v);
    return 0;
}

/* ---- get */

static char get_mac[64];
static int get_args;

static void get_opt(int c, const char *arg)
{
    if (c == 1) {
        get_args++;
        snprintf(get_mac, sizeof(get_mac), "%s", arg);
    }
}

static void print_one(const sta_list_attr *s)
{
    if (opt_json) {
        json_station(s);
        putchar('\n');
        return;
    }
    char mac[18], ip[INET6_ADDRSTRLEN], tmp[CELL], a[32], b[32];
    printf("%-14s%s\n", "mac", stationd_format_mac(s->mac, mac));
    inet_ntop(AF_INET, &s->ipv4, ip, sizeof(ip));
    printf("%-14s%s\n", "ipv4", is_zero(&s->ipv4, 4) ? "-" : ip);
    inet_ntop(AF_INET6, &s->ipv6, ip, sizeof(ip));
    printf("%-14s%s\n", "ipv6", is_zero(&s->ipv6, 16) ? "-" : ip);
    wire_str(tmp, sizeof(tmp), s->hostname, sizeof(s->hostname));
    printable(tmp);
    printf("%-14s%s\n", "hostname", tmp[0] ? tmp : "-");
    wire_str(tmp, sizeof(tmp), s->ifname, sizeof(s->ifname));
    printable(tmp);
    printf("%-14s%s\n", "ifname", tmp);
    wire_str(tmp, sizeof(tmp), s->ssid, sizeof(s->ssid));
    printable(tmp);
    printf("%-14s%s\n", "ssid", tmp);
    printf("%-14s%s\n", "band", band_name(s->band));
    printf("%-14s%u\n", "group", (unsigned)s->group_id);
    printf("%-14s%u\n", "vlan", (unsigned)s->vlan_id);
    printf("%-14s%d dBm\n", "signal", (int)s->signal_dbm);
    printf("%-14s%.1f / %.1f Mb/s\n", "tx/rx rate", s->tx_rate_kbps / 1000.0, s->rx_rate_kbps / 1000.0);
    format_bytes(s->tx_bytes, a, sizeof(a));
    format_bytes(s->rx_bytes, b, sizeof(b));
    printf("%-14s%s / %s (%llu / %llu packets)\n", "tx/rx bytes", a, b, (unsigned long long)s->tx_packets,
           (unsigned long long)s->rx_packets);
    format_duration(s->assoc_time_ms, wall_ms(), tmp, sizeof(tmp));
    printf("%-14s%s\n", "connected", tmp);
    printf("%-14s0x%x%s\n", "flags", (unsigned)s->flags, (s->flags & STATIOND_STA_FILTERED) ? " (filtered)" : "");
}

static int cmd_get(int argc, char **argv)
{
    static const struct option lo[] = { { NULL, 0, NULL, 0 } };
    sub_getopt(argc, argv, lo, get_opt);
    if (get_args != 1) {
        die_usage("get: expected exactly one MAC");
    }
    uint8_t mac[6];
    parse_mac_or_die(get_mac, mac);
    stationd *h = open_or_die();
    sta_list_attr s;
    int found = 0;
    int rc = stationd_get(h, mac, &s, &found);
    stationd_close(h);
    if (rc != 0) {
        die_code("get", rc);
    }
    if (!found) {
        fprintf(stderr, "stationctl: get %s: no such station (E_NOENT)\n", get_mac);
        return EXIT_PROTO;
    }
    print_one(&s);
    return 0;
}

/* ---- filter */

static uint32_t filter_group;
static uint32_t filter_for;
static char *filter_pos[4];
static int filter_npos;

static void filter_opt(int c, const char *arg)
{
    if (c == 'g') {
        filter_group = parse_u32("--group", arg);
    } else if (c == 'F') {
        filter_for = parse_duration("--for", arg);
    } else if (c == 1) {
        if (filter_npos < 4) {
            filter_pos[filter_npos] = (char *)arg;
        }
        filter_npos++;
    }
}

static void print_ok(void)
{
    puts(opt_json ? "{\"ok\":true}" : "OK");
}

/* FILTER_LIST order: MAC, then group (unsigned). */
static int cmp_filter_rec(const void *a, const void *b)
{
    const sta_list_attr *x = a, *y = b;
    int c = memcmp(x->mac, y->mac, 6);
    return c != 0 ? c : (x->group_id > y->group_id) - (x->group_id < y->group_id);
}

/* "expires in 9m58s", "permanent" */
static void format_expiry(uint64_t expires_ms, uint64_t now, char *buf, size_t len)
{
    if (expires_ms == 0) {
        snprintf(buf, len, "permanent");
    } else if (expires_ms <= now) {
        snprintf(buf, len, "expiring");
    } else {
        char d[32];
        format_secs((expires_ms - now + 999) / 1000, d, sizeof(d));
        snprintf(buf, len, "expires in %s", d);
    }
}

/*
 * One line per filter: FILTER_DUMP gives the filters with their expiry, FILTER_LIST the live
 * fields of present stations. A daemon without FILTER_DUMP (E_CMD) gets the list without expiries.
 */
static int filter_list(void)
{
    stationd *h = open_or_die();
    filter_attr *fv = NULL;
    size_t nf = 0;
    stationd_query q = { .group_id = filter_group };
    int rc = stationd_filter_dump_alloc(h, &q, &fv, &nf);
    int legacy = rc == STATIOND_E_CMD;
    sta_list_attr *sv = NULL;
    size_t ns = 0;
    if (rc == 0 || legacy) {
        rc = stationd_filter_list_alloc(h, &sv, &ns);
    }
    stationd_close(h);
    if (rc != 0) {
        free(fv);
        die_code("filter list", rc);
    }
    if (legacy) { /* the records of FILTER_LIST stand in for the dump */
        fv = calloc(ns ? ns : 1, sizeof(*fv));
        if (fv == NULL) {
            fprintf(stderr, "stationctl: out of memory\n");
            return EXIT_PROTO;
        }
        for (size_t i = 0; i < ns; i++) {
            if (filter_group == 0 || sv[i].group_id == filter_group) {
                memcpy(fv[nf].mac, sv[i].mac, 6);
                fv[nf].group_id = sv[i].group_id;
                fv[nf].flags = sv[i].last_seen_ms != 0 || sv[i].ifname[0] != '\0' ? STATIOND_FILTER_PRESENT : 0;
                nf++;
            }
        }
    }
    uint64_t now = wall_ms();
    table t = { .ncols = 7, .head = { "MAC", "GROUP", "PRESENT", "EXPIRES", "IFNAME", "IP", "HOSTNAME" },
                .right = { 0, 1, 0, 0, 0, 0, 0 } };
    if (opt_json) {
        putchar('[');
    }
    for (size_t i = 0; i < nf; i++) {
        const filter_attr *f = &fv[i];
        sta_list_attr key;
        memset(&key, 0, sizeof(key));
        memcpy(key.mac, f->mac, 6);
        key.group_id = f->group_id;
        const sta_list_attr *live = ns > 0 ? bsearch(&key, sv, ns, sizeof(*sv), cmp_filter_rec) : NULL;
        if (live == NULL) {
            key.flags = STATIOND_STA_FILTERED;
            live = &key;
        }
        int present = (f->flags & STATIOND_FILTER_PRESENT) != 0;
        if (opt_json) {
            fputs(i ? ",\n {" : "\n {", stdout);
            json_station_members(live);
            printf(",\"present\":%s", present ? "true" : "false");
            if (legacy) {
                fputs(",\"created_ms\":null,\"expires_ms\":null,\"expires_in_s\":null}", stdout);
            } else {
                printf(",\"created_ms\":%llu,\"expires_ms\":", (unsigned long long)f->created_ms);
                if (f->expires_ms == 0) {
                    fputs("null,\"expires_in_s\":null}", stdout);
                } else {
                    printf("%llu,\"expires_in_s\":%llu}", (unsigned long long)f->expires_ms,
                           (unsigned long long)(f->expires_ms > now ? (f->expires_ms - now + 999) / 1000 : 0));
                }
            }
            continue;
        }
        char (*row)[CELL] = table_row(&t);
        stationd_format_mac(f->mac, row[0]);
        snprintf(row[1], CELL, "%u", (unsigned)f->group_id);
        snprintf(row[2], CELL, "%s", present ? "yes" : "no");
        if (legacy) {
            snprintf(row[3], CELL, "?");
        } else {
            format_expiry(f->expires_ms, now, row[3], CELL);
        }
        wire_str(row[4], CELL, live->ifname, sizeof(live->ifname));
        printable(row[4]);
        format_ip(live, row[5], CELL);
        wire_str(row[6], CELL, live->hostname, sizeof(live->hostname));
        printable(row[6]);
        if (row[4][0] == '\0') {
            snprintf(row[4], CELL, "-");
        }
        if (row[6][0] == '\0') {
            snprintf(row[6], CELL, "-");
        }
    }
    if (opt_json) {
        fputs(nf ? "\n]\n" : "]\n", stdout);
    } else {
        table_print(&t);
        if (legacy) {
            fprintf(stderr, "stationctl: this stationd has no FILTER_DUMP: expiries not shown\n");
        }
    }
    free(fv);
    free(sv);
    return 0;
}

static int cmd_filter(int argc, char **argv)
{
    static const struct option lo[] = {
        { "group", required_argument, NULL, 'g' },
        { "for", required_argument, NULL, 'F' },
        { NULL, 0, NULL, 0 },
    };
    sub_getopt(argc, argv, lo, filter_opt);
    if (filter_npos < 1) {
        die_usage("filter: expected add, del, flush or list");
    }
    const char *sub = filter_pos[0];
    int is_add = strcmp(sub, "add") == 0;
    if (filter_for != 0 && !is_add) {
        die_usage("filter %s: --for only goes with filter add", sub);
    }
    int rc;
    if (is_add || strcmp(sub, "del") == 0) {
        if (filter_npos != 2) {
            die_usage("filter %s: expected exactly one MAC", sub);
        }
        uint8_t mac[6];
        parse_mac_or_die(filter_pos[1], mac);
        stationd *h = open_or_die();
        rc = is_add ? stationd_filter_add_timed(h, filter_group, mac, filter_for)
                    : stationd_filter_del(h, filter_group, mac);
        stationd_close(h);
        if (rc != 0) {
            char what[64];
            snprintf(what, sizeof(what), "filter %s %s", sub, filter_pos[1]);
            die_code(what, rc);
        }
        print_ok();
        return 0;
    }
    if (strcmp(sub, "flush") == 0) {
        if (filter_npos != 1) {
            die_usage("filter flush: unexpected argument '%s'", filter_pos[1]);
        }
        stationd *h = open_or_die();
        rc = stationd_filter_flush(h, filter_group);
        stationd_close(h);
        if (rc != 0) {
            die_code("filter flush", rc);
        }
        print_ok();
        return 0;
    }
    if (strcmp(sub, "list") == 0) {
        if (filter_npos != 1) {
            die_usage("filter list: unexpected argument '%s'", filter_pos[1]);
        }
        return filter_list();
    }
    die_usage("filter: unknown subcommand '%s' (expected add, del, flush or list)", sub);
}

/* ---- kick */

static uint32_t kick_group;
static const char *kick_ifname;
static uint32_t kick_ban;
static char *kick_pos[2];
static int kick_npos;

static void kick_opt(int c, const char *arg)
{
    switch (c) {
    case 'g': kick_group = parse_u32("--group", arg); break;
    case 'i':
        if (strlen(arg) == 0 || strlen(arg) >= STATIOND_IFNAME_LEN) {
            die_usage("--ifname: 1..%d bytes: '%s'", STATIOND_IFNAME_LEN - 1, arg);
        }
        kick_ifname = arg;
        break;
    case 'b': kick_ban = parse_duration("--ban", arg); break;
    case 1:
        if (kick_npos < 2) {
            kick_pos[kick_npos] = (char *)arg;
        }
        kick_npos++;
        break;
    default: break;
    }
}

static int cmd_kick(int argc, char **argv)
{
    static const struct option lo[] = {
        { "group", required_argument, NULL, 'g' },
        { "ifname", required_argument, NULL, 'i' },
        { "ban", required_argument, NULL, 'b' },
        { NULL, 0, NULL, 0 },
    };
    sub_getopt(argc, argv, lo, kick_opt);
    int selectors = kick_group != 0 || kick_ifname != NULL;
    if (kick_npos > 1 || (kick_npos == 1 && selectors) || (kick_npos == 0 && !selectors)) {
        die_usage("kick: expected one MAC, or --group N and/or --ifname IF");
    }
    uint8_t mac[6];
    if (kick_npos == 1) {
        parse_mac_or_die(kick_pos[0], mac);
    }
    stationd *h = open_or_die();
    int rc = stationd_kick(h, kick_npos == 1 ? mac : NULL, kick_group, kick_ifname, kick_ban);
    stationd_close(h);
    if (rc == STATIOND_E_NOENT && kick_npos == 1) {
        fprintf(stderr, "stationctl: kick %s: no hostapd that stationd follows holds this station (E_NOENT)\n",
                kick_pos[0]);
        return EXIT_PROTO;
    }
    if (rc != 0) {
        die_code("kick", rc);
    }
    print_ok();
    return 0;
}

/* ---- ping */

static char ping_pos[256];

static void ping_opt(int c, const char *arg)
{
    if (c == 1) {
        snprintf(ping_pos, sizeof(ping_pos), "%s", arg);
    }
}

static int cmd_ping(int argc, char **argv)
{
    static const struct option lo[] = { { NULL, 0, NULL, 0 } };
    sub_getopt(argc, argv, lo, ping_opt);
    if (ping_pos[0]) {
        die_usage("ping: unexpected argument '%s'", ping_pos);
    }
    stationd *h = open_or_die();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = stationd_ping(h);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    stationd_close(h);
    if (rc != 0) {
        die_code("ping", rc);
    }
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (opt_json) {
        printf("{\"ok\":true,\"rtt_ms\":%.3f}\n", ms);
    } else {
        printf("OK (%.3f ms)\n", ms);
    }
    return 0;
}

/* ---- watch */

static long watch_count = -1;
static char watch_pos[256];

/* --changes: which kinds of change to show (all when 0) */
enum { CH_JOIN = 1, CH_LEAVE = 2, CH_ROAM = 4, CH_UPDATE = 8, CH_FLUSH = 16 };
static const struct { const char *name; int bit; } change_kinds[] = {
    { "joins", CH_JOIN }, { "leaves", CH_LEAVE }, { "roams", CH_ROAM }, { "updates", CH_UPDATE },
    { "flushes", CH_FLUSH },
};
static int watch_changes;

static int parse_changes(const char *arg)
{
    int bits = 0;
    const char *p = arg;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");
        int found = 0;
        for (size_t i = 0; i < sizeof(change_kinds) / sizeof(change_kinds[0]); i++) {
            if (strlen(change_kinds[i].name) == len && strncmp(p, change_kinds[i].name, len) == 0) {
                bits |= change_kinds[i].bit;
                found = 1;
            }
        }
        if (!found) {
            die_usage("--changes: unknown kind '%.*s' (expected joins, leaves, roams, updates, flushes)", (int)len, p);
        }
        p += len;
        if (*p == ',') {
            p++;
        }
    }
    if (bits == 0) {
        die_usage("--changes: expected a list such as joins,leaves");
    }
    return bits;
}

static void watch_opt(int c, const char *arg)
{
    if (c == 'c') {
        watch_count = (long)parse_u32("--count", arg);
    } else if (c == 'C') {
        watch_changes = parse_changes(arg);
    } else if (c == 1) {
        snprintf(watch_pos, sizeof(watch_pos), "%s", arg);
    }
}

/*
 * The stations watch knows, MAC -> interface (open addressing, linear probing): what tells a
 * join from an update and a roam. Seeded from STA_LIST right after subscribing.
 */
typedef struct known_sta {
    uint64_t key; /* the MAC as a number, 0 = empty slot, KNOWN_GONE = deleted */
    char ifname[STATIOND_IFNAME_LEN];
} known_sta;
#define KNOWN_GONE UINT64_MAX
static known_sta *known;
static size_t known_cap, known_used; /* used counts deleted slots too */

static uint64_t mac_key(const uint8_t mac[6])
{
    uint64_t k = 0;
    for (int i = 0; i < 6; i++) {
        k = k << 8 | mac[i];
    }
    return k;
}

static size_t known_slot(uint64_t key, size_t cap)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
}

static known_sta *known_find(uint64_t key)
{
    if (known_cap == 0) {
        return NULL;
    }
    for (size_t i = known_slot(key, known_cap);; i = (i + 1) & (known_cap - 1)) {
        if (known[i].key == key) {
            return &known[i];
        }
        if (known[i].key == 0) {
            return NULL;
        }
    }
}

static void known_put(uint64_t key, const char *ifname);

static void known_grow(void)
{
    known_sta *old = known;
    size_t old_cap = known_cap;
    known_cap = old_cap ? old_cap * 2 : 1024;
    known = calloc(known_cap, sizeof(*known));
    if (known == NULL) {
        fprintf(stderr, "stationctl: out of memory\n");
        exit(EXIT_PROTO);
    }
    known_used = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].key != 0 && old[i].key != KNOWN_GONE) {
            known_put(old[i].key, old[i].ifname);
        }
    }
    free(old);
}

static void known_put(uint64_t key, const char *ifname)
{
    known_sta *e = known_find(key);
    if (e == NULL) {
        if ((known_used + 1) * 2 > known_cap) {
            known_grow();
        }
        size_t i = known_slot(key, known_cap);
        while (known[i].key != 0 && known[i].key != KNOWN_GONE) {
            i = (i + 1) & (known_cap - 1);
        }
        if (known[i].key == 0) {
            known_used++;
        }
        e = &known[i];
        e->key = key;
    }
    snprintf(e->ifname, sizeof(e->ifname), "%s", ifname);
}

/* FLUSH: forget every station on ifname ("" = all). */
static void known_flush(const char *ifname)
{
    for (size_t i = 0; i < known_cap; i++) {
        if (known[i].key != 0 && known[i].key != KNOWN_GONE && (ifname[0] == '\0' || strcmp(known[i].ifname, ifname) == 0)) {
            known[i].key = KNOWN_GONE;
        }
    }
}

/* Classifies an event against what is known, and updates it; returns the CH_* kind. */
static int classify(const sta_event *ev, char from[STATIOND_IFNAME_LEN])
{
    char ifn[STATIOND_IFNAME_LEN];
    wire_str(ifn, sizeof(ifn), ev->sta.ifname, sizeof(ev->sta.ifname));
    uint64_t key = mac_key(ev->sta.mac);
    known_sta *e = known_find(key);
    from[0] = '\0';
    switch (ev->type) {
    case STATIOND_EVENT_UPSERT:
        if (e == NULL) {
            known_put(key, ifn);
            return CH_JOIN;
        }
        if (strcmp(e->ifname, ifn) != 0) {
            snprintf(from, STATIOND_IFNAME_LEN, "%s", e->ifname);
            snprintf(e->ifname, sizeof(e->ifname), "%s", ifn);
            return CH_ROAM;
        }
        return CH_UPDATE;
    case STATIOND_EVENT_REMOVE:
        if (e != NULL) {
            e->key = KNOWN_GONE;
        }
        return CH_LEAVE;
    default:
        known_flush(ifn);
        return CH_FLUSH;
    }
}

static const char *change_label(int kind)
{
    switch (kind) {
    case CH_JOIN: return "JOIN";
    case CH_LEAVE: return "LEAVE";
    case CH_ROAM: return "ROAM";
    case CH_UPDATE: return "UPDATE";
    default: return "FLUSH";
    }
}

/* One line per event: the event type, or with --changes the kind of change (and a roam's origin). */
static void print_event(const sta_event *ev, int kind, const char *from)
{
    char mac[18], ts[32], ip[INET6_ADDRSTRLEN], ifn[STATIOND_IFNAME_LEN], ssid[STATIOND_SSID_LEN];
    char host[STATIOND_HOSTNAME_LEN + 1];
    if (opt_json) {
        printf("{\"type\":\"%s\",\"seq\":%u,", event_name(ev->type), (unsigned)ev->seq);
        if (kind != 0) {
            char lower[8];
            snprintf(lower, sizeof(lower), "%s", change_label(kind));
            for (char *p = lower; *p; p++) {
                *p = (char)(*p - 'A' + 'a');
            }
            printf("\"change\":\"%s\",", lower);
            if (kind == CH_ROAM) {
                fputs("\"from_ifname\":", stdout);
                json_str(from, STATIOND_IFNAME_LEN);
                putchar(',');
            }
        }
        fputs("\"station\":", stdout);
        json_station(&ev->sta);
        fputs("}\n", stdout);
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm tm;
    localtime_r(&now.tv_sec, &tm);
    strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
    const sta_list_attr *s = &ev->sta;
    wire_str(ifn, sizeof(ifn), s->ifname, sizeof(s->ifname));
    printable(ifn);
    const char *label = kind != 0 ? change_label(kind) : event_name(ev->type);
    switch (ev->type) {
    case STATIOND_EVENT_UPSERT: {
        format_ip(s, ip, sizeof(ip));
        wire_str(ssid, sizeof(ssid), s->ssid, sizeof(s->ssid));
        wire_str(host, sizeof(host), s->hostname, sizeof(s->hostname));
        printable(ssid);
        printable(host);
        char where[2 * STATIOND_IFNAME_LEN + 8];
        char was[STATIOND_IFNAME_LEN];
        snprintf(was, sizeof(was), "%s", from);
        printable(was);
        snprintf(where, sizeof(where), "%s%s%s", kind == CH_ROAM ? was : "", kind == CH_ROAM ? " -> " : "",
                 ifn[0] ? ifn : "-");
        printf("%s.%03ld %s %s %s %s %s %d dBm %s\n", ts, now.tv_nsec / 1000000, label,
               stationd_format_mac(s->mac, mac), where, ssid[0] ? ssid : "-", ip, (int)s->signal_dbm,
               host[0] ? host : "-");
        break;
    }
    case STATIOND_EVENT_REMOVE:
        printf("%s.%03ld %s %s%s%s\n", ts, now.tv_nsec / 1000000, label, stationd_format_mac(s->mac, mac),
               ifn[0] ? " " : "", ifn);
        break;
    default:
        printf("%s.%03ld %s %s\n", ts, now.tv_nsec / 1000000, label, ifn[0] ? ifn : "(all interfaces)");
        break;
    }
}

/* --changes: the stations present when watching starts (after subscribing, so nothing is missed). */
static void seed_known(void)
{
    stationd *h = open_or_die();
    sta_list_attr *v = NULL;
    size_t n = 0;
    int rc = stationd_list_alloc(h, NULL, &v, &n);
    stationd_close(h);
    if (rc != 0) {
        die_code("watch: list", rc);
    }
    for (size_t i = 0; i < n; i++) {
        char ifn[STATIOND_IFNAME_LEN];
        wire_str(ifn, sizeof(ifn), v[i].ifname, sizeof(v[i].ifname));
        known_put(mac_key(v[i].mac), ifn);
    }
    free(v);
}

static int cmd_watch(int argc, char **argv)
{
    static const struct option lo[] = {
        { "count", required_argument, NULL, 'c' },
        { "changes", required_argument, NULL, 'C' },
        { NULL, 0, NULL, 0 },
    };
    sub_getopt(argc, argv, lo, watch_opt);
    if (watch_pos[0]) {
        die_usage("watch: unexpected argument '%s'", watch_pos);
    }
    install_stop_handlers();
    stationd *h = open_or_die();
    int rc = stationd_subscribe(h);
    if (rc != 0) {
        stationd_close(h);
        die_code("watch", rc);
    }
    if (watch_changes != 0) {
        seed_known();
    }
    fprintf(stderr, "stationctl: watching %s (interrupt to stop)\n", sock_path);
    fflush(stderr);
    long seen = 0;
    while (!stop_requested && (watch_count < 0 || seen < watch_count)) {
        sta_event ev;
        rc = stationd_next_event(h, &ev, 200);
        if (rc == STATIOND_ERR_TIMEOUT) {
            continue;
        }
        if (rc != 0) {
            if (stop_requested) {
                break;
            }
            stationd_close(h);
            die_code("watch: subscription ended", rc);
        }
        char from[STATIOND_IFNAME_LEN] = "";
        int kind = watch_changes != 0 ? classify(&ev, from) : 0;
        if (kind != 0 && (kind & watch_changes) == 0) {
            continue;
        }
        print_event(&ev, kind, from);
        fflush(stdout);
        seen++;
    }
    stationd_close(h);
    free(known);
    return 0;
}

/* ---- simulate */

typedef struct sim_sta {
    int present;
    uint8_t mac[6];
    uint8_t ipv4[4];
    uint8_t ipv6[16];
    int net;          /* index into sim_nets */
    int iface;        /* 0 = wlan0 (2.4 GHz), 1 = wlan1 (5 GHz) */
    int signal;
    int wifi6;
    uint64_t tx_bytes, rx_bytes, tx_packets, rx_packets;
    uint64_t assoc_ms;
    char hostname[STATIOND_HOSTNAME_LEN];
} sim_sta;

static const struct {
    const char *ssid;
    uint32_t group;
    uint16_t vlan;
    uint8_t subnet;
    int iot;
} sim_nets[] = {
    { "HomeNet", 1, 0, 1, 0 },
    { "HomeNet-IoT", 2, 20, 20, 1 },
    { "Guest", 3, 30, 30, 0 },
};

static const char *sim_hosts[] = {
    "alice-iphone", "bobs-macbook", "galaxy-s23", "pixel-8", "living-room-tv", "roku-ultra",
    "nest-thermostat", "hue-bridge", "ring-doorbell", "echo-dot", "ps5", "xbox-series-x", "kindle",
    "ipad-kitchen", "dell-xps", "thinkpad-x1", "hp-printer", "sonos-one", "chromecast", "robot-vacuum",
    "apple-watch", "surface-pro", "steam-deck", "fire-tv", "switch", "security-cam", "oneplus-12",
    "work-laptop", "smart-plug", "garage-door",
};

static uint64_t rng_state;

static uint32_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static int rnd_range(int lo, int hi) /* inclusive */
{
    return lo + (int)(rnd() % (uint32_t)(hi - lo + 1));
}

static void sim_join(sim_sta *s, uint64_t now)
{
    memset(s, 0, sizeof(*s));
    s->present = 1;
    for (int i = 0; i < 6; i++) {
        s->mac[i] = (uint8_t)rnd();
    }
    s->mac[0] = (uint8_t)((s->mac[0] & 0xFC) | 0x02); /* locally administered, unicast */
    int r = rnd_range(0, 9);
    s->net = r < 6 ? 0 : r < 8 ? 1 : 2;
    s->ipv4[0] = 192;
    s->ipv4[1] = 168;
    s->ipv4[2] = sim_nets[s->net].subnet;
    s->ipv4[3] = (uint8_t)rnd_range(10, 250);
    if (!sim_nets[s->net].iot && rnd_range(0, 1)) {
        s->ipv6[0] = 0xfd;
        s->ipv6[1] = 0x00;
        s->ipv6[7] = (uint8_t)sim_nets[s->net].subnet;
        for (int i = 8; i < 16; i++) {
            s->ipv6[i] = (uint8_t)rnd();
        }
    }
    s->iface = sim_nets[s->net].iot ? 0 : rnd_range(0, 2) != 0; /* IoT stays on 2.4 GHz */
    s->signal = rnd_range(-80, -35);
    s->wifi6 = rnd_range(0, 2) == 0;
    s->assoc_ms = now - (uint64_t)rnd_range(0, 3 * 3600) * 1000; /* joined up to 3 h ago */
    if (rnd_range(0, 9) > 0) {
        snprintf(s->hostname, sizeof(s->hostname), "%s",
                 sim_hosts[rnd() % (sizeof(sim_hosts) / sizeof(sim_hosts[0]))]);
        if (rnd_range(0, 3) == 0) {
            size_t len = strlen(s->hostname);
            snprintf(s->hostname + len, sizeof(s->hostname) - len, "-%d", rnd_range(2, 9));
        }
    }
    uint64_t age = (now - s->assoc_ms) / 1000 + 1;
    s->rx_bytes = age * (uint64_t)rnd_range(200, 200000);
    s->tx_bytes = s->rx_bytes / (uint64_t)rnd_range(3, 20);
    s->rx_packets = s->rx_bytes / 900 + 1;
    s->tx_packets = s->tx_bytes / 300 + 1;
}

static uint32_t sim_rate(const sim_sta *s)
{
    /* a plausible PHY rate for the band and signal, in kbit/s */
    static const uint32_t rate5[] = { 29300, 58500, 117000, 234000, 433300, 585000, 780000, 866700, 1201000 };
    static const uint32_t rate24[] = { 6500, 13000, 26000, 39000, 58500, 72200, 144400, 173000, 286800 };
    int idx = (s->signal + 85) / 6;
    if (idx < 0) {
        idx = 0;
    }
    if (idx > 7 + s->wifi6) {
        idx = 7 + s->wifi6;
    }
    return s->iface ? rate5[idx] : rate24[idx];
}

static void sim_fill(const sim_sta *s, sta_event *ev, uint16_t type, uint32_t seq, uint64_t now)
{
    memset(ev, 0, sizeof(*ev));
    ev->magic = STATIOND_EVENT_MAGIC;
    ev->version = STATIOND_PROTOCOL_VERSION;
    ev->type = type;
    ev->seq = seq;
    sta_list_attr *a = &ev->sta;
    memcpy(a->mac, s->mac, 6);
    if (type == STATIOND_EVENT_REMOVE) {
        return;
    }
    a->vlan_id = sim_nets[s->net].vlan;
    memcpy(&a->ipv4, s->ipv4, 4);
    memcpy(&a->ipv6, s->ipv6, 16);
    a->group_id = sim_nets[s->net].group;
    snprintf(a->ifname, sizeof(a->ifname), "wlan%d", s->iface);
    snprintf(a->ssid, sizeof(a->ssid), "%s", sim_nets[s->net].ssid);
    a->signal_dbm = (int8_t)s->signal;
    a->band = s->iface ? STATIOND_BAND_5G : STATIOND_BAND_2G4;
    a->flags = STATIOND_STA_AUTHORIZED | STATIOND_STA_AUTHENTICATED | STATIOND_STA_ASSOCIATED | STATIOND_STA_WMM
               | STATIOND_STA_HT | (s->iface ? STATIOND_STA_VHT : 0) | (s->wifi6 ? STATIOND_STA_HE | STATIOND_STA_MFP : 0);
    a->tx_rate_kbps = sim_rate(s);
    a->rx_rate_kbps = a->tx_rate_kbps - a->tx_rate_kbps / (uint32_t)rnd_range(5, 12);
    a->tx_bytes = s->tx_bytes;
    a->rx_bytes = s->rx_bytes;
    a->tx_packets = s->tx_packets;
    a->rx_packets = s->rx_packets;
    a->assoc_time_ms = s->assoc_ms;
    a->last_seen_ms = now;
    memcpy(a->hostname, s->hostname, sizeof(a->hostname));
}

static long sim_stations = 20;
static double sim_rate_eps = 100, sim_seconds = 10;
static int sim_seeded;
static char sim_pos[256];

static void sim_opt(int c, const char *arg)
{
    switch (c) {
    case 'n': {
        uint32_t v = parse_u32("--stations", arg);
        if (v == 0 || v > 1000000) {
            die_usage("--stations: 1..1000000");
        }
        sim_stations = v;
        break;
    }
    case 'r': sim_rate_eps = parse_positive("--rate", arg); break;
    case 'S': sim_seconds = parse_positive("--seconds", arg); break;
    case 'x': rng_state = parse_u32("--seed", arg) | 1ULL << 40; sim_seeded = 1; break;
    case 1: snprintf(sim_pos, sizeof(sim_pos), "%s", arg); break;
    default: break;
    }
}

static int sim_send(int fd, const sta_event *ev)
{
    for (;;) {
        ssize_t n = send(fd, ev, sizeof(*ev), MSG_NOSIGNAL);
        if (n == (ssize_t)sizeof(*ev)) {
            return 0;
        }
        if (n < 0 && errno == EINTR) {
            if (stop_requested) {
                return 1;
            }
            continue;
        }
        int err = n < 0 ? errno : EMSGSIZE;
        fprintf(stderr, "stationctl: simulate: send to %s: %s\n", events_path, strerror(err));
        exit(err == ECONNREFUSED || err == ENOENT ? EXIT_CONNECT : EXIT_PROTO);
    }
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_simulate(int argc, char **argv)
{
    static const struct option lo[] = {
        { "stations", required_argument, NULL, 'n' },
        { "rate", required_argument, NULL, 'r' },
        { "seconds", required_argument, NULL, 'S' },
        { "seed", required_argument, NULL, 'x' },
        { NULL, 0, NULL, 0 },
    };
    sub_getopt(argc, argv, lo, sim_opt);
    if (sim_pos[0]) {
        die_usage("simulate: unexpected argument '%s'", sim_pos);
    }
    if (!sim_seeded) {
        rng_state = wall_ms() ^ ((uint64_t)getpid() << 32) ^ 0x9E3779B97F4A7C15ULL;
    }

    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    if (strlen(events_path) >= sizeof(addr.sun_path)) {
        die_connect(events_path, ENAMETOOLONG, "-e", "STATIOND_EVENTS");
    }
    strcpy(addr.sun_path, events_path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        die_connect(events_path, errno, "-e", "STATIOND_EVENTS");
    }
    install_stop_handlers();

    sim_sta *st = calloc((size_t)sim_stations, sizeof(*st));
    if (st == NULL) {
        fprintf(stderr, "stationctl: out of memory\n");
        return EXIT_PROTO;
    }
    uint32_t seq = 0;
    unsigned long events = 0, joins = 0, roams = 0, leaves = 0, updates = 0;
    sta_event ev;
    double start = mono_s();
    double end = start + sim_seconds;
    double interval = 1.0 / sim_rate_eps;

    /* everyone associates first */
    for (long i = 0; i < sim_stations && !stop_requested; i++) {
        uint64_t now = wall_ms();
        sim_join(&st[i], now);
        sim_fill(&st[i], &ev, STATIOND_EVENT_UPSERT, ++seq, now);
        if (sim_send(fd, &ev) != 0) {
            break;
        }
        events++;
        joins++;
    }

    double next = mono_s();
    while (!stop_requested) {
        double t = mono_s();
        if (t >= end) {
            break;
        }
        if (t < next) {
            double wait = next - t;
            if (wait > end - t) {
                wait = end - t;
            }
            struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
            nanosleep(&ts, NULL);
            continue;
        }
        next += interval;
        if (next < t - 1.0) {
            next = t; /* fell far behind (daemon queue full): don't burst to catch up */
        }

        uint64_t now = wall_ms();
        sim_sta *s = &st[rnd() % (uint32_t)sim_stations];
        int r = rnd_range(0, 99);
        uint16_t type = STATIOND_EVENT_UPSERT;
        if (!s->present) {
            sim_join(s, now);
            joins++;
        } else if (r < 3) {
            type = STATIOND_EVENT_REMOVE;
            s->present = 0;
            leaves++;
        } else if (r < 9 && !sim_nets[s->net].iot) {
            s->iface = !s->iface; /* roam between the 2.4 and 5 GHz BSS */
            s->signal = rnd_range(-75, -40);
            roams++;
        } else {
            s->signal += rnd_range(-3, 3);
            s->signal = s->signal > -30 ? -30 : s->signal < -90 ? -90 : s->signal;
            uint64_t rx = (uint64_t)rnd_range(0, 2000000);
            uint64_t tx = rx / (uint64_t)rnd_range(3, 20) + (uint64_t)rnd_range(0, 20000);
            s->rx_bytes += rx;
            s->tx_bytes += tx;
            s->rx_packets += rx / 900 + 1;
            s->tx_packets += tx / 300 + 1;
            updates++;
        }
        sim_fill(s, &ev, type, ++seq, now);
        if (sim_send(fd, &ev) != 0) {
            break;
        }
        events++;
    }
    double took = mono_s() - start;
    close(fd);
    free(st);
    if (opt_json) {
        printf("{\"events\":%lu,\"joins\":%lu,\"updates\":%lu,\"roams\":%lu,\"leaves\":%lu,\"seconds\":%.3f}\n",
               events, joins, updates, roams, leaves, took);
    } else {
        printf("simulate: %lu events in %.1f s to %s (%lu joins, %lu updates, %lu roams, %lu leaves)\n",
               events, took, events_path, joins, updates, roams, leaves);
    }
    return 0;
}

/* ================================================================== main */

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
    int sargc = argc - optind;
    char **sargv = argv + optind;
    if (strcmp(cmd, "list") == 0) {
        return cmd_list(sargc, sargv);
    }
    if (strcmp(cmd, "get") == 0) {
        return cmd_get(sargc, sargv);
    }
    if (strcmp(cmd, "filter") == 0) {
        return cmd_filter(sargc, sargv);
    }
    if (strcmp(cmd, "ping") == 0) {
        return cmd_ping(sargc, sargv);
    }
    if (strcmp(cmd, "kick") == 0) {
        return cmd_kick(sargc, sargv);
    }
    if (strcmp(cmd, "watch") == 0) {
        return cmd_watch(sargc, sargv);
    }
    if (strcmp(cmd, "simulate") == 0) {
        return cmd_simulate(sargc, sargv);
    }
    if (strcmp(cmd, "stats") == 0) {
        return cmd_stats(sargc, sargv, opt_json, timeout_ms);
    }
    if (strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    die_usage("unknown command '%s'", cmd);
}
