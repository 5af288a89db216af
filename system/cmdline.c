/*
 * The kemu-system-x86_64 command line (QEMU 7.2's option names and syntax):
 * "-opt" or "--opt", option arguments in QEMU's "val,key=val" syntax, and
 * QEMU's messages.  Parsing has no side effects beyond the KemuConfig and
 * the error location, so start-up order stays in system/main.c.  Options
 * QEMU accepts but kemu does not are rejected as unknown.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "system/cmdline.h"

typedef enum KemuOptId {
    OPT_HELP, OPT_VERSION, OPT_MACHINE, OPT_M, OPT_SMP, OPT_CPU, OPT_ACCEL,
    OPT_ENABLE_KVM, OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_BIOS,
    OPT_DEVICE, OPT_GLOBAL, OPT_CHARDEV, OPT_SERIAL, OPT_MONITOR, OPT_QMP,
    OPT_NOGRAPHIC, OPT_DISPLAY, OPT_VGA, OPT_S, OPT_NAME, OPT_UUID, OPT_NO_REBOOT,
    OPT_NO_SHUTDOWN, OPT_NODEFAULTS, OPT_DAEMONIZE, OPT_PIDFILE, OPT_D,
    OPT_LOGFILE, OPT_L, OPT_RTC, OPT_BOOT, OPT_DRIVE, OPT_HDA, OPT_CDROM,
    OPT_HDB, OPT_HDC, OPT_HDD, OPT_SNAPSHOT, OPT_BLOCKDEV,
    OPT_NETDEV, OPT_VNC, OPT_QMP_PRETTY, OPT_MON, OPT_NIC, OPT_NET,
    OPT_FULL_SCREEN, OPT_GDB, OPT_GDB_DEFAULT,
} KemuOptId;

typedef struct KemuOptDef {
    const char *name;       /* without the leading '-' */
    bool has_arg;
    KemuOptId id;
} KemuOptDef;

static const KemuOptDef kemu_options[] = {
    { "h", false, OPT_HELP },
    { "help", false, OPT_HELP },
    { "version", false, OPT_VERSION },
    { "machine", true, OPT_MACHINE },
    { "M", true, OPT_MACHINE },
    { "m", true, OPT_M },
    { "smp", true, OPT_SMP },
    { "cpu", true, OPT_CPU },
    { "accel", true, OPT_ACCEL },
    { "enable-kvm", false, OPT_ENABLE_KVM },
    { "kernel", true, OPT_KERNEL },
    { "initrd", true, OPT_INITRD },
    { "append", true, OPT_APPEND },
    { "bios", true, OPT_BIOS },
    { "device", true, OPT_DEVICE },
    { "global", true, OPT_GLOBAL },
    { "chardev", true, OPT_CHARDEV },
    { "serial", true, OPT_SERIAL },
    { "monitor", true, OPT_MONITOR },
    { "qmp", true, OPT_QMP },
    { "qmp-pretty", true, OPT_QMP_PRETTY },
    { "mon", true, OPT_MON },
    { "nographic", false, OPT_NOGRAPHIC },
    { "display", true, OPT_DISPLAY },
    { "vga", true, OPT_VGA },
    { "S", false, OPT_S },
    { "gdb", true, OPT_GDB },
    { "s", false, OPT_GDB_DEFAULT },
    { "name", true, OPT_NAME },
    { "uuid", true, OPT_UUID },
    { "no-reboot", false, OPT_NO_REBOOT },
    { "full-screen", false, OPT_FULL_SCREEN },
    { "no-shutdown", false, OPT_NO_SHUTDOWN },
    { "nodefaults", false, OPT_NODEFAULTS },
    { "daemonize", false, OPT_DAEMONIZE },
    { "pidfile", true, OPT_PIDFILE },
    { "d", true, OPT_D },
    { "D", true, OPT_LOGFILE },
    { "L", true, OPT_L },
    { "rtc", true, OPT_RTC },
    { "boot", true, OPT_BOOT },
    { "drive", true, OPT_DRIVE },
    { "hda", true, OPT_HDA },
    { "cdrom", true, OPT_CDROM },
    { "hdb", true, OPT_HDB },
    { "hdc", true, OPT_HDC },
    { "hdd", true, OPT_HDD },
    { "snapshot", false, OPT_SNAPSHOT },
    { "blockdev", true, OPT_BLOCKDEV },
    { "netdev", true, OPT_NETDEV },
    { "nic", true, OPT_NIC },
    { "net", true, OPT_NET },
    { "vnc", true, OPT_VNC },
};

