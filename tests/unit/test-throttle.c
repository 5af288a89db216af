/*
 * Unit tests for util/throttle.c: QEMU's validation messages and the
 * leaky-bucket rates on a simulated clock (no sleeping).
 */
#include "qemu/osdep.h"
#include "qemu/throttle.h"

#define SEC 1000000000LL

/* Requests of @bytes issued as fast as allowed for @secs: bytes done. */
static uint64_t run(ThrottleConfig *cfg, bool is_write, uint64_t bytes,
                    int secs)
{
    ThrottleState ts;
    int64_t now = 0;
    uint64_t done = 0;

    throttle_config_set(&ts, cfg, 0);
    while (now < secs * SEC) {
        int64_t wait = throttle_wait_ns(&ts, is_write, now);
        if (wait) {
            now += wait;
            continue;
        }
        throttle_account(&ts, is_write, bytes);
        done += bytes;
    }
    return done;
}

static void test_bps_rate(void)
{
    ThrottleConfig cfg;

    throttle_config_init(&cfg);
    cfg.buckets[THROTTLE_BPS_READ].avg = 1000000;
    /* 10 s at 1 MB/s plus the tenth of a second of slack. */
    uint64_t done = run(&cfg, false, 4096, 10);
    g_assert_cmpuint(done, >=, 10000000);
    g_assert_cmpuint(done, <=, 10200000);
    /* A read limit leaves writes alone. */
    ThrottleState ts;
    throttle_config_set(&ts, &cfg, 0);
    for (int i = 0; i < 1000; i++) {
        throttle_account(&ts, true, 1 << 20);
    }
    g_assert_cmpint(throttle_wait_ns(&ts, true, 0), ==, 0);
    g_assert_cmpint(throttle_wait_ns(&ts, false, 0), ==, 0);
}

static void test_iops_and_size(void)
{
    ThrottleConfig cfg;

    throttle_config_init(&cfg);
    cfg.buckets[THROTTLE_OPS_TOTAL].avg = 100;
    g_assert_cmpuint(run(&cfg, true, 512, 10) / 512, >=, 1000);
    g_assert_cmpuint(run(&cfg, true, 512, 10) / 512, <=, 1012);
    /* iops_size 4096: a 64 KiB request counts as 16 operations. */
    cfg.op_size = 4096;
    uint64_t ops = run(&cfg, true, 65536, 10) / 65536;
    g_assert_cmpuint(ops, >=, 1000 / 16);
    g_assert_cmpuint(ops, <=, 1000 / 16 + 2);
}

static void test_burst(void)
{
    ThrottleConfig cfg;

    throttle_config_init(&cfg);
    cfg.buckets[THROTTLE_BPS_TOTAL].avg = 100000;
    cfg.buckets[THROTTLE_BPS_TOTAL].max = 1000000;
    cfg.buckets[THROTTLE_BPS_TOTAL].burst_length = 2;
    /* The first second runs at the burst rate (1 MB/s) ... */
    uint64_t first = run(&cfg, false, 1000, 1);
    g_assert_cmpuint(first, >=, 1000000);
    g_assert_cmpuint(first, <=, 1120000);
    /* ... the bucket (2 MB) full, the average rate takes over. */
    uint64_t ten = run(&cfg, false, 1000, 10);
    g_assert_cmpuint(ten, >=, 2000000 + 7 * 100000);
    g_assert_cmpuint(ten, <=, 2000000 + 9 * 100000 + 120000);
}

static void check_invalid(ThrottleConfig *cfg, const char *msg)
{
    Error *err = NULL;
    g_assert_false(throttle_is_valid(cfg, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    throttle_config_init(cfg);
}

static void test_validation(void)
{
    ThrottleConfig cfg;
    LeakyBucket *b = cfg.buckets;

    throttle_config_init(&cfg);
    g_assert_true(throttle_is_valid(&cfg, NULL));
    g_assert_false(throttle_enabled(&cfg));
    b[THROTTLE_BPS_TOTAL].avg = 1;
    b[THROTTLE_BPS_WRITE].avg = 1;
    check_invalid(&cfg, "bps/iops/max total values and read/write values "
                  "cannot be used at the same time");
    cfg.op_size = 512;
    check_invalid(&cfg, "iops size requires an iops value to be set");
    b[THROTTLE_OPS_READ].avg = THROTTLE_VALUE_MAX + 1;
    check_invalid(&cfg, "bps/iops/max values must be within [0, "
                  "1000000000000000]");
    b[THROTTLE_OPS_READ].avg = 5;
    b[THROTTLE_OPS_READ].burst_length = 0;
    check_invalid(&cfg, "the burst length cannot be 0");
    b[THROTTLE_OPS_READ].avg = 5;
    b[THROTTLE_OPS_READ].burst_length = 3;
    check_invalid(&cfg, "burst length set without burst rate");
    b[THROTTLE_OPS_READ].max = 5;
    check_invalid(&cfg, "bps_max/iops_max require corresponding bps/iops "
                  "values");
    b[THROTTLE_OPS_READ].avg = 6;
    b[THROTTLE_OPS_READ].max = 5;
    check_invalid(&cfg, "bps_max/iops_max cannot be lower than bps/iops");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/throttle/bps-rate", test_bps_rate);
    g_test_add_func("/throttle/iops-and-size", test_iops_and_size);
    g_test_add_func("/throttle/burst", test_burst);
    g_test_add_func("/throttle/validation", test_validation);
    return g_test_run();
}
