/*
 * stationd wire protocol, version 1 -- the single C source of truth.
 *
 * Contract: docs/protocol.md (the law for sizes, offsets and codes).
 * Derived from the seed article's design (docs/protocol.md, "Origin"): a client
 * writes one cloud_cmd_attr on a Unix stream socket and reads back either a
 * table (int32 num + num x sta_list_attr) or the 4 bytes "ACK\0".
 *
 * All integers are host byte order; IP addresses are network order.
 * Strings are NUL-padded; a string filling its array without a NUL is E_ARG.
 * Structs use natural C alignment; every size/offset is checked below.
 */
#ifndef STATIOND_PROTOCOL_H
#define STATIOND_PROTOCOL_H

#include <stdint.h>
#include <stddef.h>
#include <netinet/in.h>   /* struct in_addr, struct in6_addr */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- magics and version (protocol.md: cloud_cmd_attr / sta_event) ---- */
#define STATIOND_CMD_MAGIC          0x53544344u  /* "STCD" */
#define STATIOND_EVENT_MAGIC        0x53544556u  /* "STEV" */
#define STATIOND_PROTOCOL_VERSION   1

/* ---- default socket paths (protocol.md: Sockets) ---- */
#define STATIOND_DEFAULT_SOCKET         "/run/stationd/stationd.sock"
#define STATIOND_DEFAULT_EVENTS_SOCKET  "/run/stationd/events.sock"

/* ---- string sizes (bytes, including the NUL) ---- */
#define STATIOND_IFNAME_LEN    16
#define STATIOND_SSID_LEN      33
#define STATIOND_HOSTNAME_LEN  32

/* ---- commands (protocol.md: Commands and replies) ---- */
#define STATIOND_CMD_STA_LIST      1  /* table reply */
#define STATIOND_CMD_STA_GET       2  /* table reply, 0 or 1 record */
#define STATIOND_CMD_FILTER_ADD    3  /* ack reply, idempotent, durable */
#define STATIOND_CMD_FILTER_DEL    4  /* ack reply, NAK E_NOENT if absent */
#define STATIOND_CMD_FILTER_FLUSH  5  /* ack reply, group_id 0 = all */
#define STATIOND_CMD_FILTER_LIST   6  /* table reply, one record per filter */
#define STATIOND_CMD_PING          7  /* ack reply */
#define STATIOND_CMD_SUBSCRIBE     8  /* ack reply, then sta_event stream */
#define STATIOND_CMD_FILTER_DUMP   9  /* table reply of filter_attr records, sorted by (group, mac) */
#define STATIOND_CMD_STA_KICK     10  /* ack reply; admin only; NAK E_NOENT when no hostapd holds mac */

/* ---- cloud_cmd_attr.flags for STA_LIST ---- */
#define STATIOND_LIST_ONLY_FILTERED     0x1u
#define STATIOND_LIST_EXCLUDE_FILTERED  0x2u

/* ---- filter_attr.flags (FILTER_DUMP) ---- */
#define STATIOND_FILTER_PRESENT  (1u << 0) /* the station is in the table now */
#define STATIOND_FILTER_TIMED    (1u << 1) /* expires_ms is set */

/* ---- ack reply literals: 4 bytes "ACK\0" / "NAK\0" (+ int32 code) ---- */
#define STATIOND_ACK      "ACK"
#define STATIOND_NAK      "NAK"
#define STATIOND_ACK_LEN  4

/* ---- error codes, int32 (protocol.md: Error codes) ---- */
#define STATIOND_E_MAGIC    (-1)  /* bad magic; connection closed */
#define STATIOND_E_VERSION  (-2)  /* version not supported */
#define STATIOND_E_CMD      (-3)  /* unknown cmd */
#define STATIOND_E_ARG      (-4)  /* reserved != 0, bad string, missing MAC, bad flags */
#define STATIOND_E_PERM     (-5)  /* peer uid/gid not allowed */
#define STATIOND_E_NOENT    (-6)  /* FILTER_DEL of absent filter */
#define STATIOND_E_FULL     (-7)  /* configured limit reached */
#define STATIOND_E_BUSY     (-8)  /* shutting down / overloaded; closed */