/* Display types kemu can run with (-display TYPE). */
static const char *const display_types[] = {
    "none",
#ifdef CONFIG_SDL
    "sdl",
#endif
#ifdef CONFIG_VNC
    "vnc",
#endif
};

/* -vga values QEMU 7.2 knows for x86. */
static const char *const vga_types[] = {
    "std", "cirrus", "vmware", "qxl", "xenfb", "tcx", "cg3", "virtio", "none",
};

static void opt_arg_free(gpointer p)
{
    KemuOptArg *a = p;

    g_free(a->arg);
    g_free(a);
}

static void mon_opt_free(gpointer p)
{
    KemuMonitorOpt *m = p;

    g_free(m->arg);
    g_free(m->spec);
    g_free(m->chardev);
    g_free(m);
}

static void opts_free(gpointer p)
{
    qemu_opts_free(p);
}

void kemu_config_init(KemuConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ram_size = KEMU_DEFAULT_RAM_SIZE;
    cfg->accel_opts = g_ptr_array_new_with_free_func(opts_free);
    cfg->accel_args = g_ptr_array_new_with_free_func(opt_arg_free);
    cfg->devices = g_ptr_array_new_with_free_func(opt_arg_free);
    cfg->globals = g_ptr_array_new_with_free_func(opt_arg_free);
    cfg->chardevs = g_ptr_array_new_with_free_func(opt_arg_free);
    cfg->drives = g_ptr_array_new_with_free_func(opt_arg_free);
    cfg->netdevs = g_ptr_array_new_with_free_func(opt_arg_free);
    cfg->serials = g_ptr_array_new_with_free_func(g_free);
    cfg->monitors = g_ptr_array_new_with_free_func(g_free);
    cfg->qmps = g_ptr_array_new_with_free_func(g_free);
    cfg->mon_opts = g_ptr_array_new_with_free_func(mon_opt_free);
}

void kemu_config_free(KemuConfig *cfg)
{
    GPtrArray **arrays[] = {
        &cfg->accel_opts, &cfg->accel_args, &cfg->devices, &cfg->globals,
        &cfg->chardevs, &cfg->drives, &cfg->netdevs, &cfg->serials,
        &cfg->monitors, &cfg->qmps, &cfg->mon_opts,
    };
    char **strings[] = {
        &cfg->machine_type, &cfg->smp, &cfg->cpu_model, &cfg->kernel,
        &cfg->initrd, &cfg->append, &cfg->bios, &cfg->display, &cfg->vga,
        &cfg->name, &cfg->uuid, &cfg->pidfile, &cfg->log_items, &cfg->log_file,
        &cfg->bios_dir, &cfg->rtc, &cfg->boot, &cfg->vnc,
        &cfg->gdbstub_dev,
    };

    for (size_t i = 0; i < ARRAY_SIZE(arrays); i++) {
        if (*arrays[i]) {
            g_ptr_array_free(*arrays[i], TRUE);
            *arrays[i] = NULL;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
        g_free(*strings[i]);
        *strings[i] = NULL;
    }
    qemu_opts_free(cfg->machine_opts);
    cfg->machine_opts = NULL;
}

static const KemuOptDef *find_option(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(kemu_options); i++) {
        if (!strcmp(kemu_options[i].name, name)) {
            return &kemu_options[i];
        }
    }
    return NULL;
}

static void add_opt_arg(GPtrArray *list, const char *opt, const char *arg)
{
    KemuOptArg *a = g_new0(KemuOptArg, 1);

    a->opt = opt;
    a->arg = g_strdup(arg);
    g_ptr_array_add(list, a);
}

static void set_string(char **field, const char *value)
{
    g_free(*field);
    *field = g_strdup(value);
}

