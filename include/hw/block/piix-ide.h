/*
 * The pc machine's PIIX3 IDE function (00:01.1), with the -drive if=ide
 * drives attached to its two channels.
 */
#ifndef HW_BLOCK_PIIX_IDE_H
#define HW_BLOCK_PIIX_IDE_H

#include "hw/pci/pci.h"

PCIDevice *piix3_ide_init(PCIBus *bus, Error **errp);
/* The pc machine's disk controllers: PIIX3 IDE and a virtio-blk-pci per
 * if=virtio drive (hw/block/pc-drives.c). */
bool pc_init_drives(PCIBus *bus, Error **errp);
/* Only the virtio-blk-pci devices of the if=virtio drives (q35). */
bool pc_init_virtio_drives(PCIBus *bus, Error **errp);

#endif