/* ---- sta_event.type ---- */
#define STATIOND_EVENT_UPSERT  1  /* add or replace, keyed by MAC */
#define STATIOND_EVENT_REMOVE  2  /* remove by mac */
#define STATIOND_EVENT_FLUSH   3  /* every station on sta.ifname, all if "" */

/* ---- sta_list_attr.band ---- */
#define STATIOND_BAND_UNKNOWN  0
#define STATIOND_BAND_2G4      1
#define STATIOND_BAND_5G       2
#define STATIOND_BAND_6G       3
#define STATIOND_BAND_60G      4

/* ---- sta_list_attr.flags ---- */
#define STATIOND_STA_AUTHORIZED     (1u << 0)
#define STATIOND_STA_AUTHENTICATED  (1u << 1)
#define STATIOND_STA_ASSOCIATED     (1u << 2)
#define STATIOND_STA_WMM            (1u << 3)
#define STATIOND_STA_HT             (1u << 4)
#define STATIOND_STA_VHT            (1u << 5)
#define STATIOND_STA_HE             (1u << 6)
#define STATIOND_STA_EHT            (1u << 7)
#define STATIOND_STA_MFP            (1u << 8)
#define STATIOND_STA_FILTERED       (1u << 16) /* set by the daemon */

/* struct cloud_cmd_attr -- 64 bytes, client -> daemon (protocol.md). */
typedef struct cloud_cmd_attr {
    uint32_t magic;        /*  0: STATIOND_CMD_MAGIC */
    uint16_t version;      /*  4: STATIOND_PROTOCOL_VERSION */
    uint16_t cmd;          /*  6: STATIOND_CMD_* */
    uint32_t seq;          /*  8: client's tag, logged, never interpreted */
    uint32_t group_id;     /* 12: 0 = every group */
    uint8_t  mac[6];       /* 16: station MAC (STA_GET, FILTER_ADD, FILTER_DEL, STA_KICK) */
    uint16_t flags;        /* 22: STA_LIST: STATIOND_LIST_* */
    uint32_t offset;       /* 24: paging, records to skip */
    uint32_t max_entries;  /* 28: paging, 0 = no limit */
    char     ifname[STATIOND_IFNAME_LEN]; /* 32: "" = every interface */
    uint32_t lifetime_s;   /* 48: FILTER_ADD, STA_KICK: seconds the filter holds (0 = permanent /
                            *     no filter); must be zero for every other command */
    uint8_t  reserved[12]; /* 52: must be zero */
} cloud_cmd_attr;

/* struct sta_list_attr -- 176 bytes, one station (protocol.md). */
typedef struct sta_list_attr {
    uint8_t  mac[6];          /*   0: station MAC, the table key */
    uint16_t vlan_id;         /*   6: 0 = none */
    struct in_addr ipv4;      /*   8: network order, 0.0.0.0 = unknown */
    uint32_t group_id;        /*  12: policy group */
    struct in6_addr ipv6;     /*  16: network order, :: = unknown */
    char     ifname[STATIOND_IFNAME_LEN];     /*  32: interface (BSS) */
    char     ssid[STATIOND_SSID_LEN];         /*  48: up to 32 octets + NUL */
    int8_t   signal_dbm;      /*  81: 0 = unknown */
    uint8_t  band;            /*  82: STATIOND_BAND_* */
    uint8_t  reserved0;       /*  83: zero */
    uint32_t flags;           /*  84: STATIOND_STA_* */
    uint32_t tx_rate_kbps;    /*  88: last TX bitrate */
    uint32_t rx_rate_kbps;    /*  92: last RX bitrate */
    uint64_t tx_bytes;        /*  96 */
    uint64_t rx_bytes;        /* 104 */
    uint64_t tx_packets;      /* 112 */
    uint64_t rx_packets;      /* 120 */
    uint64_t assoc_time_ms;   /* 128: Unix epoch ms of association */
    uint64_t last_seen_ms;    /* 136: Unix epoch ms of last update */
    char     hostname[STATIOND_HOSTNAME_LEN]; /* 144: from DHCP, "" = unknown */
} sta_list_attr;

