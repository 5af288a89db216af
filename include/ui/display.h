/*
 * Display backends that show the graphic console: VNC (libvncserver) and
 * an SDL2 window.  Called once at start-up by system/; each returns false
 * with @errp set when the backend cannot start (or is not built in).
 */
#ifndef UI_DISPLAY_H
#define UI_DISPLAY_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/* -vnc/-display vnc=: "host:display[,password=on][,to=N][,share=...]". */
bool qemu_display_vnc_init(const char *opts, Error **errp);
/* -display sdl: a window titled after -name. */
bool qemu_display_sdl_init(const char *name, bool full_screen, Error **errp);

#endif
