/*
 * What the parts of stationctl share. Each .c file has one job:
 *   stationctl.c  the command line: global options, each command's options, argument parsers,
 *                 exit paths, dispatch
 *   output.c      tables and human formats of stations (list, get)
 *   json.c        JSON strings and station objects
 *   stations.c    list, get, ping
 *   filter.c      filter add|del|flush|list
 *   kick.c        kick
 *   watch.c       watch, with --changes telling joins, leaves, roams, updates and flushes apart
 *   simulate.c    simulate (station events to the ingest socket)
 *   stats.c       stats (the daemon's metrics endpoint)
 */
#ifndef STATIONCTL_H
#define STATIONCTL_H

#include "stationd/stationd.h"

#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes: 0 ok, 1 protocol / I/O error, 2 usage, 3 cannot connect. */
#define EXIT_PROTO   1
#define EXIT_USAGE   2
#define EXIT_CONNECT 3

/* ---- stationctl.c: the global options, as given (or from the environment) */
extern const char *sock_path;
extern const char *events_path;
extern int opt_json;
extern int timeout_ms;
/* set by SIGINT / SIGTERM once install_stop_handlers() ran */
extern volatile sig_atomic_t stop_requested;

/* The positional arguments of a command, in order (at most STATIONCTL_MAX_ARGS kept, n counts all). */
#define STATIONCTL_MAX_ARGS 4
typedef struct args {
    const char *v[STATIONCTL_MAX_ARGS];
    int n;
} args;

/*
 * Parses a command's options (lo, ended by a zeroed entry) together with the global ones, which
 * may stand anywhere after the command name; each of the command's own options goes to each(c,
 * optarg) (NULL when it has none), positional arguments to pos. An unknown option is a usage error.
 */
void sub_getopt(int argc, char **argv, const struct option *lo, void (*each)(int, const char *), args *pos);

/* A usage error for a command that takes no positional argument, when it was given one. */
void no_args(const char *cmd, const args *pos);

void __attribute__((noreturn, format(printf, 1, 2))) die_usage(const char *fmt, ...);
/* A request that failed with a protocol / library code: prints what and the code, exits 1. */
void __attribute__((noreturn)) die_code(const char *what, int rc);
/* A socket that cannot be reached: prints the path, errno and a hint at option / $env, exits 3. */
void __attribute__((noreturn)) die_connect(const char *path, int err, const char *option, const char *env);
void __attribute__((noreturn)) oom(void);
/* The command socket, or exit 3. */
stationd *open_or_die(void);

uint32_t parse_u32(const char *opt, const char *text);
double parse_positive(const char *opt, const char *text);
/* A lifetime: seconds, or number+unit groups (90s, 10m, 2h, 1d, 1h30m); 1 .. UINT32_MAX seconds. */
uint32_t parse_duration(const char *opt, const char *text);
void parse_mac_or_die(const char *text, uint8_t mac[6]);

uint64_t wall_ms(void);
/* SIGINT / SIGTERM set stop_requested and interrupt blocking calls (EINTR). */
void install_stop_handlers(void);

/* ---- output.c */
#define CELL 80

/* Copies a NUL-padded wire string (which may lack a NUL) into dst. */
void wire_str(char *dst, size_t dstlen, const char *src, size_t srclen);
/* Human display: control bytes become '?'. */
void printable(char *s);
int is_zero(const void *p, size_t n);
const char *band_name(uint8_t band);
const char *event_name(uint16_t type);
/* "192.168.1.10", the IPv6 address when there is no IPv4 one, or "-" */
void format_ip(const sta_list_attr *s, char *buf, size_t len);
/* 58s, 9m58s, 2h05m, 3d04h */
void format_secs(uint64_t s, char *buf, size_t len);

/* A text table: columns as wide as their widest cell, printed and freed by table_print. */
#define MAX_COLS 10
typedef struct table {
    int ncols;
    const char *head[MAX_COLS];
    int right[MAX_COLS]; /* right-aligned column */
    size_t rows, cap;
    char (*cells)[MAX_COLS][CELL];
} table;
char (*table_row(table *t))[CELL];
void table_print(table *t);

/* The station table (list), as a table or a JSON array. */
void print_stations(const sta_list_attr *v, size_t n);
/* One station (get), one field a line or a JSON object. */
void print_one(const sta_list_attr *s);
/* "OK", or {"ok":true} */
void print_ok(void);

/* ---- json.c */
/* Writes s (at most maxlen bytes) to stdout as a JSON string; bytes that are not UTF-8 become \u00XX. */
void json_str(const char *s, size_t maxlen);
/* The members of a station object, without the braces (callers may add members). */
void json_station_members(const sta_list_attr *s);
void json_station(const sta_list_attr *s);
void json_array(const sta_list_attr *v, size_t n);

/* ---- the commands: argc / argv from the command's name on; each returns the exit code */
int cmd_list(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_ping(int argc, char **argv);
int cmd_filter(int argc, char **argv);
int cmd_kick(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
/* stationctl stats [--metrics HOST:PORT]: the counters from the daemon's metrics endpoint. */
int cmd_stats(int argc, char **argv);

#endif
