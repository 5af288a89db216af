/*
 * i8254 PIT through ports 0x40-0x43 and port 0x61, per the 82C54
 * datasheet: lobyte/hibyte/word access, counter latch, read-back of count
 * and status, mode 0 (OUT rises at terminal count and drives IRQ0), mode 2
 * (one IRQ0 edge per period), mode 3 square wave on channel 2 gated by
 * port 0x61 bit 0 with OUT on bit 5.  Time is the virtual clock, which
 * stands still unless a test lets it run.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "hw/isa/isa.h"
#include "hw/timer/i8254.h"

static DeviceState *pit;
static int irq0_level, irq0_edges;

static void irq0_handler(void *opaque, int n, int level)
{
    if (level && !irq0_level) {
        irq0_edges++;
    }
    irq0_level = level;
}

static uint16_t read_count16(int ch)
{
    uint16_t lo = cpu_inb(0x40 + ch);

    return lo | (cpu_inb(0x40 + ch) << 8);
}

static void write_count16(int ch, uint16_t val)
{
    cpu_outb(0x40 + ch, val & 0xff);
    cpu_outb(0x40 + ch, val >> 8);
}

static uint16_t latch_count(int ch)
{
    cpu_outb(0x43, ch << 6);
    return read_count16(ch);
}

static uint8_t read_status(int ch)
{
    cpu_outb(0x43, 0xe0 | (2 << ch));     /* read-back, status only */
    return cpu_inb(0x40 + ch);
}

/*
 * Let virtual time run for @ms of host time, or less once IRQ0 has seen
 * @edges rising edges (0: no such condition).
 */
static int64_t run_clock(int ms, int edges)
{
    int64_t start = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t end = g_get_monotonic_time() + ms * 1000;

    qemu_clock_enable_virtual(true);
    while (g_get_monotonic_time() < end && (!edges || irq0_edges < edges)) {
        timers_run_expired();
        g_usleep(100);
    }
    qemu_clock_enable_virtual(false);
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - start;
}

static void test_access_modes(void)
{
    /* Lobyte only: the high byte is zero. */
    cpu_outb(0x43, 0x10);                 /* ch0, LSB, mode 0 */
    cpu_outb(0x40, 0x34);
    g_assert_cmphex(cpu_inb(0x40), ==, 0x34);
    g_assert_cmphex(cpu_inb(0x40), ==, 0x34);
    /* Hibyte only: the low byte is zero. */
    cpu_outb(0x43, 0x20);
    cpu_outb(0x40, 0x12);
    g_assert_cmphex(cpu_inb(0x40), ==, 0x12);
    cpu_outb(0x43, 0x30);
    g_assert_cmphex(read_count16(0), ==, 0x1200);
    /* Word: LSB then MSB, for writes and reads alike. */
    write_count16(0, 0x5678);
    g_assert_cmphex(cpu_inb(0x40), ==, 0x78);
    g_assert_cmphex(cpu_inb(0x40), ==, 0x56);
    g_assert_cmphex(cpu_inb(0x40), ==, 0x78);
    g_assert_cmphex(cpu_inb(0x40), ==, 0x56);
    /* A count of 0 is 65536, which reads as 0. */
    write_count16(0, 0);
    g_assert_cmphex(read_count16(0), ==, 0x0000);
    /* The control register reads nothing useful. */
    cpu_inb(0x43);
}

static void test_readback(void)
{
    cpu_outb(0x43, 0x34);                 /* ch0, word, mode 2 */
    write_count16(0, 0x4321);
    /* Status byte: OUT, RW=11, mode 010, binary. */
    g_assert_cmphex(read_status(0), ==, 0x80 | 0x34);
    cpu_outb(0x43, 0xb6);                 /* ch2, word, mode 3 */
    g_assert_cmphex(read_status(2) & 0x3f, ==, 0x36);
    /* Modes 6 and 7 are 2 and 3. */
    cpu_outb(0x43, 0x7c);                 /* ch1, word, mode 6 */
    g_assert_cmphex(read_status(1) & 0x3f, ==, 0x34);

    /* Count and status together: status first, then the count. */
    cpu_outb(0x43, 0xc2);
    g_assert_cmphex(cpu_inb(0x40), ==, 0xb4);
    g_assert_cmphex(read_count16(0), ==, 0x4321);
    /* Count only, for channels 0 and 2 at once (a BIOS idiom). */
    cpu_outb(0x43, 0xb6);
    write_count16(2, 0x1000);
    cpu_outb(0x43, 0xda);
    g_assert_cmphex(read_count16(0), ==, 0x4321);
    g_assert_cmphex(read_count16(2), ==, 0x1000);
}

static void test_latch(void)
{
    uint16_t a, b, c;
    int64_t ns;
    uint64_t ticks;

    cpu_outb(0x43, 0x30);                 /* ch0, word, mode 0 */
    write_count16(0, 0xffff);
    /* The clock stands still: the count is exactly what was loaded. */
    g_assert_cmphex(latch_count(0), ==, 0xffff);

    cpu_outb(0x43, 0x00);                 /* latch */
    ns = run_clock(3, 0);
    /* A second latch before the first is read is ignored. */
    cpu_outb(0x43, 0x00);
    a = read_count16(0);
    g_assert_cmphex(a, ==, 0xffff);
    /*
     * Unlatched, the counter has moved on by exactly the input ticks of
     * the elapsed guest time (1.193182 MHz), the clock being stopped now.
     */
    ticks = (uint64_t)ns * PIT_FREQ / 1000000000ULL;
    b = read_count16(0);
    g_assert_cmpuint(ticks, >=, 3000);
    g_assert_cmphex(b, ==, (0xffff - ticks) & 0xffff);
    c = latch_count(0);
    g_assert_cmphex(c, ==, b);
}

