/*
 * Local APIC ("apic"), xAPIC mode, per Intel SDM vol. 3A ch. 10: ID, version,
 * TPR/PPR, EOI, LDR/DFR, SVR, ISR/TMR/IRR, ESR, ICR (fixed, lowest priority
 * as fixed to the lowest-numbered target, NMI, INIT, SIPI, shorthands,
 * physical and logical flat/cluster), LVT, timer at 1 GHz / divisor on the
 * virtual clock.  Not modelled: x2APIC, TSC-deadline, base relocation, SMI.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "hw/intc/apic.h"
#include "hw/intc/ioapic.h"
#include "hw/intc/i8259.h"
#include "target/x86/cpu.h"

#define APIC_DEFAULT_ADDRESS 0xfee00000
#define APIC_SPACE_SIZE      0x100000
#define APIC_VERSION         0x00050014  /* version 0x14, 6 LVT entries */

/* LVT index (QEMU's order: registers 0x320 and up, 0x10 apart) */
enum {
    APIC_LVT_TIMER,
    APIC_LVT_THERMAL,
    APIC_LVT_PERFORM,
    APIC_LVT_LINT0,
    APIC_LVT_LINT1,
    APIC_LVT_ERROR,
    APIC_LVT_NB,
};

#define APIC_LVT_MASKED         (1 << 16)
#define APIC_LVT_TIMER_PERIODIC (1 << 17)
#define APIC_LVT_LEVEL_TRIGGER  (1 << 15)
#define APIC_LVT_REMOTE_IRR     (1 << 14)
#define APIC_LVT_DELIV_STS      (1 << 12)

#define APIC_DM_FIXED   0
#define APIC_DM_LOWPRI  1
#define APIC_DM_SMI     2
#define APIC_DM_NMI     4
#define APIC_DM_INIT    5
#define APIC_DM_SIPI    6
#define APIC_DM_EXTINT  7

#define APIC_SV_ENABLE  (1 << 8)
#define APIC_ESR_ILLEGAL_ADDRESS (1 << 7)

OBJECT_DECLARE_SIMPLE_TYPE(APICState, APIC)

struct APICState {
    DeviceState parent_obj;
    X86CPU *cpu;
    uint32_t id;            /* property "id" */
    uint64_t apicbase;
    uint8_t tpr;
    uint32_t spurious_vec;
    uint8_t log_dest;
    uint8_t dest_mode;      /* DFR model: 0xf flat, 0x0 cluster */
    uint32_t isr[8];
    uint32_t tmr[8];
    uint32_t irr[8];
    uint32_t lvt[APIC_LVT_NB];
    uint32_t esr;
    uint32_t icr[2];
    uint32_t divide_conf;
    int count_shift;
    uint32_t initial_count;
    int64_t initial_count_load_time;
    bool oneshot_fired;     /* this one-shot count's interrupt was raised */
    QEMUTimer *timer;
};

__thread X86CPU *current_cpu;

/* Every realized APIC, in creation order (the bus they share). */
static GPtrArray *local_apics;
static MemoryRegion apic_mmio;
static bool apic_mmio_mapped;

static int apic_fls_bit(uint32_t *tab)
{
    int i;

    for (i = 7; i >= 0; i--) {
        if (tab[i]) {
            return i * 32 + 31 - __builtin_clz(tab[i]);
        }
    }
    return -1;
}

static void apic_set_bit(uint32_t *tab, int index)
{
    tab[index >> 5] |= 1u << (index & 31);
}

static void apic_clear_bit(uint32_t *tab, int index)
{
    tab[index >> 5] &= ~(1u << (index & 31));
}

static bool apic_get_bit(uint32_t *tab, int index)
{
    return tab[index >> 5] & (1u << (index & 31));
}

static uint8_t apic_get_ppr(APICState *s)
{
    int isrv = apic_fls_bit(s->isr);

    if (isrv < 0) {
        isrv = 0;
    }
    if ((s->tpr >> 4) >= (isrv >> 4)) {
        return s->tpr;
    }
    return isrv & 0xf0;
}

