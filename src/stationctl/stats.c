/*
 * stationctl stats -- the daemon's counters, read from its metrics endpoint (GET /metrics over
 * TCP, the Prometheus text format) and printed as a table, or as JSON with --json.
 *
 * The parser reads what the exposition format promises and no more: '#' lines are comments
 * (HELP/TYPE), every other line is NAME[{LABEL="VALUE",...}] VALUE [TIMESTAMP], label values
 * escaped with \\, \" and \n.
 */
#include "stationctl.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_METRICS "127.0.0.1:9089"
#define MAX_RESPONSE (64u << 20) /* per-station series of a large table fit; anything bigger is not ours */
#define MAX_LABELS 8

typedef struct label {
    char *name;
    char *value;
} label;

typedef struct sample {
    char *name;
    int nlabels;
    label labels[MAX_LABELS];
    double value;
} sample;

typedef struct samples {
    sample *v;
    size_t n, cap;
} samples;

/* ---------------------------------------------------------------- HTTP */

/* HOST:PORT or [IPV6]:PORT into host and port (pointing into buf). */
static int split_address(char *buf, char **host, char **port)
{
    char *colon = strrchr(buf, ':');
    if (colon == NULL || colon[1] == '\0') {
        return -1;
    }
    *colon = '\0';
    *port = colon + 1;
    *host = buf;
    size_t len = strlen(buf);
    if (len >= 2 && buf[0] == '[' && buf[len - 1] == ']') {
        buf[len - 1] = '\0';
        *host = buf + 1;
    }
    return **host ? 0 : -1;
}

static int wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = events };
    int r;
    do {
        r = poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    return r;
}

/* Connects to the endpoint; exits 3 with the address and the reason when it cannot. */
static int connect_or_die(const char *address, int timeout_ms)
{
    char buf[256];
    char *host, *port;
    int n = snprintf(buf, sizeof(buf), "%s", address);
    if (n < 0 || (size_t)n >= sizeof(buf) || split_address(buf, &host, &port) != 0) {
        fprintf(stderr, "stationctl: --metrics: expected HOST:PORT or [IPV6]:PORT, got '%s'\n", address);
        exit(EXIT_USAGE);
    }
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "stationctl: cannot resolve %s: %s\n", address, gai_strerror(rc));
        exit(EXIT_CONNECT);
    }
    int err = 0;
    for (struct addrinfo *a = res; a != NULL; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
            socklen_t len = sizeof(err);
            if (wait_fd(fd, POLLOUT, timeout_ms) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0
                && err == 0) {
                freeaddrinfo(res);
                return fd;
            }
            if (err == 0) {
                err = ETIMEDOUT;
            }
        } else {
            err = errno;
        }
        close(fd);
    }
    freeaddrinfo(res);
    fprintf(stderr, "stationctl: cannot connect to the metrics endpoint %s: %s\n"
            "  (metrics on? metrics.listen in the configuration, or stationd-metrics.socket under systemd)\n",
            address, strerror(err));
    exit(EXIT_CONNECT);
}

/* GET /metrics (HTTP/1.0: the server closes after the response); returns the body, NUL-terminated. */
static char *fetch_metrics(const char *address, int timeout_ms)
{
    int fd = connect_or_die(address, timeout_ms);
    char req[512];
    int n = snprintf(req, sizeof(req), "GET /metrics HTTP/1.0\r\nHost: %s\r\n"
                     "Accept: text/plain;version=0.0.4\r\nUser-Agent: stationctl\r\n\r\n", address);
    for (int off = 0; off < n;) {
        if (wait_fd(fd, POLLOUT, timeout_ms) != 1) {
            goto timeout;
        }
        ssize_t w = send(fd, req + off, (size_t)(n - off), MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
            fprintf(stderr, "stationctl: %s: send: %s\n", address, strerror(errno));
            exit(EXIT_PROTO);
        }
        off += w > 0 ? (int)w : 0;
    }
    size_t len = 0, cap = 65536;
    char *buf = malloc(cap + 1);
    if (buf == NULL) {
        oom();
    }
    for (;;) {
        if (wait_fd(fd, POLLIN, timeout_ms) != 1) {
            goto timeout;
        }
        if (len == cap) {
            if (cap >= MAX_RESPONSE) {
                fprintf(stderr, "stationctl: %s: response larger than %u MiB\n", address, MAX_RESPONSE >> 20);
                exit(EXIT_PROTO);
            }
            cap *= 2;
            char *p = realloc(buf, cap + 1);
            if (p == NULL) {
                oom();
            }
            buf = p;
        }
        ssize_t r = recv(fd, buf + len, cap - len, 0);
        if (r == 0) {
            break;
        }
        if (r < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            fprintf(stderr, "stationctl: %s: recv: %s\n", address, strerror(errno));
            exit(EXIT_PROTO);
        }
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    int status = 0;
    char *body = strstr(buf, "\r\n\r\n");
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1 || body == NULL) {
        fprintf(stderr, "stationctl: %s: not an HTTP response\n", address);
        exit(EXIT_PROTO);
    }
    if (status != 200) {
        char *eol = strstr(buf, "\r\n");
        *eol = '\0';
        fprintf(stderr, "stationctl: %s: GET /metrics answered '%s'\n", address, buf);
        exit(EXIT_PROTO);
    }
    memmove(buf, body + 4, len - (size_t)(body + 4 - buf) + 1);
    return buf;
timeout:
    fprintf(stderr, "stationctl: %s: no answer within %d ms\n", address, timeout_ms);
    exit(EXIT_PROTO);
}

