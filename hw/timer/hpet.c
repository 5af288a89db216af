/*
 * High Precision Event Timer, per the IA-PC HPET specification 1.0a
 * (section 2.3: register set; 2.3.9: timer modes; 2.4: interrupts).
 *
 * The main counter is derived from the virtual clock (10 ns a tick), so it
 * stops while the VM is paused.  A comparator in 32-bit mode matches the
 * low 32 bits of the counter; a periodic comparator adds its period after
 * each match.  Not modelled: FSB (MSI) delivery, which QEMU's pc leaves
 * off as well.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "exec/memory.h"
#include "hw/timer/hpet.h"

/* Register offsets (2.3.1) */
#define HPET_ID             0x000
#define HPET_PERIOD         0x004
#define HPET_CFG            0x010
#define HPET_STATUS         0x020
#define HPET_COUNTER        0x0f0
#define HPET_TN_BASE        0x100
#define HPET_TN_STRIDE      0x20
#define HPET_TN_CFG         0x00
#define HPET_TN_CMP         0x08
#define HPET_TN_ROUTE       0x10

/* General configuration (2.3.5) */
#define HPET_CFG_ENABLE     (1u << 0)
#define HPET_CFG_LEGACY     (1u << 1)

/* Timer N configuration and capabilities (2.3.8) */
#define TN_LEVEL            (1u << 1)
#define TN_ENABLE           (1u << 2)
#define TN_PERIODIC         (1u << 3)
#define TN_PERIODIC_CAP     (1u << 4)
#define TN_SIZE_CAP         (1u << 5)
#define TN_SETVAL           (1u << 6)
#define TN_32BIT            (1u << 8)
#define TN_ROUTE_SHIFT      9
#define TN_ROUTE_MASK       (0x1fu << TN_ROUTE_SHIFT)
#define TN_FSB_ENABLE       (1u << 14)
#define TN_CFG_WRITABLE     (TN_LEVEL | TN_ENABLE | TN_PERIODIC | \
                             TN_SETVAL | TN_32BIT | TN_ROUTE_MASK)

#define NS_PER_TICK         (HPET_CLK_PERIOD_FS / 1000000)

OBJECT_DECLARE_SIMPLE_TYPE(HPETState, HPET)

typedef struct HPETTimer {
    struct HPETState *s;
    int index;
    uint64_t config;
    uint64_t cmp;
    uint64_t period;
    QEMUTimer *timer;
    IRQLine *raised;        /* the line this timer holds high (level mode) */
} HPETTimer;

struct HPETState {
    DeviceState parent_obj;
    MemoryRegion mmio;
    uint32_t intcap;        /* Tn_INT_ROUTE_CAP: GSIs a timer may use */
    uint64_t config;
    uint64_t isr;
    uint64_t counter;       /* value while stopped */
    int64_t counter_base_ns;/* virtual time when counter was last stored */
    HPETTimer timers[HPET_NUM_TIMERS];
    IRQLine *gsi[HPET_NUM_GSI];
    IRQLine *isa_irq0, *isa_irq8;
    IRQLine *pit_in, *rtc_in;
    int pit_level, rtc_level;
};

static bool hpet_enabled(HPETState *s)
{
    return s->config & HPET_CFG_ENABLE;
}

static bool hpet_legacy(HPETState *s)
{
    return s->config & HPET_CFG_LEGACY;
}

static uint64_t hpet_now_ticks(HPETState *s)
{
    int64_t now;

    if (!hpet_enabled(s)) {
        return s->counter;
    }
    now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    return s->counter + (uint64_t)(now - s->counter_base_ns) / NS_PER_TICK;
}

/* ---- interrupts ---- */

