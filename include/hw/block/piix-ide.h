/*
 * The pc machine's PIIX3 IDE function (00:01.1), with the -drive if=ide
 * drives attached to its two channels.
 */
#ifndef HW_BLOCK_PIIX_IDE_H
#define HW_BLOCK_PIIX_IDE_H

#include "hw/pci/pci.h"

PCIDevice *piix3_ide_init(PCIBus *bus, Error **errp);
/* A virtio-blk-pci per if=virtio drive, in drive order (the boards'
 * init_late, after the default VGA and the NICs, as QEMU places them). */
bool pc_init_virtio_drives(PCIBus *bus, Error **errp);

#endif
