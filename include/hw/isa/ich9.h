/*
 * The ICH9 LPC bridge of the q35 machine ("ICH9-LPC", 00:1f.0, 8086:2918):
 * the ISA bus "isa.0", the PIRQ A-H routers and the ACPI PM block.
 */
#ifndef HW_ISA_ICH9_H
#define HW_ISA_ICH9_H

#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/isa/isa.h"
#include "hw/acpi/ich9.h"

#define TYPE_ICH9_LPC_DEVICE    "ICH9-LPC"
#define ICH9_LPC_DEVFN          PCI_DEVFN(0x1f, 0)
#define ICH9_NUM_PIRQS          8
/* PIRQ A-H reach IOAPIC inputs 16-23 whatever their ISA routing */
#define ICH9_PIRQ_GSI_BASE      16
#define ICH9_LPC_PMBASE         0x40
#define ICH9_LPC_ACPI_CNTL      0x44
#define ICH9_LPC_ACPI_CNTL_EN   0x80
#define ICH9_LPC_PIRQA_ROUT     0x60    /* A-D */
#define ICH9_LPC_PIRQE_ROUT     0x68    /* E-H */
/* The SMBus controller (hw/isa/ich9-smbus.c) and where SeaBIOS puts it */
#define TYPE_ICH9_SMB           "ICH9-SMB"
#define ICH9_SATA_DEVFN         PCI_DEVFN(0x1f, 2)   /* ich9-ahci */
#define ICH9_SMB_DEVFN          PCI_DEVFN(0x1f, 3)
#define ICH9_SMB_HOSTC          0x40
#define ICH9_SMB_HOSTC_HST_EN   0x01
#define ICH9_SMB_BAR            4
#define ICH9_SMB_IO_BASE        0x700

OBJECT_DECLARE_SIMPLE_TYPE(ICH9LPCState, ICH9_LPC_DEVICE)

struct ICH9LPCState {
    PCIDevice parent_obj;
    ISABus *isa_bus;
    ICH9PMRegs pm;
    IRQLine *gsi[ICH9_NUM_PIRQS];
    bool wired;
    uint8_t pirq_level[ICH9_NUM_PIRQS];
    uint16_t pic_levels;
};

/*
 * Create the LPC function at 00:1f.0 of @bus with its ISA bus (ports in
 * @io) and route @bus's INTx lines through it.
 */
ICH9LPCState *ich9_lpc_init(PCIBus *bus, MemoryRegion *io, Error **errp);
/* Connect the SCI and the PIRQ GSIs once the machine's IRQ lines exist. */
void ich9_lpc_wire(ICH9LPCState *s, IRQLine *sci,
                   IRQLine *const gsi[ICH9_NUM_PIRQS]);
/* PCI slot/pin (0 = INTA) to PIRQ (0 = A), QEMU's q35 default routing. */
int ich9_pirq_of(int slot, int pin);
/* What SeaBIOS writes: PIRQ A-H to @irqs, PMBASE, ACPI enabled. */
void ich9_lpc_firmware_setup(ICH9LPCState *s,
                             const uint8_t irqs[ICH9_NUM_PIRQS]);

#endif