/* struct filter_attr -- 32 bytes, one filter (FILTER_DUMP records). */
typedef struct filter_attr {
    uint8_t  mac[6];       /*  0: filtered MAC */
    uint16_t reserved0;    /*  6: zero */
    uint32_t group_id;     /*  8: the filter's group (0 = every group) */
    uint32_t flags;        /* 12: STATIOND_FILTER_* */
    uint64_t created_ms;   /* 16: Unix epoch ms of the FILTER_ADD that last set its expiry, 0 = unknown */
    uint64_t expires_ms;   /* 24: Unix epoch ms of its expiry, 0 = permanent */
} filter_attr;

/* struct sta_event -- 192 bytes, one ingest datagram or subscription record. */
typedef struct sta_event {
    uint32_t magic;      /*  0: STATIOND_EVENT_MAGIC */
    uint16_t version;    /*  4: STATIOND_PROTOCOL_VERSION */
    uint16_t type;       /*  6: STATIOND_EVENT_* */
    uint32_t seq;        /*  8: sender's sequence number; gaps counted */
    uint32_t reserved;   /* 12: zero */
    sta_list_attr sta;   /* 16: the station */
} sta_event;

#ifdef __cplusplus
#define STATIOND_STATIC_ASSERT static_assert
#else
#define STATIOND_STATIC_ASSERT _Static_assert
#endif

/* ---- layout checks: every size and offset in protocol.md ---- */
STATIOND_STATIC_ASSERT(sizeof(cloud_cmd_attr) == 64, "cloud_cmd_attr size");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, magic) == 0, "cloud_cmd_attr.magic");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, version) == 4, "cloud_cmd_attr.version");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, cmd) == 6, "cloud_cmd_attr.cmd");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, seq) == 8, "cloud_cmd_attr.seq");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, group_id) == 12, "cloud_cmd_attr.group_id");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, mac) == 16, "cloud_cmd_attr.mac");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, flags) == 22, "cloud_cmd_attr.flags");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, offset) == 24, "cloud_cmd_attr.offset");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, max_entries) == 28, "cloud_cmd_attr.max_entries");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, ifname) == 32, "cloud_cmd_attr.ifname");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, lifetime_s) == 48, "cloud_cmd_attr.lifetime_s");
STATIOND_STATIC_ASSERT(offsetof(cloud_cmd_attr, reserved) == 52, "cloud_cmd_attr.reserved");

STATIOND_STATIC_ASSERT(sizeof(sta_list_attr) == 176, "sta_list_attr size");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, mac) == 0, "sta_list_attr.mac");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, vlan_id) == 6, "sta_list_attr.vlan_id");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, ipv4) == 8, "sta_list_attr.ipv4");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, group_id) == 12, "sta_list_attr.group_id");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, ipv6) == 16, "sta_list_attr.ipv6");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, ifname) == 32, "sta_list_attr.ifname");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, ssid) == 48, "sta_list_attr.ssid");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, signal_dbm) == 81, "sta_list_attr.signal_dbm");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, band) == 82, "sta_list_attr.band");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, reserved0) == 83, "sta_list_attr.reserved0");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, flags) == 84, "sta_list_attr.flags");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, tx_rate_kbps) == 88, "sta_list_attr.tx_rate_kbps");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, rx_rate_kbps) == 92, "sta_list_attr.rx_rate_kbps");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, tx_bytes) == 96, "sta_list_attr.tx_bytes");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, rx_bytes) == 104, "sta_list_attr.rx_bytes");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, tx_packets) == 112, "sta_list_attr.tx_packets");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, rx_packets) == 120, "sta_list_attr.rx_packets");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, assoc_time_ms) == 128, "sta_list_attr.assoc_time_ms");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, last_seen_ms) == 136, "sta_list_attr.last_seen_ms");
STATIOND_STATIC_ASSERT(offsetof(sta_list_attr, hostname) == 144, "sta_list_attr.hostname");

