/* What the parts of stationctl share (stationctl.c: the protocol commands; stats.c: stats). */
#ifndef STATIONCTL_H
#define STATIONCTL_H

#include <stddef.h>

/* Exit codes: 0 ok, 1 protocol / I/O error, 2 usage, 3 cannot connect. */
#define EXIT_PROTO   1
#define EXIT_USAGE   2
#define EXIT_CONNECT 3

/* Writes s (at most maxlen bytes) to stdout as a JSON string; bytes that are not UTF-8 become \u00XX. */
void json_str(const char *s, size_t maxlen);

/* stationctl stats [--metrics HOST:PORT]: the counters from the daemon's metrics endpoint. */
int cmd_stats(int argc, char **argv, int json, int timeout_ms);

#endif
