/* VNC server: placeholder until the libvncserver backend lands. */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "ui/display.h"

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
