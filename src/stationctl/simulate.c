/*
 * stationctl simulate: plausible station events (joins, traffic updates, roams between a 2.4 and
 * a 5 GHz BSS, leaves) sent to the ingest socket at a steady rate, for demos and load.
 */
#include "stationctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

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

int cmd_simulate(int argc, char **argv)
{
    static const struct option lo[] = {
        { "stations", required_argument, NULL, 'n' },
        { "rate", required_argument, NULL, 'r' },
        { "seconds", required_argument, NULL, 'S' },
        { "seed", required_argument, NULL, 'x' },
        { NULL, 0, NULL, 0 },
    };
    args pos;
    sub_getopt(argc, argv, lo, sim_opt, &pos);
    no_args("simulate", &pos);
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
        oom();
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
