/* SDL2 window: placeholder until the SDL backend lands. */
#include "qemu/osdep.h"
#include "ui/display.h"

bool qemu_display_sdl_init(const char *name, bool full_screen, Error **errp)
{
    error_setg(errp, "SDL support is disabled");
    return false;
}
