/*
 * Seed-compatible client API: the seed article's do_filter_notify() (docs/protocol.md, "Origin").
 *
 * Agents written against the seed article's do_filter_notify() link against
 * libstationd unchanged. The socket path is $STATIOND_SOCKET when set, else
 * UNIX_DOMAIN_CLOUD (STATIOND_DEFAULT_SOCKET unless the library was built with
 * -DUNIX_DOMAIN_CLOUD=...).
 */
#ifndef STATIOND_COMPAT_H
#define STATIOND_COMPAT_H

#include "stationd/protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the seed's return codes (the article names them without values; these
 * match the values the repository's SeedClientIT uses for the seed client) ---- */
#define CT_RET_SUCCESS               0
#define CT_RET_SYS_SOCK_CREATE_ERR  11   /* socket() failed */
#define CT_RET_SYS_SOCK_CONNECT_ERR 12   /* connect() failed (errno kept) */
#define CT_RET_FD_WRITE_ERR         13   /* write() did not take the whole command */
#define CT_RET_FD_READ_ERR          14   /* read() returned <= 0 */
#define CT_RET_SOCK_SELECT_TIMEOUT  15   /* no answer within CLI_TIME_OUT seconds */
/* Not in the seed (there a NAK fell through as success): the ack-mode reply was
 * not "ACK" (a NAK + code or a bare negative code). */
#define CT_RET_PEER_NAK             16
#define CT_RET_NOT_ACK              CT_RET_PEER_NAK
#define CT_RET_SYS_SOCK_BIND_ERR    17   /* server side only (unused by the client) */
#define CT_RET_SYS_SOCK_LISTEN_ERR  18   /* server side only (unused by the client) */
#define CT_RET_SYS_SOCK_SELECT_ERR  19   /* select()/poll() failed */

/* ---- the seed's timeouts (seconds) ---- */
#define CLI_TIME_OUT             5   /* wait for the answer */
#define UNIX_SOCK_CONNECT_TIMEO  5   /* SO_SNDTIMEO on the client socket */

#ifndef UNIX_DOMAIN_CLOUD
#define UNIX_DOMAIN_CLOUD STATIOND_DEFAULT_SOCKET
#endif

/*
 * The seed's one-shot client: connect (SO_SNDTIMEO), one write of *attr, wait
 * up to CLI_TIME_OUT s with select(), one read, close.
 *
 *  buf == NULL: ack mode; reads into a 128-byte buffer and returns
 *               CT_RET_SUCCESS when the reply is "ACK" (strcasecmp),
 *               CT_RET_PEER_NAK otherwise.
 *  buf != NULL: table mode; one read of at most buf_len bytes into buf (the
 *               int32 count then the records) and CT_RET_SUCCESS.
 *
 * If attr->magic and attr->version are both 0 (a seed-era caller that never set
 * them) the command is sent with STATIOND_CMD_MAGIC / version 1 filled in;
 * *attr itself is not modified.
 */
int do_filter_notify(cloud_cmd_attr *attr, char *buf, int buf_len);

#ifdef __cplusplus
}
#endif

#endif /* STATIOND_COMPAT_H */