static bool names_contain(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(names[i], s)) {
            return true;
        }
    }
    return false;
}

/* Error for the first key of @opts not in @known (NULL-terminated). */
static bool check_keys(QemuOpts *opts, const char *const *known,
                       const char *fmt, Error **errp)
{
    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);
        bool ok = false;

        for (const char *const *k = known; *k; k++) {
            if (!strcmp(*k, o->name)) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            error_setg(errp, fmt, o->name);
            return false;
        }
    }
    return true;
}

/* -machine: later options override earlier ones, as QEMU merges them. */
static bool parse_machine(KemuConfig *cfg, const char *arg, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(arg, "type", errp);
    const char *type;

    if (!opts) {
        return false;
    }
    if (qemu_opts_has_help(opts)) {
        cfg->machine_help = true;
        qemu_opt_unset(opts, "help");
    }
    type = qemu_opt_get(opts, "type");
    if (type) {
        set_string(&cfg->machine_type, type);
        qemu_opt_unset(opts, "type");
    }
    if (!cfg->machine_opts) {
        cfg->machine_opts = opts;
        return true;
    }
    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);

        qemu_opt_set(cfg->machine_opts, o->name, o->str);
    }
    qemu_opts_free(opts);
    return true;
}

/* -m [size=]megs[,slots=n,maxmem=size]; plain numbers are MiB. */
static bool parse_memory(KemuConfig *cfg, const char *arg, Error **errp)
{
    static const char *const keys[] = { "size", "slots", "maxmem", NULL };
    QemuOpts *opts = qemu_opts_parse(arg, "size", errp);
    const char *size, *maxmem, *slots;
    uint64_t sz = cfg->ram_size, max = 0, nslots = 0;
    bool ok = false;

    if (!opts) {
        return false;
    }
    if (!check_keys(opts, keys, "Invalid parameter '%s'", errp)) {
        goto out;
    }
    size = qemu_opt_get(opts, "size");
    if (size) {
        if (!qemu_strtosz_full(size, 'M', &sz, "size", errp)) {
            goto out;
        }
        if (sz == 0) {
            /* QEMU takes "-m 0" as "the default size". */
            sz = KEMU_DEFAULT_RAM_SIZE;
        }
        /* QEMU rounds RAM up to 8 KiB. */
        sz = QEMU_ALIGN_UP(sz, 8192);
        cfg->ram_size = sz;
        cfg->ram_size_set = true;
    }
    slots = qemu_opt_get(opts, "slots");
    if (slots && !qemu_strtou64(slots, &nslots)) {
        error_setg(errp, "Parameter 'slots' expects a number");
        goto out;
    }
    maxmem = qemu_opt_get(opts, "maxmem");
    if (maxmem && !qemu_strtosz_full(maxmem, '\0', &max, "maxmem", errp)) {
        goto out;
    }
    /* These checks come after parsing in QEMU, so they carry no location. */
    if (maxmem && max < sz) {
        loc_set_none();
        error_setg(errp, "invalid value of maxmem: maximum memory size "
                   "(0x%" PRIx64 ") must be at least the initial memory "
                   "size (0x%" PRIx64 ")", max, sz);
        goto out;
    }
    if (slots && !maxmem) {
        loc_set_none();
        error_setg(errp, "slots specified but no max-size");
        goto out;
    }
    if (maxmem && max > sz && !nslots) {
        loc_set_none();
        error_setg(errp, "invalid value of maxmem: memory slots were "
                   "specified but maximum memory size is equal to the "
                   "initial memory size");
        goto out;
    }
    cfg->maxram_size = maxmem ? max : 0;
    ok = true;
out:
    qemu_opts_free(opts);
    return ok;
}

/* -accel NAME[,prop=value]; "help" exits early. */
static bool parse_accel(KemuConfig *cfg, const char *opt, const char *arg,
                        Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(arg, "accel", errp);

    if (!opts) {
        return false;
    }
    if (qemu_opts_has_help(opts)) {
        qemu_opts_free(opts);
        cfg->early_exit = KEMU_EXIT_ACCEL_HELP;
        return true;
    }
    if (!qemu_opt_get(opts, "accel")) {
        qemu_opts_free(opts);
        error_setg(errp, "Parameter 'accel' is missing");
        return false;
    }
    g_ptr_array_add(cfg->accel_opts, opts);
    add_opt_arg(cfg->accel_args, "-accel", arg);
    return true;
}

