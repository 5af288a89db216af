/*
 * IOAPIC at 0xfec00000 through IOREGSEL/IOWIN, per the 82093AA datasheet:
 * ID/version/arbitration registers, redirection entries (read-only
 * delivery status and Remote IRR), edge delivery of a raised input to the
 * local APIC, masking, level triggering with Remote IRR cleared by the
 * local APIC's EOI (and by the version 0x20 EOI register), ISA IRQ0 on
 * pin 2, and logical destinations.  Two CPUs with local APICs receive.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/intc/apic.h"
#include "hw/intc/ioapic.h"
#include "target/x86/cpu.h"

#define IOAPIC_BASE 0xfec00000
#define APIC_BASE   0xfee00000

static X86CPU *cpus[2];
static DeviceState *ioapic;

static X86CPU *new_cpu(int index)
{
    X86CPU *cpu = X86_CPU(object_new(TYPE_X86_CPU));

    cpu->cpu_index = index;
    cpu->apic_id = index;
    cpu->is_bsp = index == 0;
    g_assert_true(x86_cpu_apply_model(cpu, "qemu64", &error_abort));
    x86_cpu_reset(cpu);
    g_assert_nonnull(apic_new(cpu, &error_abort));
    return cpu;
}

static uint32_t mmio_rd(hwaddr addr)
{
    uint64_t v = 0;

    g_assert_cmpint(address_space_ld(&address_space_memory, addr, 4, &v),
                    ==, MEMTX_OK);
    return v;
}

static void mmio_wr(hwaddr addr, uint32_t val)
{
    g_assert_cmpint(address_space_st(&address_space_memory, addr, 4, val),
                    ==, MEMTX_OK);
}

static uint32_t ioapic_rd(uint8_t reg)
{
    mmio_wr(IOAPIC_BASE, reg);
    return mmio_rd(IOAPIC_BASE + 0x10);
}

static void ioapic_wr(uint8_t reg, uint32_t val)
{
    mmio_wr(IOAPIC_BASE, reg);
    mmio_wr(IOAPIC_BASE + 0x10, val);
}

static void set_entry(int pin, uint64_t e)
{
    /* Mask first, as Linux does, so a half-written entry never fires. */
    ioapic_wr(0x10 + 2 * pin, 0x10000);
    ioapic_wr(0x11 + 2 * pin, e >> 32);
    ioapic_wr(0x10 + 2 * pin, e & 0xffffffff);
}

static uint64_t get_entry(int pin)
{
    return ((uint64_t)ioapic_rd(0x11 + 2 * pin) << 32) |
           ioapic_rd(0x10 + 2 * pin);
}

static uint32_t apic_rd(int cpu, unsigned reg)
{
    uint32_t v;

    current_cpu = cpus[cpu];
    v = mmio_rd(APIC_BASE + reg);
    current_cpu = NULL;
    return v;
}

static void apic_eoi(int cpu)
{
    current_cpu = cpus[cpu];
    mmio_wr(APIC_BASE + 0xb0, 0);
    current_cpu = NULL;
}

static bool irr_bit(int cpu, int vec)
{
    return apic_rd(cpu, 0x200 + (vec / 32) * 0x10) & (1u << (vec % 32));
}

/* The CPU takes the interrupt: IRR -> ISR.  Returns the vector. */
static int take(int cpu)
{
    return apic_get_interrupt(cpus[cpu]->apic);
}

static void set_line(int n, int level)
{
    irq_set(ioapic_get_irq_in(ioapic, n), level);
}

static void reset_all(void)
{
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        set_line(i, 0);
    }
    device_cold_reset(ioapic);
    for (int i = 0; i < 2; i++) {
        device_cold_reset(cpus[i]->apic);
        cpus[i]->interrupt_request = 0;
        current_cpu = cpus[i];
        mmio_wr(APIC_BASE + 0xf0, 0x1ff);
        current_cpu = NULL;
    }
}

