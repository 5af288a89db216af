/*
 * I/O throttling from the user's side: -drive throttling.* options (and
 * their legacy names), QMP/HMP block_set_io_throttle, and the limits in
 * query-block's BlockDeviceInfo.  The limits themselves are
 * util/throttle.c; queues and groups are block/throttle-groups.c.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "qemu/throttle.h"
#include "block/blockdev.h"
#include "block-qapi.h"

enum { T_AVG, T_MAX, T_LEN };

/* QAPI member prefix and bucket of each burst limit (X-macro). */
#define THROTTLE_BURSTS(X)                                              \
    X(bps, THROTTLE_BPS_TOTAL) X(bps_rd, THROTTLE_BPS_READ)             \
    X(bps_wr, THROTTLE_BPS_WRITE) X(iops, THROTTLE_OPS_TOTAL)           \
    X(iops_rd, THROTTLE_OPS_READ) X(iops_wr, THROTTLE_OPS_WRITE)

/* -drive throttling.NAME and the legacy alias QEMU still accepts. */
static const struct {
    const char *name;
    const char *alias;
    int bucket;
    int field;
} throttle_opts[] = {
    { "bps-total", "bps", THROTTLE_BPS_TOTAL, T_AVG },
    { "bps-read", "bps_rd", THROTTLE_BPS_READ, T_AVG },
    { "bps-write", "bps_wr", THROTTLE_BPS_WRITE, T_AVG },
    { "iops-total", "iops", THROTTLE_OPS_TOTAL, T_AVG },
    { "iops-read", "iops_rd", THROTTLE_OPS_READ, T_AVG },
    { "iops-write", "iops_wr", THROTTLE_OPS_WRITE, T_AVG },
    { "bps-total-max", "bps_max", THROTTLE_BPS_TOTAL, T_MAX },
    { "bps-read-max", "bps_rd_max", THROTTLE_BPS_READ, T_MAX },
    { "bps-write-max", "bps_wr_max", THROTTLE_BPS_WRITE, T_MAX },
    { "iops-total-max", "iops_max", THROTTLE_OPS_TOTAL, T_MAX },
    { "iops-read-max", "iops_rd_max", THROTTLE_OPS_READ, T_MAX },
    { "iops-write-max", "iops_wr_max", THROTTLE_OPS_WRITE, T_MAX },
    { "bps-total-max-length", "bps_max_length", THROTTLE_BPS_TOTAL, T_LEN },
    { "bps-read-max-length", "bps_rd_max_length", THROTTLE_BPS_READ, T_LEN },
    { "bps-write-max-length", "bps_wr_max_length", THROTTLE_BPS_WRITE,
      T_LEN },
    { "iops-total-max-length", "iops_max_length", THROTTLE_OPS_TOTAL,
      T_LEN },
    { "iops-read-max-length", "iops_rd_max_length", THROTTLE_OPS_READ,
      T_LEN },
    { "iops-write-max-length", "iops_wr_max_length", THROTTLE_OPS_WRITE,
      T_LEN },
    { "iops-size", "iops_size", -1, 0 },
    { "group", "group", -1, 1 },
};

static int64_t *bucket_field(ThrottleConfig *cfg, int bucket, int field)
{
    LeakyBucket *b = &cfg->buckets[bucket];
    return field == T_AVG ? &b->avg : field == T_MAX ? &b->max
                                                     : &b->burst_length;
}

/* The value of throttling.@name or its alias; QEMU's conflict error. */
static bool get_opt(QemuOpts *opts, size_t i, const char **val,
                    Error **errp)
{
    g_autofree char *full = g_strdup_printf("throttling.%s",
                                            throttle_opts[i].name);
    const char *v = qemu_opt_get(opts, full);
    const char *a = qemu_opt_get(opts, throttle_opts[i].alias);

    if (v && a) {
        error_setg(errp, "'%s' and its alias '%s' can't be used at the "
                   "same time", full, throttle_opts[i].alias);
        return false;
    }
    *val = v ? v : a;
    return true;
}

bool blockdev_throttle_parse(QemuOpts *opts, ThrottleConfig *cfg,
                             char **group, Error **errp)
{
    throttle_config_init(cfg);
    *group = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(throttle_opts); i++) {
        const char *v;
        char *end;
        if (!get_opt(opts, i, &v, errp)) {
            return false;
        }
        if (!v) {
            continue;
        }
        if (throttle_opts[i].bucket < 0 && throttle_opts[i].field) {
            *group = g_strdup(v);
            continue;
        }
        errno = 0;
        long long n = strtoll(v, &end, 0);
        if (!*v || *end || errno) {
            error_setg(errp, "Parameter 'throttling.%s' expects a number",
                       throttle_opts[i].name);
            g_free(*group);
            *group = NULL;
            return false;
        }
        if (n < 0) {
            n = THROTTLE_VALUE_MAX + 1;    /* QEMU reads it unsigned */
        }
        if (throttle_opts[i].bucket < 0) {
            cfg->op_size = n;
        } else {
            *bucket_field(cfg, throttle_opts[i].bucket,
                          throttle_opts[i].field) = n;
        }
    }
    if (!throttle_is_valid(cfg, errp)) {
        g_free(*group);
        *group = NULL;
        return false;
    }
    return true;
}

