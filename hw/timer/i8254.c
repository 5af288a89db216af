/*
 * Intel 8254 PIT ("isa-pit"), per the 82C54 datasheet: three 16-bit
 * channels clocked at 1.193182 MHz from the virtual clock, modes 0-5,
 * lo/hi/word access, counter latch and read-back commands, GATE and OUT.
 * Not modelled: BCD counting (binary is used), pausing a mode 0/4 count
 * while GATE is low.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "hw/timer/i8254.h"

#define NS_PER_SEC 1000000000LL

/* Access states of a channel's read/write flip-flop. */
enum {
    RW_STATE_LSB = 1,
    RW_STATE_MSB = 2,
    RW_STATE_WORD0 = 3,
    RW_STATE_WORD1 = 4,
};

typedef struct PITChannel {
    struct PITState *pit;
    int index;
    uint32_t count;         /* 1..0x10000 (0 written means 0x10000) */
    uint16_t latched_count;
    uint8_t count_latched;  /* RW_STATE_* of a pending latch, 0 if none */
    bool status_latched;
    uint8_t status;
    uint8_t read_state;
    uint8_t write_state;
    uint8_t write_latch;
    uint8_t rw_mode;
    uint8_t mode;
    bool bcd;
    int gate;
    int64_t count_load_time;
    bool irq_level;
    QEMUTimer *irq_timer;   /* channel 0 only */
} PITChannel;

OBJECT_DECLARE_SIMPLE_TYPE(PITState, I8254)

struct PITState {
    ISADevice parent_obj;
    MemoryRegion io;
    IRQLine *irq;
    PITChannel channels[3];
    uint32_t iobase;
};

static uint64_t muldiv64(uint64_t a, uint64_t b, uint64_t c)
{
    return (uint64_t)(((unsigned __int128)a * b) / c);
}

/* Input clock ticks elapsed since the count was loaded. */
static uint64_t pit_ticks(PITChannel *c, int64_t now)
{
    if (now <= c->count_load_time) {
        return 0;
    }
    return muldiv64(now - c->count_load_time, PIT_FREQ, NS_PER_SEC);
}

static int pit_get_count(PITChannel *c)
{
    uint64_t d = pit_ticks(c, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));

    switch (c->mode) {
    case 0:
    case 1:
    case 4:
    case 5:
        return (c->count - d) & 0xffff;
    case 3:
        /* the counter decrements by two in square wave mode */
        return c->count - ((2 * d) % c->count);
    default:
        return c->count - (d % c->count);
    }
}

static int pit_channel_out(PITChannel *c, int64_t now)
{
    uint64_t d = pit_ticks(c, now);

    switch (c->mode) {
    case 0:
        return d >= c->count;
    case 1:
        return d < c->count;
    case 2:
        /* high except for the tick at the end of each period */
        return (d % c->count) != c->count - 1;
    case 3:
        return (d % c->count) < ((c->count + 1) >> 1);
    case 4:
    case 5:
        return d != c->count;
    default:
        return 0;
    }
}

/* Time (ns) of input tick @ticks after the load, rounded up. */
static int64_t pit_tick_time(PITChannel *c, uint64_t ticks)
{
    return c->count_load_time +
           (int64_t)muldiv64(ticks, NS_PER_SEC, PIT_FREQ) + 1;
}

/*
 * Channel 0's IRQ0: in the periodic modes one edge per period (the PIC
 * and IOAPIC latch edges, so a pulse is enough); in modes 0 and 4 OUT
 * rises once at terminal count and the line follows it.
 */
static void pit_irq_timer_update(PITChannel *c)
{
    PITState *s = c->pit;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint64_t d = pit_ticks(c, now);
    int out;

    if (!c->irq_timer) {
        return;
    }
    switch (c->mode) {
    case 2:
    case 3:
        if (!c->gate) {
            timer_del(c->irq_timer);
            return;
        }
        timer_mod_ns(c->irq_timer,
                     pit_tick_time(c, (d / c->count + 1) * c->count));
        break;
    case 0:
    case 4:
        out = d >= c->count;
        if (out != c->irq_level) {
            c->irq_level = out;
            irq_set(s->irq, out);
        }
        if (!out) {
            timer_mod_ns(c->irq_timer, pit_tick_time(c, c->count));
        } else {
            timer_del(c->irq_timer);
            if (c->mode == 4) {
                /* OUT is high again one tick later: a strobe */
                c->irq_level = false;
                irq_set(s->irq, 0);
            }
        }
        break;
    default:
        timer_del(c->irq_timer);
        break;
    }
}

