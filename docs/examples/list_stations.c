/*
 * Lists the stations of a running stationd with libstationd, adds a filter, then prints the
 * table changes of the next two seconds. Built and run from the repository root (src/README.md):
 *
 *     cc -o target/list_stations docs/examples/list_stations.c -Isrc/include src/build/libstationd.a
 *     STATIOND_SOCKET=target/run/stationd.sock target/list_stations
 */
#include <stationd/stationd.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    stationd *h = stationd_open(NULL, 2000);      /* NULL: $STATIOND_SOCKET or the default; 2 s per call */
    if (h == NULL) { perror("stationd_open"); return 3; }

    sta_list_attr *v; size_t n;
    stationd_query q = { .group_id = 1, .ifname = "wlan0" };   /* or NULL for everything */
    int rc = stationd_list_alloc(h, &q, &v, &n);               /* or stationd_list(h, &q, buf, cap, &n) */
    if (rc != 0) { fprintf(stderr, "%s: %s\n", stationd_code_name(rc), stationd_strerror(rc)); return 1; }
    for (size_t i = 0; i < n; i++) {
        char mac[18];
        printf("%s %s %s\n", stationd_format_mac(v[i].mac, mac), v[i].ssid, v[i].hostname);
    }
    free(v);

    uint8_t mac[6]; stationd_parse_mac("02:11:22:33:44:55", mac);
    rc = stationd_filter_add(h, 1, mac);           /* stationd_filter_del -> STATIOND_E_NOENT if absent */
    if (rc != 0) { fprintf(stderr, "filter add: %s\n", stationd_code_name(rc)); return 1; }
    printf("filter 02:11:22:33:44:55 added to group 1 (on disk)\n");
    stationd_close(h);

    stationd *sub = stationd_open(NULL, 2000);     /* events: subscribe first, then list, to miss nothing */
    if (sub == NULL || stationd_subscribe(sub) != 0) { fprintf(stderr, "subscribe failed\n"); return 1; }
    sta_event ev;
    int events = 0;
    while ((rc = stationd_next_event(sub, &ev, 2000)) == 0) {   /* STATIOND_ERR_TIMEOUT after 2 s of quiet */
        char m[18];
        printf("event %u %s\n", (unsigned) ev.type, stationd_format_mac(ev.sta.mac, m));
        if (++events == 5) break;
    }
    stationd_close(sub);
    return rc == 0 || rc == STATIOND_ERR_TIMEOUT ? 0 : 1;
}
