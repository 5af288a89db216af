/*
 * Local APIC (xAPIC MMIO at 0xfee00000) of two CPUs, per Intel SDM vol. 3A
 * ch. 10: ID/version, spurious-vector enable and LVT masking, TPR/PPR and
 * interrupt acceptance, IRR/ISR and EOI, ICR IPIs (physical, logical,
 * shorthands, NMI, INIT, SIPI), and the timer in one-shot and periodic
 * mode with the divide configuration on the (stopped unless run) virtual
 * clock, and the 8259's INTR reaching the BSP through LINT0 (ExtINT
 * virtual wire, masked, fixed level, APIC hardware-disabled).  The
 * accessing CPU is chosen with current_cpu, as a vCPU would.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/isa/isa.h"
#include "hw/intc/apic.h"
#include "hw/intc/i8259.h"
#include "target/x86/cpu.h"

#define APIC_BASE   0xfee00000
#define APIC_ID     0x020
#define APIC_VER    0x030
#define APIC_TPR    0x080
#define APIC_PPR    0x0a0
#define APIC_EOI    0x0b0
#define APIC_LDR    0x0d0
#define APIC_DFR    0x0e0
#define APIC_SVR    0x0f0
#define APIC_ISR    0x100
#define APIC_TMR    0x180
#define APIC_IRR    0x200
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVTT   0x320
#define APIC_LVT0   0x350
#define APIC_LVT1   0x360
#define APIC_LVTE   0x370
#define APIC_TMICT  0x380
#define APIC_TMCCT  0x390
#define APIC_TDCR   0x3e0

static X86CPU *cpus[2];
static IRQLine **pic_irqs;

/* The machine's wiring: the master 8259's INTR to the BSP's LINT0. */
static void pic_intr(void *opaque, int n, int level)
{
    apic_deliver_pic_intr(cpus[0]->apic, level);
}

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

static uint32_t apic_rd(int cpu, unsigned reg)
{
    uint64_t v = 0;

    current_cpu = cpus[cpu];
    g_assert_cmpint(address_space_ld(&address_space_memory, APIC_BASE + reg,
                                     4, &v), ==, MEMTX_OK);
    current_cpu = NULL;
    return v;
}

static void apic_wr(int cpu, unsigned reg, uint32_t val)
{
    current_cpu = cpus[cpu];
    g_assert_cmpint(address_space_st(&address_space_memory, APIC_BASE + reg,
                                     4, val), ==, MEMTX_OK);
    current_cpu = NULL;
}

static bool vec_bit(int cpu, unsigned base, int vec)
{
    return apic_rd(cpu, base + (vec / 32) * 0x10) & (1u << (vec % 32));
}

static bool hard_pending(int cpu)
{
    return cpus[cpu]->interrupt_request & CPU_INTERRUPT_HARD;
}

/* The CPU's INTA: the vector it would take, moved from IRR to ISR. */
static int take(int cpu)
{
    return apic_get_interrupt(cpus[cpu]->apic);
}

static void reset_apics(void)
{
    for (int i = 0; i < 2; i++) {
        device_cold_reset(cpus[i]->apic);
        cpus[i]->interrupt_request = 0;
        apic_wr(i, APIC_SVR, 0x1ff);          /* software enable */
    }
}

