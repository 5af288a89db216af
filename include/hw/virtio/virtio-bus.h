/*
 * The virtio bus: one virtio device on its transport proxy.  The proxy
 * (virtio-pci) provides the bus and learns through device_plugged() that
 * the device is realized, so it can size its BARs and IDs from it.
 */
#ifndef HW_VIRTIO_VIRTIO_BUS_H
#define HW_VIRTIO_VIRTIO_BUS_H

#include "hw/virtio/virtio.h"

OBJECT_DECLARE_TYPE(VirtioBusState, VirtioBusClass, VIRTIO_BUS)

struct VirtioBusClass {
    BusClass parent_class;
    /* The device on the bus was realized: set up the transport. */
    bool (*device_plugged)(DeviceState *proxy, Error **errp);
    void (*device_unplugged)(DeviceState *proxy);
};

struct VirtioBusState {
    BusState parent_obj;
};

/* From the device's realize/unrealize (hw/virtio/virtio.c). */
bool virtio_bus_device_plugged(VirtIODevice *vdev, Error **errp);
void virtio_bus_device_unplugged(VirtIODevice *vdev);
/* The device on @bus, or NULL. */
VirtIODevice *virtio_bus_get_device(VirtioBusState *bus);

#endif
