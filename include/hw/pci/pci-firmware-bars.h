/* BAR placement for boots without firmware (hw/pci/pci-firmware-bars.c). */
#ifndef HW_PCI_FIRMWARE_BARS_H
#define HW_PCI_FIRMWARE_BARS_H

#include "hw/pci/pci.h"

/*
 * Assign the BARs of @bus where SeaBIOS puts them on QEMU's pc machine and
 * enable I/O and memory decoding, as the firmware would before -kernel.
 */
void pci_bus_firmware_assign_bars(PCIBus *bus);

#endif