static void test_mode0(void)
{
    int64_t ns;

    cpu_outb(0x43, 0x30);                 /* OUT goes low on the control word */
    g_assert_cmpint(irq0_level, ==, 0);
    g_assert_cmphex(read_status(0) & 0x80, ==, 0);
    write_count16(0, 1193);               /* ~1 ms */
    irq0_edges = 0;
    ns = run_clock(1000, 1);
    g_assert_cmpint(irq0_edges, ==, 1);
    g_assert_cmpint(irq0_level, ==, 1);
    /* Not before the terminal count. */
    g_assert_cmpint(ns, >=, 999000);
    /* OUT stays high (no reload) and the status shows it. */
    g_assert_cmphex(read_status(0), ==, 0xb0);
    run_clock(3, 0);
    g_assert_cmpint(irq0_edges, ==, 1);
    g_assert_cmpint(irq0_level, ==, 1);
    /* Loading a new count lowers OUT. */
    write_count16(0, 0x8000);
    g_assert_cmpint(irq0_level, ==, 0);
    /* So does a new control word. */
    write_count16(0, 1);
    run_clock(100, 2);
    g_assert_cmpint(irq0_level, ==, 1);
    cpu_outb(0x43, 0x30);
    g_assert_cmpint(irq0_level, ==, 0);
}

static void test_mode2(void)
{
    int64_t ns;

    cpu_outb(0x43, 0x34);
    write_count16(0, 1193);               /* 1 kHz, Linux's HZ=1000 PIT */
    irq0_edges = 0;
    ns = run_clock(2000, 5);
    g_assert_cmpint(irq0_edges, >=, 5);
    /* The fifth period ends 5 ms of guest time after the load. */
    g_assert_cmpint(ns, >=, 4990000);
    /* The count reloads: it stays within 1..1193. */
    for (int i = 0; i < 5; i++) {
        uint16_t c = latch_count(0);

        g_assert_cmpuint(c, >=, 1);
        g_assert_cmpuint(c, <=, 1193);
        run_clock(1, 0);
    }
    /* Reprogramming with mode 0 stops the periodic interrupt. */
    cpu_outb(0x43, 0x30);
    write_count16(0, 0xffff);
    irq0_edges = 0;
    ns = run_clock(5, 0);
    if (ns < 54000000) {                  /* before mode 0's terminal count */
        g_assert_cmpint(irq0_edges, ==, 0);
    }
}

static void test_channel2_port61(void)
{
    bool seen_high = false, seen_low = false;
    int64_t end;

    /* GATE2 low at reset: bit 0 clear, the speaker off. */
    g_assert_cmphex(cpu_inb(0x61) & 0x03, ==, 0x00);
    cpu_outb(0x43, 0xb6);                 /* ch2, word, mode 3 */
    write_count16(2, 0x0800);             /* ~580 Hz */
    cpu_outb(0x61, 0x01);                 /* gate on, speaker off */
    g_assert_cmphex(cpu_inb(0x61) & 0x03, ==, 0x01);
    /* The rising gate restarts the period: OUT starts high. */
    g_assert_cmphex(cpu_inb(0x61) & 0x20, ==, 0x20);
    qemu_clock_enable_virtual(true);
    end = g_get_monotonic_time() + G_USEC_PER_SEC;
    while (g_get_monotonic_time() < end && !(seen_high && seen_low)) {
        if (cpu_inb(0x61) & 0x20) {
            seen_high = true;
        } else {
            seen_low = true;
        }
        g_usleep(50);
    }
    qemu_clock_enable_virtual(false);
    g_assert_true(seen_high && seen_low);

    /*
     * Linux's PIT calibration: mode 0 on channel 2, gate high, poll bit 5
     * until the terminal count.
     */
    cpu_outb(0x61, 0x00);
    cpu_outb(0x43, 0xb0);                 /* ch2, word, mode 0 */
    write_count16(2, 1193);
    cpu_outb(0x61, 0x01);
    g_assert_cmphex(cpu_inb(0x61) & 0x20, ==, 0x00);
    qemu_clock_enable_virtual(true);
    end = g_get_monotonic_time() + G_USEC_PER_SEC;
    while (g_get_monotonic_time() < end && !(cpu_inb(0x61) & 0x20)) {
        g_usleep(50);
    }
    qemu_clock_enable_virtual(false);
    g_assert_cmphex(cpu_inb(0x61) & 0x20, ==, 0x20);
    /* Channel 2 never touches IRQ0. */
    g_assert_cmpint(irq0_level, ==, 0);
    cpu_outb(0x61, 0x00);
}

int main(int argc, char **argv)
{
    ISABus *bus;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    bus = isa_bus_new(NULL, get_system_io());
    pit = i8254_pit_init(bus, 0x40, irq_line_new(irq0_handler, NULL, 0),
                         &error_abort);
    g_assert_nonnull(pit);
    g_assert_nonnull(pcspk_init(bus, pit, &error_abort));
    device_cold_reset(pit);

    g_test_add_func("/hw/i8254/access-modes", test_access_modes);
    g_test_add_func("/hw/i8254/readback", test_readback);
    g_test_add_func("/hw/i8254/latch", test_latch);
    g_test_add_func("/hw/i8254/mode0", test_mode0);
    g_test_add_func("/hw/i8254/mode2", test_mode2);
    g_test_add_func("/hw/i8254/channel2-port61", test_channel2_port61);
    return g_test_run();
}