/* -display TYPE[,opts]: "help" lists the types and exits. */
static bool parse_display(KemuConfig *cfg, const char *arg, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(arg, "type", errp);
    const char *type;
    bool ok = false;

    if (!opts) {
        return false;
    }
    if (qemu_opts_has_help(opts)) {
        cfg->early_exit = KEMU_EXIT_DISPLAY_HELP;
        ok = true;
        goto out;
    }
    type = qemu_opt_get(opts, "type");
    if (type && g_str_has_prefix(type, "vnc=")) {
        /* "-display vnc=:1" is the long form of "-vnc :1". */
        set_string(&cfg->vnc, type + 4);
        set_string(&cfg->display, "vnc");
        ok = true;
        goto out;
    }
    if (!type || !names_contain(display_types, ARRAY_SIZE(display_types),
                                type)) {
        error_setg(errp, "Parameter 'type' does not accept value '%s'",
                   type ? type : "");
        goto out;
    }
    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);

        if (strcmp(o->name, "type") && strcmp(type, "sdl")) {
            error_setg(errp, "Parameter '%s' is unexpected", o->name);
            goto out;
        }
    }
    set_string(&cfg->display, type);
    ok = true;
out:
    qemu_opts_free(opts);
    return ok;
}

/* -name string1[,process=string2][,debug-threads=on|off] */
static bool parse_name(KemuConfig *cfg, const char *arg, Error **errp)
{
    static const char *const keys[] = {
        "guest", "process", "debug-threads", NULL
    };
    QemuOpts *opts = qemu_opts_parse(arg, "guest", errp);
    bool ok = false;
    Error *err = NULL;

    if (!opts) {
        return false;
    }
    if (!check_keys(opts, keys, "Invalid parameter '%s'", errp)) {
        goto out;
    }
    cfg->debug_threads = qemu_opt_get_bool(opts, "debug-threads", false,
                                           &err);
    if (err) {
        error_propagate(errp, err);
        goto out;
    }
    if (qemu_opt_get(opts, "guest")) {
        set_string(&cfg->name, qemu_opt_get(opts, "guest"));
    }
    ok = true;
out:
    qemu_opts_free(opts);
    return ok;
}

/* A date as QEMU's -rtc base= takes it: 2006-06-17T16:01:21 or 2006-06-17. */
static bool rtc_date_valid(const char *s)
{
    int y, mo, d, h, mi, sec, n = 0;

    if (sscanf(s, "%d-%d-%dT%d:%d:%d%n", &y, &mo, &d, &h, &mi, &sec, &n)
        == 6 && s[n] == '\0') {
        return true;
    }
    n = 0;
    return sscanf(s, "%d-%d-%d%n", &y, &mo, &d, &n) == 3 && s[n] == '\0';
}

/* -rtc [base=utc|localtime|date][,clock=host|rt|vm][,driftfix=none|slew] */
static bool parse_rtc(KemuConfig *cfg, const char *arg, Error **errp)
{
    static const char *const keys[] = { "base", "clock", "driftfix", NULL };
    QemuOpts *opts = qemu_opts_parse(arg, "base", errp);
    const char *v;
    bool ok = false;

    if (!opts) {
        return false;
    }
    if (!check_keys(opts, keys, "Invalid parameter '%s'", errp)) {
        goto out;
    }
    /* QEMU checks the values after parsing: no location. */
    v = qemu_opt_get(opts, "base");
    if (v && strcmp(v, "utc") && strcmp(v, "localtime") &&
        !rtc_date_valid(v)) {
        loc_set_none();
        error_setg(errp, "invalid datetime format");
        error_append_hint(errp, "valid formats: '2006-06-17T16:01:21' or "
                          "'2006-06-17'\n");
        goto out;
    }
    v = qemu_opt_get(opts, "clock");
    if (v && strcmp(v, "host") && strcmp(v, "rt") && strcmp(v, "vm")) {
        loc_set_none();
        error_setg(errp, "invalid option value '%s'", v);
        goto out;
    }
    v = qemu_opt_get(opts, "driftfix");
    if (v && strcmp(v, "none") && strcmp(v, "slew")) {
        loc_set_none();
        error_setg(errp, "invalid option value '%s'", v);
        goto out;
    }
    set_string(&cfg->rtc, arg);
    ok = true;
out:
    qemu_opts_free(opts);
    return ok;
}

