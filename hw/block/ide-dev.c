/*
 * IDE drives as devices, as QEMU models them: the controller provides
 * two buses of type "IDE" (ide.0, ide.1), and an "ide-hd" or "ide-cd"
 * device plugs into one as unit 0 (master) or 1 (slave) with its drive.
 * `-device ide-hd,drive=X,bus=ide.0,unit=1` and the pc machine's if=ide
 * drives (one device each) both come through here; errors are QEMU 7.2's.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-events.h"
#include "hw/qdev-core.h"
#include "hw/block/ide.h"
#include "hw/block/ide-dev.h"
#include "block/blockdev.h"

#define TYPE_IDE_QBUS TYPE_IDE_BUS
OBJECT_DECLARE_SIMPLE_TYPE(IDEQBus, IDE_QBUS)

struct IDEQBus {
    BusState parent_obj;
    IDEBus *ide;
    int max_units;              /* 2 on PATA, 1 on an AHCI port */
};

typedef struct IDEDevice {
    DeviceState parent_obj;
    char *drive;                 /* property: drive id or node name */
    char *serial;
    char *model;
    uint32_t unit;               /* property: 0, 1, or -1 for the first free */
    int32_t bootindex;           /* accepted; the boot order is the BIOS's */
    BlockBackend *blk;
    DriveInfo *dinfo;
    bool own_blk;                /* we made the backend (a -blockdev node) */
    IDEState *state;
} IDEDevice;

#define IDE_DEVICE(obj) OBJECT_CHECK(IDEDevice, (obj), TYPE_IDE_DEVICE)

BusState *ide_qbus_new_full(DeviceState *controller, IDEBus *ide,
                            const char *name, int max_units)
{
    IDEQBus *qb = IDE_QBUS(qbus_new(TYPE_IDE_BUS, controller, name));

    qb->ide = ide;
    qb->max_units = max_units;
    return BUS(qb);
}

BusState *ide_qbus_new(DeviceState *controller, IDEBus *ide)
{
    return ide_qbus_new_full(controller, ide, NULL, 2);
}

/* eject / change on a CD-ROM drive: the guest sees a new medium. */
static void ide_dev_media_changed(void *opaque, BlockBackend *blk)
{
    IDEState *s = opaque;

    s->blk = blk;
    ide_drive_update_size(s);
    s->media_changed = true;
}

static void ide_dev_tray_moved(void *opaque, bool open)
{
    IDEState *s = opaque;

    qapi_event_send_device_tray_moved(s->dinfo->id, s->dinfo->qdev, open);
}

