/*
 * Programmable Attribute Map (82441FX datasheet section 3.2.18; Q35 MCH
 * PAM0-PAM6): thirteen segments of 0xc0000-0xfffff, each read and/or
 * written in DRAM or forwarded to the ROM/PCI side.  Firmware (SeaBIOS)
 * uses it to shadow itself: it copies its image into RAM there and then
 * runs from, and writes its variables into, those addresses.
 */
#ifndef HW_PCI_HOST_PAM_H
#define HW_PCI_HOST_PAM_H

#include "qemu/osdep.h"
#include "exec/memory.h"

#define PAM_REGS        7       /* PAM0 (0xf0000 in its high nibble) .. 6 */
#define PAM_SEGMENTS    13

typedef struct PAMState {
    MemoryRegion ram[PAM_SEGMENTS];     /* aliases of RAM, over the ROMs */
    bool ready;
} PAMState;

/* RAM aliases for @ram (offset = address) over @sysmem, all disabled. */
void pam_init(PAMState *p, Object *owner, MemoryRegion *sysmem,
              MemoryRegion *ram);
/* Apply the seven PAM bytes @regs (mode per nibble, 0 = ROM/PCI). */
void pam_update(PAMState *p, const uint8_t *regs);

#endif