static IRQLine *hpet_timer_line(HPETTimer *t)
{
    HPETState *s = t->s;
    unsigned route;

    if (hpet_legacy(s) && t->index < 2) {
        return t->index == 0 ? s->isa_irq0 : s->isa_irq8;
    }
    route = (t->config & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT;
    return route < HPET_NUM_GSI ? s->gsi[route] : NULL;
}

static void hpet_lower(HPETTimer *t)
{
    if (t->raised) {
        irq_set(t->raised, 0);
        t->raised = NULL;
    }
}

/* The comparator matched: an edge, or a level held until the status is cleared. */
static void hpet_fire(HPETTimer *t)
{
    HPETState *s = t->s;
    IRQLine *line = hpet_timer_line(t);

    if (!(t->config & TN_ENABLE) || !hpet_enabled(s)) {
        return;
    }
    if (t->config & TN_LEVEL) {
        s->isr |= 1ull << t->index;
        if (t->raised != line) {
            hpet_lower(t);
        }
        irq_set(line, 1);
        t->raised = line;
    } else {
        irq_set(line, 1);
        irq_set(line, 0);
    }
}

/* ---- comparators ---- */

static uint64_t hpet_cmp_mask(HPETTimer *t)
{
    return (t->config & TN_32BIT) ? 0xffffffffull : ~0ull;
}

/* Ticks from @now until the comparator next matches (0 < n <= 2^32 or 2^64). */
static uint64_t hpet_ticks_to_match(HPETTimer *t, uint64_t now)
{
    uint64_t mask = hpet_cmp_mask(t);
    uint64_t diff = (t->cmp - now) & mask;

    return diff ? diff : mask;
}

static void hpet_timer_arm(HPETTimer *t)
{
    HPETState *s = t->s;
    uint64_t ticks, ns;

    if (!hpet_enabled(s) || !(t->config & TN_ENABLE)) {
        timer_del(t->timer);
        return;
    }
    ticks = hpet_ticks_to_match(t, hpet_now_ticks(s));
    /* A 64-bit one-shot far in the future: don't overflow the clock. */
    ns = ticks > INT64_MAX / NS_PER_TICK / 2 ? INT64_MAX / 2
                                              : ticks * NS_PER_TICK;
    timer_mod_ns(t->timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + ns);
}

static void hpet_timer_expired(void *opaque)
{
    HPETTimer *t = opaque;
    HPETState *s = t->s;
    uint64_t now = hpet_now_ticks(s);
    uint64_t mask = hpet_cmp_mask(t);

    if (!hpet_enabled(s) || !(t->config & TN_ENABLE)) {
        return;
    }
    /* The virtual clock may run a little late; we must be at the match. */
    if (((now - t->cmp) & mask) > (mask >> 1)) {
        hpet_timer_arm(t);
        return;
    }
    if ((t->config & TN_PERIODIC) && t->period) {
        /* Catch up with the counter; one interrupt for all missed periods. */
        uint64_t missed = ((now - t->cmp) & mask) / t->period + 1;

        t->cmp = (t->cmp + missed * t->period) & mask;
    }
    hpet_fire(t);
    /* Periodic: the next period; one-shot: the match after a wrap. */
    hpet_timer_arm(t);
}

/* ---- legacy replacement inputs ---- */

static void hpet_update_legacy_inputs(HPETState *s)
{
    bool legacy = hpet_legacy(s) && hpet_enabled(s);

    irq_set(s->isa_irq0, legacy ? 0 : s->pit_level);
    irq_set(s->isa_irq8, legacy ? 0 : s->rtc_level);
}

static void hpet_legacy_in(void *opaque, int n, int level)
{
    HPETState *s = opaque;
    bool legacy = hpet_legacy(s) && hpet_enabled(s);

    if (n == 0) {
        s->pit_level = level;
        if (!legacy) {
            irq_set(s->isa_irq0, level);
        }
    } else {
        s->rtc_level = level;
        if (!legacy) {
            irq_set(s->isa_irq8, level);
        }
    }
}

IRQLine *hpet_pit_in(DeviceState *hpet)
{
    return HPET(hpet)->pit_in;
}

IRQLine *hpet_rtc_in(DeviceState *hpet)
{
    return HPET(hpet)->rtc_in;
}

/* ---- registers ---- */

static uint64_t hpet_timer_read(HPETTimer *t, unsigned reg)
{
    switch (reg) {
    case HPET_TN_CFG:
        return t->config | ((uint64_t)t->s->intcap << 32);
    case HPET_TN_CMP:
        return t->cmp;
    case HPET_TN_ROUTE:
        return 0;           /* FSB route: no FSB delivery */
    }
    return 0;
}

static uint64_t hpet_read64(HPETState *s, hwaddr reg)
{
    switch (reg) {
    case HPET_ID:
        return ((uint64_t)HPET_CLK_PERIOD_FS << 32) | HPET_CAP_ID_LOW;
    case HPET_CFG:
        return s->config;
    case HPET_STATUS:
        return s->isr;
    case HPET_COUNTER:
        return hpet_now_ticks(s);
    }
    if (reg >= HPET_TN_BASE &&
        reg < HPET_TN_BASE + HPET_NUM_TIMERS * HPET_TN_STRIDE) {
        unsigned n = (reg - HPET_TN_BASE) / HPET_TN_STRIDE;

        return hpet_timer_read(&s->timers[n],
                               (reg - HPET_TN_BASE) % HPET_TN_STRIDE);
    }
    return 0;
}

static uint64_t hpet_read(void *opaque, hwaddr addr, unsigned size)
{
    HPETState *s = opaque;
    uint64_t v = hpet_read64(s, addr & ~7ull);

    if (size == 8) {
        return v;
    }
    return (v >> ((addr & 4) * 8)) & 0xffffffffu;
}

static void hpet_set_enabled(HPETState *s, uint64_t old)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    bool was = old & HPET_CFG_ENABLE;

    if (was && !hpet_enabled(s)) {
        /* Stop: remember where the counter got to. */
        s->counter += (uint64_t)(now - s->counter_base_ns) / NS_PER_TICK;
    }
    if (!was && hpet_enabled(s)) {
        s->counter_base_ns = now;
    }
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        HPETTimer *t = &s->timers[i];

        /* A level held on the old route moves to the new one. */
        if (t->raised && t->raised != hpet_timer_line(t)) {
            hpet_lower(t);
            if (s->isr & (1ull << i)) {
                t->raised = hpet_timer_line(t);
                irq_set(t->raised, 1);
            }
        }
        hpet_timer_arm(t);
    }
    hpet_update_legacy_inputs(s);
}

