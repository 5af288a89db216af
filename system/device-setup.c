/*
 * Backends and devices from the command line: -chardev, -serial (QEMU's
 * default: "vc", or serial and monitor muxed on "mon:stdio" with
 * -nographic), -monitor, -qmp, -global and -device.  Each failure is one
 * error line with the option's location, then exit 1.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "chardev/char.h"
#include "hw/qdev-core.h"
#include "system/qdev-monitor.h"
#include "system/startup.h"

static void create_serials(const KemuConfig *cfg)
{
    Error *err = NULL;

    for (guint i = 0; i < cfg->serials->len; i++) {
        const char *spec = g_ptr_array_index(cfg->serials, i);
        g_autofree char *label = g_strdup_printf("serial%u", i);
        Chardev *chr;

        loc_set_cmdline("-serial", spec);
        chr = chardev_new_legacy(label, spec, &err);
        if (err) {
            error_report_err(err);
            error_report("could not connect serial device to character "
                         "backend '%s'", spec);
            exit(1);
        }
        serial_hd_set(i, chr);
    }
    loc_set_none();
}

/* No -serial: QEMU's default serial port backend. */
static void create_default_serial(const KemuConfig *cfg)
{
    Error *err = NULL;
    Chardev *chr;

    if (cfg->nographic) {
        /* Serial and monitor share stdio; ctrl-a c switches. */
        chr = chardev_new_legacy("serial0", "mon:stdio", &err);
    } else {
        /* "vc" shows on a graphical console; without one it is a sink. */
        chr = chardev_new_legacy("serial0", "vc", &err);
        if (!chr) {
            error_free(err);
            err = NULL;
            chr = chardev_new_legacy("serial0", "null", &err);
        }
    }
    if (!chr) {
        startup_fail(err);
    }
    serial_hd_set(0, chr);
}

/* -monitor and -qmp backends, labelled as QEMU labels them. */
static void create_monitor_chardevs(GPtrArray *specs, const char *opt,
                                    unsigned *count)
{
    Error *err = NULL;

    for (guint i = 0; i < specs->len; i++) {
        const char *spec = g_ptr_array_index(specs, i);
        g_autofree char *label = g_strdup_printf("compat_monitor%u",
                                                 (*count)++);

        loc_set_cmdline(opt, spec);
        if (!chardev_new_legacy(label, spec, &err) && err) {
            error_report_err(err);
            error_report("parse error: %s", spec);
            exit(1);
        }
    }
    loc_set_none();
}

void startup_create_chardevs(const KemuConfig *cfg)
{
    Error *err = NULL;
    unsigned monitors = 0;

    for (guint i = 0; i < cfg->chardevs->len; i++) {
        KemuOptArg *a = g_ptr_array_index(cfg->chardevs, i);

        loc_set_cmdline(a->opt, a->arg);
        if (!chardev_new_from_string(a->arg, &err)) {
            startup_fail(err);
        }
    }
    loc_set_none();
    if (cfg->serials->len) {
        create_serials(cfg);
    } else if (!cfg->nodefaults) {
        create_default_serial(cfg);
    }
    create_monitor_chardevs(cfg->monitors, "-monitor", &monitors);
    create_monitor_chardevs(cfg->qmps, "-qmp", &monitors);
}

void startup_register_globals(const KemuConfig *cfg)
{
    Error *err = NULL;

    for (guint i = 0; i < cfg->globals->len; i++) {
        KemuOptArg *a = g_ptr_array_index(cfg->globals, i);

        loc_set_cmdline(a->opt, a->arg);
        if (!qdev_prop_register_global_str(a->arg, &err)) {
            startup_fail(err);
        }
    }
    loc_set_none();
}

void startup_create_devices(const KemuConfig *cfg)
{
    Error *err = NULL;

    for (guint i = 0; i < cfg->devices->len; i++) {
        KemuOptArg *a = g_ptr_array_index(cfg->devices, i);

        loc_set_cmdline(a->opt, a->arg);
        if (!qdev_device_add_str(a->arg, &err)) {
            startup_fail(err);
        }
    }
    loc_set_none();
}

void startup_warn_unsupported(const KemuConfig *cfg)
{
    GPtrArray *lists[] = { cfg->drives, cfg->netdevs };

    for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
        for (guint i = 0; i < lists[l]->len; i++) {
            KemuOptArg *a = g_ptr_array_index(lists[l], i);

            loc_set_cmdline(a->opt, a->arg);
            warn_report("this kemu build has no backend for this option; "
                        "ignored");
        }
    }
    if (cfg->hda) {
        loc_set_cmdline("-hda", cfg->hda);
        warn_report("this kemu build has no block backend; disk ignored");
    }
    loc_set_none();
}
