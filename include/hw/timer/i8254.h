/*
 * Intel 8254 programmable interval timer ("isa-pit", ports 0x40-0x43).
 * Channel 0 drives ISA IRQ0; channel 2's gate and output are reached
 * through port 0x61 (the PC speaker/NMI status port, "isa-pcspk").
 */
#ifndef HW_TIMER_I8254_H
#define HW_TIMER_I8254_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/irq.h"
#include "hw/isa/isa.h"

#define TYPE_I8254 "isa-pit"
#define TYPE_PCSPK "isa-pcspk"

/* Input clock of the PC's 8254, in Hz. */
#define PIT_FREQ 1193182

/**
 * i8254_pit_init - create and realize the PIT on @bus at port @base
 * @irq: line driven by channel 0's OUT (ISA IRQ0); may be NULL
 *
 * Returns the device or NULL with @errp set.  Caller holds the BQL.
 */
DeviceState *i8254_pit_init(ISABus *bus, int base, IRQLine *irq,
                            Error **errp);
/* Connect channel 0's output (before or after realize). */
void pit_connect_irq(DeviceState *pit, IRQLine *irq);
/* Drive the GATE input of @channel (0..2); port 0x61 bit 0 for channel 2. */
void pit_set_gate(DeviceState *pit, int channel, int val);
/* Current level of OUT of @channel (port 0x61 bit 5 for channel 2). */
int pit_get_out(DeviceState *pit, int channel);

/* Port 0x61 on @bus, wired to @pit's channel 2 (NULL: no PIT, e.g. KVM). */
DeviceState *pcspk_init(ISABus *bus, DeviceState *pit, Error **errp);

#endif