void bdrv_throttle_info(BlockDeviceInfo *info, BlockBackend *blk)
{
    ThrottleConfig cfg;
    const char *group = blk ? blk_get_io_limits(blk, &cfg) : NULL;
    const LeakyBucket *b = cfg.buckets;

    if (!group) {
        return;
    }
    info->bps = b[THROTTLE_BPS_TOTAL].avg;
    info->bps_rd = b[THROTTLE_BPS_READ].avg;
    info->bps_wr = b[THROTTLE_BPS_WRITE].avg;
    info->iops = b[THROTTLE_OPS_TOTAL].avg;
    info->iops_rd = b[THROTTLE_OPS_READ].avg;
    info->iops_wr = b[THROTTLE_OPS_WRITE].avg;
    /* QEMU reports a burst rate and its length only when set. */
#define BURST(member, bucket)                                           \
    info->has_##member##_max = info->has_##member##_max_length =        \
        b[bucket].max != 0;                                             \
    info->member##_max = b[bucket].max;                                 \
    info->member##_max_length = b[bucket].burst_length;
    THROTTLE_BURSTS(BURST)
#undef BURST
    info->has_iops_size = cfg.op_size != 0;
    info->iops_size = cfg.op_size;
    info->has_group = true;
    info->group = g_strdup(group);
}

bool blockdev_set_io_throttle(BlockIOThrottle *a, Error **errp)
{
    ThrottleConfig cfg;
    DriveInfo *d = blockdev_find_drive(a->has_device ? a->device : NULL,
                                       a->has_id ? a->id : NULL, errp);
    if (!d) {
        return false;
    }
    if (!d->blk) {
        error_setg(errp, "Device has no medium");
        return false;
    }
    throttle_config_init(&cfg);
    LeakyBucket *b = cfg.buckets;
    b[THROTTLE_BPS_TOTAL].avg = a->bps;
    b[THROTTLE_BPS_READ].avg = a->bps_rd;
    b[THROTTLE_BPS_WRITE].avg = a->bps_wr;
    b[THROTTLE_OPS_TOTAL].avg = a->iops;
    b[THROTTLE_OPS_READ].avg = a->iops_rd;
    b[THROTTLE_OPS_WRITE].avg = a->iops_wr;
#define BURST(member, bucket)                                           \
    if (a->has_##member##_max) {                                        \
        b[bucket].max = a->member##_max;                                \
    }                                                                   \
    if (a->has_##member##_max_length) {                                 \
        b[bucket].burst_length = a->member##_max_length;                \
    }
    THROTTLE_BURSTS(BURST)
#undef BURST
    if (a->has_iops_size) {
        cfg.op_size = a->iops_size;
    }
    return blk_set_io_limits(d->blk, &cfg, a->has_group ? a->group : NULL,
                             errp);
}

void qmp_block_set_io_throttle(
    bool has_device, const char *device, bool has_id, const char *id,
    int64_t bps, int64_t bps_rd, int64_t bps_wr, int64_t iops,
    int64_t iops_rd, int64_t iops_wr, bool has_bps_max, int64_t bps_max,
    bool has_bps_rd_max, int64_t bps_rd_max, bool has_bps_wr_max,
    int64_t bps_wr_max, bool has_iops_max, int64_t iops_max,
    bool has_iops_rd_max, int64_t iops_rd_max, bool has_iops_wr_max,
    int64_t iops_wr_max, bool has_bps_max_length, int64_t bps_max_length,
    bool has_bps_rd_max_length, int64_t bps_rd_max_length,
    bool has_bps_wr_max_length, int64_t bps_wr_max_length,
    bool has_iops_max_length, int64_t iops_max_length,
    bool has_iops_rd_max_length, int64_t iops_rd_max_length,
    bool has_iops_wr_max_length, int64_t iops_wr_max_length,
    bool has_iops_size, int64_t iops_size, bool has_group,
    const char *group, Error **errp)
{
    BlockIOThrottle a = {
        .has_device = has_device, .device = (char *)device,
        .has_id = has_id, .id = (char *)id,
        .bps = bps, .bps_rd = bps_rd, .bps_wr = bps_wr,
        .iops = iops, .iops_rd = iops_rd, .iops_wr = iops_wr,
        .has_bps_max = has_bps_max, .bps_max = bps_max,
        .has_bps_rd_max = has_bps_rd_max, .bps_rd_max = bps_rd_max,
        .has_bps_wr_max = has_bps_wr_max, .bps_wr_max = bps_wr_max,
        .has_iops_max = has_iops_max, .iops_max = iops_max,
        .has_iops_rd_max = has_iops_rd_max, .iops_rd_max = iops_rd_max,
        .has_iops_wr_max = has_iops_wr_max, .iops_wr_max = iops_wr_max,
        .has_bps_max_length = has_bps_max_length,
        .bps_max_length = bps_max_length,
        .has_bps_rd_max_length = has_bps_rd_max_length,
        .bps_rd_max_length = bps_rd_max_length,
        .has_bps_wr_max_length = has_bps_wr_max_length,
        .bps_wr_max_length = bps_wr_max_length,
        .has_iops_max_length = has_iops_max_length,
        .iops_max_length = iops_max_length,
        .has_iops_rd_max_length = has_iops_rd_max_length,
        .iops_rd_max_length = iops_rd_max_length,
        .has_iops_wr_max_length = has_iops_wr_max_length,
        .iops_wr_max_length = iops_wr_max_length,
        .has_iops_size = has_iops_size, .iops_size = iops_size,
        .has_group = has_group, .group = (char *)group,
    };
    blockdev_set_io_throttle(&a, errp);
}
