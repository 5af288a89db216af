/*
 * I/O APIC (82093AA, "ioapic") at 0xfec00000 with 24 pins: the userspace
 * model used with the software CPU.  ISA IRQ n arrives on pin n, except
 * IRQ0 (PIT) which arrives on pin 2, as the MP/ACPI interrupt source
 * override that Linux expects says.
 */
#ifndef HW_INTC_IOAPIC_H
#define HW_INTC_IOAPIC_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/irq.h"

#define TYPE_IOAPIC "ioapic"
#define IOAPIC_NUM_PINS 24
#define IOAPIC_DEFAULT_ADDRESS 0xfec00000

/**
 * ioapic_init - create, realize and map the IOAPIC at @base in system memory
 *
 * Returns the device or NULL with @errp set.  Caller holds the BQL.
 */
DeviceState *ioapic_init(hwaddr base, Error **errp);
/* Input @n (0..23); input 0 is routed to pin 2 (ISA IRQ0 override). */
IRQLine *ioapic_get_irq_in(DeviceState *ioapic, int n);
/*
 * The local APIC accepted an EOI for level-triggered @vector: clear Remote
 * IRR of the matching entries and re-deliver those whose line is still
 * high.  No-op without an IOAPIC.  BQL held.
 */
void ioapic_eoi_broadcast(int vector);
/* `info pic` text of the IOAPIC, QEMU's format. */
void ioapic_info(GString *out);

#endif
