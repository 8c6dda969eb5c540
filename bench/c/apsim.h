/*
 * apsim: an access point around stationd, for the latency and scale workloads (W8-W10); see
 * apsim.c for what it does. Shared declarations of its parts:
 *   apsim.c          options, phases, the daemon's resources, results
 *   apsim_hostapd.c  the fake hostapd control sockets, the churn, the sta_event sender
 *   apsim_sub.c      subscribers, the cloud agent, latency bookkeeping, the real hostapd's log
 */
#ifndef APSIM_H
#define APSIM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/types.h>
#include "bench_common.h"
#include "hist.h"

#define MAX_BSS 16
#define MAX_RATES 8
#define REC_SIZE ((int)sizeof(sta_event))

enum mode { M_HOSTAPD, M_INGEST, M_REAL, M_AP };

/* ---- configuration (apsim.c) ---- */
extern enum mode mode;
extern const char *dir;        /* the fake control sockets' directory */
extern const char *cmd_sock;   /* the daemon's command socket */
extern const char *ev_sock;    /* the daemon's ingest socket */
extern int nbss;
extern uint32_t stations;      /* connected per BSS at the start */
extern uint32_t pool;          /* stations per BSS: the connected window and its spares */
extern uint32_t nidx;          /* nbss * pool: the index space of stations */
extern int nsubs;
extern int nslow;
extern FILE *trace;            /* every latency subscriber 0 measures, or NULL */
extern uint64_t trace_t0;
extern _Atomic int stop_all;   /* threads end */
extern _Atomic int ending;     /* the measurement ends now (SIGTERM) */

/* ---- phases: one measured window per rate (apsim.c) ---- */
struct phase {
    double rate;
    uint64_t start;            /* measured window [start, end) of emit times, CLOCK_MONOTONIC */
    uint64_t end;
};
extern struct phase phases[MAX_RATES];
extern _Atomic int cur_phase;  /* index while measuring, -1 in warm-up or drain */

/* ---- emitted events (apsim_hostapd.c writes, apsim_sub.c reads) ---- */
/* emit time (ns) of the latest join [0] / leave [1] of each station and its phase (-1: warm-up) */
extern _Atomic uint64_t *emit_ns[2];
extern _Atomic int8_t *emit_phase[2];
extern _Atomic uint64_t emitted[MAX_RATES];
extern _Atomic uint64_t peer_dropped[MAX_RATES];
extern _Atomic int attached_bss;
extern _Atomic uint64_t ctrl_requests;

void record_emit(int type, uint32_t idx, uint64_t t);
void sim_mac(uint8_t mac[6], int bss, uint32_t n);
int64_t mac_index(const uint8_t mac[6]);
void fmt_mac(char *out, const uint8_t mac[6]);
int parse_mac(const char *s, uint8_t mac[6]);

/* apsim_hostapd.c */
void bss_open(int i, uint32_t initial);
void bss_close_all(void);
int ingest_open(void);
void ingest_preload(void);
void start_rate(double rate);
void stop_emitting(void);
void *emitter(void *arg);

/* ---- subscribers (apsim_sub.c) ---- */
struct sub {
    int id;
    int slow;
    _Atomic int slow_now;      /* reads slowly while set (cleared for the final catch-up) */
    _Atomic int fd;
    pthread_t tid;
    struct hist lat[MAX_RATES];
    uint64_t matched[MAX_RATES];
    uint64_t *seen[2];         /* the emit time last matched, per type and station */
    uint8_t *view;             /* 1 = the subscriber believes the station is present */
    _Atomic uint64_t records;
    _Atomic uint64_t lost;     /* gaps in the table's event seq */
    _Atomic uint64_t drops;    /* subscriptions the daemon ended */
    _Atomic uint32_t last_seq;
    _Atomic uint64_t last_record_ns;
    int have_seq;
};
extern struct sub *subs;

long list_table(const char *ifname, uint8_t *view, char *buf, size_t cap);
void subs_start(void);
void subs_stop(void);
void await_quiet(double quiet, double seconds);
uint64_t merged_latency(int ph, struct hist *h);
/* the cloud agent: STA_LIST of one BSS every second, of everything every 10 s */
extern struct hist q_bss, q_all;
extern uint64_t q_errors;
extern _Atomic int agent_on;
void *agent(void *arg);
/* real hostapd: match what the subscriber read against hostapd's own log (-t -f LOG) */
void real_window(int begin);
int real_match(const char *log, struct hist *h, uint64_t *events, uint64_t *matched);

#endif
