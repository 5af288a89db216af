/*
 * Intel 8259A PIC ("isa-i8259"), per the 8259A datasheet: ICW1-4, OCW1-3,
 * IRR/ISR/IMR, fully nested and rotating priority, auto-EOI, special mask,
 * poll mode, plus the PIIX ELCR edge/level register.  Not modelled: 8080
 * call mode, buffered mode, level-triggered ICW1 (the ELCR is used instead).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/intc/i8259.h"
#include "hw/intc/apic.h"

OBJECT_DECLARE_SIMPLE_TYPE(PICState, ISA_I8259)

struct PICState {
    ISADevice parent_obj;

    MemoryRegion io;
    MemoryRegion elcr_io;
    IRQLine **irq_in;
    IRQLine *int_out;

    uint8_t last_irr;       /* input levels, for edge detection */
    uint8_t irr;
    uint8_t imr;
    uint8_t isr;
    uint8_t priority_add;   /* IRQ with the highest priority */
    uint8_t irq_base;
    uint8_t read_reg_select;
    bool poll;
    bool special_mask;
    uint8_t init_state;     /* 0: ready, 1..3: expecting ICW2..ICW4 */
    bool auto_eoi;
    bool rotate_on_auto_eoi;
    bool special_fully_nested_mode;
    bool init4;
    bool single_mode;
    uint8_t elcr;

    /* properties */
    uint32_t iobase;
    uint32_t elcr_addr;
    uint8_t elcr_mask;
    bool master;
};

/* The pair as seen by the INTA cycle (pic_read_irq) and `info pic`. */
static PICState *master_pic;
static PICState *slave_pic;

/* Priority level (0 highest) of the best bit of @mask, 8 if none. */
static int pic_get_priority(PICState *s, uint8_t mask)
{
    int priority = 0;

    if (mask == 0) {
        return 8;
    }
    while (!(mask & (1 << ((priority + s->priority_add) & 7)))) {
        priority++;
    }
    return priority;
}

/* The IRQ to present to the CPU, or -1: must beat everything in service. */
static int pic_get_irq(PICState *s)
{
    int priority, cur_priority;
    uint8_t mask = s->irr & ~s->imr;

    priority = pic_get_priority(s, mask);
    if (priority == 8) {
        return -1;
    }
    mask = s->isr;
    if (s->special_mask) {
        mask &= ~s->imr;
    }
    /*
     * Special fully nested mode: a slave IRQ of higher priority must get
     * through while another slave IRQ is in service on the cascade line.
     */
    if (s->special_fully_nested_mode && s->master) {
        mask &= ~(1 << 2);
    }
    cur_priority = pic_get_priority(s, mask);
    if (priority < cur_priority) {
        return (priority + s->priority_add) & 7;
    }
    return -1;
}

static void pic_update_irq(PICState *s)
{
    irq_set(s->int_out, pic_get_irq(s) >= 0);
}

static void pic_set_irq(void *opaque, int n, int level)
{
    PICState *s = opaque;
    uint8_t mask = 1 << n;

    if (s->elcr & mask) {
        /* level triggered: IRR follows the line */
        if (level) {
            s->irr |= mask;
            s->last_irr |= mask;
        } else {
            s->irr &= ~mask;
            s->last_irr &= ~mask;
        }
    } else {
        /* edge triggered: only a rising edge latches */
        if (level) {
            if (!(s->last_irr & mask)) {
                s->irr |= mask;
            }
            s->last_irr |= mask;
        } else {
            s->last_irr &= ~mask;
        }
    }
    pic_update_irq(s);
}

/* INTA: move @irq from IRR to ISR (unless auto-EOI). */
static void pic_intack(PICState *s, int irq)
{
    if (s->auto_eoi) {
        if (s->rotate_on_auto_eoi) {
            s->priority_add = (irq + 1) & 7;
        }
    } else {
        s->isr |= 1 << irq;
    }
    /* a level-triggered request stays pending while the line is high */
    if (!(s->elcr & (1 << irq))) {
        s->irr &= ~(1 << irq);
    }
    pic_update_irq(s);
}

int pic_read_irq(void)
{
    PICState *s = master_pic;
    int irq, irq2, intno;

    if (!s) {
        return -1;
    }
    irq = pic_get_irq(s);
    if (irq >= 0) {
        if (irq == 2 && slave_pic) {
            irq2 = pic_get_irq(slave_pic);
            if (irq2 >= 0) {
                pic_intack(slave_pic, irq2);
            } else {
                irq2 = 7;   /* spurious IRQ 15 */
            }
            intno = slave_pic->irq_base + irq2;
        } else {
            intno = s->irq_base + irq;
        }
        pic_intack(s, irq);
    } else {
        /* the request went away before INTA: spurious IRQ 7 */
        intno = s->irq_base + 7;
    }
    return intno;
}