static void test_id_version(void)
{
    for (int i = 0; i < 2; i++) {
        device_cold_reset(cpus[i]->apic);
    }
    g_assert_cmphex(apic_rd(0, APIC_ID), ==, 0x00000000);
    g_assert_cmphex(apic_rd(1, APIC_ID), ==, 0x01000000);
    /* Version 0x14 (integrated APIC), max LVT entry 5: QEMU's value. */
    g_assert_cmphex(apic_rd(0, APIC_VER), ==, 0x00050014);
    /* Power-up values (SDM 10.4.7.1). */
    g_assert_cmphex(apic_rd(1, APIC_TPR), ==, 0);
    g_assert_cmphex(apic_rd(1, APIC_LDR), ==, 0);
    g_assert_cmphex(apic_rd(1, APIC_DFR), ==, 0xffffffff);
    g_assert_cmphex(apic_rd(1, APIC_SVR), ==, 0xff);
    g_assert_cmphex(apic_rd(1, APIC_LVTT), ==, 0x10000);
    g_assert_cmphex(apic_rd(1, APIC_LVT0), ==, 0x10000);
    g_assert_cmphex(apic_rd(1, APIC_LVTE), ==, 0x10000);
    /* The BSP's LINT0 comes up as ExtINT so the 8259 reaches it. */
    g_assert_cmphex(apic_rd(0, APIC_LVT0), ==, 0x700);
    /* IA32_APIC_BASE: enabled, BSP flag only on CPU 0. */
    g_assert_cmphex(cpus[0]->env.apic_base, ==, 0xfee00900);
    g_assert_cmphex(cpus[1]->env.apic_base, ==, 0xfee00800);
    /* The ID register is writable in xAPIC mode. */
    apic_wr(1, APIC_ID, 0x05000000);
    g_assert_cmphex(apic_rd(1, APIC_ID), ==, 0x05000000);
    apic_wr(1, APIC_ID, 0x01000000);
    /* Sub-dword reads see the addressed byte. */
    current_cpu = cpus[1];
    {
        uint64_t b = 0;

        address_space_ld(&address_space_memory, APIC_BASE + APIC_ID + 3, 1,
                         &b);
        g_assert_cmphex(b, ==, 0x01);
    }
    current_cpu = NULL;
}

static void test_svr_enable(void)
{
    for (int i = 0; i < 2; i++) {
        device_cold_reset(cpus[i]->apic);
    }
    /* Software-disabled: LVT writes keep the mask bit set. */
    apic_wr(1, APIC_LVTT, 0x30);
    g_assert_cmphex(apic_rd(1, APIC_LVTT), ==, 0x10030);
    apic_wr(1, APIC_SVR, 0x1ff);
    g_assert_cmphex(apic_rd(1, APIC_SVR), ==, 0x1ff);
    apic_wr(1, APIC_LVTT, 0x30);
    g_assert_cmphex(apic_rd(1, APIC_LVTT), ==, 0x30);
    apic_wr(1, APIC_LVT1, 0x400);               /* NMI on LINT1 */
    g_assert_cmphex(apic_rd(1, APIC_LVT1), ==, 0x400);
    /* Delivery status (bit 12) is read-only. */
    apic_wr(1, APIC_LVTE, 0x10fe | 0x1000);
    g_assert_cmphex(apic_rd(1, APIC_LVTE), ==, 0xfe);
    /* Clearing the enable bit masks every LVT entry. */
    apic_wr(1, APIC_SVR, 0xff);
    g_assert_cmphex(apic_rd(1, APIC_LVTT), ==, 0x10030);
    g_assert_cmphex(apic_rd(1, APIC_LVT1), ==, 0x10400);
    g_assert_cmphex(apic_rd(1, APIC_LVTE), ==, 0x100fe);
}

static void test_tpr_ppr_eoi(void)
{
    reset_apics();
    apic_wr(0, APIC_TPR, 0x20);
    g_assert_cmphex(apic_rd(0, APIC_TPR), ==, 0x20);
    g_assert_cmphex(apic_rd(0, APIC_PPR), ==, 0x20);
    /* Vector 0x25 is in priority class 2: held back by TPR 0x20. */
    apic_deliver_irq(0, 0, 0, 0x25, 0);
    g_assert_true(vec_bit(0, APIC_IRR, 0x25));
    g_assert_false(hard_pending(0));
    g_assert_cmpint(take(0), ==, -1);
    /* Lowering the TPR lets it through. */
    apic_wr(0, APIC_TPR, 0x10);
    g_assert_true(hard_pending(0));
    g_assert_cmpint(take(0), ==, 0x25);
    g_assert_false(vec_bit(0, APIC_IRR, 0x25));
    g_assert_true(vec_bit(0, APIC_ISR, 0x25));
    /* PPR is the in-service class when above the TPR. */
    g_assert_cmphex(apic_rd(0, APIC_PPR), ==, 0x20);
    /* A vector of the same class waits for the EOI; a higher one not. */
    apic_deliver_irq(0, 0, 0, 0x28, 0);
    g_assert_false(hard_pending(0));
    apic_deliver_irq(0, 0, 0, 0x61, 0);
    g_assert_true(hard_pending(0));
    g_assert_cmpint(take(0), ==, 0x61);
    g_assert_cmphex(apic_rd(0, APIC_PPR), ==, 0x60);
    /* EOI retires the highest in-service vector first. */
    apic_wr(0, APIC_EOI, 0);
    g_assert_false(vec_bit(0, APIC_ISR, 0x61));
    g_assert_true(vec_bit(0, APIC_ISR, 0x25));
    g_assert_false(hard_pending(0));
    apic_wr(0, APIC_EOI, 0);
    g_assert_cmphex(apic_rd(0, APIC_PPR), ==, 0x10);
    g_assert_true(hard_pending(0));
    g_assert_cmpint(take(0), ==, 0x28);
    apic_wr(0, APIC_EOI, 0);
    g_assert_cmphex(apic_rd(0, APIC_ISR + 0x10), ==, 0);
    g_assert_false(hard_pending(0));
    /* CR8 is TPR[7:4]. */
    apic_set_tpr(cpus[0]->apic, 0x3);
    g_assert_cmphex(apic_rd(0, APIC_TPR), ==, 0x30);
    g_assert_cmpint(apic_get_tpr(cpus[0]->apic), ==, 3);
    apic_wr(0, APIC_TPR, 0);
}

