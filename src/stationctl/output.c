/*
 * stationctl's human output: station fields formatted for people, text tables, and the station
 * table (list) and single station (get) in either form (JSON through json.c).
 */
#include "stationctl.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

void wire_str(char *dst, size_t dstlen, const char *src, size_t srclen)
{
    size_t n = strnlen(src, srclen);
    if (n >= dstlen) {
        n = dstlen - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void printable(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            *p = '?';
        }
    }
}

int is_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i]) {
            return 0;
        }
    }
    return 1;
}

const char *band_name(uint8_t band)
{
    switch (band) {
    case STATIOND_BAND_2G4: return "2.4GHz";
    case STATIOND_BAND_5G: return "5GHz";
    case STATIOND_BAND_6G: return "6GHz";
    case STATIOND_BAND_60G: return "60GHz";
    default: return "unknown";
    }
}

const char *event_name(uint16_t type)
{
    switch (type) {
    case STATIOND_EVENT_UPSERT: return "UPSERT";
    case STATIOND_EVENT_REMOVE: return "REMOVE";
    case STATIOND_EVENT_FLUSH: return "FLUSH";
    default: return "UNKNOWN";
    }
}

void format_ip(const sta_list_attr *s, char *buf, size_t len)
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

void format_secs(uint64_t s, char *buf, size_t len)
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

/* A new row of empty cells. */
char (*table_row(table *t))[CELL]
{
    if (t->rows == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 64;
        void *p = realloc(t->cells, ncap * sizeof(*t->cells));
        if (p == NULL) {
            oom();
        }
        t->cells = p;
        t->cap = ncap;
    }
    memset(t->cells[t->rows], 0, sizeof(*t->cells));
    return t->cells[t->rows++];
}

void table_print(table *t)
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

void print_stations(const sta_list_attr *v, size_t n)
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

void print_one(const sta_list_attr *s)
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

void print_ok(void)
{
    puts(opt_json ? "{\"ok\":true}" : "OK");
}