STATIOND_STATIC_ASSERT(sizeof(filter_attr) == 32, "filter_attr size");
STATIOND_STATIC_ASSERT(offsetof(filter_attr, mac) == 0, "filter_attr.mac");
STATIOND_STATIC_ASSERT(offsetof(filter_attr, reserved0) == 6, "filter_attr.reserved0");
STATIOND_STATIC_ASSERT(offsetof(filter_attr, group_id) == 8, "filter_attr.group_id");
STATIOND_STATIC_ASSERT(offsetof(filter_attr, flags) == 12, "filter_attr.flags");
STATIOND_STATIC_ASSERT(offsetof(filter_attr, created_ms) == 16, "filter_attr.created_ms");
STATIOND_STATIC_ASSERT(offsetof(filter_attr, expires_ms) == 24, "filter_attr.expires_ms");

STATIOND_STATIC_ASSERT(sizeof(sta_event) == 192, "sta_event size");
STATIOND_STATIC_ASSERT(offsetof(sta_event, magic) == 0, "sta_event.magic");
STATIOND_STATIC_ASSERT(offsetof(sta_event, version) == 4, "sta_event.version");
STATIOND_STATIC_ASSERT(offsetof(sta_event, type) == 6, "sta_event.type");
STATIOND_STATIC_ASSERT(offsetof(sta_event, seq) == 8, "sta_event.seq");
STATIOND_STATIC_ASSERT(offsetof(sta_event, reserved) == 12, "sta_event.reserved");
STATIOND_STATIC_ASSERT(offsetof(sta_event, sta) == 16, "sta_event.sta");

/* field sizes of the arrays / address fields */
#define STATIOND_FSIZE(t, f) sizeof(((t *)0)->f)
STATIOND_STATIC_ASSERT(STATIOND_FSIZE(cloud_cmd_attr, mac) == 6, "cloud_cmd_attr.mac size");
STATIOND_STATIC_ASSERT(STATIOND_FSIZE(cloud_cmd_attr, ifname) == 16, "cloud_cmd_attr.ifname size");
STATIOND_STATIC_ASSERT(STATIOND_FSIZE(cloud_cmd_attr, reserved) == 12, "cloud_cmd_attr.reserved size");
STATIOND_STATIC_ASSERT(STATIOND_FSIZE(filter_attr, mac) == 6, "filter_attr.mac size");
STATIOND_STATIC_ASSERT(STATIOND_FSIZE(sta_list_attr, mac) == 6, "sta_list_attr.mac size");
STATIOND_STATIC_ASSERT(STATIOND_FSIZE(sta_list_attr, ipv4) == 4, "sta_list_attr.ipv4 size");
STATIOND_STATIC_ASSERT(STATIOND_FSIZE(sta_list_attr, ipv6) == 16, "sta_list_attr.ipv6 size");
STATIOND_STATIC_ASSERT(STATIOND_FSIZE(sta_list_attr, ifname) == 16, "sta_list_attr.ifname size");
STATIOND_STATIC_ASSERT(STATIOND_FSIZE(sta_list_attr, ssid) == 33, "sta_list_attr.ssid size");
STATIOND_STATIC_ASSERT(STATIOND_FSIZE(sta_list_attr, hostname) == 32, "sta_list_attr.hostname size");
STATIOND_STATIC_ASSERT(STATIOND_FSIZE(sta_event, sta) == 176, "sta_event.sta size");
#undef STATIOND_FSIZE

STATIOND_STATIC_ASSERT(sizeof(STATIOND_ACK) == STATIOND_ACK_LEN, "ACK literal is 4 bytes");
STATIOND_STATIC_ASSERT(sizeof(STATIOND_NAK) == STATIOND_ACK_LEN, "NAK literal is 4 bytes");

#undef STATIOND_STATIC_ASSERT

#ifdef __cplusplus
}
#endif

#endif /* STATIOND_PROTOCOL_H */
