/*
 * The virtio bus ("virtio-bus", abstract): connects a virtio device to
 * the transport proxy that provides the bus (QEMU's hw/virtio/virtio-bus.c
 * in miniature: plugging only).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/virtio/virtio-bus.h"

static VirtioBusState *virtio_device_bus(VirtIODevice *vdev)
{
    BusState *bus = DEVICE(vdev)->parent_bus;

    return bus ? (VirtioBusState *)object_dynamic_cast(OBJECT(bus),
                                                       TYPE_VIRTIO_BUS)
               : NULL;
}

bool virtio_bus_device_plugged(VirtIODevice *vdev, Error **errp)
{
    VirtioBusState *bus = virtio_device_bus(vdev);
    VirtioBusClass *k;

    if (!bus || !BUS(bus)->parent) {
        error_setg(errp, "virtio device '%s' is not on a virtio bus",
                   object_get_typename(OBJECT(vdev)));
        return false;
    }
    k = VIRTIO_BUS_GET_CLASS(bus);
    return !k->device_plugged || k->device_plugged(BUS(bus)->parent, errp);
}

void virtio_bus_device_unplugged(VirtIODevice *vdev)
{
    VirtioBusState *bus = virtio_device_bus(vdev);

    if (bus && BUS(bus)->parent &&
        VIRTIO_BUS_GET_CLASS(bus)->device_unplugged) {
        VIRTIO_BUS_GET_CLASS(bus)->device_unplugged(BUS(bus)->parent);
    }
}

VirtIODevice *virtio_bus_get_device(VirtioBusState *bus)
{
    GList *l = BUS(bus)->children;

    return l ? VIRTIO_DEVICE(l->data) : NULL;
}

static void virtio_bus_class_init(ObjectClass *klass, void *data)
{
    BUS_CLASS(klass)->max_dev = 1;
}

static const TypeInfo virtio_bus_info = {
    .name = TYPE_VIRTIO_BUS,
    .parent = TYPE_BUS,
    .instance_size = sizeof(VirtioBusState),
    .abstract = true,
    .class_size = sizeof(VirtioBusClass),
    .class_init = virtio_bus_class_init,
};

static void virtio_bus_register_types(void)
{
    type_register_static(&virtio_bus_info);
}

type_init(virtio_bus_register_types)
