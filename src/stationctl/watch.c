/*
 * stationctl watch: one line (or JSON object) per table change until interrupted. With --changes
 * each event is classified against the stations known so far (the table listed right after
 * subscribing, then every event): a join, a leave, a roam to another interface, an update in
 * place, or a flush; only the kinds asked for are shown.
 */
#include "stationctl.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long watch_count = -1;

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
        oom();
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

int cmd_watch(int argc, char **argv)
{
    static const struct option lo[] = {
        { "count", required_argument, NULL, 'c' },
        { "changes", required_argument, NULL, 'C' },
        { NULL, 0, NULL, 0 },
    };
    args pos;
    sub_getopt(argc, argv, lo, watch_opt, &pos);
    no_args("watch", &pos);
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