/* Highest requested vector above the PPR: >0 vector, 0 none, -1 masked. */
static int apic_irq_pending(APICState *s)
{
    int irrv = apic_fls_bit(s->irr);
    int ppr;

    if (irrv < 0) {
        return 0;
    }
    ppr = apic_get_ppr(s);
    if (ppr && (irrv & 0xf0) <= (ppr & 0xf0)) {
        return -1;
    }
    return irrv;
}

/* The 8259's INTR reaches this CPU through LINT0 programmed as ExtINT. */
static bool apic_accept_pic_intr(APICState *s)
{
    uint32_t lvt0 = s->lvt[APIC_LVT_LINT0];

    return !(s->apicbase & MSR_IA32_APICBASE_ENABLE) ||
           (!(lvt0 & APIC_LVT_MASKED) &&
            ((lvt0 >> 8) & 7) == APIC_DM_EXTINT);
}

static void apic_update(APICState *s)
{
    if (!s->cpu) {
        return;
    }
    if (apic_irq_pending(s) > 0 ||
        (apic_accept_pic_intr(s) && pic_get_output())) {
        x86_cpu_interrupt(s->cpu, CPU_INTERRUPT_HARD);
    } else {
        x86_cpu_reset_interrupt(s->cpu, CPU_INTERRUPT_HARD);
    }
}

void apic_update_irq(DeviceState *dev)
{
    apic_update(APIC(dev));
}

static void apic_set_irq(APICState *s, int vector, int trigger_mode)
{
    if (vector < 16) {
        /* vectors 0-15 are illegal: "received illegal vector" */
        s->esr |= 1 << 6;
        return;
    }
    apic_set_bit(s->irr, vector);
    if (trigger_mode) {
        apic_set_bit(s->tmr, vector);
    } else {
        apic_clear_bit(s->tmr, vector);
    }
    apic_update(s);
}

static void apic_local_deliver(APICState *s, int index)
{
    uint32_t lvt = s->lvt[index];
    int trigger = 0;

    if (lvt & APIC_LVT_MASKED) {
        return;
    }
    switch ((lvt >> 8) & 7) {
    case APIC_DM_NMI:
        x86_cpu_interrupt(s->cpu, CPU_INTERRUPT_NMI);
        break;
    case APIC_DM_EXTINT:
        x86_cpu_interrupt(s->cpu, CPU_INTERRUPT_HARD);
        break;
    case APIC_DM_FIXED:
        if (index == APIC_LVT_LINT0 || index == APIC_LVT_LINT1) {
            trigger = (lvt & APIC_LVT_LEVEL_TRIGGER) != 0;
        }
        apic_set_irq(s, lvt & 0xff, trigger);
        break;
    default:
        qemu_log_mask(LOG_UNIMP, "apic: LVT delivery mode %d\n",
                      (lvt >> 8) & 7);
        break;
    }
}

/* The monitor's NMI button arrives on LINT1 (Linux sets it to NMI on the BSP). */
void apic_deliver_nmi(DeviceState *dev)
{
    apic_local_deliver(APIC(dev), APIC_LVT_LINT1);
}

void apic_deliver_pic_intr(DeviceState *dev, int level)
{
    APICState *s = APIC(dev);
    uint32_t lvt = s->lvt[APIC_LVT_LINT0];

    if (level) {
        apic_local_deliver(s, APIC_LVT_LINT0);
        return;
    }
    if (((lvt >> 8) & 7) == APIC_DM_FIXED && (lvt & APIC_LVT_LEVEL_TRIGGER)) {
        apic_clear_bit(s->irr, lvt & 0xff);
    }
    apic_update(s);
}

static APICState *apic_by_index(guint i)
{
    return g_ptr_array_index(local_apics, i);
}

