/*
 * The boards' if=virtio drives, as QEMU creates them: one virtio-blk-pci
 * per drive, in drive order, in the first free slots after the default
 * VGA and the NICs.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/block/piix-ide.h"
#include "block/blockdev.h"

bool pc_init_virtio_drives(PCIBus *bus, Error **errp)
{
    for (GList *l = drive_list(); l; l = l->next) {
        DriveInfo *d = l->data;
        if (d->type != IF_VIRTIO || !d->blk) {
            continue;
        }
        DeviceState *dev = qdev_new("virtio-blk-pci");
        /* QEMU adds a -device for the drive: /machine/peripheral-anon. */
        if (!qdev_set_id(dev, NULL, errp) ||
            !object_property_set_str(OBJECT(dev), "drive", d->id, errp) ||
            !qdev_realize_and_unref(dev, BUS(bus), errp)) {
            object_unparent(OBJECT(dev));
            return false;
        }
    }
    return true;
}