/* Boot device letters: floppy a-b, disk c, CD-ROM d, network n-p. */
static bool check_boot_devices(const char *devs, Error **errp)
{
    unsigned seen = 0;

    for (const char *p = devs; *p; p++) {
        int bit = *p - 'a';

        if (*p < 'a' || *p > 'p') {
            error_setg(errp, "Invalid boot device '%c'", *p);
            return false;
        }
        if (seen & (1u << bit)) {
            error_setg(errp, "Boot device '%c' was given twice", *p);
            return false;
        }
        seen |= 1u << bit;
    }
    return true;
}

/* -boot [order=drives][,once=drives][,menu=on|off][,strict=on|off]... */
static bool parse_boot(KemuConfig *cfg, const char *arg, Error **errp)
{
    static const char *const keys[] = {
        "order", "once", "menu", "splash", "splash-time", "reboot-timeout",
        "strict", NULL
    };
    QemuOpts *opts = qemu_opts_parse(arg, "order", errp);
    const char *v;
    bool ok = false;

    if (!opts) {
        return false;
    }
    if (!check_keys(opts, keys, "Invalid parameter '%s'", errp)) {
        goto out;
    }
    loc_set_none();
    v = qemu_opt_get(opts, "order");
    if (v && !check_boot_devices(v, errp)) {
        goto out;
    }
    v = qemu_opt_get(opts, "once");
    if (v && !check_boot_devices(v, errp)) {
        goto out;
    }
    set_string(&cfg->boot, arg);
    ok = true;
out:
    qemu_opts_free(opts);
    return ok;
}

static bool parse_vga(KemuConfig *cfg, const char *arg, Error **errp)
{
    if (!names_contain(vga_types, ARRAY_SIZE(vga_types), arg)) {
        loc_set_none();
        error_setg(errp, "unknown vga type: %s", arg);
        return false;
    }
    set_string(&cfg->vga, arg);
    return true;
}

static bool parse_serial(KemuConfig *cfg, const char *arg, Error **errp)
{
    if (cfg->serials->len >= KEMU_MAX_SERIAL) {
        error_setg(errp, "too many serial ports");
        return false;
    }
    if (g_str_has_prefix(arg, "mon:")) {
        /* The serial port carries the monitor: no default one. */
        cfg->no_default_monitor = true;
    }
    g_ptr_array_add(cfg->serials, g_strdup(arg));
    return true;
}

/* -monitor DEV, -qmp DEV, -qmp-pretty DEV ("none": no monitor). */
static void parse_monitor(KemuConfig *cfg, const char *opt, const char *arg,
                          bool qmp, bool pretty)
{
    KemuMonitorOpt *m;

    cfg->no_default_monitor = true;
    /* QEMU skips "-monitor none" (and only that) before any parsing. */
    if (!qmp && !strncmp(arg, "none", 4)) {
        return;
    }
    m = g_new0(KemuMonitorOpt, 1);
    m->opt = opt;
    m->arg = g_strdup(arg);
    m->spec = g_strdup(arg);
    m->qmp = qmp;
    m->pretty = pretty;
    g_ptr_array_add(cfg->mon_opts, m);
}

