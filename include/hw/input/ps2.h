/*
 * PC keyboard scancodes: one key event (QEMU qnum: set 1 make code, +0x80
 * for E0-prefixed keys) as the bytes a PS/2 keyboard sends in scancode
 * set 1 or set 2 (IBM PS/2 technical reference, keyboard scan codes).
 */
#ifndef HW_INPUT_PS2_H
#define HW_INPUT_PS2_H

#include "qemu/osdep.h"

/* qnum of Pause and Print Screen, which have their own sequences. */
#define PS2_QNUM_PAUSE  0xc6
#define PS2_QNUM_PRINT  0xb7

/*
 * Write the bytes for @qnum going down (@down) or up in scancode @set
 * (1 or 2; 3 is sent as 2) to @out (room for 8); returns their number,
 * 0 for an unknown key or Pause going up (Pause has no break code).
 */
int ps2_scancode_bytes(unsigned qnum, bool down, int set, uint8_t *out);

#endif
