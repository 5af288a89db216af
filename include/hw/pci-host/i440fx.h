/*
 * The i440FX host bridge of the pc machine: "i440FX-pcihost" (the
 * configuration mechanism #1 ports and the root bus "pci.0") and its PCI
 * function "i440FX" at 00:00.0.
 */
#ifndef HW_PCI_HOST_I440FX_H
#define HW_PCI_HOST_I440FX_H

#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/pam.h"

#define TYPE_I440FX_PCI_HOST_BRIDGE "i440FX-pcihost"
#define TYPE_I440FX_PCI_DEVICE      "i440FX"

#define PCI_HOST_CONFIG_ADDR    0xcf8
#define PCI_HOST_CONFIG_DATA    0xcfc
#define PCI_HOST_CONFIG_ENABLE  0x80000000u

OBJECT_DECLARE_SIMPLE_TYPE(I440FXState, I440FX_PCI_HOST_BRIDGE)

struct I440FXState {
    DeviceState parent_obj;
    PCIBus *bus;
    MemoryRegion pci_mem;       /* "pci": the PCI memory space, below RAM */
    MemoryRegion conf_mem;      /* 0xcf8 CONFIG_ADDRESS */
    MemoryRegion data_mem;      /* 0xcfc CONFIG_DATA */
    uint32_t config_reg;
    /*
     * Byte accesses at 0xcf9 are the PIIX reset control register, not
     * ours: forwarded to this region when the machine sets it.
     */
    MemoryRegion *cf9_passthrough;
    uint64_t pci_hole64_size;
    uint8_t *pam_regs;          /* PAM0-6 in 00:00.0's config space */
    PAMState pam;
};

/*
 * Create and realize the host bridge, its bus "pci.0" (memory BARs in a
 * "pci" container under @sysmem at priority -1, so RAM wins; I/O BARs in
 * @io) and the i440FX function at 00:00.0.  Returns the bus.
 */
PCIBus *i440fx_init(MemoryRegion *sysmem, MemoryRegion *io, Error **errp);
/* Route byte accesses at 0xcf9 to @rcr (the PIIX reset control register). */
/*
 * Shadow RAM for the BIOS areas: the PAM registers switch 0xc0000-0xfffff
 * between @ram (at the same offsets) and the ROMs mapped on @sysmem.
 * For the i440FX and the Q35 host (whose state derives from it).
 */
void i440fx_pam_init(PCIBus *bus, MemoryRegion *sysmem, MemoryRegion *ram);
void i440fx_set_cf9_passthrough(PCIBus *bus, MemoryRegion *rcr);

#endif
