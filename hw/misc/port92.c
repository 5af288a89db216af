/*
 * "port92": System Control Port A at 0x92 (IBM PS/2 technical reference):
 * bit 0 pulses a fast reset on a 0->1 transition, bit 1 drives the A20
 * gate.  The A20 line is an output only: address wrap at 1 MiB is not
 * modelled by the memory system.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/isa/isa.h"
#include "hw/misc/port92.h"
#include "system/runstate.h"

#define PORT92_RESET    0x01
#define PORT92_A20      0x02

OBJECT_DECLARE_SIMPLE_TYPE(Port92State, PORT92)

struct Port92State {
    ISADevice parent_obj;
    uint8_t outport;
    IRQLine *a20_out;
    MemoryRegion io;
};

static uint64_t port92_read(void *opaque, hwaddr addr, unsigned size)
{
    Port92State *s = opaque;

    return s->outport;
}

static void port92_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    Port92State *s = opaque;
    uint8_t old = s->outport;

    s->outport = val;
    irq_set(s->a20_out, !!(val & PORT92_A20));
    if ((val & PORT92_RESET) && !(old & PORT92_RESET)) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 1,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 1,
    },
};

void port92_set_a20_line(DeviceState *dev, IRQLine *a20)
{
    PORT92(dev)->a20_out = a20;
}

static void port92_reset(DeviceState *dev)
{
    Port92State *s = PORT92(dev);

    /* The reset bit reads back as 0 after reset; A20 keeps its state. */
    s->outport &= ~PORT92_RESET;
}

static void port92_realize(DeviceState *dev, Error **errp)
{
    Port92State *s = PORT92(dev);

    memory_region_init_io(&s->io, OBJECT(dev), &port92_ops, s, "port92", 1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, 0x92);
}

static void port92_unrealize(DeviceState *dev)
{
    memory_region_destroy(&PORT92(dev)->io);
}

static void port92_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = port92_realize;
    dc->unrealize = port92_unrealize;
    dc->reset = port92_reset;
    dc->bus_type = TYPE_ISA_BUS;
    /* Part of the chipset; the pc machine creates it. */
    dc->user_creatable = false;
}

static const TypeInfo port92_info = {
    .name = TYPE_PORT92,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(Port92State),
    .class_init = port92_class_init,
};

static void port92_register_types(void)
{
    type_register_static(&port92_info);
}

type_init(port92_register_types)
