/*
 * The ISA bus ("ISA") and the abstract ISA device ("isa-device"): 16
 * interrupt lines wired by the machine and a port window (the I/O address
 * space) into which devices map their registers.  ISA DMA and ISA memory
 * space are not modelled.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/isa/isa.h"

/*
 * The first ISA bus created; a PC has exactly one.  Kept here rather than
 * searched for, because devices created before the bus is in the tree (and
 * unit tests with a parentless bus) must still find it.
 */
static ISABus *default_isa_bus;

ISABus *isa_bus_new(DeviceState *parent, MemoryRegion *io)
{
    ISABus *bus = ISA_BUS(qbus_new(TYPE_ISA_BUS, parent, "isa.0"));

    bus->address_space_io = io;
    if (!default_isa_bus) {
        default_isa_bus = bus;
    }
    return bus;
}

void isa_bus_set_irqs(ISABus *bus, IRQLine **irqs)
{
    for (int i = 0; i < ISA_NUM_IRQS; i++) {
        bus->irqs[i] = irqs ? irqs[i] : NULL;
    }
}

ISABus *isa_bus_get_default(void)
{
    return default_isa_bus;
}

/* @dev's bus, or the default one for a device realized without a bus. */
static ISABus *isa_device_bus(ISADevice *dev)
{
    BusState *bus = DEVICE(dev)->parent_bus;

    if (bus && object_dynamic_cast(OBJECT(bus), TYPE_ISA_BUS)) {
        return ISA_BUS(bus);
    }
    return default_isa_bus;
}

IRQLine *isa_get_irq(ISADevice *dev, unsigned isairq)
{
    ISABus *bus = isa_device_bus(dev);

    if (isairq >= ISA_NUM_IRQS) {
        qemu_log_mask(LOG_GUEST_ERROR, "isa: invalid ISA IRQ %u\n", isairq);
        return NULL;
    }
    return bus ? bus->irqs[isairq] : NULL;
}

void isa_register_ioport(ISADevice *dev, MemoryRegion *io, uint16_t start)
{
    ISABus *bus = isa_device_bus(dev);
    MemoryRegion *space = bus && bus->address_space_io ?
                          bus->address_space_io : get_system_io();

    memory_region_add_subregion(space, start, io);
}

static void isa_bus_finalize(Object *obj)
{
    if (default_isa_bus == (ISABus *)obj) {
        default_isa_bus = NULL;
    }
}

static void isa_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->bus_type = TYPE_ISA_BUS;
}

static const TypeInfo isa_types[] = {
    {
        .name = TYPE_ISA_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(ISABus),
        .instance_finalize = isa_bus_finalize,
    },
    {
        .name = TYPE_ISA_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(ISADevice),
        .abstract = true,
        .class_init = isa_device_class_init,
    },
};

static void isa_register_types(void)
{
    type_register_static_array(isa_types, ARRAY_SIZE(isa_types));
}

type_init(isa_register_types)
