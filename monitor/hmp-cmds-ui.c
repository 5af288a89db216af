/*
 * HMP commands of the display and input (ui/): thin printers over the QMP
 * commands, with QEMU 7.2's texts.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "monitor/hmp-internal.h"

void hmp_screendump(Monitor *mon, const HMPArgs *args)
{
    const char *format = hmp_arg_str(args, "format");
    Error *err = NULL;
    int fmt = IMAGE_FORMAT_PPM;

    if (format) {
        fmt = ImageFormat_lookup(format);
        if (fmt < 0) {
            error_setg(&err, "invalid parameter value: %s", format);
            hmp_handle_error(mon, err);
            return;
        }
    }
    qmp_screendump(hmp_arg_str(args, "filename"),
                   hmp_arg_has(args, "device"), hmp_arg_str(args, "device"),
                   hmp_arg_has(args, "head"), hmp_arg_int(args, "head", 0),
                   format != NULL, fmt, &err);
    hmp_handle_error(mon, err);
}