static void test_id_version(void)
{
    reset_all();
    /* Version 0x20, 24 entries (max redirection entry 23). */
    g_assert_cmphex(ioapic_rd(0x01), ==, 0x00170020);
    g_assert_cmphex(ioapic_rd(0x00), ==, 0);
    /* The ID is bits 27:24; the arbitration ID follows it. */
    ioapic_wr(0x00, 0x0a000000);
    g_assert_cmphex(ioapic_rd(0x00), ==, 0x0a000000);
    g_assert_cmphex(ioapic_rd(0x02), ==, 0x0a000000);
    ioapic_wr(0x00, 0xff000000);
    g_assert_cmphex(ioapic_rd(0x00), ==, 0x0f000000);
    /* Version and arbitration are read-only. */
    ioapic_wr(0x01, 0);
    g_assert_cmphex(ioapic_rd(0x01), ==, 0x00170020);
    /* IOREGSEL reads back. */
    mmio_wr(IOAPIC_BASE, 0x13);
    g_assert_cmphex(mmio_rd(IOAPIC_BASE), ==, 0x13);
    /* Beyond the last entry: reads 0, writes ignored. */
    ioapic_wr(0x40, 0x1234);
    g_assert_cmphex(ioapic_rd(0x40), ==, 0);
    ioapic_wr(0x00, 0);
}

static void test_redirection_entries(void)
{
    reset_all();
    /* Every entry comes up masked. */
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        g_assert_cmphex(get_entry(i), ==, 0x10000);
    }
    set_entry(5, 0x0300000000000935ULL);
    g_assert_cmphex(get_entry(5), ==, 0x0300000000000935ULL);
    /* Delivery status (12) and Remote IRR (14) are read-only. */
    ioapic_wr(0x10 + 2 * 6, 0x15055);
    g_assert_cmphex(ioapic_rd(0x10 + 2 * 6), ==, 0x10055);
    /* The high half is written independently. */
    ioapic_wr(0x11 + 2 * 6, 0xff000000);
    g_assert_cmphex(get_entry(6), ==, 0xff00000000010055ULL);
    g_assert_cmphex(get_entry(5), ==, 0x0300000000000935ULL);
}

static void test_edge_delivery(void)
{
    reset_all();
    /* Pin 4 (COM1): fixed, physical, edge, vector 0x34 to APIC 1. */
    set_entry(4, 0x0100000000000034ULL);
    set_line(4, 1);
    g_assert_true(irr_bit(1, 0x34));
    g_assert_false(irr_bit(0, 0x34));
    g_assert_true(cpus[1]->interrupt_request & CPU_INTERRUPT_HARD);
    g_assert_cmpint(take(1), ==, 0x34);
    apic_eoi(1);
    /* Edge: a line held high does not deliver again. */
    set_line(4, 1);
    g_assert_false(irr_bit(1, 0x34));
    /* Nor does a falling edge; the next rising edge does. */
    set_line(4, 0);
    g_assert_false(irr_bit(1, 0x34));
    set_line(4, 1);
    g_assert_true(irr_bit(1, 0x34));
    take(1);
    apic_eoi(1);
    /* Edge entries never show Remote IRR. */
    g_assert_cmphex(get_entry(4) & 0x4000, ==, 0);
    set_line(4, 0);
}

static void test_isa_irq0_pin2(void)
{
    reset_all();
    /* The PIT's IRQ0 arrives on pin 2 (MADT interrupt source override). */
    set_entry(2, 0x0000000000000030ULL);
    set_entry(0, 0x0000000000000020ULL);
    set_line(0, 1);
    g_assert_true(irr_bit(0, 0x30));
    g_assert_false(irr_bit(0, 0x20));
    take(0);
    apic_eoi(0);
    set_line(0, 0);
}

static void test_masked(void)
{
    reset_all();
    set_entry(7, 0x0000000000010047ULL);        /* masked */
    set_line(7, 1);
    g_assert_false(irr_bit(0, 0x47));
    set_line(7, 0);
    /*
     * 82093AA: "Edge-sensitive interrupts signaled on a masked interrupt
     * pin are ignored (i.e., not delivered or held pending)" (QEMU: the
     * same, ioapic_set_irq).  Unmasking must not deliver the old edge.
     */
    set_entry(7, 0x0000000000000047ULL);
    g_assert_false(irr_bit(0, 0x47));
    /* Unmasked, the next edge is delivered. */
    set_line(7, 1);
    g_assert_true(irr_bit(0, 0x47));
    take(0);
    apic_eoi(0);
    set_line(7, 0);

    /* A level pin masked while asserted delivers once unmasked. */
    set_entry(9, 0x0000000000018049ULL);        /* level, masked */
    set_line(9, 1);
    g_assert_false(irr_bit(0, 0x49));
    set_entry(9, 0x0000000000008049ULL);
    g_assert_true(irr_bit(0, 0x49));
    g_assert_cmphex(get_entry(9) & 0x4000, ==, 0x4000);
    set_line(9, 0);
    take(0);
    apic_eoi(0);
    g_assert_cmphex(get_entry(9) & 0x4000, ==, 0);
}

