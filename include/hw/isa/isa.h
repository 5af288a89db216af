/*
 * The ISA bus: 16 interrupt lines and the I/O port space.  ISA devices get
 * their IRQ line by number (property "irq" usually) and map their port
 * regions with isa_register_ioport().
 */
#ifndef HW_ISA_ISA_H
#define HW_ISA_ISA_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/irq.h"
#include "exec/memory.h"

#define ISA_NUM_IRQS 16

#define TYPE_ISA_BUS "ISA"
#define TYPE_ISA_DEVICE "isa-device"

OBJECT_DECLARE_SIMPLE_TYPE(ISABus, ISA_BUS)
OBJECT_DECLARE_SIMPLE_TYPE(ISADevice, ISA_DEVICE)

struct ISABus {
    BusState parent_obj;
    MemoryRegion *address_space_io;
    IRQLine *irqs[ISA_NUM_IRQS];
};

struct ISADevice {
    DeviceState parent_obj;
};

/* Create the ISA bus provided by @parent (NULL: the machine's root), mapping ports in @io. */
ISABus *isa_bus_new(DeviceState *parent, MemoryRegion *io);
/* Wire the 16 ISA lines (e.g. to PIC+IOAPIC, or to KVM's GSIs). */
void isa_bus_set_irqs(ISABus *bus, IRQLine **irqs);
/* The first (only) ISA bus, or NULL. */
ISABus *isa_bus_get_default(void);
/* Line @isairq (0..15) of the device's bus; NULL (logged) when out of range. */
IRQLine *isa_get_irq(ISADevice *dev, unsigned isairq);
/* Map @io at port @start of the bus's I/O space. */
void isa_register_ioport(ISADevice *dev, MemoryRegion *io, uint16_t start);

#endif
