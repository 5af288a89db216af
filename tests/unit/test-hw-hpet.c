/*
 * HPET through its MMIO registers, per the IA-PC HPET specification 1.0a:
 * capabilities, the counter running only while enabled, a one-shot
 * 32-bit comparator, periodic mode with Tn_VAL_SET_CNF, level interrupts
 * cleared through the status register, and the legacy replacement route
 * taking ISA IRQ 0/8 away from the PIT and RTC inputs.  Time is the
 * virtual clock, which stands still unless a test lets it run.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/timer/hpet.h"

#define CAP         0x000
#define CFG         0x010
#define STATUS      0x020
#define COUNTER     0x0f0
#define TN_CFG(n)   (0x100 + 0x20 * (n))
#define TN_CMP(n)   (0x108 + 0x20 * (n))

#define TN_LEVEL    (1u << 1)
#define TN_ENABLE   (1u << 2)
#define TN_PERIODIC (1u << 3)
#define TN_SETVAL   (1u << 6)
#define TN_32BIT    (1u << 8)

/* Lines: 0..23 GSIs, 100 = ISA IRQ 0, 108 = ISA IRQ 8. */
static int level[128], edges[128];
static DeviceState *hpet;

static void line_handler(void *opaque, int n, int l)
{
    if (l && !level[n]) {
        edges[n]++;
    }
    level[n] = l;
}

static uint64_t rd(hwaddr reg, unsigned size)
{
    uint64_t v = 0;

    g_assert_cmpint(address_space_ld(&address_space_memory, HPET_BASE + reg,
                                     size, &v), ==, MEMTX_OK);
    return v;
}

static void wr(hwaddr reg, unsigned size, uint64_t v)
{
    g_assert_cmpint(address_space_st(&address_space_memory, HPET_BASE + reg,
                                     size, v), ==, MEMTX_OK);
}

/* Let virtual time run for up to @ms of host time, or until @cond holds. */
static void run_until(int ms, const int *counter, int want)
{
    int64_t end = g_get_monotonic_time() + ms * 1000;

    qemu_clock_enable_virtual(true);
    while (g_get_monotonic_time() < end && (!counter || *counter < want)) {
        timers_run_expired();
        g_usleep(100);
    }
    qemu_clock_enable_virtual(false);
}

static void reset(void)
{
    device_cold_reset(hpet);
    memset(level, 0, sizeof(level));
    memset(edges, 0, sizeof(edges));
}

static void test_capabilities(void)
{
    reset();
    /* What Linux prints as "HPET id: 0x8086a201", period 10 ns. */
    g_assert_cmphex(rd(CAP, 4), ==, 0x8086a201);
    g_assert_cmphex(rd(CAP + 4, 4), ==, 10000000);
    g_assert_cmphex(rd(CAP, 8), ==, 0x009896808086a201ull);
    /* Timers: periodic-capable, 64-bit, route cap = hpet-intcap (GSI 2). */
    for (int n = 0; n < 3; n++) {
        g_assert_cmphex(rd(TN_CFG(n), 8), ==, (4ull << 32) | 0x30);
    }
}

static void test_counter_enable(void)
{
    uint64_t a, b;

    reset();
    run_until(5, NULL, 0);
    g_assert_cmpuint(rd(COUNTER, 8), ==, 0);        /* disabled: stands */
    wr(COUNTER, 8, 1000);
    g_assert_cmpuint(rd(COUNTER, 8), ==, 1000);
    wr(CFG, 4, 1);
    run_until(5, NULL, 0);
    a = rd(COUNTER, 8);
    g_assert_cmpuint(a, >, 1000);
    wr(COUNTER, 8, 0);                              /* ignored: enabled */
    g_assert_cmpuint(rd(COUNTER, 8), >=, a);
    wr(CFG, 4, 0);
    b = rd(COUNTER, 8);
    run_until(5, NULL, 0);
    g_assert_cmpuint(rd(COUNTER, 8), ==, b);        /* stopped again */
}

