/*
 * The PIIX3 PCI-to-ISA bridge (00:01.0, "PIIX3"): the ISA bus of the pc
 * machine hangs off it, and its PIRQ route control registers steer PCI
 * INTA#-INTD# to ISA interrupts.  Also the reset control register at
 * 0xcf9 (hw/isa/piix-reset-control.c).
 */
#ifndef HW_ISA_PIIX_H
#define HW_ISA_PIIX_H

#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/isa/isa.h"

#define TYPE_PIIX3_DEVICE   "PIIX3"

#define PIIX_PIRQCA         0x60    /* PIRQRC[A:D], 4 registers */
#define PIIX_NUM_PIRQS      4
#define PIIX_PIRQ_DISABLE   0x80    /* IRQEN# */

OBJECT_DECLARE_SIMPLE_TYPE(PIIX3State, PIIX3_DEVICE)

struct PIIX3State {
    PCIDevice parent_obj;
    ISABus *isa_bus;
    /* PIRQ levels; ISA IRQs driven high by the router (bitmap) */
    uint8_t pirq_level[PIIX_NUM_PIRQS];
    uint16_t pic_levels;
};

/*
 * Create PIIX3 at 00:01.0 of @bus with its ISA bus "isa.0" (ports in @io)
 * and route @bus's INTx lines through it.  The ISA interrupt lines are
 * wired later with isa_bus_set_irqs().
 */
PIIX3State *piix3_init(PCIBus *bus, MemoryRegion *io, Error **errp);
/* What firmware would write to PIRQRC[A:D] (SeaBIOS: 10, 10, 11, 11). */
void piix3_set_pirq_routing(PIIX3State *s, const uint8_t irqs[4]);
/* PCI slot/pin to PIRQ: QEMU's (and SeaBIOS's) (slot - 1 + pin) & 3. */
int piix3_pirq_of(int slot, int pin);

/* The 0xcf9 register, which the host bridge's 0xcf8 dword window overlaps. */
MemoryRegion *piix_reset_control_region(DeviceState *dev);

#endif