/* --------------------------------------------------------------- parsing */

/* Unescapes a quoted label value in place; p points after the opening quote. Returns the char after the closing quote. */
static char *label_value(char *p, char **value)
{
    char *out = p;
    *value = p;
    while (*p && *p != '"') {
        if (*p == '\\' && p[1]) {
            p++;
            *out++ = *p == 'n' ? '\n' : *p;
            p++;
        } else {
            *out++ = *p++;
        }
    }
    if (*p != '"') {
        return NULL;
    }
    *out = '\0'; /* out <= p: the closing quote may be overwritten only after it was seen */
    return p + 1;
}

/* Parses one sample line in place; 0 on success. */
static int parse_line(char *line, sample *s)
{
    memset(s, 0, sizeof(*s));
    char *p = line;
    s->name = p;
    while (*p && *p != '{' && *p != ' ') {
        p++;
    }
    if (*p == '{') {
        *p++ = '\0';
        while (*p != '}') {
            if (*p == ',') {
                p++;
                continue;
            }
            char *eq = strchr(p, '=');
            if (eq == NULL || eq[1] != '"' || s->nlabels == MAX_LABELS) {
                return -1;
            }
            *eq = '\0';
            s->labels[s->nlabels].name = p;
            p = label_value(eq + 2, &s->labels[s->nlabels].value);
            if (p == NULL) {
                return -1;
            }
            s->nlabels++;
        }
        *p++ = '\0';
    } else if (*p == ' ') {
        *p++ = '\0';
    } else {
        return -1;
    }
    while (*p == ' ') {
        p++;
    }
    char *end;
    s->value = strtod(p, &end);
    return end == p ? -1 : 0;
}

static void parse_all(char *body, samples *out)
{
    for (char *line = strtok(body, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 256;
            out->v = realloc(out->v, out->cap * sizeof(*out->v));
            if (out->v == NULL) {
                oom();
            }
        }
        /* strtok already cut the line; a label value holding "\n" is escaped, so lines are whole */
        if (parse_line(line, &out->v[out->n]) != 0) {
            fprintf(stderr, "stationctl: cannot parse metrics line: %.80s\n", line);
            exit(EXIT_PROTO);
        }
        out->n++;
    }
}

static const char *label_of(const sample *s, const char *name)
{
    for (int i = 0; i < s->nlabels; i++) {
        if (strcmp(s->labels[i].name, name) == 0) {
            return s->labels[i].value;
        }
    }
    return "";
}

/* The value of the first sample of `name`, or NAN. */
static double value_of(const samples *all, const char *name)
{
    for (size_t i = 0; i < all->n; i++) {
        if (strcmp(all->v[i].name, name) == 0) {
            return all->v[i].value;
        }
    }
    return NAN;
}

/* The value of the sample of `name` whose label `key` is `value`, or NAN. */
static double value_for(const samples *all, const char *name, const char *key, const char *value)
{
    for (size_t i = 0; i < all->n; i++) {
        if (strcmp(all->v[i].name, name) == 0 && strcmp(label_of(&all->v[i], key), value) == 0) {
            return all->v[i].value;
        }
    }
    return NAN;
}

/* ---------------------------------------------------------------- output */

static void print_num(double v)
{
    if (isnan(v)) {
        fputs("-", stdout);
    } else {
        printf("%.15g", v);
    }
}

