/* stationctl kick: disconnect one station, or every station of a group / interface, from hostapd. */
#include "stationctl.h"

#include <string.h>

static uint32_t kick_group;
static const char *kick_ifname;
static uint32_t kick_ban;

static void kick_opt(int c, const char *arg)
{
    switch (c) {
    case 'g': kick_group = parse_u32("--group", arg); break;
    case 'i':
        if (strlen(arg) == 0 || strlen(arg) >= STATIOND_IFNAME_LEN) {
            die_usage("--ifname: 1..%d bytes: '%s'", STATIOND_IFNAME_LEN - 1, arg);
        }
        kick_ifname = arg;
        break;
    case 'b': kick_ban = parse_duration("--ban", arg); break;
    default: break;
    }
}

int cmd_kick(int argc, char **argv)
{
    static const struct option lo[] = {
        { "group", required_argument, NULL, 'g' },
        { "ifname", required_argument, NULL, 'i' },
        { "ban", required_argument, NULL, 'b' },
        { NULL, 0, NULL, 0 },
    };
    args pos;
    sub_getopt(argc, argv, lo, kick_opt, &pos);
    int selectors = kick_group != 0 || kick_ifname != NULL;
    if (pos.n > 1 || (pos.n == 1 && selectors) || (pos.n == 0 && !selectors)) {
        die_usage("kick: expected one MAC, or --group N and/or --ifname IF");
    }
    uint8_t mac[6];
    if (pos.n == 1) {
        parse_mac_or_die(pos.v[0], mac);
    }
    stationd *h = open_or_die();
    int rc = stationd_kick(h, pos.n == 1 ? mac : NULL, kick_group, kick_ifname, kick_ban);
    stationd_close(h);
    if (rc == STATIOND_E_NOENT && pos.n == 1) {
        fprintf(stderr, "stationctl: kick %s: no hostapd that stationd follows holds this station (E_NOENT)\n",
                pos.v[0]);
        return EXIT_PROTO;
    }
    if (rc != 0) {
        die_code("kick", rc);
    }
    print_ok();
    return 0;
}
