/*
 * -device (and later device_add): create a device from QEMU's option
 * string "driver,prop=value,...,id=ID,bus=BUS", place it in the tree,
 * plug it into a bus and realize it.  One creation path for the command
 * line and the monitor (STYLE.md principle 2).
 */
#ifndef SYSTEM_QDEV_MONITOR_H
#define SYSTEM_QDEV_MONITOR_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/qdev-core.h"

/*
 * Create, configure and realize the device described by @optarg.  The
 * device goes to /machine/peripheral/ID (id=ID) or
 * /machine/peripheral-anon/device[N], on the bus named by bus= or the
 * default bus of its bus type (ISA: isa_bus_get_default()).  Returns the
 * device (owned by the tree) or NULL with errp set in QEMU's words
 * ("'x' is not a valid device model name", "Duplicate ID 'x' for device",
 * "Property 'isa-serial.foo' not found", ...).  BQL held.
 */
DeviceState *qdev_device_add_str(const char *optarg, Error **errp);

/*
 * If @optarg asks for help ("help", "?", "DRIVER,help"), print it to stdout
 * and return 1; return 0 when no help was asked for; -1 with errp set when
 * the driver is unknown.
 */
int qdev_device_help_str(const char *optarg, Error **errp);

#endif