/* `text`, then the value of `name` */
static void text_num(const samples *all, const char *text, const char *name)
{
    fputs(text, stdout);
    print_num(value_of(all, name));
}

/* "LABELVALUE N, LABELVALUE N" over every sample of `name` (label `key`); only non-zero ones if asked. */
static void print_by(const samples *all, const char *name, const char *key, const char *key2, int nonzero_only)
{
    int first = 1;
    for (size_t i = 0; i < all->n; i++) {
        const sample *s = &all->v[i];
        if (strcmp(s->name, name) != 0 || (nonzero_only && s->value == 0)) {
            continue;
        }
        printf("%s%s%s%s ", first ? "" : ", ", label_of(s, key), key2 ? " " : "", key2 ? label_of(s, key2) : "");
        print_num(s->value);
        first = 0;
    }
    if (first) {
        fputs(nonzero_only ? "none" : "-", stdout);
    }
}

static void print_uptime(double started)
{
    if (isnan(started)) {
        return;
    }
    long s = (long)(time(NULL) - started);
    if (s < 0) {
        s = 0;
    }
    printf(", up ");
    if (s >= 86400) {
        printf("%ldd ", s / 86400);
    }
    printf("%ldh %02ldm", s % 86400 / 3600, s % 3600 / 60);
}

static void print_station_counts(const samples *all)
{
    size_t w[4] = { 0, 0, 0, 0 };
    double total = 0;
    for (size_t i = 0; i < all->n; i++) {
        const sample *s = &all->v[i];
        if (strcmp(s->name, "stationd_stations") == 0) {
            const char *cols[4] = { label_of(s, "ifname"), label_of(s, "ssid"), label_of(s, "band"),
                                    label_of(s, "group") };
            for (int c = 0; c < 4; c++) {
                size_t len = strlen(cols[c]);
                w[c] = len > w[c] ? len : w[c];
            }
            total += s->value;
        }
    }
    printf("%-20s", "stations");
    print_num(total);
    text_num(all, " (max ", "stationd_stations_max");
    printf(")\n");
    for (size_t i = 0; i < all->n; i++) {
        const sample *s = &all->v[i];
        if (strcmp(s->name, "stationd_stations") == 0) {
            printf("  %-*s  %-*s  %-*s  group %-*s  ", (int)w[0], label_of(s, "ifname"), (int)w[1],
                   label_of(s, "ssid"), (int)w[2], label_of(s, "band"), (int)w[3], label_of(s, "group"));
            print_num(s->value);
            putchar('\n');
        }
    }
}

