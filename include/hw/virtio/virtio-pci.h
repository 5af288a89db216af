/*
 * virtio over PCI (virtio 1.2 section 4.1): the proxy PCI function
 * "virtio-pci" (abstract) that a concrete type such as "virtio-blk-pci"
 * extends.  The concrete type names its virtio device type; the proxy
 * creates it as child "virtio-backend" on its virtio bus and forwards the
 * device's properties, so `-device virtio-blk-pci,drive=d0` works as in
 * QEMU.  Modern (1.x capabilities in a 64-bit memory BAR) and legacy
 * (I/O BAR) interfaces; disable-legacy=auto means transitional on PCI.
 */
#ifndef HW_VIRTIO_VIRTIO_PCI_H
#define HW_VIRTIO_VIRTIO_PCI_H

#include "hw/pci/pci.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-bus.h"

#define TYPE_VIRTIO_PCI     "virtio-pci"
#define TYPE_VIRTIO_PCI_BUS "virtio-pci-bus"
/* "vectors" not given: the device's default (QEMU's DEV_NVECTORS_UNSPECIFIED) */
#define VIRTIO_PCI_NVECTORS_UNSPECIFIED UINT32_MAX

OBJECT_DECLARE_TYPE(VirtIOPCIProxy, VirtioPCIClass, VIRTIO_PCI)

/* Modern queue registers, staged until the driver sets queue_enable. */
typedef struct VirtIOPCIQueue {
    uint16_t num;
    bool enabled;
    uint32_t desc[2], avail[2], used[2];
} VirtIOPCIQueue;

struct VirtIOPCIProxy {
    PCIDevice pci_dev;
    VirtioBusState *bus;
    VirtIODevice *vdev;         /* child "virtio-backend" */
    MemoryRegion modern_bar;    /* BAR4: common, isr, device, notify */
    MemoryRegion common, isr, device, notify;
    MemoryRegion legacy_io;     /* BAR0 when legacy is on */
    /* properties */
    uint32_t nvectors;          /* "vectors" (MSI-X), 0: no MSI-X, -1: 2 */
    OnOffAuto disable_legacy;
    bool disable_modern;
    /* modern common-config state */
    uint32_t dfselect, gfselect;
    uint32_t guest_features[2];
    VirtIOPCIQueue vqs[VIRTIO_QUEUE_MAX];
    bool legacy;                /* the legacy I/O BAR exists */
};

struct VirtioPCIClass {
    PCIDeviceClass parent_class;
    /* set by virtio_pci_types_register() */
    const char *vdev_type;
    void (*instance_init)(Object *obj);
    void (*realize)(VirtIOPCIProxy *proxy, Error **errp);
};

/*
 * A concrete proxy type.  @instance_init runs after the device child is
 * created (it may set proxy->nvectors, e.g. queues + 1, as the default
 * of "vectors"; left alone, an unspecified count becomes 2);
 * @class_init after the proxy's (it sets PCIDeviceClass.class_id);
 * @realize before the device is realized, with the properties set (it
 * may choose the default "vectors" from them, as virtio-net's 2N+2).
 */
typedef struct VirtioPCIDeviceTypeInfo {
    const char *generic_name;   /* "virtio-rng-pci" */
    const char *vdev_type;      /* "virtio-rng-device" */
    size_t instance_size;       /* 0: sizeof(VirtIOPCIProxy) */
    void (*instance_init)(Object *obj);
    void (*class_init)(ObjectClass *klass, void *data);
    void (*realize)(VirtIOPCIProxy *proxy, Error **errp);
} VirtioPCIDeviceTypeInfo;

void virtio_pci_types_register(const VirtioPCIDeviceTypeInfo *t);

#endif
