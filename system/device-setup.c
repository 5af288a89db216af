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
#include "monitor/monitor.h"
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
        if (chr && g_str_has_prefix(spec, "mon:")) {
            /* "mon:DEV": a human monitor shares the port (Ctrl-a c). */
            if (!monitor_init(chr, false, false, &err)) {
                startup_fail(err);
            }
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

    if (cfg->nographic && !cfg->no_default_monitor) {
        /* Serial and monitor share stdio; ctrl-a c switches. */
        chr = chardev_new_legacy("serial0", "mon:stdio", &err);
        if (chr && !monitor_init(chr, false, false, &err)) {
            startup_fail(err);
        }
    } else if (cfg->nographic) {
        /* A monitor option took the default monitor: plain stdio. */
        chr = chardev_new_legacy("serial0", "stdio", &err);
        if (!chr) {
            error_report_err(err);
            error_report("could not connect serial device to character "
                         "backend 'stdio'");
            exit(1);
        }
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

/*
 * The monitors of -monitor, -qmp, -qmp-pretty and -mon, in command-line
 * order; the legacy forms get a chardev labelled compat_monitorN, N
 * counting those options as QEMU does.
 */
static void create_monitors(const KemuConfig *cfg)
{
    Error *err = NULL;
    unsigned index = 0;

    for (guint i = 0; i < cfg->mon_opts->len; i++) {
        KemuMonitorOpt *m = g_ptr_array_index(cfg->mon_opts, i);
        Chardev *chr;

        loc_set_cmdline(m->opt, m->arg);
        if (m->spec) {
            g_autofree char *label = g_strdup_printf("compat_monitor%u",
                                                     index++);

            chr = chardev_new_legacy(label, m->spec, &err);
            if (!chr) {
                if (!err) {
                    /* "none" is no chardev for -qmp. */
                    error_setg(&err, "'%s' is not a valid char driver",
                               m->spec);
                }
                error_report_err(err);
                error_report("parse error: %s", m->spec);
                exit(1);
            }
        } else {
            chr = chardev_find(m->chardev);
            if (!chr) {
                error_setg(&err, "chardev \"%s\" not found", m->chardev);
                startup_fail(err);
            }
            if (!m->qmp && m->pretty) {
                error_setg(&err, "'pretty' is not compatible with HMP "
                           "monitors");
                startup_fail(err);
            }
        }
        if (!monitor_init(chr, m->qmp, m->pretty, &err)) {
            startup_fail(err);
        }
    }
    loc_set_none();
}

/* No monitor option: QEMU's default monitor, on stdio with -nographic. */
static void create_default_monitor(const KemuConfig *cfg)
{
    Error *err = NULL;
    Chardev *chr;

    if (cfg->no_default_monitor || cfg->nodefaults ||
        (cfg->nographic && !cfg->serials->len)) {
        /* -nographic without -serial: already muxed with serial0. */
        return;
    }
    chr = chardev_new_legacy("compat_monitor0",
                             cfg->nographic ? "stdio" : "vc", &err);
    if (!chr) {
        /* No graphical console to show it on: no default monitor. */
        error_free(err);
        return;
    }
    if (!monitor_init(chr, false, false, &err)) {
        startup_fail(err);
    }
}

void startup_create_chardevs(const KemuConfig *cfg)
{
    Error *err = NULL;

    for (guint i = 0; i < cfg->chardevs->len; i++) {
        KemuOptArg *a = g_ptr_array_index(cfg->chardevs, i);

        loc_set_cmdline(a->opt, a->arg);
        if (!chardev_new_from_string(a->arg, &err)) {
            startup_fail(err);
        }
    }
    loc_set_none();
    /* QEMU creates the monitors before the serial ports. */
    create_monitors(cfg);
    create_default_monitor(cfg);
    if (cfg->serials->len) {
        create_serials(cfg);
    } else if (!cfg->nodefaults) {
        create_default_serial(cfg);
    }
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
    /* -drive and -netdev/-nic/-net have their backends now: nothing left. */
}