static void pit_irq_timer_cb(void *opaque)
{
    PITChannel *c = opaque;

    if (c->mode == 2 || c->mode == 3) {
        irq_pulse(c->pit->irq);
    }
    pit_irq_timer_update(c);
}

static void pit_load_count(PITChannel *c, uint32_t val)
{
    if (val == 0) {
        val = 0x10000;
    }
    c->count_load_time = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    c->count = val;
    if (c->irq_timer && (c->mode == 0 || c->mode == 4) && c->irq_level) {
        /* writing the count makes OUT go low in modes 0 and 4 */
        c->irq_level = false;
        irq_set(c->pit->irq, 0);
    }
    pit_irq_timer_update(c);
}

static void pit_latch_count(PITChannel *c)
{
    if (!c->count_latched) {
        c->latched_count = pit_get_count(c);
        c->count_latched = c->rw_mode;
    }
}

static void pit_write_control(PITState *s, uint8_t val)
{
    int channel = val >> 6;
    int access, i;
    PITChannel *c;

    if (channel == 3) {
        /* read-back: bits 1..3 select channels; 0x20 = count, 0x10 = status */
        for (i = 0; i < 3; i++) {
            c = &s->channels[i];
            if (!(val & (2 << i))) {
                continue;
            }
            if (!(val & 0x20)) {
                pit_latch_count(c);
            }
            if (!(val & 0x10) && !c->status_latched) {
                c->status = (pit_channel_out(c,
                                 qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) << 7) |
                            (c->rw_mode << 4) | (c->mode << 1) | c->bcd;
                c->status_latched = true;
            }
        }
        return;
    }

    c = &s->channels[channel];
    access = (val >> 4) & 3;
    if (access == 0) {
        pit_latch_count(c);
        return;
    }
    c->rw_mode = access;
    c->read_state = access;
    c->write_state = access;
    c->mode = (val >> 1) & 7;
    if (c->mode > 5) {
        c->mode -= 4;       /* modes 6 and 7 alias 2 and 3 */
    }
    c->bcd = val & 1;
    if (c->bcd) {
        qemu_log_mask(LOG_UNIMP, "i8254: BCD mode not supported\n");
    }
    if (c->irq_timer) {
        /* a control word sets OUT to its initial state and stops counting */
        timer_del(c->irq_timer);
        c->irq_level = false;
        irq_set(s->irq, 0);
    }
}

static void pit_ioport_write(void *opaque, hwaddr addr, uint64_t val64,
                             unsigned size)
{
    PITState *s = opaque;
    uint8_t val = val64;
    PITChannel *c;

    addr &= 3;
    if (addr == 3) {
        pit_write_control(s, val);
        return;
    }
    c = &s->channels[addr];
    switch (c->write_state) {
    default:
    case RW_STATE_LSB:
        pit_load_count(c, val);
        break;
    case RW_STATE_MSB:
        pit_load_count(c, val << 8);
        break;
    case RW_STATE_WORD0:
        c->write_latch = val;
        c->write_state = RW_STATE_WORD1;
        break;
    case RW_STATE_WORD1:
        pit_load_count(c, c->write_latch | (val << 8));
        c->write_state = RW_STATE_WORD0;
        break;
    }
}

static uint64_t pit_ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    PITState *s = opaque;
    PITChannel *c;
    int ret = 0, count;

    addr &= 3;
    if (addr == 3) {
        return 0;           /* the control register is write-only */
    }
    c = &s->channels[addr];
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->count_latched) {
        switch (c->count_latched) {
        default:
        case RW_STATE_LSB:
            ret = c->latched_count & 0xff;
            c->count_latched = 0;
            break;
        case RW_STATE_MSB:
            ret = c->latched_count >> 8;
            c->count_latched = 0;
            break;
        case RW_STATE_WORD0:
            ret = c->latched_count & 0xff;
            c->count_latched = RW_STATE_MSB;
            break;
        }
        return ret;
    }
    count = pit_get_count(c);
    switch (c->read_state) {
    default:
    case RW_STATE_LSB:
        ret = count & 0xff;
        break;
    case RW_STATE_MSB:
        ret = (count >> 8) & 0xff;
        break;
    case RW_STATE_WORD0:
        ret = count & 0xff;
        c->read_state = RW_STATE_WORD1;
        break;
    case RW_STATE_WORD1:
        ret = (count >> 8) & 0xff;
        c->read_state = RW_STATE_WORD0;
        break;
    }
    return ret;
}