static void test_level_remote_irr(void)
{
    reset_all();
    /* Pin 10: level, fixed, physical APIC 0, vector 0x5a. */
    set_entry(10, 0x000000000000805aULL);
    set_line(10, 1);
    g_assert_true(irr_bit(0, 0x5a));
    /* Remote IRR: accepted by a local APIC, EOI outstanding. */
    g_assert_cmphex(get_entry(10) & 0x4000, ==, 0x4000);
    /* The local APIC records it as level-triggered (TMR). */
    g_assert_true(apic_rd(0, 0x180 + 2 * 0x10) & (1u << (0x5a % 32)));
    g_assert_cmpint(take(0), ==, 0x5a);
    /* No second message while Remote IRR is set. */
    set_line(10, 0);
    set_line(10, 1);
    g_assert_false(irr_bit(0, 0x5a));
    /* EOI with the line still high: Remote IRR clears, delivered again. */
    apic_eoi(0);
    g_assert_true(irr_bit(0, 0x5a));
    g_assert_cmphex(get_entry(10) & 0x4000, ==, 0x4000);
    g_assert_cmpint(take(0), ==, 0x5a);
    /* The device is serviced, then EOI: nothing more. */
    set_line(10, 0);
    apic_eoi(0);
    g_assert_false(irr_bit(0, 0x5a));
    g_assert_cmphex(get_entry(10) & 0x4000, ==, 0);

    /* Version 0x20 EOI register (offset 0x40) clears Remote IRR too. */
    set_line(10, 1);
    g_assert_cmphex(get_entry(10) & 0x4000, ==, 0x4000);
    set_line(10, 0);
    mmio_wr(IOAPIC_BASE + 0x40, 0x5a);
    g_assert_cmphex(get_entry(10) & 0x4000, ==, 0);
    /* An EOI for another vector leaves it alone. */
    set_line(10, 1);
    mmio_wr(IOAPIC_BASE + 0x40, 0x5b);
    g_assert_cmphex(get_entry(10) & 0x4000, ==, 0x4000);
    set_line(10, 0);
    mmio_wr(IOAPIC_BASE + 0x40, 0x5a);
    /* Drain the local APIC. */
    while (take(0) > 0) {
        apic_eoi(0);
    }
}

static void test_logical_dest(void)
{
    reset_all();
    /* Flat logical IDs: CPU 0 = bit 0, CPU 1 = bit 1. */
    current_cpu = cpus[0];
    mmio_wr(APIC_BASE + 0xd0, 0x01000000);
    current_cpu = cpus[1];
    mmio_wr(APIC_BASE + 0xd0, 0x02000000);
    current_cpu = NULL;
    set_entry(11, 0x0200000000000861ULL);       /* logical, dest 0x02 */
    set_line(11, 1);
    g_assert_true(irr_bit(1, 0x61));
    g_assert_false(irr_bit(0, 0x61));
    set_line(11, 0);
    set_entry(11, 0x0300000000000862ULL);       /* both */
    set_line(11, 1);
    g_assert_true(irr_bit(0, 0x62));
    g_assert_true(irr_bit(1, 0x62));
    set_line(11, 0);
    /* Lowest priority: exactly one of the targets gets it. */
    set_entry(11, 0x0300000000000963ULL);
    set_line(11, 1);
    g_assert_cmpint(irr_bit(0, 0x63) + irr_bit(1, 0x63), ==, 1);
    set_line(11, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    cpus[0] = new_cpu(0);
    cpus[1] = new_cpu(1);
    ioapic = ioapic_init(IOAPIC_BASE, &error_abort);
    g_assert_nonnull(ioapic);

    g_test_add_func("/hw/ioapic/id-version", test_id_version);
    g_test_add_func("/hw/ioapic/redirection-entries",
                    test_redirection_entries);
    g_test_add_func("/hw/ioapic/edge-delivery", test_edge_delivery);
    g_test_add_func("/hw/ioapic/isa-irq0-pin2", test_isa_irq0_pin2);
    g_test_add_func("/hw/ioapic/masked", test_masked);
    g_test_add_func("/hw/ioapic/level-remote-irr", test_level_remote_irr);
    g_test_add_func("/hw/ioapic/logical-dest", test_logical_dest);
    return g_test_run();
}
