/*
 * The machine object and the accelerator, from the parsed command line:
 * class lookup (default: the machine marked default), /machine, -machine
 * properties, RAM size, -smp topology, CPU model and boot files; then the
 * accelerator list of -accel, -enable-kvm or -machine accel= (default
 * "tcg", as QEMU 7.2).
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "accel/accel.h"
#include "hw/boards.h"
#include "system/runstate.h"
#include "system/startup.h"

void startup_fail(Error *err)
{
    error_report_err(err);
    exit(1);
}

/* Options of -machine that belong to the accelerator, not the machine. */
static bool is_accel_machine_option(const char *name)
{
    return !strcmp(name, "kernel-irqchip");
}

static void set_machine_str(MachineState *ms, const char *prop,
                            const char *value)
{
    Error *err = NULL;

    if (value && !object_property_set_str(OBJECT(ms), prop, value, &err)) {
        startup_fail(err);
    }
}

static void apply_machine_opts(const KemuConfig *cfg, MachineState *ms)
{
    Error *err = NULL;

    if (!cfg->machine_opts) {
        return;
    }
    /* QEMU applies -machine properties after parsing: no location. */
    loc_set_none();
    for (guint i = 0; i < cfg->machine_opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(cfg->machine_opts->opts, i);

        if (is_accel_machine_option(o->name)) {
            continue;
        }
        if (!object_property_set_str(OBJECT(ms), o->name, o->str, &err)) {
            startup_fail(err);
        }
    }
}

MachineState *startup_create_machine(const KemuConfig *cfg)
{
    MachineClass *mc;
    MachineState *ms;
    Error *err = NULL;

    loc_set_none();
    mc = cfg->machine_type ? machine_find_class(cfg->machine_type)
                           : machine_default_class();
    if (!mc) {
        if (cfg->machine_type) {
            error_report("unsupported machine type");
            error_printf("Use -machine help to list supported machines\n");
        } else {
            error_report("No machine specified, and there is no default");
            error_printf("Use -machine help to list supported machines\n");
        }
        exit(1);
    }
    ms = MACHINE(object_new_with_class(OBJECT_CLASS(mc)));
    if (!object_property_add_child(object_get_root(), "machine", OBJECT(ms),
                                   &err)) {
        startup_fail(err);
    }
    object_unref(ms);      /* the tree holds it now */
    current_machine = ms;
    /* QEMU creates the device containers with the machine (qom-list shows them). */
    container_get(OBJECT(ms), "peripheral");
    container_get(OBJECT(ms), "peripheral-anon");

    apply_machine_opts(cfg, ms);

    /* -m: the machine's default unless given. */
    if (cfg->ram_size_set || !mc->default_ram_size) {
        ms->ram_size = cfg->ram_size;
    }
    ms->maxram_size = cfg->maxram_size ? cfg->maxram_size : ms->ram_size;

    if (!kemu_smp_parse(cfg->smp, mc->name,
                        mc->max_cpus ? mc->max_cpus : 1, &ms->smp, &err)) {
        startup_fail(err);
    }
    if (cfg->cpu_model) {
        g_free(ms->cpu_model);
        ms->cpu_model = g_strdup(cfg->cpu_model);
    }
    set_machine_str(ms, "kernel", cfg->kernel);
    set_machine_str(ms, "initrd", cfg->initrd);
    set_machine_str(ms, "append", cfg->append);
    set_machine_str(ms, "firmware", cfg->bios);
    ms->no_reboot = cfg->no_reboot;
    ms->no_shutdown = cfg->no_shutdown;
    runstate_set_actions(cfg->no_reboot, cfg->no_shutdown);
    return ms;
}

/* -machine kernel-irqchip= goes to the accelerator unless -accel set it. */
static QemuOpts *accel_opts_with_machine(const KemuConfig *cfg,
                                         QemuOpts *accel_opts)
{
    QemuOpts *opts = qemu_opts_parse("", NULL, &error_abort);
    const char *irqchip = NULL;

    if (accel_opts) {
        for (guint i = 0; i < accel_opts->opts->len; i++) {
            QemuOpt *o = g_ptr_array_index(accel_opts->opts, i);

            qemu_opt_set(opts, o->name, o->str);
        }
    }
    if (cfg->machine_opts) {
        for (guint i = 0; i < cfg->machine_opts->opts->len; i++) {
            QemuOpt *o = g_ptr_array_index(cfg->machine_opts->opts, i);

            if (!strcmp(o->name, "kernel-irqchip")) {
                irqchip = o->str;
            }
        }
    }
    if (irqchip && !(accel_opts && qemu_opt_get(accel_opts,
                                                "kernel-irqchip"))) {
        qemu_opt_set(opts, "kernel-irqchip", irqchip);
    }
    /* Reading them above marked them used; the accelerator checks again. */
    for (guint i = 0; i < opts->opts->len; i++) {
        ((QemuOpt *)g_ptr_array_index(opts->opts, i))->used = false;
    }
    return opts;
}

/* Try one accelerator (or "kvm:tcg" list); reports its own failure. */
static bool try_accel(const KemuConfig *cfg, MachineState *ms,
                      const char *list, QemuOpts *accel_opts)
{
    QemuOpts *opts = accel_opts_with_machine(cfg, accel_opts);
    Error *err = NULL;
    bool ok;

    if (accel_opts) {
        qemu_opt_unset(opts, "accel");
    }
    ok = accel_init(ms, list, opts, &err);
    qemu_opts_free(opts);
    if (!ok && err) {
        error_report_err(err);
    }
    return ok;
}

void startup_configure_accelerator(const KemuConfig *cfg, MachineState *ms)
{
    const char *machine_accel = ms->accel;
    bool ok = false, failed = false;

    if (cfg->accel_opts->len && machine_accel) {
        loc_set_none();
        error_report("The -accel and \"-machine accel=\" options are "
                     "incompatible");
        exit(1);
    }
    if (!cfg->accel_opts->len) {
        loc_set_none();
        ok = try_accel(cfg, ms, machine_accel ? machine_accel : "tcg", NULL);
        failed = !ok;
    }
    for (guint i = 0; !ok && i < cfg->accel_opts->len; i++) {
        QemuOpts *opts = g_ptr_array_index(cfg->accel_opts, i);
        KemuOptArg *a = g_ptr_array_index(cfg->accel_args, i);

        if (a->opt) {
            loc_set_cmdline(a->opt, a->arg);
        } else {
            loc_set_none();
        }
        ok = try_accel(cfg, ms, qemu_opt_get(opts, "accel"), opts);
        failed |= !ok;
    }
    loc_set_none();
    if (!ok) {
        exit(1);
    }
    if (failed && cfg->accel_opts->len) {
        error_report("falling back to %s", current_accel_name());
    }
}