static void hpet_timer_write(HPETTimer *t, unsigned reg, uint64_t val,
                             uint64_t mask)
{
    HPETState *s = t->s;

    switch (reg) {
    case HPET_TN_CFG: {
        uint64_t cfg = (t->config & ~mask) | (val & mask);
        unsigned route = (cfg & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT;

        if (!(s->intcap & (1u << route))) {
            /* Only routes in Tn_INT_ROUTE_CAP are writable (2.3.8). */
            cfg = (cfg & ~TN_ROUTE_MASK) | (t->config & TN_ROUTE_MASK);
        }
        if (cfg & TN_FSB_ENABLE) {
            qemu_log_mask(LOG_UNIMP, "hpet: FSB interrupt delivery\n");
        }
        t->config = (t->config & ~TN_CFG_WRITABLE) | (cfg & TN_CFG_WRITABLE);
        if (t->config & TN_32BIT) {
            t->cmp &= 0xffffffffull;
            t->period &= 0xffffffffull;
        }
        if (!(t->config & TN_LEVEL) || !(t->config & TN_ENABLE)) {
            /* Edge mode or disabled: nothing is held (2.4.2). */
            hpet_lower(t);
        }
        hpet_timer_arm(t);
        break;
    }
    case HPET_TN_CMP: {
        uint64_t v = (t->cmp & ~mask) | (val & mask);

        if (t->config & TN_32BIT) {
            v &= 0xffffffffull;
        }
        /*
         * Periodic mode: a write with Tn_VAL_SET_CNF sets the comparator,
         * later writes set the period (2.3.9.2.2).
         */
        if (!(t->config & TN_PERIODIC) || (t->config & TN_SETVAL)) {
            t->cmp = v;
        }
        if (t->config & TN_PERIODIC) {
            t->period = (t->period & ~mask) | (val & mask);
            if (t->config & TN_32BIT) {
                t->period &= 0xffffffffull;
            }
        }
        /* Tn_VAL_SET_CNF clears itself after the high dword (or a qword). */
        if (mask >> 32) {
            t->config &= ~TN_SETVAL;
        }
        hpet_timer_arm(t);
        break;
    }
    case HPET_TN_ROUTE:
        break;
    }
}

static void hpet_write64(HPETState *s, hwaddr reg, uint64_t val,
                         uint64_t mask)
{
    switch (reg) {
    case HPET_CFG: {
        uint64_t old = s->config;

        s->config = (s->config & ~mask) |
                    (val & mask & (HPET_CFG_ENABLE | HPET_CFG_LEGACY));
        if (s->config != old) {
            hpet_set_enabled(s, old);
        }
        return;
    }
    case HPET_STATUS:
        /* Write 1 to clear a level-triggered timer's status (2.3.6). */
        for (int i = 0; i < HPET_NUM_TIMERS; i++) {
            if (val & mask & s->isr & (1ull << i)) {
                s->isr &= ~(1ull << i);
                hpet_lower(&s->timers[i]);
            }
        }
        return;
    case HPET_COUNTER:
        if (hpet_enabled(s)) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "hpet: main counter written while enabled\n");
            return;
        }
        s->counter = (s->counter & ~mask) | (val & mask);
        return;
    }
    if (reg >= HPET_TN_BASE &&
        reg < HPET_TN_BASE + HPET_NUM_TIMERS * HPET_TN_STRIDE) {
        unsigned n = (reg - HPET_TN_BASE) / HPET_TN_STRIDE;

        hpet_timer_write(&s->timers[n],
                         (reg - HPET_TN_BASE) % HPET_TN_STRIDE, val, mask);
    }
}

