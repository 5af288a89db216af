/*
 * The pc machine's CMOS contents (pc_cmos_init, QEMU's layout): memory
 * sizes for 128 MiB, 3 GiB (capped) and 6 GiB (above 4 GiB), equipment
 * byte and boot order.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/isa/isa.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/x86/pc.h"

static DeviceState *rtc;

static uint8_t cmos_read(uint8_t reg)
{
    cpu_outb(0x70, reg);
    return cpu_inb(0x71);
}

static unsigned cmos_read16(uint8_t reg)
{
    return cmos_read(reg) | (cmos_read(reg + 1) << 8);
}

static void fill(uint64_t below, uint64_t above)
{
    PCMachineState *pcms = PC_MACHINE(object_new(TYPE_PC_MACHINE));

    pcms->below_4g_mem_size = below;
    pcms->above_4g_mem_size = above;
    pc_cmos_init(pcms, rtc);
    object_unref(pcms);
}

static void test_128m(void)
{
    fill(128 * MiB, 0);
    g_assert_cmpuint(cmos_read16(0x15), ==, 640);
    g_assert_cmpuint(cmos_read16(0x17), ==, 65535);   /* capped */
    g_assert_cmpuint(cmos_read16(0x30), ==, 65535);
    g_assert_cmpuint(cmos_read16(0x34), ==, (128 - 16) * 16);
    g_assert_cmpuint(cmos_read(0x5b) | cmos_read(0x5c) | cmos_read(0x5d), ==,
                     0);
    g_assert_cmphex(cmos_read(0x14), ==, 0x06);
    g_assert_cmphex(cmos_read(0x3d), ==, 0x12);
    g_assert_cmphex(cmos_read(0x38), ==, 0x30);
}

static void test_large(void)
{
    fill(0xe0000000ULL, 6 * GiB - 0xe0000000ULL);
    g_assert_cmpuint(cmos_read16(0x17), ==, 65535);
    g_assert_cmpuint(cmos_read16(0x34), ==, 0xdf00);
    {
        uint64_t above = (6 * GiB - 0xe0000000ULL) / (64 * KiB);
        unsigned got = cmos_read(0x5b) | (cmos_read(0x5c) << 8) |
                       (cmos_read(0x5d) << 16);
        g_assert_cmpuint(got, ==, above);
    }
}

static void test_small(void)
{
    fill(512 * KiB, 0);
    g_assert_cmpuint(cmos_read16(0x15), ==, 512);
    g_assert_cmpuint(cmos_read16(0x17), ==, 0);
    g_assert_cmpuint(cmos_read16(0x34), ==, 0);
}

int main(int argc, char **argv)
{
    ISABus *bus;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    bus = isa_bus_new(NULL, get_system_io());
    rtc = mc146818_rtc_init(bus, 2000, NULL, NULL);
    g_assert_nonnull(rtc);
    g_test_add_func("/hw/cmos/128m", test_128m);
    g_test_add_func("/hw/cmos/large", test_large);
    g_test_add_func("/hw/cmos/small", test_small);
    return g_test_run();
}
