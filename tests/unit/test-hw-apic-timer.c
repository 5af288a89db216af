/*
 * Local APIC timer (hw/intc/apic.c) through its MMIO registers: a one-shot
 * count that reaches zero before the timer is serviced still raises its
 * interrupt, exactly once, also when the guest rewrites LVT/TDCR/TMICT
 * first (Linux programs 0x3e-tick one-shots when an event is overdue).
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/intc/apic.h"
#include "target/x86/cpu.h"

#define APIC_BASE   0xfee00000ULL
#define APIC_SVR    0x0f0
#define APIC_LVTT   0x320
#define APIC_TMICT  0x380
#define APIC_TDCR   0x3e0
#define APIC_EOI    0x0b0
#define VEC         0xec

static X86CPU *cpu;

static void apic_wr(unsigned reg, uint32_t val)
{
    address_space_st(&address_space_memory, APIC_BASE + reg, 4, val);
}

/* The vector the CPU would take now, or -1. */
static int take_interrupt(void)
{
    int vec;

    if (!(cpu->interrupt_request & CPU_INTERRUPT_HARD)) {
        return -1;
    }
    vec = apic_get_interrupt(cpu->apic);
    if (vec > 0) {
        apic_wr(APIC_EOI, 0);
    }
    return vec;
}

static void setup_oneshot(void)
{
    apic_wr(APIC_SVR, 0x1ff);
    apic_wr(APIC_TDCR, 0xb);                /* divide by 1: 1 tick per ns */
    apic_wr(APIC_LVTT, VEC);                /* one-shot, unmasked */
    g_assert_cmpint(take_interrupt(), ==, -1);
}

static void test_short_oneshot(void)
{
    setup_oneshot();
    /* 1 ns: fires once, and only once */
    apic_wr(APIC_TMICT, 1);
    g_usleep(1000);
    timers_run_expired();
    g_assert_cmpint(take_interrupt(), ==, VEC);
    timers_run_expired();
    g_assert_cmpint(take_interrupt(), ==, -1);
    /* rewriting the LVT after delivery does not raise it again */
    apic_wr(APIC_LVTT, VEC);
    timers_run_expired();
    g_assert_cmpint(take_interrupt(), ==, -1);
}

static void test_overdue_then_rewrite(void)
{
    static const unsigned regs[] = { APIC_LVTT, APIC_TDCR, APIC_TMICT };

    for (size_t i = 0; i < G_N_ELEMENTS(regs); i++) {
        setup_oneshot();
        apic_wr(APIC_TMICT, 1000);          /* 1 us */
        g_usleep(2000);                     /* expired, not yet serviced */
        switch (regs[i]) {
        case APIC_LVTT:
            apic_wr(APIC_LVTT, VEC);
            break;
        case APIC_TDCR:
            apic_wr(APIC_TDCR, 0x3);        /* divide by 16 */
            break;
        default:
            apic_wr(APIC_TMICT, 0);         /* stop the timer */
            break;
        }
        g_assert_cmpint(take_interrupt(), ==, VEC);
        timers_run_expired();
        g_assert_cmpint(take_interrupt(), ==, -1);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    qemu_clock_enable_virtual(true);
    bql_lock();
    cpu = X86_CPU(object_new(TYPE_X86_CPU));
    cpu->cpu_index = 0;
    cpu->apic_id = 0;
    cpu->is_bsp = true;
    g_assert_true(x86_cpu_apply_model(cpu, "qemu64", &error_abort));
    g_assert_nonnull(apic_new(cpu, &error_abort));
    x86_cpu_reset(cpu);
    qdev_reset_all_devices();

    g_test_add_func("/hw/apic-timer/short-oneshot", test_short_oneshot);
    g_test_add_func("/hw/apic-timer/overdue-then-rewrite",
                    test_overdue_then_rewrite);
    return g_test_run();
}