static void test_ipi(void)
{
    reset_apics();
    /* Fixed IPI, physical destination 1, from CPU 0. */
    apic_wr(0, APIC_ICR_HI, 0x01000000);
    apic_wr(0, APIC_ICR_LO, 0x00004040);
    g_assert_cmphex(apic_rd(0, APIC_ICR_LO) & 0x1000, ==, 0);  /* idle */
    g_assert_cmphex(apic_rd(0, APIC_ICR_HI), ==, 0x01000000);
    g_assert_true(vec_bit(1, APIC_IRR, 0x40));
    g_assert_false(vec_bit(0, APIC_IRR, 0x40));
    g_assert_true(hard_pending(1));
    g_assert_false(hard_pending(0));
    g_assert_cmpint(take(1), ==, 0x40);
    apic_wr(1, APIC_EOI, 0);

    /* Shorthand "self". */
    apic_wr(1, APIC_ICR_LO, 0x00044041);
    g_assert_true(vec_bit(1, APIC_IRR, 0x41));
    g_assert_false(vec_bit(0, APIC_IRR, 0x41));
    /* "All excluding self" from CPU 1 reaches only CPU 0. */
    apic_wr(1, APIC_ICR_LO, 0x000c4042);
    g_assert_true(vec_bit(0, APIC_IRR, 0x42));
    g_assert_false(vec_bit(1, APIC_IRR, 0x42));
    /* "All including self". */
    apic_wr(1, APIC_ICR_LO, 0x00084043);
    g_assert_true(vec_bit(0, APIC_IRR, 0x43));
    g_assert_true(vec_bit(1, APIC_IRR, 0x43));
    /* Physical broadcast 0xff. */
    apic_wr(0, APIC_ICR_HI, 0xff000000);
    apic_wr(0, APIC_ICR_LO, 0x00004044);
    g_assert_true(vec_bit(0, APIC_IRR, 0x44));
    g_assert_true(vec_bit(1, APIC_IRR, 0x44));

    /* Logical flat: LDR bits select the targets. */
    apic_wr(0, APIC_LDR, 0x01000000);
    apic_wr(1, APIC_LDR, 0x02000000);
    g_assert_cmphex(apic_rd(1, APIC_LDR), ==, 0x02000000);
    apic_wr(0, APIC_ICR_HI, 0x02000000);
    apic_wr(0, APIC_ICR_LO, 0x00004845);
    g_assert_true(vec_bit(1, APIC_IRR, 0x45));
    g_assert_false(vec_bit(0, APIC_IRR, 0x45));
    apic_wr(0, APIC_ICR_HI, 0x03000000);
    apic_wr(0, APIC_ICR_LO, 0x00004846);
    g_assert_true(vec_bit(0, APIC_IRR, 0x46));
    g_assert_true(vec_bit(1, APIC_IRR, 0x46));
    /* Logical cluster: high nibble cluster, low nibble members. */
    apic_wr(1, APIC_DFR, 0x0fffffff);
    g_assert_cmphex(apic_rd(1, APIC_DFR), ==, 0x0fffffff);
    apic_wr(1, APIC_LDR, 0x12000000);
    apic_wr(0, APIC_ICR_HI, 0x12000000);
    apic_wr(0, APIC_ICR_LO, 0x00004847);
    g_assert_true(vec_bit(1, APIC_IRR, 0x47));
    apic_wr(0, APIC_ICR_HI, 0x22000000);
    apic_wr(0, APIC_ICR_LO, 0x00004848);
    g_assert_false(vec_bit(1, APIC_IRR, 0x48));

    /* NMI, INIT, SIPI go to the CPU, not to IRR. */
    apic_wr(0, APIC_ICR_HI, 0x01000000);
    apic_wr(0, APIC_ICR_LO, 0x00004400);
    g_assert_true(cpus[1]->interrupt_request & CPU_INTERRUPT_NMI);
    g_assert_false(cpus[0]->interrupt_request & CPU_INTERRUPT_NMI);
    apic_wr(0, APIC_ICR_LO, 0x0000c500);       /* INIT assert */
    g_assert_true(cpus[1]->interrupt_request & CPU_INTERRUPT_INIT);
    g_assert_true(cpus[1]->env.init_received);
    cpus[1]->interrupt_request &= ~CPU_INTERRUPT_INIT;
    cpus[1]->env.init_received = false;
    apic_wr(0, APIC_ICR_LO, 0x00008500);       /* INIT de-assert: no-op */
    g_assert_false(cpus[1]->interrupt_request & CPU_INTERRUPT_INIT);
    apic_wr(0, APIC_ICR_LO, 0x00004608);       /* SIPI, vector 8 */
    g_assert_true(cpus[1]->interrupt_request & CPU_INTERRUPT_SIPI);
    g_assert_cmphex(cpus[1]->env.sipi_vector, ==, 0x08);
}