static void ide_dev_realize(DeviceState *dev, Error **errp)
{
    IDEDevice *d = IDE_DEVICE(dev);
    IDEQBus *qb = IDE_QBUS(dev->parent_bus);
    IDEBus *bus = qb->ide;
    bool cdrom = object_dynamic_cast(OBJECT(dev), "ide-cd") != NULL;
    int unit = d->unit;

    if (unit == -1) {
        unit = bus->ifs[0].present ? 1 : 0;
    }
    if (unit >= qb->max_units) {
        error_setg(errp, "Can't create IDE unit %d, bus supports only %d "
                   "units", unit, qb->max_units);
        return;
    }
    if (bus->ifs[unit].present) {
        error_setg(errp, "IDE unit %d is in use", unit);
        return;
    }
    if (!d->drive && !cdrom) {
        error_setg(errp, "No drive specified");
        return;
    }
    if (d->drive) {
        d->blk = blockdev_get_backend(d->drive, &d->dinfo);
        if (!d->blk && !d->dinfo) {
            error_setg(errp, "Property '%s.drive' can't find value '%s'",
                       object_get_typename(OBJECT(dev)), d->drive);
            return;
        }
        if (d->dinfo && d->dinfo->claimed) {
            error_setg(errp, "Drive '%s' is already in use by another "
                       "device", d->drive);
            d->blk = NULL;
            d->dinfo = NULL;
            return;
        }
        d->own_blk = !d->dinfo;
        if (!cdrom && !d->blk) {
            error_setg(errp, "Device needs media, but drive is empty");
            return;
        }
        if (!cdrom && blk_is_read_only(d->blk)) {
            error_setg(errp, "Block node is read-only");
            if (d->own_blk) {
                blk_unref(d->blk);
            }
            d->blk = NULL;
            d->dinfo = NULL;
            return;
        }
    }
    if (cdrom && !d->drive) {
        d->dinfo = drive_new_anonymous();
    }
    d->state = &bus->ifs[unit];
    d->unit = unit;
    ide_drive_attach(bus, unit, d->blk, cdrom,
                     d->serial ? d->serial
                               : d->dinfo ? d->dinfo->serial : NULL);
    if (d->model) {
        g_strlcpy(d->state->model, d->model, sizeof(d->state->model));
    }
    d->state->dinfo = d->dinfo;
    if (d->dinfo) {
        d->dinfo->claimed = true;
        d->dinfo->media_changed = ide_dev_media_changed;
        d->dinfo->tray_moved = ide_dev_tray_moved;
        d->dinfo->media_opaque = d->state;
        g_free(d->dinfo->qdev);
        /* QEMU's blk_get_attached_dev_id: the device's id, else its path. */
        d->dinfo->qdev = dev->id ? g_strdup(dev->id)
                                 : object_get_canonical_path(OBJECT(dev));
        d->dinfo->dev_removable = cdrom;
    }
}

static const Property ide_dev_properties[] = {
    DEFINE_PROP_STRING("drive", IDEDevice, drive),
    DEFINE_PROP_STRING("serial", IDEDevice, serial),
    DEFINE_PROP_STRING("model", IDEDevice, model),
    DEFINE_PROP_UINT32("unit", IDEDevice, unit, -1),
    DEFINE_PROP_INT32("bootindex", IDEDevice, bootindex, -1),
    DEFINE_PROP_END_OF_LIST(),
};

static void ide_dev_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = ide_dev_realize;
    dc->bus_type = TYPE_IDE_BUS;
    set_bit_category(dc, DEVICE_CATEGORY_STORAGE);
    device_class_set_props(dc, ide_dev_properties);
}

static void ide_hd_class_init(ObjectClass *klass, void *data)
{
    DEVICE_CLASS(klass)->desc = "virtual IDE disk";
}

static void ide_cd_class_init(ObjectClass *klass, void *data)
{
    DEVICE_CLASS(klass)->desc = "virtual IDE CD-ROM";
}

static void ide_qbus_class_init(ObjectClass *klass, void *data)
{
    BUS_CLASS(klass)->max_dev = 2;
}

static const TypeInfo ide_types[] = {
    {
        .name = TYPE_IDE_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(IDEQBus),
        .class_init = ide_qbus_class_init,
    }, {
        .name = TYPE_IDE_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(IDEDevice),
        .abstract = true,
        .class_init = ide_dev_class_init,
    }, {
        .name = "ide-hd",
        .parent = TYPE_IDE_DEVICE,
        .class_init = ide_hd_class_init,
    }, {
        .name = "ide-cd",
        .parent = TYPE_IDE_DEVICE,
        .class_init = ide_cd_class_init,
    },
};

static void ide_dev_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(ide_types); i++) {
        type_register_static(&ide_types[i]);
    }
}

type_init(ide_dev_register_types)

bool ide_create_drive(BusState *bus, DriveInfo *d, Error **errp)
{
    DeviceState *dev = qdev_new(d->is_cdrom ? "ide-cd" : "ide-hd");

    if (!object_property_set_str(OBJECT(dev), "drive", d->id, errp) ||
        !object_property_set_uint(OBJECT(dev), "unit", d->unit, errp) ||
        !qdev_realize_and_unref(dev, bus, errp)) {
        object_unparent(OBJECT(dev));
        return false;
    }
    return true;
}