/* -mon [chardev=]ID[,mode=readline|control][,pretty=on|off] */
static bool parse_mon(KemuConfig *cfg, const char *opt, const char *arg,
                      Error **errp)
{
    static const char *const keys[] = { "chardev", "mode", "pretty", "id",
                                        NULL };
    QemuOpts *opts = qemu_opts_parse(arg, "chardev", errp);
    const char *mode, *chardev;
    KemuMonitorOpt *m;
    Error *err = NULL;
    bool pretty;

    if (!opts) {
        return false;
    }
    cfg->no_default_monitor = true;
    if (!check_keys(opts, keys, "Invalid parameter '%s'", errp)) {
        goto fail;
    }
    chardev = qemu_opt_get(opts, "chardev");
    if (!chardev) {
        error_setg(errp, "Parameter 'chardev' is missing");
        goto fail;
    }
    mode = qemu_opt_get(opts, "mode");
    if (mode && strcmp(mode, "readline") && strcmp(mode, "control")) {
        error_setg(errp, "Parameter 'mode' does not accept value '%s'",
                   mode);
        goto fail;
    }
    pretty = qemu_opt_get_bool(opts, "pretty", false, &err);
    if (err) {
        error_free(err);
        error_setg(errp, "Parameter 'pretty' expects 'on' or 'off'");
        goto fail;
    }
    m = g_new0(KemuMonitorOpt, 1);
    m->opt = opt;
    m->arg = g_strdup(arg);
    m->chardev = g_strdup(chardev);
    m->qmp = mode && !strcmp(mode, "control");
    m->pretty = pretty;
    g_ptr_array_add(cfg->mon_opts, m);
    qemu_opts_free(opts);
    return true;
fail:
    qemu_opts_free(opts);
    return false;
}