/* Bitmap (over local_apics indices) of the APICs a destination selects. */
static void apic_get_delivery_bitmask(GArray *mask, uint8_t dest,
                                      uint8_t dest_mode)
{
    guint i;

    for (i = 0; local_apics && i < local_apics->len; i++) {
        APICState *s = apic_by_index(i);
        bool hit;

        if (!dest_mode) {
            hit = dest == 0xff || s->id == dest;
        } else if (s->dest_mode == 0xf) {
            hit = (dest & s->log_dest) != 0;
        } else {
            /* cluster model: high nibble is the cluster, low the members */
            hit = (dest >> 4) == (s->log_dest >> 4) &&
                  (dest & s->log_dest & 0x0f);
        }
        if (hit) {
            g_array_append_val(mask, s);
        }
    }
}

static void apic_startup(APICState *s, int vector)
{
    s->cpu->env.sipi_vector = vector;
    x86_cpu_interrupt(s->cpu, CPU_INTERRUPT_SIPI);
}

/* Deliver to every APIC in @targets (an array of APICState *). */
static void apic_bus_deliver(GArray *targets, uint8_t delivery_mode,
                             uint8_t vector, uint8_t trigger_mode)
{
    guint i;

    switch (delivery_mode) {
    case APIC_DM_LOWPRI:
        /* no arbitration: the lowest-numbered target takes it */
        if (targets->len) {
            apic_set_irq(g_array_index(targets, APICState *, 0), vector,
                         trigger_mode);
        }
        return;
    case APIC_DM_FIXED:
        for (i = 0; i < targets->len; i++) {
            apic_set_irq(g_array_index(targets, APICState *, i), vector,
                         trigger_mode);
        }
        return;
    case APIC_DM_NMI:
        for (i = 0; i < targets->len; i++) {
            x86_cpu_interrupt(g_array_index(targets, APICState *, i)->cpu,
                              CPU_INTERRUPT_NMI);
        }
        return;
    case APIC_DM_INIT:
        for (i = 0; i < targets->len; i++) {
            X86CPU *cpu = g_array_index(targets, APICState *, i)->cpu;

            /* the CPU resets and waits for SIPI (see apic.h) */
            cpu->env.init_received = true;
            x86_cpu_interrupt(cpu, CPU_INTERRUPT_INIT);
        }
        return;
    case APIC_DM_SIPI:
        for (i = 0; i < targets->len; i++) {
            apic_startup(g_array_index(targets, APICState *, i), vector);
        }
        return;
    case APIC_DM_EXTINT:
        for (i = 0; i < targets->len; i++) {
            x86_cpu_interrupt(g_array_index(targets, APICState *, i)->cpu,
                              CPU_INTERRUPT_HARD);
        }
        return;
    default:
        qemu_log_mask(LOG_UNIMP, "apic: delivery mode %d\n", delivery_mode);
        return;
    }
}

void apic_deliver_irq(uint8_t dest, uint8_t dest_mode, uint8_t delivery_mode,
                      uint8_t vector, uint8_t trigger_mode)
{
    GArray *targets = g_array_new(false, false, sizeof(APICState *));

    apic_get_delivery_bitmask(targets, dest, dest_mode);
    apic_bus_deliver(targets, delivery_mode, vector, trigger_mode);
    g_array_free(targets, true);
}

void apic_send_msi(uint64_t addr, uint32_t data)
{
    /* Address: destination ID 19:12, DM bit 2; data: vector, mode, trigger */
    apic_deliver_irq((addr >> 12) & 0xff, (addr >> 2) & 1, (data >> 8) & 7,
                     data & 0xff, (data >> 15) & 1);
}

/* An IPI from @s's ICR. */
static void apic_send_ipi(APICState *s)
{
    uint32_t icr = s->icr[0];
    uint8_t dest = s->icr[1] >> 24;
    uint8_t dest_mode = (icr >> 11) & 1;
    uint8_t delivery_mode = (icr >> 8) & 7;
    uint8_t vector = icr & 0xff;
    uint8_t trigger_mode = (icr >> 15) & 1;
    int shorthand = (icr >> 18) & 3;
    GArray *targets = g_array_new(false, false, sizeof(APICState *));
    guint i;

    if (delivery_mode == APIC_DM_INIT && !(icr & (1 << 14)) &&
        trigger_mode) {
        /* INIT level de-assert: only resynchronises arbitration IDs */
        g_array_free(targets, true);
        return;
    }
    switch (shorthand) {
    case 0:
        apic_get_delivery_bitmask(targets, dest, dest_mode);
        break;
    case 1:
        g_array_append_val(targets, s);
        break;
    default:
        for (i = 0; i < local_apics->len; i++) {
            APICState *t = apic_by_index(i);

            if (shorthand == 2 || t != s) {
                g_array_append_val(targets, t);
            }
        }
        break;
    }
    apic_bus_deliver(targets, delivery_mode, vector, trigger_mode);
    g_array_free(targets, true);
}