static void test_priority_order(void)
{
    reset_apics();
    apic_deliver_irq(1, 0, 0, 0x30, 0);
    apic_deliver_irq(1, 0, 0, 0xe0, 0);
    apic_deliver_irq(1, 0, 0, 0x51, 0);
    g_assert_cmpint(take(1), ==, 0xe0);
    g_assert_cmpint(take(1), ==, -1);       /* all below PPR 0xe0 */
    apic_wr(1, APIC_EOI, 0);
    g_assert_cmpint(take(1), ==, 0x51);
    apic_wr(1, APIC_EOI, 0);
    g_assert_cmpint(take(1), ==, 0x30);
    apic_wr(1, APIC_EOI, 0);
    g_assert_false(hard_pending(1));
    /* Level-triggered messages set TMR; edge ones clear it. */
    apic_deliver_irq(1, 0, 0, 0x52, 1);
    g_assert_true(vec_bit(1, APIC_TMR, 0x52));
    g_assert_cmpint(take(1), ==, 0x52);
    apic_wr(1, APIC_EOI, 0);
    apic_deliver_irq(1, 0, 0, 0x52, 0);
    g_assert_false(vec_bit(1, APIC_TMR, 0x52));
    take(1);
    apic_wr(1, APIC_EOI, 0);
}

/* Run virtual time for up to @ms real ms or until @vec is requested. */
static void run_until_irr(int cpu, int vec, int ms)
{
    int64_t end = g_get_monotonic_time() + ms * 1000;

    qemu_clock_enable_virtual(true);
    while (g_get_monotonic_time() < end && !vec_bit(cpu, APIC_IRR, vec)) {
        timers_run_expired();
        g_usleep(100);
    }
    qemu_clock_enable_virtual(false);
}

