/*
 * libstationd -- C client for the stationd command socket.
 *
 * Wire contract: docs/protocol.md (structs and codes in protocol.h).
 *
 * Every call is bounded by a timeout (poll()-based), copes with short reads and
 * writes and EINTR, never writes past the caller's buffer, never raises SIGPIPE
 * (MSG_NOSIGNAL), and returns 0 or one of the negative codes below:
 *
 *   -1 .. -8   the daemon's protocol codes STATIOND_E_* (protocol.h), as sent
 *              in a NAK, a negative table count or a bare negative int32;
 *   -100 ..    library codes STATIOND_ERR_*.
 *
 * A handle holds one connection and is not thread-safe (one thread at a time).
 * When a reply cannot be read completely (timeout, I/O error, malformed reply)
 * the library closes the connection so the stream never goes out of sync; the
 * next call on the handle reconnects to the same path transparently.
 */
#ifndef STATIOND_STATIOND_H
#define STATIOND_STATIOND_H

#include <stddef.h>
#include <stdint.h>
#include "stationd/protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STATIOND_LIB_VERSION "1.0.0"

/* ---- library return codes (protocol codes STATIOND_E_* are -1..-8) ---- */
#define STATIOND_OK              0
#define STATIOND_ERR_IO       (-100) /* socket error (errno is kept) */
#define STATIOND_ERR_TIMEOUT  (-101) /* the call's deadline passed */
#define STATIOND_ERR_SHORT    (-102) /* peer closed the connection in the middle of a reply */
#define STATIOND_ERR_TOO_SMALL (-103) /* more records than cap: the first cap were stored,
                                       * *n holds the daemon's total; the rest was drained */
#define STATIOND_ERR_PROTO    (-104) /* malformed reply (bad ack, bad count, bad event) */
#define STATIOND_ERR_INVAL    (-105) /* bad argument (NULL, ifname too long, wrong mode) */
#define STATIOND_ERR_CLOSED   (-106) /* peer closed the connection before a reply / between events */
#define STATIOND_ERR_NOMEM    (-107) /* allocation failed (stationd_list_alloc) */

/* Default per-call timeout when stationd_open() gets timeout_ms <= 0. */
#define STATIOND_DEFAULT_TIMEOUT_MS 5000

typedef struct stationd stationd;  /* opaque handle */

/* STA_LIST query; a NULL query means "every station". */
typedef struct stationd_query {
    uint32_t    group_id;     /* 0 = every group */
    const char *ifname;       /* NULL or "" = every interface; at most 15 bytes */
    uint16_t    flags;        /* STATIOND_LIST_ONLY_FILTERED / _EXCLUDE_FILTERED */
    uint32_t    offset;       /* records to skip */
    uint32_t    max_entries;  /* 0 = no limit */
} stationd_query;

/*
 * Connects to the command socket at path (NULL = $STATIOND_SOCKET or
 * STATIOND_DEFAULT_SOCKET). timeout_ms bounds the connect and becomes the
 * per-call timeout of every later request (<= 0: STATIOND_DEFAULT_TIMEOUT_MS).
 * Returns NULL on failure with errno set (ENOENT, ECONNREFUSED, ETIMEDOUT,
 * ENAMETOOLONG, ENOMEM, ...).
 */
stationd *stationd_open(const char *path, int timeout_ms);

/* Closes the connection and frees the handle; NULL is accepted. */
void stationd_close(stationd *h);

/* Per-call timeout in ms for later requests (<= 0: the default). */
void stationd_set_timeout(stationd *h, int timeout_ms);

/* The connected socket (for poll() in event loops after stationd_subscribe), or -1. */
int stationd_fd(const stationd *h);

/* The socket path this handle connects to. */
const char *stationd_path(const stationd *h);

/* PING: 0 when the daemon answered ACK. */
int stationd_ping(stationd *h);

/*
 * STA_LIST into out[0..cap). On success *n is the number of records stored.
 * STATIOND_ERR_TOO_SMALL: out[0..cap) holds the first cap records, *n the total
 * the daemon sent (allocate that many and retry); the connection stays usable.
 */
int stationd_list(stationd *h, const stationd_query *q, sta_list_attr *out, size_t cap, size_t *n);

/* STA_LIST into a malloc()ed array sized to the reply (*out = NULL when empty);
 * free it with free(). */