int apic_get_interrupt(DeviceState *dev)
{
    APICState *s = APIC(dev);
    int intno;

    if (!(s->apicbase & MSR_IA32_APICBASE_ENABLE)) {
        /* hardware-disabled APIC: INTR goes straight to the CPU */
        intno = pic_get_output() ? pic_read_irq() : -1;
        apic_update(s);
        return intno;
    }
    intno = apic_irq_pending(s);
    if (intno == 0 && apic_accept_pic_intr(s) && pic_get_output()) {
        intno = pic_read_irq();
        apic_update(s);
        return intno;
    }
    if (intno <= 0) {
        apic_update(s);
        return -1;
    }
    apic_clear_bit(s->irr, intno);
    apic_set_bit(s->isr, intno);
    apic_update(s);
    return intno;
}

int x86_cpu_get_pic_interrupt(X86CPU *cpu)
{
    if (cpu->apic) {
        return apic_get_interrupt(cpu->apic);
    }
    return pic_get_output() ? pic_read_irq() : -1;
}

static void apic_eoi(APICState *s)
{
    int isrv = apic_fls_bit(s->isr);

    if (isrv < 0) {
        return;
    }
    apic_clear_bit(s->isr, isrv);
    if (apic_get_bit(s->tmr, isrv)) {
        ioapic_eoi_broadcast(isrv);
    }
    apic_update(s);
}

void apic_set_tpr(DeviceState *dev, uint8_t cr8)
{
    APICState *s = APIC(dev);

    s->tpr = (cr8 & 0xf) << 4;
    apic_update(s);
}

uint8_t apic_get_tpr(DeviceState *dev)
{
    return APIC(dev)->tpr >> 4;
}

/* ---- timer: 1 GHz input (1 tick per virtual ns) divided by 2^shift ---- */

static uint32_t apic_get_current_count(APICState *s)
{
    int64_t d;

    if (!s->initial_count) {
        return 0;
    }
    d = (qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) -
         s->initial_count_load_time) >> s->count_shift;
    if (d < 0) {
        d = 0;
    }
    if (s->lvt[APIC_LVT_TIMER] & APIC_LVT_TIMER_PERIODIC) {
        return s->initial_count - (d % ((uint64_t)s->initial_count + 1));
    }
    if ((uint64_t)d >= s->initial_count) {
        return 0;
    }
    return s->initial_count - d;
}

static void apic_timer_update(APICState *s)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint64_t period = (uint64_t)s->initial_count + 1;
    int64_t d, next;

    if (!s->timer) {
        return;
    }
    if (!s->initial_count) {
        timer_del(s->timer);
        return;
    }
    d = (now - s->initial_count_load_time) >> s->count_shift;
    if (d < 0) {
        d = 0;
    }
    if (s->lvt[APIC_LVT_TIMER] & APIC_LVT_TIMER_PERIODIC) {
        next = ((d / period) + 1) * period;
    } else {
        /*
         * A one-shot count that already reached zero (a short count can,
         * before this runs) still owes its interrupt: arm the timer in
         * the past so it fires at once.  Only a delivered one is done.
         */
        if (s->oneshot_fired) {
            timer_del(s->timer);
            return;
        }
        next = s->initial_count;
    }
    timer_mod_ns(s->timer, s->initial_count_load_time +
                           (next << s->count_shift));
}

