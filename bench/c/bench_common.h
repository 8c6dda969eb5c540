/*
 * Shared helpers of the stationd benchmark tools: the deterministic bench table
 * (station i has MAC 02:00:00:xx:xx:xx = i + 1, so index order is MAC order) and
 * time helpers. Layouts come from src/include/stationd/protocol.h.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include "stationd/protocol.h"

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000ull + (uint64_t)ts.tv_nsec / 1000000ull;
}

/* Bench station number i (0-based): MAC 02:00:00 + (i + 1) as 3 big-endian bytes. */
static inline void bench_mac(uint8_t mac[6], uint32_t i)
{
    uint32_t v = i + 1;
    mac[0] = 0x02;
    mac[1] = 0x00;
    mac[2] = (uint8_t)(v >> 24);
    mac[3] = (uint8_t)(v >> 16);
    mac[4] = (uint8_t)(v >> 8);
    mac[5] = (uint8_t)v;
}

static inline void bench_station(sta_list_attr *s, uint32_t i, uint64_t now)
{
    memset(s, 0, sizeof(*s));
    bench_mac(s->mac, i);
    s->vlan_id = (uint16_t)(10 + i % 4);
    s->ipv4.s_addr = htonl(0x0a000000u | ((i + 1) & 0xffffffu)); /* 10.x.y.z */
    s->group_id = 1 + i % 4;
    s->ipv6.s6_addr[0] = 0xfd;
    s->ipv6.s6_addr[15] = (uint8_t)(i + 1);
    snprintf(s->ifname, sizeof(s->ifname), "wlan%u", i % 2);
    snprintf(s->ssid, sizeof(s->ssid), "bench-ssid-%u", i % 4);
    s->signal_dbm = (int8_t)(-40 - (int)(i % 50));
    s->band = (uint8_t)(1 + i % 3);
    s->flags = STATIOND_STA_AUTHORIZED | STATIOND_STA_AUTHENTICATED | STATIOND_STA_ASSOCIATED
               | STATIOND_STA_WMM | STATIOND_STA_HT;
    s->tx_rate_kbps = 866000;
    s->rx_rate_kbps = 433000;
    s->tx_bytes = 1000000ull + i;
    s->rx_bytes = 2000000ull + i;
    s->tx_packets = 1000ull + i;
    s->rx_packets = 2000ull + i;
    s->assoc_time_ms = now - 60000;
    s->last_seen_ms = now;
    snprintf(s->hostname, sizeof(s->hostname), "bench-host-%u", i);
}

/* The pre-encoded table reply: int32 num + num x sta_list_attr. Caller frees. */
static inline char *bench_table_reply(uint32_t n, size_t *len)
{
    size_t sz = sizeof(int32_t) + (size_t)n * sizeof(sta_list_attr);
    char *buf = malloc(sz);
    if (buf == NULL) {
        perror("malloc");
        exit(1);
    }
    int32_t num = (int32_t)n;
    memcpy(buf, &num, sizeof(num));
    uint64_t now = wall_ms();
    for (uint32_t i = 0; i < n; i++) {
        bench_station((sta_list_attr *)(void *)(buf + sizeof(int32_t) + (size_t)i * sizeof(sta_list_attr)), i, now);
    }
    *len = sz;
    return buf;
}

#endif
