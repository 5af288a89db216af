/*
 * The Q35 host bridge of the q35 machine: "q35-pcihost" (configuration
 * mechanism #1 as on the i440FX, plus the PCI Express enhanced
 * configuration window, ECAM/MMCONFIG) and its PCI function "mch", the
 * 82G33/P35 DRAM controller at 00:00.0.
 */
#ifndef HW_PCI_HOST_Q35_H
#define HW_PCI_HOST_Q35_H

#include "qemu/osdep.h"
#include "hw/pci-host/i440fx.h"

#define TYPE_Q35_HOST_DEVICE        "q35-pcihost"
#define TYPE_MCH_PCI_DEVICE         "mch"

#define PCI_DEVICE_ID_INTEL_Q35_MCH 0x29c0
/* QEMU's (and SeaBIOS's) ECAM window: 256 buses, 256 MiB */
#define MCH_PCIEXBAR_DEFAULT        0xb0000000ULL
#define MCH_PCIEXBAR_SIZE           (256 * MiB)
#define MCH_PCIEXBAR                0x60    /* 64-bit register */
#define MCH_PCIEXBAR_EN             1ULL
#define Q35_PCI_HOLE64_SIZE         (32 * GiB)

OBJECT_DECLARE_SIMPLE_TYPE(Q35PCIHost, Q35_HOST_DEVICE)

struct Q35PCIHost {
    I440FXState parent_obj;     /* 0xcf8/0xcfc, "pci", "pci.0" */
    MemoryRegion mmcfg;         /* "pcie-mmcfg-mmio", mapped by PCIEXBAR */
    bool mmcfg_mapped;
};

/*
 * Create the host bridge, its bus "pci.0" (as i440fx_init) and the MCH
 * function at 00:00.0.  Returns the bus.
 */
PCIBus *q35_host_init(MemoryRegion *sysmem, MemoryRegion *io, Error **errp);
/* What SeaBIOS does: PCIEXBAR = @base, 256 buses, enabled. */
void q35_host_set_pciexbar(PCIBus *bus, uint64_t base);

#endif
