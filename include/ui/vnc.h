/*
 * Inside the VNC server (ui/vnc*.c): keysym translation.
 */
#ifndef UI_VNC_H
#define UI_VNC_H

#include "qemu/osdep.h"
#include "qapi/qapi-types.h"

/* An X11 keysym as a key of a US PC keyboard; UNMAPPED if none. */
QKeyCode vnc_keysym_to_qcode(uint32_t keysym);

#endif
