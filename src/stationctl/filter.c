/* stationctl filter add|del|flush|list: the filters, timed ones with their expiry. */
#include "stationctl.h"

#include <stdlib.h>
#include <string.h>

static uint32_t filter_group;
static uint32_t filter_for;

static void filter_opt(int c, const char *arg)
{
    if (c == 'g') {
        filter_group = parse_u32("--group", arg);
    } else if (c == 'F') {
        filter_for = parse_duration("--for", arg);
    }
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
            oom();
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

int cmd_filter(int argc, char **argv)
{
    static const struct option lo[] = {
        { "group", required_argument, NULL, 'g' },
        { "for", required_argument, NULL, 'F' },
        { NULL, 0, NULL, 0 },
    };
    args pos;
    sub_getopt(argc, argv, lo, filter_opt, &pos);
    if (pos.n < 1) {
        die_usage("filter: expected add, del, flush or list");
    }
    const char *sub = pos.v[0];
    int is_add = strcmp(sub, "add") == 0;
    if (filter_for != 0 && !is_add) {
        die_usage("filter %s: --for only goes with filter add", sub);
    }
    int rc;
    if (is_add || strcmp(sub, "del") == 0) {
        if (pos.n != 2) {
            die_usage("filter %s: expected exactly one MAC", sub);
        }
        uint8_t mac[6];
        parse_mac_or_die(pos.v[1], mac);
        stationd *h = open_or_die();
        rc = is_add ? stationd_filter_add_timed(h, filter_group, mac, filter_for)
                    : stationd_filter_del(h, filter_group, mac);
        stationd_close(h);
        if (rc != 0) {
            char what[64];
            snprintf(what, sizeof(what), "filter %s %s", sub, pos.v[1]);
            die_code(what, rc);
        }
        print_ok();
        return 0;
    }
    if (strcmp(sub, "flush") == 0) {
        if (pos.n != 1) {
            die_usage("filter flush: unexpected argument '%s'", pos.v[1]);
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
        if (pos.n != 1) {
            die_usage("filter list: unexpected argument '%s'", pos.v[1]);
        }
        return filter_list();
    }
    die_usage("filter: unknown subcommand '%s' (expected add, del, flush or list)", sub);
}
