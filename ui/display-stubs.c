/*
 * Backends left out of this build (meson -Dvnc=disabled, -Dsdl=disabled,
 * or their libraries missing): asking for them is an error.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qapi/qapi-commands.h"
#include "ui/display.h"

#ifndef CONFIG_VNC
bool qemu_display_vnc_init(const char *opts, Error **errp)
{
    error_setg(errp, "VNC support is disabled");
    return false;
}

VncInfo *qmp_query_vnc(Error **errp)
{
    VncInfo *info = g_new0(VncInfo, 1);

    info->enabled = false;
    return info;
}

void qmp_change_vnc_password(const char *password, Error **errp)
{
    error_setg(errp, "Could not set password");
}
#endif

#ifndef CONFIG_SDL
bool qemu_display_sdl_init(const char *name, bool full_screen, Error **errp)
{
    error_setg(errp, "SDL support is disabled");
    return false;
}
#endif