static void apic_timer_cb(void *opaque)
{
    APICState *s = opaque;

    if (!(s->lvt[APIC_LVT_TIMER] & APIC_LVT_TIMER_PERIODIC)) {
        s->oneshot_fired = true;
    }

    apic_local_deliver(s, APIC_LVT_TIMER);
    if (s->lvt[APIC_LVT_TIMER] & APIC_LVT_TIMER_PERIODIC) {
        apic_timer_update(s);
    }
}

/*
 * Timers run between slices of guest code, so a short one-shot count can
 * reach zero before its callback runs.  A write that reprograms the timer
 * (LVT, divider, initial count) must first deliver such an overdue
 * expiry, with the old settings: the hardware raised it already, and
 * dropping it leaves a NOHZ-idle Linux CPU waiting for a tick forever.
 */
static void apic_timer_catch_up(APICState *s)
{
    if (s->timer && timer_pending(s->timer) &&
        timer_expire_time_ns(s->timer) <=
        qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) {
        timer_del(s->timer);
        apic_timer_cb(s);
    }
}

/* ---- registers ---- */

static APICState *apic_current(void)
{
    X86CPU *cpu = current_cpu;

    if (cpu && cpu->apic) {
        return APIC(cpu->apic);
    }
    /* main-loop accesses (monitor, tests) see the BSP's APIC */
    if (local_apics && local_apics->len) {
        return apic_by_index(0);
    }
    return NULL;
}

static uint32_t apic_reg_read(APICState *s, int index)
{
    switch (index) {
    case 0x02:
        return s->id << 24;
    case 0x03:
        return APIC_VERSION;
    case 0x08:
        return s->tpr;
    case 0x09:
        return 0;           /* arbitration priority: not modelled */
    case 0x0a:
        return apic_get_ppr(s);
    case 0x0b:
        return 0;
    case 0x0d:
        return (uint32_t)s->log_dest << 24;
    case 0x0e:
        return ((uint32_t)s->dest_mode << 28) | 0x0fffffff;
    case 0x0f:
        return s->spurious_vec;
    case 0x10 ... 0x17:
        return s->isr[index & 7];
    case 0x18 ... 0x1f:
        return s->tmr[index & 7];
    case 0x20 ... 0x27:
        return s->irr[index & 7];
    case 0x28:
        return s->esr;
    case 0x30:
    case 0x31:
        return s->icr[index & 1];
    case 0x32 ... 0x37:
        return s->lvt[index - 0x32];
    case 0x38:
        return s->initial_count;
    case 0x39:
        return apic_get_current_count(s);
    case 0x3e:
        return s->divide_conf;
    default:
        s->esr |= APIC_ESR_ILLEGAL_ADDRESS;
        return 0;
    }
}

void apic_get_regs(DeviceState *dev, uint32_t regs[64])
{
    static const uint8_t readable[] = {
        0x02, 0x03, 0x08, 0x09, 0x0a, 0x0d, 0x0e, 0x0f, 0x28, 0x30, 0x31,
        0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3e,
    };
    APICState *s = APIC(dev);

    memset(regs, 0, 64 * sizeof(regs[0]));
    for (size_t i = 0; i < ARRAY_SIZE(readable); i++) {
        regs[readable[i]] = apic_reg_read(s, readable[i]);
    }
    for (int i = 0; i < 8; i++) {
        regs[0x10 + i] = s->isr[i];
        regs[0x18 + i] = s->tmr[i];
        regs[0x20 + i] = s->irr[i];
    }
}

