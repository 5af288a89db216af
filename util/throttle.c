/*
 * Leaky-bucket I/O throttling (include/qemu/throttle.h), the model QEMU
 * documents in docs/throttle.txt: levels drain at the average (and burst)
 * rate; a request waits while a bucket is over its size.
 */
#include "qemu/throttle.h"

#define NS_PER_SEC 1000000000.0

void throttle_config_init(ThrottleConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    for (int i = 0; i < THROTTLE_BUCKETS; i++) {
        cfg->buckets[i].burst_length = 1;
    }
}

bool throttle_enabled(const ThrottleConfig *cfg)
{
    for (int i = 0; i < THROTTLE_BUCKETS; i++) {
        if (cfg->buckets[i].avg > 0) {
            return true;
        }
    }
    return false;
}

/* Total and read/write limits of one kind exclude each other. */
static bool conflicting(const ThrottleConfig *cfg, int total, bool max)
{
    const LeakyBucket *b = cfg->buckets;
    if (max) {
        return b[total].max && (b[total + 1].max || b[total + 2].max);
    }
    return b[total].avg && (b[total + 1].avg || b[total + 2].avg);
}

bool throttle_is_valid(const ThrottleConfig *cfg, Error **errp)
{
    const LeakyBucket *b = cfg->buckets;

    if (conflicting(cfg, THROTTLE_BPS_TOTAL, false) ||
        conflicting(cfg, THROTTLE_OPS_TOTAL, false) ||
        conflicting(cfg, THROTTLE_BPS_TOTAL, true) ||
        conflicting(cfg, THROTTLE_OPS_TOTAL, true)) {
        error_setg(errp, "bps/iops/max total values and read/write values "
                   "cannot be used at the same time");
        return false;
    }
    if (cfg->op_size && !b[THROTTLE_OPS_TOTAL].avg &&
        !b[THROTTLE_OPS_READ].avg && !b[THROTTLE_OPS_WRITE].avg) {
        error_setg(errp, "iops size requires an iops value to be set");
        return false;
    }
    for (int i = 0; i < THROTTLE_BUCKETS; i++) {
        const LeakyBucket *k = &b[i];
        if (k->avg < 0 || k->max < 0 || k->avg > THROTTLE_VALUE_MAX ||
            k->max > THROTTLE_VALUE_MAX) {
            error_setg(errp, "bps/iops/max values must be within [0, %lld]",
                       THROTTLE_VALUE_MAX);
            return false;
        }
        if (k->burst_length <= 0) {
            error_setg(errp, "the burst length cannot be 0");
            return false;
        }
        if (k->burst_length > 1 && !k->max) {
            error_setg(errp, "burst length set without burst rate");
            return false;
        }
        if (k->max && k->burst_length > THROTTLE_VALUE_MAX / k->max) {
            error_setg(errp, "burst length too high for this burst rate");
            return false;
        }
        if (k->max && !k->avg) {
            error_setg(errp, "bps_max/iops_max require corresponding "
                       "bps/iops values");
            return false;
        }
        if (k->max && k->max < k->avg) {
            error_setg(errp, "bps_max/iops_max cannot be lower than "
                       "bps/iops");
            return false;
        }
    }
    return true;
}

void throttle_config_set(ThrottleState *ts, const ThrottleConfig *cfg,
                         int64_t now)
{
    ts->cfg = *cfg;
    for (int i = 0; i < THROTTLE_BUCKETS; i++) {
        ts->cfg.buckets[i].level = 0;
        ts->cfg.buckets[i].burst_level = 0;
    }
    ts->previous_leak = now;
}

static void throttle_leak(ThrottleState *ts, int64_t now)
{
    double secs = (now - ts->previous_leak) / NS_PER_SEC;

    if (secs <= 0) {
        return;
    }
    ts->previous_leak = now;
    for (int i = 0; i < THROTTLE_BUCKETS; i++) {
        LeakyBucket *k = &ts->cfg.buckets[i];
        k->level = MAX(k->level - k->avg * secs, 0);
        if (k->burst_length > 1) {
            k->burst_level = MAX(k->burst_level - k->max * secs, 0);
        }
    }
}

/* Time until @excess units drain at @rate, rounded up to a whole ns. */
static int64_t drain_ns(int64_t rate, double excess)
{
    return (int64_t)(excess / rate * NS_PER_SEC) + 1;
}

static int64_t bucket_wait_ns(const LeakyBucket *k)
{
    double size, burst_size, excess;

    if (!k->avg) {
        return 0;
    }
    if (!k->max) {
        /* Without a burst rate, a tenth of a second of slack. */
        size = k->avg / 10.0;
        burst_size = 0;
    } else {
        size = (double)k->max * k->burst_length;
        burst_size = k->max / 10.0;
    }
    excess = k->level - size;
    if (excess > 0) {
        return drain_ns(k->avg, excess);
    }
    if (k->burst_length > 1) {
        excess = k->burst_level - burst_size;
        if (excess > 0) {
            return drain_ns(k->max, excess);
        }
    }
    return 0;
}

int64_t throttle_wait_ns(ThrottleState *ts, bool is_write, int64_t now)
{
    const LeakyBucket *b = ts->cfg.buckets;
    const int idx[] = {
        THROTTLE_BPS_TOTAL, is_write ? THROTTLE_BPS_WRITE : THROTTLE_BPS_READ,
        THROTTLE_OPS_TOTAL, is_write ? THROTTLE_OPS_WRITE : THROTTLE_OPS_READ,
    };
    int64_t wait = 0;

    throttle_leak(ts, now);
    for (size_t i = 0; i < ARRAY_SIZE(idx); i++) {
        wait = MAX(wait, bucket_wait_ns(&b[idx[i]]));
    }
    return wait;
}

static void fill(LeakyBucket *k, double units)
{
    k->level += units;
    if (k->burst_length > 1) {
        k->burst_level += units;
    }
}

void throttle_account(ThrottleState *ts, bool is_write, uint64_t bytes)
{
    LeakyBucket *b = ts->cfg.buckets;
    double ops = 1.0;

    /* iops_size: a request of N x op_size bytes counts as N operations. */
    if (ts->cfg.op_size && bytes > (uint64_t)ts->cfg.op_size) {
        ops = (double)bytes / ts->cfg.op_size;
    }
    fill(&b[THROTTLE_BPS_TOTAL], bytes);
    fill(&b[is_write ? THROTTLE_BPS_WRITE : THROTTLE_BPS_READ], bytes);
    fill(&b[THROTTLE_OPS_TOTAL], ops);
    fill(&b[is_write ? THROTTLE_OPS_WRITE : THROTTLE_OPS_READ], ops);
}