static void test_oneshot_edge(void)
{
    reset();
    /* Timer 2 on GSI 2, edge, 32-bit: fires once at counter 50000 (0.5 ms). */
    wr(TN_CFG(2), 4, TN_ENABLE | TN_32BIT | (2 << 9));
    wr(TN_CMP(2), 4, 50000);
    g_assert_cmphex(rd(TN_CMP(2) + 4, 4), ==, 0);   /* 32-bit: high cleared */
    wr(CFG, 4, 1);
    run_until(2000, &edges[2], 1);
    g_assert_cmpint(edges[2], ==, 1);
    g_assert_cmpint(level[2], ==, 0);
    g_assert_cmpuint(rd(COUNTER, 8), >=, 50000);
    run_until(20, NULL, 0);
    g_assert_cmpint(edges[2], ==, 1);               /* one-shot */
    /* A route outside Tn_INT_ROUTE_CAP is not taken. */
    wr(TN_CFG(2), 4, TN_ENABLE | TN_32BIT | (5 << 9));
    g_assert_cmphex((rd(TN_CFG(2), 4) >> 9) & 0x1f, ==, 2);
}

static void test_periodic_level_legacy(void)
{
    uint64_t now;

    reset();
    /* Legacy route: timer 0 drives ISA IRQ 0, the PIT input is cut off. */
    irq_set(hpet_pit_in(hpet), 1);
    g_assert_cmpint(level[100], ==, 1);             /* passes through */
    irq_set(hpet_pit_in(hpet), 0);
    wr(CFG, 4, 3);
    irq_set(hpet_pit_in(hpet), 1);
    g_assert_cmpint(edges[100], ==, 1);             /* blocked now */
    irq_set(hpet_pit_in(hpet), 0);

    /* As Linux programs a periodic tick: SETVAL, comparator, then period. */
    now = rd(COUNTER, 4);
    wr(TN_CFG(0), 4, TN_ENABLE | TN_PERIODIC | TN_SETVAL | TN_32BIT);
    wr(TN_CMP(0), 4, now + 100000);
    wr(TN_CMP(0), 4, 100000);                       /* 1 ms period */
    g_assert_cmphex(rd(TN_CFG(0), 4) & TN_SETVAL, ==, 0);
    run_until(3000, &edges[100], 4);
    g_assert_cmpint(edges[100], >=, 4);
    g_assert_cmpint(edges[108], ==, 0);

    /* Level mode on timer 1 (ISA IRQ 8): held until status is cleared. */
    wr(TN_CFG(0), 4, 0);
    now = rd(COUNTER, 4);
    wr(TN_CFG(1), 4, TN_ENABLE | TN_LEVEL | TN_32BIT);
    wr(TN_CMP(1), 4, now + 1000);
    run_until(2000, &edges[108], 1);
    g_assert_cmpint(level[108], ==, 1);
    g_assert_cmphex(rd(STATUS, 4) & 2, ==, 2);
    wr(STATUS, 4, 2);
    g_assert_cmpint(level[108], ==, 0);
    g_assert_cmphex(rd(STATUS, 4), ==, 0);

    /* Leaving legacy mode gives ISA IRQ 8 back to the RTC input. */
    wr(CFG, 4, 1);
    irq_set(hpet_rtc_in(hpet), 1);
    g_assert_cmpint(level[108], ==, 1);
    irq_set(hpet_rtc_in(hpet), 0);
}

int main(int argc, char **argv)
{
    IRQLine *gsi[HPET_NUM_GSI];

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    for (int i = 0; i < HPET_NUM_GSI; i++) {
        gsi[i] = irq_line_new(line_handler, NULL, i);
    }
    hpet = hpet_init(gsi, irq_line_new(line_handler, NULL, 100),
                     irq_line_new(line_handler, NULL, 108), &error_abort);
    g_assert_nonnull(hpet);

    g_test_add_func("/hw/hpet/capabilities", test_capabilities);
    g_test_add_func("/hw/hpet/counter-enable", test_counter_enable);
    g_test_add_func("/hw/hpet/oneshot-edge", test_oneshot_edge);
    g_test_add_func("/hw/hpet/periodic-level-legacy",
                    test_periodic_level_legacy);
    return g_test_run();
}