bool pic_get_output(void)
{
    return master_pic && pic_get_irq(master_pic) >= 0;
}

static void pic_init_reset(PICState *s)
{
    s->last_irr = 0;
    s->irr &= s->elcr;      /* pending level requests survive ICW1 */
    s->imr = 0;
    s->isr = 0;
    s->priority_add = 0;
    s->irq_base = 0;
    s->read_reg_select = 0;
    s->poll = false;
    s->special_mask = false;
    s->init_state = 0;
    s->auto_eoi = false;
    s->rotate_on_auto_eoi = false;
    s->special_fully_nested_mode = false;
    s->init4 = false;
    s->single_mode = false;
    pic_update_irq(s);
}

static void pic_ocw2(PICState *s, uint8_t val)
{
    int cmd = val >> 5;
    int priority, irq;

    switch (cmd) {
    case 0:
    case 4:
        s->rotate_on_auto_eoi = cmd >> 2;
        break;
    case 1:         /* non-specific EOI */
    case 5:         /* rotate on non-specific EOI */
        priority = pic_get_priority(s, s->isr);
        if (priority != 8) {
            irq = (priority + s->priority_add) & 7;
            s->isr &= ~(1 << irq);
            if (cmd == 5) {
                s->priority_add = (irq + 1) & 7;
            }
            pic_update_irq(s);
        }
        break;
    case 3:         /* specific EOI */
        s->isr &= ~(1 << (val & 7));
        pic_update_irq(s);
        break;
    case 6:         /* set priority: the given IRQ becomes the lowest */
        s->priority_add = (val + 1) & 7;
        pic_update_irq(s);
        break;
    case 7:         /* rotate on specific EOI */
        irq = val & 7;
        s->isr &= ~(1 << irq);
        s->priority_add = (irq + 1) & 7;
        pic_update_irq(s);
        break;
    default:        /* 2: no operation */
        break;
    }
}

static void pic_ioport_write(void *opaque, hwaddr addr, uint64_t val64,
                             unsigned size)
{
    PICState *s = opaque;
    uint8_t val = val64;

    if (addr == 0) {
        if (val & 0x10) {           /* ICW1 */
            pic_init_reset(s);
            s->init_state = 1;
            s->init4 = val & 1;
            s->single_mode = val & 2;
            if (val & 0x08) {
                qemu_log_mask(LOG_GUEST_ERROR,
                              "i8259: level sensitive irq not supported\n");
            }
        } else if (val & 0x08) {    /* OCW3 */
            if (val & 0x04) {
                s->poll = true;
            }
            if (val & 0x02) {
                s->read_reg_select = val & 1;
            }
            if (val & 0x40) {
                s->special_mask = (val >> 5) & 1;
            }
        } else {
            pic_ocw2(s, val);
        }
        return;
    }

    switch (s->init_state) {
    case 0:                         /* OCW1 */
        s->imr = val;
        pic_update_irq(s);
        break;
    case 1:                         /* ICW2: vector base */
        s->irq_base = val & 0xf8;
        s->init_state = s->single_mode ? (s->init4 ? 3 : 0) : 2;
        break;
    case 2:                         /* ICW3: cascade wiring is fixed */
        s->init_state = s->init4 ? 3 : 0;
        break;
    case 3:                         /* ICW4 */
        s->special_fully_nested_mode = (val >> 4) & 1;
        s->auto_eoi = (val >> 1) & 1;
        s->init_state = 0;
        break;
    }
}

/* Poll mode read: acknowledge like INTA, report 0x80 | level. */
static uint8_t pic_poll_read(PICState *s)
{
    int irq = pic_get_irq(s);

    s->poll = false;
    if (irq < 0) {
        pic_update_irq(s);
        return 0;
    }
    pic_intack(s, irq);
    return 0x80 | irq;
}

static uint64_t pic_ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    PICState *s = opaque;

    if (s->poll) {
        return pic_poll_read(s);
    }
    if (addr == 0) {
        return s->read_reg_select ? s->isr : s->irr;
    }
    return s->imr;
}

static const MemoryRegionOps pic_ops = {
    .read = pic_ioport_read,
    .write = pic_ioport_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t elcr_ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    PICState *s = opaque;

    return s->elcr;
}

static void elcr_ioport_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    PICState *s = opaque;

    s->elcr = val & s->elcr_mask;
}