int stationd_list_alloc(stationd *h, const stationd_query *q, sta_list_attr **out, size_t *n);

/* STA_GET: *found = 1 and *out filled when present, *found = 0 otherwise; returns 0 either way. */
int stationd_get(stationd *h, const uint8_t mac[6], sta_list_attr *out, int *found);

/* FILTER_ADD (idempotent) / FILTER_DEL (STATIOND_E_NOENT when absent). */
int stationd_filter_add(stationd *h, uint32_t group, const uint8_t mac[6]);
int stationd_filter_del(stationd *h, uint32_t group, const uint8_t mac[6]);

/* FILTER_FLUSH: group 0 = every group. */
int stationd_filter_flush(stationd *h, uint32_t group);

/* FILTER_LIST: one record per filter (mac, group_id, flags & STATIOND_STA_FILTERED),
 * live fields filled when the station is present. Same cap / *n rules as stationd_list. */
int stationd_filter_list(stationd *h, sta_list_attr *out, size_t cap, size_t *n);
int stationd_filter_list_alloc(stationd *h, sta_list_attr **out, size_t *n);

/*
 * FILTER_ADD of a timed filter: it ends by itself lifetime_s seconds after the daemon
 * applies the request (0 = permanent, as stationd_filter_add). Adding a filter that exists
 * replaces its expiry (the last add wins). Durable before it returns 0. STATIOND_E_FULL
 * when filters.max_filters is reached; STATIOND_E_CMD from a daemon without timed filters.
 */
int stationd_filter_add_timed(stationd *h, uint32_t group, const uint8_t mac[6], uint32_t lifetime_s);

/*
 * FILTER_DUMP: the filters as filter_attr records (created_ms, expires_ms, flags
 * STATIOND_FILTER_PRESENT / _TIMED), sorted by (group_id, mac). q selects group_id
 * (0 = every group) and pages with offset / max_entries; its ifname and flags must be
 * empty (STATIOND_ERR_INVAL otherwise); NULL = every filter. Same cap / *n rules as
 * stationd_list. STATIOND_E_CMD from a daemon that predates the command.
 */
int stationd_filter_dump(stationd *h, const stationd_query *q, filter_attr *out, size_t cap, size_t *n);
int stationd_filter_dump_alloc(stationd *h, const stationd_query *q, filter_attr **out, size_t *n);

/*
 * STA_KICK (admin only): disconnects stations from the hostapd BSS that holds them.
 * mac non-NULL and not all zero: that station (STATIOND_E_NOENT when no followed hostapd
 * holds it; group and ifname must then be 0 / NULL). mac NULL or all zero: every station
 * a followed hostapd holds in group (0 = any) and on ifname (NULL or "" = any), in one
 * request; not both "any" (STATIOND_ERR_INVAL). ban_s > 0 also gives each kicked MAC a
 * timed filter of ban_s seconds in its group, durable before the ACK.
 */
int stationd_kick(stationd *h, const uint8_t mac[6], uint32_t group, const char *ifname, uint32_t ban_s);

/*
 * SUBSCRIBE: after 0, the handle only delivers events (other requests return
 * STATIOND_ERR_INVAL). Subscribe first, then list on another handle, to miss nothing.
 */
int stationd_subscribe(stationd *h);

/*
 * Next sta_event from a subscribed handle. timeout_ms: < 0 waits forever,
 * 0 only takes what is already there, > 0 waits that long. On
 * STATIOND_ERR_TIMEOUT a partly received event is kept for the next call.
 * STATIOND_ERR_CLOSED: the daemon ended the subscription (for example the
 * backlog bound was passed); resubscribe on a new handle and list again.
 */
int stationd_next_event(stationd *h, sta_event *ev, int timeout_ms);

/* A static English description of any return code. */
const char *stationd_strerror(int code);

/* The symbolic name of a code: "E_NOENT", "ERR_TIMEOUT", "OK", ... ("UNKNOWN" otherwise). */
const char *stationd_code_name(int code);

/* MAC helpers: "aa:bb:cc:dd:ee:ff" (also '-' separated); parse returns 0 or STATIOND_ERR_INVAL. */
int stationd_parse_mac(const char *text, uint8_t mac[6]);
char *stationd_format_mac(const uint8_t mac[6], char buf[18]);

#ifdef __cplusplus
}
#endif

#endif /* STATIOND_STATIOND_H */
