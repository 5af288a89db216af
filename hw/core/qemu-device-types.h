/* QEMU 7.2's device types, for -global (hw/core/qemu-device-types.c). */
#ifndef HW_CORE_QEMU_DEVICE_TYPES_H
#define HW_CORE_QEMU_DEVICE_TYPES_H

/* QEMU has a device type @name (modules excluded). */
bool qemu_device_type_known(const char *name);
/* QEMU warns "global ... not used" for an unused -global of type @name. */
bool qemu_device_type_warns_unused(const char *name);

#endif