static const MemoryRegionOps pit_ops = {
    .read = pit_ioport_read,
    .write = pit_ioport_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void pit_set_gate(DeviceState *dev, int channel, int val)
{
    PITState *s = I8254(dev);
    PITChannel *c;

    if (channel < 0 || channel > 2) {
        return;
    }
    c = &s->channels[channel];
    switch (c->mode) {
    case 1:
    case 2:
    case 3:
    case 5:
        /* a rising edge (re)starts the count in these modes */
        if (c->gate < val) {
            c->count_load_time = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        }
        break;
    default:
        break;
    }
    c->gate = val;
    pit_irq_timer_update(c);
}

int pit_get_out(DeviceState *dev, int channel)
{
    PITState *s = I8254(dev);

    if (channel < 0 || channel > 2) {
        return 0;
    }
    return pit_channel_out(&s->channels[channel],
                           qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
}

void pit_connect_irq(DeviceState *dev, IRQLine *irq)
{
    I8254(dev)->irq = irq;
}

static void pit_reset(DeviceState *dev)
{
    PITState *s = I8254(dev);
    int i;

    for (i = 0; i < 3; i++) {
        PITChannel *c = &s->channels[i];

        c->mode = 3;
        c->gate = i != 2;
        c->rw_mode = 0;
        c->read_state = 0;
        c->write_state = 0;
        c->count_latched = 0;
        c->status_latched = false;
        c->bcd = false;
        c->irq_level = false;
        pit_load_count(c, 0);
    }
}

static void pit_instance_init(Object *obj)
{
    PITState *s = I8254(obj);
    int i;

    for (i = 0; i < 3; i++) {
        s->channels[i].pit = s;
        s->channels[i].index = i;
        s->channels[i].count = 0x10000;
    }
}

static void pit_realize(DeviceState *dev, Error **errp)
{
    PITState *s = I8254(dev);

    if (s->iobase > 0xfffc) {
        error_setg(errp, "isa-pit: invalid iobase");
        return;
    }
    s->channels[0].irq_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                            pit_irq_timer_cb,
                                            &s->channels[0]);
    memory_region_init_io(&s->io, OBJECT(s), &pit_ops, s, "pit", 4);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
}

static void pit_unrealize(DeviceState *dev)
{
    PITState *s = I8254(dev);

    if (s->channels[0].irq_timer) {
        timer_free(s->channels[0].irq_timer);
        s->channels[0].irq_timer = NULL;
    }
    memory_region_destroy(&s->io);
}

DeviceState *i8254_pit_init(ISABus *bus, int base, IRQLine *irq,
                            Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_I8254);

    object_property_set_uint(OBJECT(dev), "iobase", base, &error_abort);
    pit_connect_irq(dev, irq);
    if (!qdev_realize_and_unref(dev, BUS(bus), errp)) {
        return NULL;
    }
    return dev;
}

static const Property pit_properties[] = {
    DEFINE_PROP_UINT32("iobase", PITState, iobase, -1),
    DEFINE_PROP_END_OF_LIST(),
};

static void pit_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = pit_realize;
    dc->unrealize = pit_unrealize;
    dc->reset = pit_reset;
    dc->bus_type = TYPE_ISA_BUS;
    dc->user_creatable = false;
    device_class_set_props(dc, pit_properties);
}

static const TypeInfo pit_type_info = {
    .name = TYPE_I8254,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(PITState),
    .instance_init = pit_instance_init,
    .class_init = pit_class_init,
};

static void pit_register_types(void)
{
    type_register_static(&pit_type_info);
}

type_init(pit_register_types)
