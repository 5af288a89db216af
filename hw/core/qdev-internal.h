/*
 * Glue between the files of hw/core: device creation hooks implemented by
 * the property code, bus bookkeeping used by the device code.
 */
#ifndef HW_CORE_QDEV_INTERNAL_H
#define HW_CORE_QDEV_INTERNAL_H

#include "hw/qdev-core.h"

/* Store each static property's default in a new device (instance_init). */
void qdev_prop_set_defaults(DeviceState *dev);
/*
 * Apply matching -global entries to a new device.  A failure is kept and
 * reported by the device's realize, as QEMU reports it at -device time.
 */
void qdev_prop_apply_globals(DeviceState *dev);
/* False with errp set when a -global failed on @dev (consumes the error). */
bool qdev_prop_take_global_error(DeviceState *dev, Error **errp);
void qdev_prop_drop_global_error(DeviceState *dev);

/* Remove @dev from its bus (dropping the bus's reference). */
void qdev_unplug_from_bus(DeviceState *dev);

#endif
