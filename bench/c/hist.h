/*
 * Log-linear latency histogram of the benchmark tools: 64 sub-buckets per power of two
 * (< 1.6 % relative error) over nanoseconds. Not thread-safe: one per thread, merged at the end.
 */
#ifndef BENCH_HIST_H
#define BENCH_HIST_H

#include <math.h>
#include <stdint.h>

#define HIST_SUB 64
#define HIST_BUCKETS (HIST_SUB + 58 * HIST_SUB)

struct hist {
    uint64_t b[HIST_BUCKETS];
    uint64_t count;
    uint64_t max;
};

static inline int hist_bucket(uint64_t v)
{
    if (v < HIST_SUB) {
        return (int)v;
    }
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - 6;
    return HIST_SUB + shift * HIST_SUB + (int)((v >> shift) - HIST_SUB);
}

static inline uint64_t hist_bucket_value(int idx)
{
    if (idx < HIST_SUB) {
        return (uint64_t)idx;
    }
    int shift = (idx - HIST_SUB) / HIST_SUB;
    uint64_t top = (uint64_t)(HIST_SUB + (idx - HIST_SUB) % HIST_SUB);
    return ((top + 1) << shift) - 1;
}

static inline void hist_record(struct hist *h, uint64_t ns)
{
    h->b[hist_bucket(ns)]++;
    h->count++;
    if (ns > h->max) {
        h->max = ns;
    }
}

static inline void hist_merge(struct hist *into, const struct hist *from)
{
    for (int i = 0; i < HIST_BUCKETS; i++) {
        into->b[i] += from->b[i];
    }
    into->count += from->count;
    if (from->max > into->max) {
        into->max = from->max;
    }
}

/* The value at quantile p (0..1), in ns; 0 when empty. */
static inline uint64_t hist_percentile(const struct hist *h, double p)
{
    if (h->count == 0) {
        return 0;
    }
    uint64_t target = (uint64_t)ceil(p * (double)h->count);
    if (target == 0) {
        target = 1;
    }
    uint64_t cum = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        cum += h->b[i];
        if (cum >= target) {
            uint64_t v = hist_bucket_value(i);
            return v > h->max ? h->max : v;
        }
    }
    return h->max;
}

#endif
