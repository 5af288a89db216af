/*
 * Start-up results other layers read (system/main.c fills them before the
 * machine is built): the chardevs of -serial, the VM name, -nodefaults.
 */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

#include "qemu/osdep.h"

typedef struct Chardev Chardev;

/* COM1..COM4: how many -serial options the pc board can wire. */
#define MAX_SERIAL_PORTS 4

/* Chardev of the i-th -serial (or the default serial), NULL if none. */
Chardev *serial_hd(int i);
/* -name guest=NAME, NULL when unset. */
extern const char *qemu_name;
/* -uuid in lower case, or the all-zero UUID QEMU reports without one. */
extern const char *qemu_uuid;
/* -nodefaults given: the board adds no default devices beyond the fixed platform. */
extern bool qemu_nodefaults;

#endif
