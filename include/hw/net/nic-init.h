/*
 * The NICs of -nic and -net nic, created by the board (QEMU's
 * pci_nic_init_nofail): one device per request, peered with its netdev.
 */
#ifndef HW_NET_NIC_INIT_H
#define HW_NET_NIC_INIT_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/*
 * Create every requested NIC on the PCI bus (@default_model when the
 * request names none; "virtio" means virtio-net-pci).  model=help prints
 * the supported models and exits.  Errors as QEMU: "Unsupported NIC
 * model: xx".
 */
bool pc_init_nics(const char *default_model, Error **errp);

#endif
