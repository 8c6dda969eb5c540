/*
 * stationctl's JSON: strings escaped the way RFC 8259 wants (bytes that are not UTF-8 kept
 * visible as \u00XX), and station objects with both the raw fields and their readable forms.
 */
#include "stationctl.h"

#include <arpa/inet.h>
#include <string.h>

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

void json_station_members(const sta_list_attr *s)
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

void json_station(const sta_list_attr *s)
{
    putchar('{');
    json_station_members(s);
    putchar('}');
}

void json_array(const sta_list_attr *v, size_t n)
{
    putchar('[');
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n " : "\n ", stdout);
        json_station(&v[i]);
    }
    fputs(n ? "\n]\n" : "]\n", stdout);
}
