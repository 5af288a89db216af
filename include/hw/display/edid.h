/*
 * A VESA EDID 1.4 base block describing a virtual monitor whose preferred
 * mode is the given resolution (60 Hz, CVT reduced blanking), for
 * display devices that offer EDID to the guest (the PCI VGA's MMIO BAR).
 */
#ifndef HW_DISPLAY_EDID_H
#define HW_DISPLAY_EDID_H

#include "qemu/osdep.h"

#define EDID_BLOCK_SIZE 128

/* Fill @edid (EDID_BLOCK_SIZE bytes) for a @xres x @yres monitor. */
void edid_generate(uint8_t *edid, uint32_t xres, uint32_t yres);

#endif
