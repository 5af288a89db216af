/*
 * "isa-serial": the 16550A UART (serial.c) on the ISA bus.  COM1-COM4 use
 * the PC's conventional ports and IRQs (0x3f8/4, 0x2f8/3, 0x3e8/4,
 * 0x2e8/3) unless iobase/irq are given.  "wakeup" is accepted but has no
 * effect (no suspend-to-RAM).
 */
#include "qemu/osdep.h"
#include "hw/isa/isa.h"
#include "hw/char/serial.h"

#define MAX_ISA_SERIAL_PORTS 4

OBJECT_DECLARE_SIMPLE_TYPE(ISASerialState, ISA_SERIAL)

struct ISASerialState {
    ISADevice parent_obj;
    uint32_t index;
    uint32_t iobase;
    uint32_t isairq;
    bool wakeup;
    SerialState state;
};

static const uint16_t isa_serial_io[MAX_ISA_SERIAL_PORTS] = {
    0x3f8, 0x2f8, 0x3e8, 0x2e8
};
static const uint8_t isa_serial_irq[MAX_ISA_SERIAL_PORTS] = { 4, 3, 4, 3 };

/* The lowest COM index not taken by another realized isa-serial on @bus. */
static uint32_t isa_serial_free_index(ISASerialState *self, BusState *bus)
{
    unsigned used = 0;

    if (bus) {
        for (GList *l = bus->children; l; l = l->next) {
            Object *obj = l->data;
            ISASerialState *other;

            if (obj == OBJECT(self) ||
                !object_dynamic_cast(obj, TYPE_ISA_SERIAL) ||
                !DEVICE(obj)->realized) {
                continue;
            }
            other = ISA_SERIAL(obj);
            if (other->index < MAX_ISA_SERIAL_PORTS) {
                used |= 1u << other->index;
            }
        }
    }
    for (uint32_t i = 0; i < MAX_ISA_SERIAL_PORTS; i++) {
        if (!(used & (1u << i))) {
            return i;
        }
    }
    return MAX_ISA_SERIAL_PORTS;
}

static void isa_serial_realize(DeviceState *dev, Error **errp)
{
    ISASerialState *isa = ISA_SERIAL(dev);
    SerialState *s = &isa->state;

    if (isa->index == UINT32_MAX) {
        isa->index = isa_serial_free_index(isa, dev->parent_bus);
    }
    if (isa->index >= MAX_ISA_SERIAL_PORTS) {
        error_setg(errp, "Max. supported number of ISA serial ports is %d.",
                   MAX_ISA_SERIAL_PORTS);
        return;
    }
    /* Resolved values are written back, so info qtree shows them (QEMU). */
    if (isa->iobase == UINT32_MAX) {
        isa->iobase = isa_serial_io[isa->index];
    }
    if (isa->isairq == UINT32_MAX) {
        isa->isairq = isa_serial_irq[isa->index];
    }
    if (isa->isairq >= ISA_NUM_IRQS) {
        error_setg(errp, "Maximum value for \"irq\" is: %u",
                   ISA_NUM_IRQS - 1);
        return;
    }
    if (isa->iobase > 0x10000 - 8) {
        error_setg(errp, "isa-serial: iobase 0x%x out of range", isa->iobase);
        return;
    }
    s->irq = isa_get_irq(ISA_DEVICE(dev), isa->isairq);
    if (!serial_realize_core(s, OBJECT(dev), errp)) {
        return;
    }
    isa_register_ioport(ISA_DEVICE(dev), &s->io, isa->iobase);
}

static void isa_serial_unrealize(DeviceState *dev)
{
    serial_unrealize_core(&ISA_SERIAL(dev)->state);
}

static void isa_serial_reset(DeviceState *dev)
{
    serial_reset(&ISA_SERIAL(dev)->state);
}

static const Property isa_serial_properties[] = {
    DEFINE_PROP_UINT32("index", ISASerialState, index, -1),
    DEFINE_PROP_UINT32("iobase", ISASerialState, iobase, -1),
    DEFINE_PROP_UINT32("irq", ISASerialState, isairq, -1),
    DEFINE_PROP_CHR("chardev", ISASerialState, state.chr),
    DEFINE_PROP_UINT32("baudbase", ISASerialState, state.baudbase, 115200),
    DEFINE_PROP_BOOL("wakeup", ISASerialState, wakeup, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void isa_serial_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = isa_serial_realize;
    dc->unrealize = isa_serial_unrealize;
    dc->reset = isa_serial_reset;
    dc->bus_type = TYPE_ISA_BUS;
    set_bit_category(dc, DEVICE_CATEGORY_INPUT);
    device_class_set_props(dc, isa_serial_properties);
}

static const TypeInfo isa_serial_info = {
    .name = TYPE_ISA_SERIAL,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(ISASerialState),
    .class_init = isa_serial_class_init,
};

static void isa_serial_register_types(void)
{
    type_register_static(&isa_serial_info);
}

type_init(isa_serial_register_types)
