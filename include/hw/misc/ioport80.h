/*
 * PC legacy port sinks that the machine maps but no one owns as a device.
 */
#ifndef HW_MISC_IOPORT80_H
#define HW_MISC_IOPORT80_H

#include "qemu/osdep.h"
#include "hw/isa/isa.h"

/**
 * isa_create_port80: map the POST/delay port 0x80 ("ioport80") on @bus
 * @bus: the ISA bus whose I/O space receives the region
 *
 * Writes are ignored (BIOS POST codes, Linux's I/O delay); reads return
 * all-ones, as in QEMU.  The region lives as long as the process.
 */
void isa_create_port80(ISABus *bus);

#endif