static void test_timer_divide(void)
{
    int64_t t0, t1;
    uint32_t cur;
    static const struct {
        uint32_t tdcr;
        int shift;
    } div[] = {
        { 0x0, 1 }, { 0x1, 2 }, { 0x2, 3 }, { 0x3, 4 },
        { 0x8, 5 }, { 0x9, 6 }, { 0xa, 7 }, { 0xb, 0 },
    };

    reset_apics();
    apic_wr(0, APIC_LVTT, 0x10031);             /* masked one-shot */
    for (size_t i = 0; i < G_N_ELEMENTS(div); i++) {
        apic_wr(0, APIC_TDCR, div[i].tdcr);
        g_assert_cmphex(apic_rd(0, APIC_TDCR), ==, div[i].tdcr);
        t0 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        apic_wr(0, APIC_TMICT, 0xffffffff);
        g_assert_cmphex(apic_rd(0, APIC_TMICT), ==, 0xffffffff);
        /* The clock stands still: nothing has elapsed. */
        g_assert_cmphex(apic_rd(0, APIC_TMCCT), ==, 0xffffffff);
        qemu_clock_enable_virtual(true);
        g_usleep(1000);
        qemu_clock_enable_virtual(false);
        t1 = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        cur = apic_rd(0, APIC_TMCCT);
        /* One tick per 2^shift ns of the 1 GHz bus clock (QEMU's). */
        g_assert_cmphex(cur, ==, 0xffffffff - ((t1 - t0) >> div[i].shift));
        g_assert_cmpuint(cur, <, 0xffffffff);
    }
    /* Writing 0 to the initial count stops the timer. */
    apic_wr(0, APIC_TMICT, 0);
    g_assert_cmphex(apic_rd(0, APIC_TMCCT), ==, 0);
}

static void test_timer_oneshot(void)
{
    reset_apics();
    apic_wr(0, APIC_TDCR, 0xb);                 /* divide by 1 */
    apic_wr(0, APIC_LVTT, 0x00031);             /* one-shot, vector 0x31 */
    apic_wr(0, APIC_TMICT, 500000);             /* 0.5 ms */
    g_assert_false(vec_bit(0, APIC_IRR, 0x31));
    run_until_irr(0, 0x31, 1000);
    g_assert_true(vec_bit(0, APIC_IRR, 0x31));
    g_assert_cmphex(apic_rd(0, APIC_TMCCT), ==, 0);
    g_assert_true(hard_pending(0));
    g_assert_cmpint(take(0), ==, 0x31);
    apic_wr(0, APIC_EOI, 0);
    /* One-shot: it does not fire again. */
    run_until_irr(0, 0x31, 5);
    g_assert_false(vec_bit(0, APIC_IRR, 0x31));
    g_assert_cmphex(apic_rd(0, APIC_TMCCT), ==, 0);

    /* A masked timer counts down but delivers nothing. */
    apic_wr(0, APIC_LVTT, 0x10031);
    apic_wr(0, APIC_TMICT, 100000);
    run_until_irr(0, 0x31, 5);
    g_assert_false(vec_bit(0, APIC_IRR, 0x31));
    g_assert_cmphex(apic_rd(0, APIC_TMCCT), ==, 0);
}

static void test_timer_periodic(void)
{
    int fired = 0;
    int64_t end;

    reset_apics();
    apic_wr(1, APIC_TDCR, 0x0);                 /* divide by 2 */
    apic_wr(1, APIC_LVTT, 0x20032);             /* periodic, vector 0x32 */
    g_assert_cmphex(apic_rd(1, APIC_LVTT), ==, 0x20032);
    apic_wr(1, APIC_TMICT, 250000);             /* 0.5 ms period */
    /* The timer is CPU 1's: CPU 0 sees nothing. */
    end = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;
    qemu_clock_enable_virtual(true);
    while (fired < 4 && g_get_monotonic_time() < end) {
        timers_run_expired();
        if (hard_pending(1) && take(1) == 0x32) {
            fired++;
            apic_wr(1, APIC_EOI, 0);
        }
        g_usleep(100);
    }
    qemu_clock_enable_virtual(false);
    g_assert_cmpint(fired, >=, 4);
    g_assert_false(vec_bit(0, APIC_IRR, 0x32));
    /* Periodic: the count reloads, so it is never stuck at 0. */
    g_assert_cmpuint(apic_rd(1, APIC_TMCCT), <=, 250000);
    apic_wr(1, APIC_LVTT, 0x10032);
    apic_wr(1, APIC_TMICT, 0);
}