static void print_table(const samples *all, const char *address)
{
    const sample *build = NULL;
    for (size_t i = 0; i < all->n && build == NULL; i++) {
        if (strcmp(all->v[i].name, "stationd_build_info") == 0) {
            build = &all->v[i];
        }
    }
    printf("stationd %s at %s", build ? label_of(build, "version") : "(unknown version)", address);
    print_uptime(value_of(all, "process_start_time_seconds"));
    putchar('\n');
    print_station_counts(all);
    printf("%-20s", "filters");
    print_by(all, "stationd_filters", "kind", NULL, 0);
    text_num(all, " (max ", "stationd_filters_max");
    printf(")\n%-20s", "filter commits");
    print_num(value_of(all, "stationd_filter_commits_total"));
    text_num(all, ", failed ", "stationd_filter_commit_failures_total");
    double count = value_of(all, "stationd_filter_commit_duration_seconds_count");
    if (count > 0) {
        printf(", fsync mean %.1f ms", value_of(all, "stationd_filter_commit_duration_seconds_sum") / count * 1000);
    }
    text_num(all, "; timeouts ", "stationd_commit_timeouts_total");
    printf("\n%-20s", "connections");
    print_num(value_of(all, "stationd_connections"));
    text_num(all, " (max ", "stationd_connections_max");
    printf("), refused: ");
    print_by(all, "stationd_connections_refused_total", "reason", NULL, 0);
    text_num(all, "; outsiders dropped ", "stationd_connections_outsiders_dropped_total");
    printf("\n%-20s", "subscribers");
    print_num(value_of(all, "stationd_subscribers"));
    text_num(all, ", dropped ", "stationd_subscribers_dropped_total");
    printf("\n%-20s", "reply bytes pending");
    print_num(value_of(all, "stationd_reply_pending_bytes"));
    printf("\n%-20s", "reply budget");
    text_num(all, "", "stationd_reply_budget_used_bytes");
    text_num(all, " of ", "stationd_reply_budget_limit_bytes");
    text_num(all, " bytes used, refusals ", "stationd_reply_budget_refusals_total");
    text_num(all, ", evictions ", "stationd_reply_budget_evictions_total");
    printf("\n%-20s", "ingest datagrams");
    print_by(all, "stationd_ingest_datagrams_total", "result", NULL, 0);
    text_num(all, "; sequence gaps ", "stationd_ingest_sequence_gaps_total");
    printf("\n%-20s", "table drops");
    print_by(all, "stationd_table_dropped_updates_total", "reason", NULL, 0);
    if (!isnan(value_of(all, "stationd_enrich_learned_macs"))) { /* declared only while enrich: follows a source */
        printf("\n%-20s", "address learning");
        text_num(all, "neighbours ", "stationd_enrich_neighbours");
        text_num(all, ", leases ", "stationd_enrich_leases");
        text_num(all, ", learned MACs ", "stationd_enrich_learned_macs");
    }
    printf("\n%-20s", "requests");
    print_by(all, "stationd_requests_total", "command", "result", 1);
    printf("\n%-20s", "hostapd");
    int any = 0;
    for (size_t i = 0; i < all->n; i++) {
        const sample *s = &all->v[i];
        if (strcmp(s->name, "stationd_hostapd_up") == 0) {
            const char *ifname = label_of(s, "ifname");
            printf("%s%s %s, stations ", any ? "\n                    " : "", ifname, s->value == 1 ? "up" : "down");
            print_num(value_for(all, "stationd_hostapd_stations", "ifname", ifname));
            printf(", reconnects ");
            print_num(value_for(all, "stationd_hostapd_reconnects_total", "ifname", ifname));
            printf(", deny list ");
            print_num(value_for(all, "stationd_hostapd_deny_list_entries", "ifname", ifname));
            printf(" (restores ");
            print_num(value_for(all, "stationd_hostapd_deny_list_restores_total", "ifname", ifname));
            printf("), deauthentications ");
            print_num(value_for(all, "stationd_hostapd_deauthentications_total", "ifname", ifname));
            any = 1;
        }
    }
    printf("%s\n", any ? "" : "not followed");
}

/* {"NAME": [{"labels": {...}, "value": N}, ...], ...} in the order served (families are contiguous). */
static void print_json(const samples *all)
{
    printf("{");
    for (size_t i = 0; i < all->n; i++) {
        const sample *s = &all->v[i];
        int first_of_family = i == 0 || strcmp(all->v[i - 1].name, s->name) != 0;
        if (first_of_family) {
            printf("%s\n  ", i == 0 ? "" : "\n  ],");
            json_str(s->name, SIZE_MAX);
            printf(": [");
        }
        printf("%s\n    {\"labels\": {", first_of_family ? "" : ",");
        for (int l = 0; l < s->nlabels; l++) {
            printf("%s", l ? ", " : "");
            json_str(s->labels[l].name, SIZE_MAX);
            printf(": ");
            json_str(s->labels[l].value, SIZE_MAX);
        }
        printf("}, \"value\": ");
        if (isfinite(s->value)) {
            printf("%.17g", s->value);
        } else {
            printf("null");
        }
        printf("}");
    }
    printf("%s}\n", all->n ? "\n  ]\n" : "");
}

static const char *metrics_address;

static void stats_opt(int c, const char *arg)
{
    if (c == 'm') {
        metrics_address = arg;
    }
}

int cmd_stats(int argc, char **argv)
{
    static const struct option lo[] = {
        { "metrics", required_argument, NULL, 'm' },
        { NULL, 0, NULL, 0 },
    };
    metrics_address = getenv("STATIOND_METRICS");
    if (metrics_address == NULL || metrics_address[0] == '\0') {
        metrics_address = DEFAULT_METRICS;
    }
    args pos;
    sub_getopt(argc, argv, lo, stats_opt, &pos); /* the global options too, e.g. stats --json */
    no_args("stats", &pos);
    const char *address = metrics_address;
    char *body = fetch_metrics(address, timeout_ms);
    samples all = { 0 };
    parse_all(body, &all);
    if (value_of(&all, "stationd_build_info") != 1) {
        fprintf(stderr, "stationctl: %s serves no stationd metrics (stationd_build_info missing)\n", address);
        return EXIT_PROTO;
    }
    if (opt_json) {
        print_json(&all);
    } else {
        print_table(&all, address);
    }
    free(all.v);
    free(body);
    return 0;
}
