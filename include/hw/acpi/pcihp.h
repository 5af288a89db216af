/*
 * ACPI PCI hotplug of the pc machine (hw/acpi/pcihp.c): the register
 * block at 0xae00 that QEMU's PIIX4 PM function exposes
 * (docs/specs/acpi_pci_hotplug.rst in QEMU), the GPE0 block at 0xafe0
 * whose bit 1 signals it, and its part of the DSDT.
 */
#ifndef HW_ACPI_PCIHP_H
#define HW_ACPI_PCIHP_H

#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/acpi/aml.h"

#define ACPI_PCIHP_ADDR         0xae00
#define ACPI_PCIHP_SIZE         0x18
#define ACPI_GPE0_ADDR          0xafe0
#define ACPI_GPE0_LEN           4       /* 2 status bytes, 2 enable bytes */
#define ACPI_PCIHP_GPE_BIT      1       /* \_GPE._E01 */

typedef struct AcpiPciHpState AcpiPciHpState;

/**
 * acpi_pcihp_new - hotplug controller of the root bus @bus
 * @owner: the PM device; its regions go into @io
 * @sci_update: called when the GPE status or enable bits change
 * Registers itself as @bus's hotplug handler.
 */
AcpiPciHpState *acpi_pcihp_new(Object *owner, PCIBus *bus, MemoryRegion *io,
                               void (*sci_update)(void *), void *opaque);
void acpi_pcihp_free(AcpiPciHpState *s);
void acpi_pcihp_reset(AcpiPciHpState *s);
/* An enabled GPE0 event is pending (it drives the SCI). */
bool acpi_pcihp_sci_level(AcpiPciHpState *s);

/* Slots of @bus the guest may plug into or eject from (bit = slot). */
uint32_t acpi_pcihp_hotplug_slots(PCIBus *bus);
/*
 * DSDT: Scope(\_SB.PCI0) with the register fields, PCEJ, one Device(Sxx)
 * per slot (_ADR; _SUN and _EJ0 where @slots has its bit), DVNT and PCNT;
 * then \_GPE._E01 calling PCNT.
 */
void acpi_dsdt_pcihp(Aml *a, uint32_t slots);

#endif