static void apic_reg_write(APICState *s, int index, uint32_t val)
{
    int v;

    switch (index) {
    case 0x02:
        s->id = val >> 24;
        break;
    case 0x03:
        break;
    case 0x08:
        s->tpr = val & 0xff;
        apic_update(s);
        break;
    case 0x09:
    case 0x0a:
        break;
    case 0x0b:
        apic_eoi(s);
        break;
    case 0x0d:
        s->log_dest = val >> 24;
        break;
    case 0x0e:
        s->dest_mode = val >> 28;
        break;
    case 0x0f:
        s->spurious_vec = val & 0x1ff;
        if (!(val & APIC_SV_ENABLE)) {
            /* software disable masks every LVT entry */
            for (v = 0; v < APIC_LVT_NB; v++) {
                s->lvt[v] |= APIC_LVT_MASKED;
            }
        }
        apic_update(s);
        break;
    case 0x10 ... 0x27:
        break;              /* ISR/TMR/IRR are read-only */
    case 0x28:
        s->esr = 0;
        break;
    case 0x30:
        s->icr[0] = val & ~APIC_LVT_DELIV_STS;
        apic_send_ipi(s);
        break;
    case 0x31:
        s->icr[1] = val;
        break;
    case 0x32 ... 0x37:
        v = index - 0x32;
        if (!(s->spurious_vec & APIC_SV_ENABLE)) {
            val |= APIC_LVT_MASKED;
        }
        if (v == APIC_LVT_TIMER) {
            apic_timer_catch_up(s);
        }
        /* delivery status and remote IRR are read-only */
        s->lvt[v] = (val & ~(APIC_LVT_DELIV_STS | APIC_LVT_REMOTE_IRR)) |
                    (s->lvt[v] & APIC_LVT_REMOTE_IRR);
        if (v == APIC_LVT_TIMER) {
            apic_timer_update(s);
        } else if (v == APIC_LVT_LINT0) {
            apic_update(s);
        }
        break;
    case 0x38:
        apic_timer_catch_up(s);
        s->initial_count = val;
        s->initial_count_load_time = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        s->oneshot_fired = false;
        apic_timer_update(s);
        break;
    case 0x39:
        break;
    case 0x3e:
        apic_timer_catch_up(s);
        s->divide_conf = val & 0xb;
        v = (val & 3) | ((val >> 1) & 4);
        s->count_shift = (v + 1) & 7;
        apic_timer_update(s);
        break;
    default:
        s->esr |= APIC_ESR_ILLEGAL_ADDRESS;
        qemu_log_mask(LOG_GUEST_ERROR, "apic: write to register 0x%x\n",
                      index << 4);
        break;
    }
}

static uint64_t apic_mem_read(void *opaque, hwaddr addr, unsigned size)
{
    APICState *s = apic_current();
    uint32_t val;

    if (!s) {
        return 0;
    }
    val = apic_reg_read(s, (addr >> 4) & 0xff);
    /* sub-dword reads see the addressed bytes of the register */
    return val >> ((addr & 3) * 8);
}

static void apic_mem_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    APICState *s = apic_current();

    /*
     * Device MSIs and CPU register writes share the window (Intel SDM
     * vol. 3A 10.11): a write beyond the first page, or to register 0
     * (reserved), is a message, as in QEMU.
     */
    if (size == 4 && (addr > 0xfff || ((addr >> 4) & 0xff) == 0)) {
        apic_send_msi(APIC_DEFAULT_ADDRESS + addr, val);
        return;
    }
    if (!s) {
        return;
    }
    if (size != 4 || (addr & 0xf)) {
        qemu_log_mask(LOG_GUEST_ERROR, "apic: %u-byte write at 0x%"
                      HWADDR_PRIx " ignored\n", size, addr);
        return;
    }
    apic_reg_write(s, (addr >> 4) & 0xff, val);
}

