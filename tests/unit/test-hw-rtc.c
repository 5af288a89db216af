/*
 * mc146818rtc through its ports: register defaults, the clock following
 * host time (BCD and binary), setting the time with SET, the periodic,
 * update-ended and alarm interrupts, and register C clearing on read.
 */
#include "qemu/osdep.h"
#include <time.h>
#include "qemu/main-loop.h"
#include "hw/isa/isa.h"
#include "hw/rtc/mc146818rtc.h"

static DeviceState *rtc;
static int irq_level, irq_edges;

static void irq_handler(void *opaque, int n, int level)
{
    if (level && !irq_level) {
        irq_edges++;
    }
    irq_level = level;
}

static uint8_t cmos_read(uint8_t reg)
{
    cpu_outb(0x70, reg);
    return cpu_inb(0x71);
}

static void cmos_write(uint8_t reg, uint8_t val)
{
    cpu_outb(0x70, reg);
    cpu_outb(0x71, val);
}

static int from_bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 15);
}

/* Run timers for up to @ms milliseconds or until @edges interrupts. */
static void run_timers(int ms, int edges)
{
    int64_t end = g_get_monotonic_time() + ms * 1000;

    while (g_get_monotonic_time() < end && irq_edges < edges) {
        timers_run_expired();
        g_usleep(200);
    }
}

static void test_defaults(void)
{
    g_assert_cmphex(cmos_read(RTC_REG_A) & 0x7f, ==, 0x26);
    g_assert_cmphex(cmos_read(RTC_REG_B), ==, 0x02);
    g_assert_cmphex(cmos_read(RTC_REG_D), ==, 0x80);
    g_assert_cmphex(cpu_inb(0x70), ==, 0xff);
}

static void test_host_time_bcd(void)
{
    time_t now = time(NULL);
    struct tm tm;
    int year, mon, mday;

    gmtime_r(&now, &tm);
    year = from_bcd(cmos_read(RTC_YEAR));
    mon = from_bcd(cmos_read(RTC_MONTH));
    mday = from_bcd(cmos_read(RTC_DAY_OF_MONTH));
    /* base_year 2000: the year register holds year - 2000. */
    g_assert_cmpint(year, ==, (tm.tm_year + 1900 - 2000) % 100);
    g_assert_cmpint(mon, ==, tm.tm_mon + 1);
    g_assert_cmpint(mday, ==, tm.tm_mday);
    g_assert_cmpint(from_bcd(cmos_read(RTC_HOURS)), ==, tm.tm_hour);
    g_assert_cmpint(cmos_read(RTC_DAY_OF_WEEK), ==, tm.tm_wday + 1);
}

static void test_set_time(void)
{
    cmos_write(RTC_REG_B, REG_B_SET | REG_B_24H | REG_B_DM);
    cmos_write(RTC_SECONDS, 30);
    cmos_write(RTC_MINUTES, 59);
    cmos_write(RTC_HOURS, 23);
    cmos_write(RTC_DAY_OF_MONTH, 31);
    cmos_write(RTC_MONTH, 12);
    cmos_write(RTC_YEAR, 99);
    /* Frozen while SET. */
    g_usleep(20000);
    g_assert_cmpint(cmos_read(RTC_SECONDS), ==, 30);
    cmos_write(RTC_REG_B, REG_B_24H | REG_B_DM);
    g_assert_cmpint(cmos_read(RTC_MINUTES), ==, 59);
    g_assert_cmpint(cmos_read(RTC_HOURS), ==, 23);
    g_assert_cmpint(cmos_read(RTC_YEAR), ==, 99);
    g_assert_cmpint(cmos_read(RTC_MONTH), ==, 12);

    /* 12-hour BCD view of the same time: 11 PM. */
    cmos_write(RTC_REG_B, 0);
    g_assert_cmphex(cmos_read(RTC_HOURS), ==, 0x80 | 0x11);
    cmos_write(RTC_REG_B, REG_B_24H);
    g_assert_cmphex(cmos_read(RTC_HOURS), ==, 0x23);
}

static void test_periodic_irq(void)
{
    irq_edges = 0;
    cmos_read(RTC_REG_C);
    cmos_write(RTC_REG_A, 0x26);                 /* 1024 Hz */
    cmos_write(RTC_REG_B, REG_B_24H | REG_B_PIE);
    run_timers(500, 1);
    g_assert_cmpint(irq_edges, >=, 1);
    g_assert_cmpint(irq_level, ==, 1);
    g_assert_cmphex(cmos_read(RTC_REG_C) & 0xc0, ==, 0xc0);
    g_assert_cmpint(irq_level, ==, 0);            /* reading C lowers it */
    run_timers(500, 2);
    g_assert_cmpint(irq_edges, >=, 2);           /* fires again after C read */
    cmos_write(RTC_REG_B, REG_B_24H);
    cmos_read(RTC_REG_C);
}

static void test_update_and_alarm_irq(void)
{
    uint8_t c;

    irq_edges = 0;
    cmos_read(RTC_REG_C);
    /* Alarm: every second (all don't care). */
    cmos_write(RTC_SECONDS_ALARM, 0xff);
    cmos_write(RTC_MINUTES_ALARM, 0xff);
    cmos_write(RTC_HOURS_ALARM, 0xff);
    cmos_write(RTC_REG_B, REG_B_24H | REG_B_UIE | REG_B_AIE);
    run_timers(2500, 1);
    g_assert_cmpint(irq_edges, >=, 1);
    c = cmos_read(RTC_REG_C);
    g_assert_cmphex(c & (REG_C_IRQF | REG_C_UF | REG_C_AF), ==,
                    REG_C_IRQF | REG_C_UF | REG_C_AF);
    cmos_write(RTC_REG_B, REG_B_24H);
    cmos_read(RTC_REG_C);
}

static void test_cmos_memory(void)
{
    cmos_write(0x40, 0xa5);
    g_assert_cmphex(cmos_read(0x40), ==, 0xa5);
    rtc_set_memory(rtc, 0x41, 0x5a);
    g_assert_cmphex(cmos_read(0x41), ==, 0x5a);
    g_assert_cmphex(rtc_get_memory(rtc, 0x40), ==, 0xa5);
    /* Bit 7 of the index is the NMI mask, not part of the address. */
    cpu_outb(0x70, 0x80 | 0x40);
    g_assert_cmphex(cpu_inb(0x71), ==, 0xa5);
    /* C and D are read-only. */
    cmos_write(RTC_REG_D, 0);
    g_assert_cmphex(cmos_read(RTC_REG_D), ==, 0x80);
}

int main(int argc, char **argv)
{
    ISABus *bus;
    Error *err = NULL;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    bus = isa_bus_new(NULL, get_system_io());
    rtc = mc146818_rtc_init(bus, 2000, irq_line_new(irq_handler, NULL, 8),
                            &err);
    g_assert_null(err);
    g_assert_nonnull(rtc);

    g_test_add_func("/hw/rtc/defaults", test_defaults);
    g_test_add_func("/hw/rtc/host-time-bcd", test_host_time_bcd);
    g_test_add_func("/hw/rtc/set-time", test_set_time);
    g_test_add_func("/hw/rtc/periodic-irq", test_periodic_irq);
    g_test_add_func("/hw/rtc/update-alarm-irq", test_update_and_alarm_irq);
    g_test_add_func("/hw/rtc/cmos-memory", test_cmos_memory);
    return g_test_run();
}
