/*
 * HMP commands of the display and input (ui/): thin printers over the QMP
 * commands, with QEMU 7.2's texts.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "monitor/hmp-internal.h"
#include "ui/input.h"

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

/* "ctrl-alt-delete", "0x1d-0x38-0xd3": QKeyCode names or qnum numbers. */
void hmp_sendkey(Monitor *mon, const HMPArgs *args)
{
    const char *keys = hmp_arg_str(args, "keys");
    int64_t hold = hmp_arg_int(args, "hold-time", 100);
    g_auto(GStrv) names = g_strsplit(keys, "-", -1);
    g_autofree QKeyCode *codes = g_new0(QKeyCode, g_strv_length(names) + 1);
    int n = 0;

    for (int i = 0; names[i]; i++) {
        const char *k = names[i];
        int q;

        if (g_str_has_prefix(k, "0x")) {
            char *end;
            unsigned long num = strtoul(k, &end, 16);

            q = *end || num > 0xff ? -1 :
                (int)qemu_input_key_number_to_qcode(num);
        } else {
            q = QKeyCode_lookup(k);
        }
        if (q <= 0) {
            monitor_printf(mon, "invalid parameter: %s\n", k);
            return;
        }
        codes[n++] = q;
    }
    qemu_input_send_keys(codes, n, hold);
}

void hmp_mouse_move(Monitor *mon, const HMPArgs *args)
{
    const char *dz = hmp_arg_str(args, "dz_str");

    qemu_input_queue_rel(INPUT_AXIS_X,
                         strtol(hmp_arg_str(args, "dx_str"), NULL, 0));
    qemu_input_queue_rel(INPUT_AXIS_Y,
                         strtol(hmp_arg_str(args, "dy_str"), NULL, 0));
    if (dz) {
        qemu_input_queue_wheel(strtol(dz, NULL, 0));
    }
    qemu_input_event_sync();
}

/* QEMU's mouse event bits: 1 left, 2 right, 4 middle (the help text says M, R). */
void hmp_mouse_button(Monitor *mon, const HMPArgs *args)
{
    int64_t state = hmp_arg_int(args, "button_state", 0);

    qemu_input_queue_btn(INPUT_BUTTON_LEFT, state & 1);
    qemu_input_queue_btn(INPUT_BUTTON_RIGHT, state & 2);
    qemu_input_queue_btn(INPUT_BUTTON_MIDDLE, state & 4);
    qemu_input_event_sync();
}

void hmp_info_vnc(Monitor *mon, const HMPArgs *args)
{
    VncInfo *info = qmp_query_vnc(NULL);

    if (!info->enabled) {
        monitor_printf(mon, "None\n");
        qapi_free_VncInfo(info);
        return;
    }
    monitor_printf(mon, "default:\n");
    monitor_printf(mon, "  Server: %s:%s (%s)\n", info->host, info->service,
                   NetworkAddressFamily_str(info->family));
    monitor_printf(mon, "    Auth: %s (Sub: none)\n", info->auth);
    for (VncClientInfoList *l = info->clients; l; l = l->next) {
        monitor_printf(mon, "  Client: %s:%s (%s)\n", l->value->host,
                       l->value->service,
                       NetworkAddressFamily_str(l->value->family));
        monitor_printf(mon, "    x509_dname: none\n");
        monitor_printf(mon, "    sasl_username: none\n");
    }
    qapi_free_VncInfo(info);
}

void hmp_set_password(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    if (strcmp(hmp_arg_str(args, "protocol"), "vnc")) {
        error_setg(&err, "Parameter 'protocol' does not accept value '%s'",
                   hmp_arg_str(args, "protocol"));
    } else {
        qmp_change_vnc_password(hmp_arg_str(args, "password"), &err);
    }
    hmp_handle_error(mon, err);
}

/* "change vnc password PW"; hmp_change() hands "vnc" over to this. */
void hmp_change_vnc(Monitor *mon, const HMPArgs *args)
{
    const char *device = hmp_arg_str(args, "device");
    const char *target = hmp_arg_str(args, "target");
    const char *arg = hmp_arg_str(args, "arg");
    Error *err = NULL;

    if (strcmp(device, "vnc")) {
        error_set(&err, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", device);
    } else if (strcmp(target, "passwd") && strcmp(target, "password")) {
        error_setg(&err, "Expected 'password' after 'vnc'");
    } else if (!arg) {
        error_setg(&err, "Parameter 'password' is missing");
    } else {
        qmp_change_vnc_password(arg, &err);
    }
    hmp_handle_error(mon, err);
}
