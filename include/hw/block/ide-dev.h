/*
 * IDE buses and drive devices ("ide-hd", "ide-cd"), hw/block/ide-dev.c.
 */
#ifndef HW_BLOCK_IDE_DEV_H
#define HW_BLOCK_IDE_DEV_H

#include "hw/qdev-core.h"
#include "hw/block/ide.h"

#define TYPE_IDE_BUS "IDE"
#define TYPE_IDE_DEVICE "ide-device"

/* The qdev bus over a controller's channel @ide ("ide.0", "ide.1", ...). */
BusState *ide_qbus_new(DeviceState *controller, IDEBus *ide);
/* The same named @name (NULL: QEMU's default) with @max_units units. */
BusState *ide_qbus_new_full(DeviceState *controller, IDEBus *ide,
                            const char *name, int max_units);
/* The pc machine's device for an if=ide drive, on @bus as its unit. */
bool ide_create_drive(BusState *bus, DriveInfo *d, Error **errp);

#endif
