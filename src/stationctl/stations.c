/* stationctl list, get and ping: the station table, one station, and whether the daemon answers. */
#include "stationctl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct option no_options[] = { { NULL, 0, NULL, 0 } };

/* ---- list */

static stationd_query list_q;

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
    default: break;
    }
}

int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {
        { "group", required_argument, NULL, 'g' },
        { "ifname", required_argument, NULL, 'i' },
        { "filtered", no_argument, NULL, 'f' },
        { "unfiltered", no_argument, NULL, 'u' },
        { NULL, 0, NULL, 0 },
    };
    args pos;
    sub_getopt(argc, argv, lo, list_opt, &pos);
    no_args("list", &pos);
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

int cmd_get(int argc, char **argv)
{
    args pos;
    sub_getopt(argc, argv, no_options, NULL, &pos);
    if (pos.n != 1) {
        die_usage("get: expected exactly one MAC");
    }
    uint8_t mac[6];
    parse_mac_or_die(pos.v[0], mac);
    stationd *h = open_or_die();
    sta_list_attr s;
    int found = 0;
    int rc = stationd_get(h, mac, &s, &found);
    stationd_close(h);
    if (rc != 0) {
        die_code("get", rc);
    }
    if (!found) {
        fprintf(stderr, "stationctl: get %s: no such station (E_NOENT)\n", pos.v[0]);
        return EXIT_PROTO;
    }
    print_one(&s);
    return 0;
}

/* ---- ping */

int cmd_ping(int argc, char **argv)
{
    args pos;
    sub_getopt(argc, argv, no_options, NULL, &pos);
    no_args("ping", &pos);
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
