/* Prints the stationd ABI as "key value" lines (decimal), one per line.
 * <struct>.SIZE <sizeof>, <struct>.<field> <offsetof>, then constants.
 * Build: gcc -std=c11 -Wall -Wextra -Werror -I src/include src/abi/abi_check.c */
#include <stdio.h>
#include <stddef.h>
#include "stationd/protocol.h"

#define S(t) printf("%s.SIZE %lld\n", #t, (long long)sizeof(t))
#define F(t, f) printf("%s.%s %lld\n", #t, #f, (long long)offsetof(t, f))
#define C(n) printf("%s %lld\n", #n, (long long)(n))

int main(void)
{
    S(cloud_cmd_attr);
    F(cloud_cmd_attr, magic);
    F(cloud_cmd_attr, version);
    F(cloud_cmd_attr, cmd);
    F(cloud_cmd_attr, seq);
    F(cloud_cmd_attr, group_id);
    F(cloud_cmd_attr, mac);
    F(cloud_cmd_attr, flags);
    F(cloud_cmd_attr, offset);
    F(cloud_cmd_attr, max_entries);
    F(cloud_cmd_attr, ifname);
    F(cloud_cmd_attr, lifetime_s);
    F(cloud_cmd_attr, reserved);
    S(sta_list_attr);
    F(sta_list_attr, mac);
    F(sta_list_attr, vlan_id);
    F(sta_list_attr, ipv4);
    F(sta_list_attr, group_id);
    F(sta_list_attr, ipv6);
    F(sta_list_attr, ifname);
    F(sta_list_attr, ssid);
    F(sta_list_attr, signal_dbm);
    F(sta_list_attr, band);
    F(sta_list_attr, reserved0);
    F(sta_list_attr, flags);
    F(sta_list_attr, tx_rate_kbps);
    F(sta_list_attr, rx_rate_kbps);
    F(sta_list_attr, tx_bytes);
    F(sta_list_attr, rx_bytes);
    F(sta_list_attr, tx_packets);
    F(sta_list_attr, rx_packets);
    F(sta_list_attr, assoc_time_ms);
    F(sta_list_attr, last_seen_ms);
    F(sta_list_attr, hostname);
    S(filter_attr);
    F(filter_attr, mac);
    F(filter_attr, reserved0);
    F(filter_attr, group_id);
    F(filter_attr, flags);
    F(filter_attr, created_ms);
    F(filter_attr, expires_ms);
    S(sta_event);
    F(sta_event, magic);
    F(sta_event, version);
    F(sta_event, type);
    F(sta_event, seq);
    F(sta_event, reserved);
    F(sta_event, sta);
    C(STATIOND_CMD_MAGIC);
    C(STATIOND_EVENT_MAGIC);
    C(STATIOND_PROTOCOL_VERSION);
    C(STATIOND_IFNAME_LEN);
    C(STATIOND_SSID_LEN);
    C(STATIOND_HOSTNAME_LEN);
    C(STATIOND_CMD_STA_LIST);
    C(STATIOND_CMD_STA_GET);
    C(STATIOND_CMD_FILTER_ADD);
    C(STATIOND_CMD_FILTER_DEL);
    C(STATIOND_CMD_FILTER_FLUSH);
    C(STATIOND_CMD_FILTER_LIST);
    C(STATIOND_CMD_PING);
    C(STATIOND_CMD_SUBSCRIBE);
    C(STATIOND_CMD_FILTER_DUMP);
    C(STATIOND_CMD_STA_KICK);
    C(STATIOND_FILTER_PRESENT);
    C(STATIOND_FILTER_TIMED);
    C(STATIOND_LIST_ONLY_FILTERED);
    C(STATIOND_LIST_EXCLUDE_FILTERED);
    C(STATIOND_ACK_LEN);
    C(STATIOND_E_MAGIC);
    C(STATIOND_E_VERSION);
    C(STATIOND_E_CMD);
    C(STATIOND_E_ARG);
    C(STATIOND_E_PERM);
    C(STATIOND_E_NOENT);
    C(STATIOND_E_FULL);
    C(STATIOND_E_BUSY);
    C(STATIOND_EVENT_UPSERT);
    C(STATIOND_EVENT_REMOVE);
    C(STATIOND_EVENT_FLUSH);
    C(STATIOND_BAND_UNKNOWN);
    C(STATIOND_BAND_2G4);
    C(STATIOND_BAND_5G);
    C(STATIOND_BAND_6G);
    C(STATIOND_BAND_60G);
    C(STATIOND_STA_AUTHORIZED);
    C(STATIOND_STA_AUTHENTICATED);
    C(STATIOND_STA_ASSOCIATED);
    C(STATIOND_STA_WMM);
    C(STATIOND_STA_HT);
    C(STATIOND_STA_VHT);
    C(STATIOND_STA_HE);
    C(STATIOND_STA_EHT);
    C(STATIOND_STA_MFP);
    C(STATIOND_STA_FILTERED);
    return 0;
}