static const MemoryRegionOps elcr_ops = {
    .read = elcr_ioport_read,
    .write = elcr_ioport_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void pic_reset(DeviceState *dev)
{
    PICState *s = ISA_I8259(dev);

    s->elcr = 0;
    s->irr = 0;
    pic_init_reset(s);
}

static void pic_instance_init(Object *obj)
{
    PICState *s = ISA_I8259(obj);

    s->irq_in = irq_lines_new(pic_set_irq, s, 8);
}

static void pic_realize(DeviceState *dev, Error **errp)
{
    PICState *s = ISA_I8259(dev);

    if (s->iobase > 0xfffe || s->elcr_addr > 0xffff) {
        error_setg(errp, "isa-i8259: invalid iobase or elcr_addr");
        return;
    }
    memory_region_init_io(&s->io, OBJECT(s), &pic_ops, s, "pic", 2);
    memory_region_init_io(&s->elcr_io, OBJECT(s), &elcr_ops, s, "elcr", 1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
    isa_register_ioport(ISA_DEVICE(dev), &s->elcr_io, s->elcr_addr);
    if (s->master) {
        master_pic = s;
    } else {
        slave_pic = s;
    }
}

static void pic_unrealize(DeviceState *dev)
{
    PICState *s = ISA_I8259(dev);

    if (master_pic == s) {
        master_pic = NULL;
    }
    if (slave_pic == s) {
        slave_pic = NULL;
    }
    memory_region_destroy(&s->io);
    memory_region_destroy(&s->elcr_io);
}

IRQLine *i8259_get_irq_in(DeviceState *pic, int n)
{
    PICState *s = ISA_I8259(pic);

    if (n < 0 || n > 7) {
        return NULL;
    }
    return s->irq_in[n];
}

void i8259_connect_output(DeviceState *pic, IRQLine *out)
{
    ISA_I8259(pic)->int_out = out;
}

static DeviceState *i8259_create(ISABus *bus, bool master, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_ISA_I8259);
    Object *obj = OBJECT(dev);

    object_property_set_uint(obj, "iobase", master ? 0x20 : 0xa0,
                             &error_abort);
    object_property_set_uint(obj, "elcr_addr", master ? 0x4d0 : 0x4d1,
                             &error_abort);
    /* PIIX: IRQ 0, 1, 2 and 8, 13 are always edge triggered */
    object_property_set_uint(obj, "elcr_mask", master ? 0xf8 : 0xde,
                             &error_abort);
    object_property_set_bool(obj, "master", master, &error_abort);
    if (!qdev_realize_and_unref(dev, BUS(bus), errp)) {
        return NULL;
    }
    return dev;
}

IRQLine **i8259_init(ISABus *bus, IRQLine *parent_irq, Error **errp)
{
    DeviceState *master, *slave;
    IRQLine **irqs;
    int i;

    master = i8259_create(bus, true, errp);
    if (!master) {
        return NULL;
    }
    i8259_connect_output(master, parent_irq);
    slave = i8259_create(bus, false, errp);
    if (!slave) {
        return NULL;
    }
    i8259_connect_output(slave, i8259_get_irq_in(master, 2));

    irqs = g_new0(IRQLine *, ISA_NUM_IRQS);
    for (i = 0; i < 8; i++) {
        irqs[i] = i8259_get_irq_in(master, i);
        irqs[i + 8] = i8259_get_irq_in(slave, i);
    }
    return irqs;
}

static void pic_info_one(GString *out, PICState *s)
{
    if (!s) {
        return;
    }
    g_string_append_printf(out, "pic%d: irr=%02x imr=%02x isr=%02x "
                           "hprio=%d irq_base=%02x rr_sel=%d elcr=%02x "
                           "fnm=%d\n", s->master ? 0 : 1, s->irr, s->imr,
                           s->isr, s->priority_add, s->irq_base,
                           s->read_reg_select, s->elcr,
                           s->special_fully_nested_mode);
}

void pic_info(GString *out)
{
    pic_info_one(out, slave_pic);
    pic_info_one(out, master_pic);
}

static const Property pic_properties[] = {
    DEFINE_PROP_UINT32("iobase", PICState, iobase, -1),
    DEFINE_PROP_UINT32("elcr_addr", PICState, elcr_addr, -1),
    DEFINE_PROP_UINT8("elcr_mask", PICState, elcr_mask, -1),
    DEFINE_PROP_BOOL("master", PICState, master, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void pic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = pic_realize;
    dc->unrealize = pic_unrealize;
    dc->reset = pic_reset;
    dc->bus_type = TYPE_ISA_BUS;
    dc->user_creatable = false;
    device_class_set_props(dc, pic_properties);
}

static const TypeInfo pic_info_type = {
    .name = TYPE_ISA_I8259,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(PICState),
    .instance_init = pic_instance_init,
    .class_init = pic_class_init,
};

static void pic_register_types(void)
{
    type_register_static(&pic_info_type);
}

type_init(pic_register_types)