static void pic_setup(void)
{
    for (int i = 0; i < ISA_NUM_IRQS; i++) {
        irq_set(pic_irqs[i], 0);
    }
    cpu_outb(0x20, 0x11);
    cpu_outb(0x21, 0x08);
    cpu_outb(0x21, 0x04);
    cpu_outb(0x21, 0x01);
    cpu_outb(0xa0, 0x11);
    cpu_outb(0xa1, 0x70);
    cpu_outb(0xa1, 0x02);
    cpu_outb(0xa1, 0x01);
}

static void test_pic_virtual_wire(void)
{
    reset_apics();
    pic_setup();
    /* LINT0 as ExtINT: the CPU asks the 8259 for the vector. */
    g_assert_cmphex(apic_rd(0, APIC_LVT0), ==, 0x700);
    irq_set(pic_irqs[1], 1);
    g_assert_true(hard_pending(0));
    g_assert_false(hard_pending(1));            /* only the BSP is wired */
    g_assert_cmpint(take(0), ==, 0x09);
    g_assert_false(hard_pending(0));
    /* The local APIC's ISR is not involved in an ExtINT. */
    g_assert_cmphex(apic_rd(0, APIC_ISR), ==, 0);
    cpu_outb(0x20, 0x20);
    irq_set(pic_irqs[1], 0);

    /* Slave IRQ through the cascade, same path. */
    irq_set(pic_irqs[12], 1);
    g_assert_true(hard_pending(0));
    g_assert_cmpint(take(0), ==, 0x74);
    cpu_outb(0xa0, 0x20);
    cpu_outb(0x20, 0x20);
    irq_set(pic_irqs[12], 0);

    /* Masked LINT0: the 8259 cannot interrupt. */
    apic_wr(0, APIC_LVT0, 0x10700);
    irq_set(pic_irqs[1], 1);
    g_assert_false(hard_pending(0));
    g_assert_cmpint(take(0), ==, -1);

    /* A hardware-disabled APIC passes INTR straight to the CPU. */
    apic_set_base(cpus[0]->apic, 0xfee00000);
    g_assert_cmphex(cpus[0]->env.apic_base & 0x800, ==, 0);
    g_assert_true(hard_pending(0));
    g_assert_cmpint(take(0), ==, 0x09);
    cpu_outb(0x20, 0x20);
    irq_set(pic_irqs[1], 0);
    apic_set_base(cpus[0]->apic, 0xfee00900);
    g_assert_cmphex(cpus[0]->env.apic_base, ==, 0xfee00900);

    /* LINT0 as a fixed, level-triggered input: IRR follows INTR. */
    reset_apics();
    pic_setup();
    apic_wr(0, APIC_LVT0, 0x08071);
    irq_set(pic_irqs[3], 1);
    g_assert_true(vec_bit(0, APIC_IRR, 0x71));
    g_assert_true(vec_bit(0, APIC_TMR, 0x71));
    irq_set(pic_irqs[3], 0);
    /* An edge-triggered 8259 input keeps its IRR bit after the line drops. */
    g_assert_true(vec_bit(0, APIC_IRR, 0x71));
    cpu_outb(0x21, 0x08);                       /* mask IRQ3: INTR drops */
    g_assert_false(vec_bit(0, APIC_IRR, 0x71));
    cpu_outb(0x21, 0x00);
    pic_setup();
    reset_apics();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    cpus[0] = new_cpu(0);
    cpus[1] = new_cpu(1);
    {
        ISABus *bus = isa_bus_new(NULL, get_system_io());

        pic_irqs = i8259_init(bus, irq_line_new(pic_intr, NULL, 0),
                              &error_abort);
    }

    g_test_add_func("/hw/apic/id-version", test_id_version);
    g_test_add_func("/hw/apic/svr-enable", test_svr_enable);
    g_test_add_func("/hw/apic/tpr-ppr-eoi", test_tpr_ppr_eoi);
    g_test_add_func("/hw/apic/ipi", test_ipi);
    g_test_add_func("/hw/apic/priority-order", test_priority_order);
    g_test_add_func("/hw/apic/timer-divide", test_timer_divide);
    g_test_add_func("/hw/apic/timer-oneshot", test_timer_oneshot);
    g_test_add_func("/hw/apic/timer-periodic", test_timer_periodic);
    g_test_add_func("/hw/apic/pic-virtual-wire", test_pic_virtual_wire);
    return g_test_run();
}