static void hpet_write(void *opaque, hwaddr addr, uint64_t val,
                       unsigned size)
{
    HPETState *s = opaque;
    unsigned shift = (addr & 4) * 8;
    uint64_t mask = size == 8 ? ~0ull : 0xffffffffull << shift;

    if (size == 4) {
        /*
         * A dword write to the low half of a 64-bit comparator: the high
         * half of the mask stays clear, so Tn_VAL_SET_CNF survives until
         * the high dword is written, as a driver doing two writes expects.
         * A 32-bit timer has no high half: clear it on the low write.
         */
        val <<= shift;
    }
    hpet_write64(s, addr & ~7ull, val, mask);
    if (size == 4 && !(addr & 4)) {
        hwaddr reg = addr & ~7ull;

        if (reg >= HPET_TN_BASE &&
            reg < HPET_TN_BASE + HPET_NUM_TIMERS * HPET_TN_STRIDE &&
            (reg - HPET_TN_BASE) % HPET_TN_STRIDE == HPET_TN_CMP) {
            HPETTimer *t = &s->timers[(reg - HPET_TN_BASE) / HPET_TN_STRIDE];

            if (t->config & TN_32BIT) {
                t->config &= ~TN_SETVAL;
            }
        }
    }
}

static const MemoryRegionOps hpet_ops = {
    .read = hpet_read,
    .write = hpet_write,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

/* ---- device ---- */

static void hpet_reset(DeviceState *dev)
{
    HPETState *s = HPET(dev);

    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        HPETTimer *t = &s->timers[i];

        timer_del(t->timer);
        hpet_lower(t);
        t->config = TN_PERIODIC_CAP | TN_SIZE_CAP;
        t->cmp = ~0ull;
        t->period = 0;
    }
    s->config = 0;
    s->isr = 0;
    s->counter = 0;
    s->counter_base_ns = 0;
    hpet_update_legacy_inputs(s);
}

static void hpet_instance_init(Object *obj)
{
    HPETState *s = HPET(obj);

    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        s->timers[i].s = s;
        s->timers[i].index = i;
    }
    s->pit_in = irq_line_new(hpet_legacy_in, s, 0);
    s->rtc_in = irq_line_new(hpet_legacy_in, s, 1);
}

static void hpet_realize(DeviceState *dev, Error **errp)
{
    HPETState *s = HPET(dev);

    if (!s->intcap) {
        error_setg(errp, "hpet: hpet-intcap must allow at least one route");
        return;
    }
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        s->timers[i].timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                          hpet_timer_expired, &s->timers[i]);
    }
    memory_region_init_io(&s->mmio, OBJECT(s), &hpet_ops, s, "hpet",
                          HPET_LEN);
}

static void hpet_unrealize(DeviceState *dev)
{
    HPETState *s = HPET(dev);

    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        timer_free(s->timers[i].timer);
        s->timers[i].timer = NULL;
    }
    memory_region_destroy(&s->mmio);
}

static void hpet_finalize(Object *obj)
{
    HPETState *s = HPET(obj);

    irq_line_free(s->pit_in);
    irq_line_free(s->rtc_in);
}

DeviceState *hpet_init(IRQLine **gsi, IRQLine *isa_irq0, IRQLine *isa_irq8,
                       Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_HPET);
    HPETState *s = HPET(dev);

    memcpy(s->gsi, gsi, sizeof(s->gsi));
    s->isa_irq0 = isa_irq0;
    s->isa_irq8 = isa_irq8;
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    memory_region_add_subregion(get_system_memory(), HPET_BASE, &s->mmio);
    return dev;
}

static const Property hpet_properties[] = {
    DEFINE_PROP_UINT32("hpet-intcap", HPETState, intcap, 4),
    DEFINE_PROP_END_OF_LIST(),
};

static void hpet_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = hpet_realize;
    dc->unrealize = hpet_unrealize;
    dc->reset = hpet_reset;
    dc->user_creatable = false;
    device_class_set_props(dc, hpet_properties);
}

static const TypeInfo hpet_type_info = {
    .name = TYPE_HPET,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(HPETState),
    .instance_init = hpet_instance_init,
    .instance_finalize = hpet_finalize,
    .class_init = hpet_class_init,
};

static void hpet_register_types(void)
{
    type_register_static(&hpet_type_info);
}

type_init(hpet_register_types)
