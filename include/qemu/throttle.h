/*
 * I/O throttling arithmetic (QEMU's docs/throttle.txt): one leaky bucket
 * per limit (bytes and operations; total, read, write).  A bucket drains
 * at its average rate; a request may start while the bucket holds at
 * most a tenth of a second of I/O, or, with a burst rate, at most
 * burst rate x burst length, and no faster than the burst rate.  Pure
 * arithmetic on caller-given times: groups, queues and timers live in
 * block/throttle-groups.c.
 */
#ifndef QEMU_THROTTLE_H
#define QEMU_THROTTLE_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/* QEMU's THROTTLE_VALUE_MAX: the largest rate or burst accepted. */
#define THROTTLE_VALUE_MAX 1000000000000000LL

typedef enum ThrottleBucketType {
    THROTTLE_BPS_TOTAL,
    THROTTLE_BPS_READ,
    THROTTLE_BPS_WRITE,
    THROTTLE_OPS_TOTAL,
    THROTTLE_OPS_READ,
    THROTTLE_OPS_WRITE,
    THROTTLE_BUCKETS,
} ThrottleBucketType;

typedef struct LeakyBucket {
    int64_t avg;                 /* units per second; 0: no limit */
    int64_t max;                 /* burst rate; 0: none */
    int64_t burst_length;        /* seconds at the burst rate (>= 1) */
    double level;                /* units not yet drained */
    double burst_level;          /* the same at the burst rate */
} LeakyBucket;

typedef struct ThrottleConfig {
    LeakyBucket buckets[THROTTLE_BUCKETS];
    int64_t op_size;             /* iops_size: bigger requests count more */
} ThrottleConfig;

typedef struct ThrottleState {
    ThrottleConfig cfg;
    int64_t previous_leak;       /* ns of the last throttle_leak */
} ThrottleState;

/* No limits, burst lengths 1. */
void throttle_config_init(ThrottleConfig *cfg);
/* Any limit set. */
bool throttle_enabled(const ThrottleConfig *cfg);
/* QEMU's throttle_is_valid(), with its messages. */
bool throttle_is_valid(const ThrottleConfig *cfg, Error **errp);
/* New limits; the levels start empty. */
void throttle_config_set(ThrottleState *ts, const ThrottleConfig *cfg,
                         int64_t now);
/*
 * throttle_wait_ns: drain the buckets up to @now, then how long (ns) a
 * read or write must wait before it may start; 0: now.
 */
int64_t throttle_wait_ns(ThrottleState *ts, bool is_write, int64_t now);
/* A read or write of @bytes started: fill its buckets. */
void throttle_account(ThrottleState *ts, bool is_write, uint64_t bytes);

#endif
