/*
 * "port92": PS/2 System Control Port A (fast A20 gate and fast reset).
 */
#ifndef HW_MISC_PORT92_H
#define HW_MISC_PORT92_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/irq.h"

#define TYPE_PORT92 "port92"

/*
 * Connect the A20 gate output (bit 1 of the port) to @a20; optional, A20
 * masking is not modelled by kemu's memory system.
 */
void port92_set_a20_line(DeviceState *dev, IRQLine *a20);

#endif