static const MemoryRegionOps apic_mem_ops = {
    .read = apic_mem_read,
    .write = apic_mem_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- reset, MSR, life cycle ---- */

void apic_init_reset(DeviceState *dev)
{
    APICState *s = APIC(dev);
    int i;

    s->tpr = 0;
    s->spurious_vec = 0xff;
    s->log_dest = 0;
    s->dest_mode = 0xf;
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    memset(s->irr, 0, sizeof(s->irr));
    for (i = 0; i < APIC_LVT_NB; i++) {
        s->lvt[i] = APIC_LVT_MASKED;
    }
    s->esr = 0;
    s->icr[0] = s->icr[1] = 0;
    s->divide_conf = 0;
    s->count_shift = 1;
    s->initial_count = 0;
    s->initial_count_load_time = 0;
    s->oneshot_fired = false;
    if (s->timer) {
        timer_del(s->timer);
    }
    if (s->cpu) {
        x86_cpu_reset_interrupt(s->cpu, CPU_INTERRUPT_HARD);
    }
}

static void apic_sync_base(APICState *s)
{
    if (s->cpu) {
        s->cpu->env.apic_base = s->apicbase;
    }
}

void apic_set_base(DeviceState *dev, uint64_t val)
{
    APICState *s = APIC(dev);

    if ((val & MSR_IA32_APICBASE_BASE) != APIC_DEFAULT_ADDRESS) {
        qemu_log_mask(LOG_UNIMP, "apic: relocation to 0x%" PRIx64
                      " not supported\n", (uint64_t)(val & MSR_IA32_APICBASE_BASE));
    }
    s->apicbase = APIC_DEFAULT_ADDRESS |
                  (val & MSR_IA32_APICBASE_ENABLE) |
                  (s->apicbase & MSR_IA32_APICBASE_BSP);
    if (!(val & MSR_IA32_APICBASE_ENABLE)) {
        /* a hardware-disabled APIC comes back in its INIT state */
        apic_init_reset(dev);
    }
    apic_sync_base(s);
    apic_update(s);
}

static void apic_reset(DeviceState *dev)
{
    APICState *s = APIC(dev);
    bool bsp = s->cpu && (s->cpu->is_bsp || s->cpu->cpu_index == 0);

    s->apicbase = APIC_DEFAULT_ADDRESS | MSR_IA32_APICBASE_ENABLE |
                  (bsp ? MSR_IA32_APICBASE_BSP : 0);
    s->id = s->cpu ? s->cpu->apic_id : s->id;
    apic_init_reset(dev);
    if (bsp) {
        /*
         * Firmware normally programs the BSP's LINT0 as ExtINT; do it here
         * so the 8259 reaches a guest booted without a BIOS (as QEMU does).
         */
        s->lvt[APIC_LVT_LINT0] = APIC_DM_EXTINT << 8;
    }
    apic_sync_base(s);
}

static void apic_realize(DeviceState *dev, Error **errp)
{
    APICState *s = APIC(dev);

    if (!local_apics) {
        local_apics = g_ptr_array_new();
    }
    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, apic_timer_cb, s);
    g_ptr_array_add(local_apics, s);
    if (!apic_mmio_mapped) {
        /* one window for all CPUs; apic_current() picks the accessor's */
        memory_region_init_io(&apic_mmio, NULL, &apic_mem_ops, NULL,
                              "apic-msi", APIC_SPACE_SIZE);
        memory_region_add_subregion_overlap(get_system_memory(),
                                            APIC_DEFAULT_ADDRESS,
                                            &apic_mmio, 0x1000);
        apic_mmio_mapped = true;
    }
}

static void apic_unrealize(DeviceState *dev)
{
    APICState *s = APIC(dev);

    g_ptr_array_remove(local_apics, s);
    if (s->timer) {
        timer_free(s->timer);
        s->timer = NULL;
    }
    if (s->cpu && s->cpu->apic == dev) {
        s->cpu->apic = NULL;
    }
    if (!local_apics->len && apic_mmio_mapped) {
        memory_region_del_subregion(get_system_memory(), &apic_mmio);
        apic_mmio_mapped = false;
    }
}

DeviceState *apic_new(X86CPU *cpu, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_APIC);
    APICState *s = APIC(dev);

    s->cpu = cpu;
    object_property_set_uint(OBJECT(dev), "id", cpu->apic_id, &error_abort);
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    cpu->apic = dev;
    apic_reset(dev);
    return dev;
}

static const Property apic_properties[] = {
    DEFINE_PROP_UINT32("id", APICState, id, 255),
    DEFINE_PROP_END_OF_LIST(),
};

static void apic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = apic_realize;
    dc->unrealize = apic_unrealize;
    dc->reset = apic_reset;
    dc->user_creatable = false;
    device_class_set_props(dc, apic_properties);
}

static const TypeInfo apic_type_info = {
    .name = TYPE_APIC,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(APICState),
    .class_init = apic_class_init,
};

static void apic_register_types(void)
{
    type_register_static(&apic_type_info);
}

type_init(apic_register_types)
