/*
 * Start-up results other layers read (include/system/system.h): the
 * serial ports' chardevs, the VM name and -nodefaults.  Written once by
 * start-up before the board is built.
 */
#include "qemu/osdep.h"
#include "system/cmdline.h"
#include "system/system.h"
#include "system/startup.h"

const char *qemu_name;
const char *qemu_uuid = "00000000-0000-0000-0000-000000000000";
bool qemu_nodefaults;

static Chardev *serial_hds[KEMU_MAX_SERIAL];

Chardev *serial_hd(int i)
{
    if (i < 0 || i >= KEMU_MAX_SERIAL) {
        return NULL;
    }
    return serial_hds[i];
}

void serial_hd_set(int i, Chardev *chr)
{
    if (i >= 0 && i < KEMU_MAX_SERIAL) {
        serial_hds[i] = chr;
    }
}

void system_set_globals(const char *name, const char *uuid, bool nodefaults)
{
    qemu_name = name ? g_strdup(name) : NULL;
    if (uuid) {
        qemu_uuid = g_strdup(uuid);
    }
    qemu_nodefaults = nodefaults;
}