/* One option with its argument (NULL when it takes none). */
static bool handle_option(KemuConfig *cfg, const KemuOptDef *def,
                          const char *opt, const char *arg, Error **errp)
{
    switch (def->id) {
    case OPT_HELP:
        cfg->early_exit = KEMU_EXIT_HELP;
        return true;
    case OPT_VERSION:
        cfg->early_exit = KEMU_EXIT_VERSION;
        return true;
    case OPT_MACHINE:
        return parse_machine(cfg, arg, errp);
    case OPT_M:
        return parse_memory(cfg, arg, errp);
    case OPT_SMP:
        set_string(&cfg->smp, arg);
        return true;
    case OPT_CPU:
        set_string(&cfg->cpu_model, arg);
        return true;
    case OPT_ACCEL:
        return parse_accel(cfg, opt, arg, errp);
    case OPT_ENABLE_KVM:
        /* QEMU reports -enable-kvm failures without a location. */
        g_ptr_array_add(cfg->accel_opts, qemu_opts_parse("kvm", "accel",
                                                         &error_abort));
        add_opt_arg(cfg->accel_args, NULL, "kvm");
        return true;
    case OPT_KERNEL:
        set_string(&cfg->kernel, arg);
        return true;
    case OPT_INITRD:
        set_string(&cfg->initrd, arg);
        return true;
    case OPT_APPEND:
        set_string(&cfg->append, arg);
        return true;
    case OPT_BIOS:
        set_string(&cfg->bios, arg);
        return true;
    case OPT_DEVICE:
        add_opt_arg(cfg->devices, "-device", arg);
        return true;
    case OPT_GLOBAL:
        add_opt_arg(cfg->globals, "-global", arg);
        return true;
    case OPT_CHARDEV:
        add_opt_arg(cfg->chardevs, "-chardev", arg);
        return true;
    case OPT_SERIAL:
        return parse_serial(cfg, arg, errp);
    case OPT_MONITOR:
        g_ptr_array_add(cfg->monitors, g_strdup(arg));
        parse_monitor(cfg, opt, arg, false, false);
        return true;
    case OPT_QMP:
    case OPT_QMP_PRETTY:
        g_ptr_array_add(cfg->qmps, g_strdup(arg));
        parse_monitor(cfg, opt, arg, true, def->id == OPT_QMP_PRETTY);
        return true;
    case OPT_MON:
        return parse_mon(cfg, opt, arg, errp);
    case OPT_NOGRAPHIC:
        cfg->nographic = true;
        return true;
    case OPT_DISPLAY:
        return parse_display(cfg, arg, errp);
    case OPT_VGA:
        return parse_vga(cfg, arg, errp);
    case OPT_S:
        cfg->start_paused = true;
        return true;
    case OPT_GDB:
        set_string(&cfg->gdbstub_dev, arg);
        return true;
    case OPT_GDB_DEFAULT:
        set_string(&cfg->gdbstub_dev, "tcp::1234");
        return true;
    case OPT_NAME:
        return parse_name(cfg, arg, errp);
    case OPT_UUID:
        if (!g_uuid_string_is_valid(arg)) {
            error_setg(errp, "failed to parse UUID string: wrong format");
            return false;
        }
        g_free(cfg->uuid);
        cfg->uuid = g_ascii_strdown(arg, -1);
        return true;
    case OPT_NO_REBOOT:
        cfg->no_reboot = true;
        return true;
    case OPT_FULL_SCREEN:
        cfg->full_screen = true;
        return true;
    case OPT_NO_SHUTDOWN:
        cfg->no_shutdown = true;
        return true;
    case OPT_NODEFAULTS:
        cfg->nodefaults = true;
        return true;
    case OPT_DAEMONIZE:
        cfg->daemonize = true;
        return true;
    case OPT_PIDFILE:
        set_string(&cfg->pidfile, arg);
        return true;
    case OPT_D:
        set_string(&cfg->log_items, arg);
        return true;
    case OPT_LOGFILE:
        set_string(&cfg->log_file, arg);
        return true;
    case OPT_L:
        set_string(&cfg->bios_dir, arg);
        return true;
    case OPT_RTC:
        return parse_rtc(cfg, arg, errp);
    case OPT_BOOT:
        return parse_boot(cfg, arg, errp);
    case OPT_HDA:
        add_opt_arg(cfg->drives, "-hda", arg);
        return true;
    case OPT_DRIVE:
        add_opt_arg(cfg->drives, "-drive", arg);
        return true;
    case OPT_CDROM:
        add_opt_arg(cfg->drives, "-cdrom", arg);
        return true;
    case OPT_HDB:
        add_opt_arg(cfg->drives, "-hdb", arg);
        return true;
    case OPT_HDC:
        add_opt_arg(cfg->drives, "-hdc", arg);
        return true;
    case OPT_HDD:
        add_opt_arg(cfg->drives, "-hdd", arg);
        return true;
    case OPT_BLOCKDEV:
        add_opt_arg(cfg->drives, "-blockdev", arg);
        return true;
    case OPT_SNAPSHOT:
        cfg->snapshot = true;
        return true;
    case OPT_NETDEV:
        add_opt_arg(cfg->netdevs, "-netdev", arg);
        return true;
    case OPT_NIC:
        add_opt_arg(cfg->netdevs, "-nic", arg);
        return true;
    case OPT_NET:
        add_opt_arg(cfg->netdevs, "-net", arg);
        return true;
    case OPT_VNC:
        set_string(&cfg->vnc, arg);
        return true;
    }
    g_assert_not_reached();
}

bool kemu_parse_args(int argc, char **argv, KemuConfig *cfg, Error **errp)
{
    int i = 1;

    while (i < argc) {
        const char *word = argv[i];
        const char *name, *arg = NULL;
        const KemuOptDef *def;

        if (word[0] != '-' || word[1] == '\0') {
            /* A bare word is the disk image of IDE hard disk 0. */
            loc_set_cmdline(word, NULL);
            add_opt_arg(cfg->drives, "-hda", word);
            i++;
            continue;
        }
        name = word + 1;
        if (name[0] == '-' && name[1] != '\0') {
            name++;        /* "--opt" is the same as "-opt" */
        }
        def = find_option(name);
        if (!def) {
            loc_set_cmdline(word, NULL);
            error_setg(errp, "invalid option");
            return false;
        }
        if (def->has_arg) {
            if (i + 1 >= argc) {
                loc_set_cmdline(word, NULL);
                error_setg(errp, "requires an argument");
                return false;
            }
            arg = argv[i + 1];
            i += 2;
        } else {
            i++;
        }
        loc_set_cmdline(word, arg);
        if (!handle_option(cfg, def, word, arg, errp)) {
            return false;
        }
        if (cfg->early_exit != KEMU_EXIT_NONE) {
            break;
        }
    }
    loc_set_none();
    return true;
}
