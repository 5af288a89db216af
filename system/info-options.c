/*
 * Options that only print something: -h, -version, the "help" forms of
 * -accel, -display, -machine, -cpu, -device, -chardev and -d.  They run
 * before anything is created, as in QEMU, and exit with status 0.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/log.h"
#include "accel/accel.h"
#include "chardev/char.h"
#include "hw/boards.h"
#include "target/x86/cpu.h"
#include "system/qdev-monitor.h"
#include "system/startup.h"

static void print_display_list(void)
{
    printf("Available display backend types:\n");
    printf("none\n");
#ifdef CONFIG_SDL
    printf("sdl\n");
#endif
#ifdef CONFIG_VNC
    printf("vnc\n");
#endif
}

/* QEMU's "name=<type>  - description" rows (qemu_opts_print_help layout). */
static void print_prop_row(ObjectProperty *prop, void *opaque)
{
    GPtrArray *rows = opaque;
    GString *s;
    const char *type = prop->type;

    if (!prop->set || g_str_has_prefix(type, "child<")) {
        return;
    }
    if (!strcmp(type, "str")) {
        type = "string";
    }
    s = g_string_new(NULL);
    g_string_append_printf(s, "  %s=<%s>", prop->name, type);
    if (prop->description) {
        while (s->len < 24) {
            g_string_append_c(s, ' ');
        }
        g_string_append_printf(s, " - %s", prop->description);
    }
    g_ptr_array_add(rows, g_string_free(s, FALSE));
}

static gint compare_rows(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "-machine TYPE,help": the machine's properties. */
static void print_machine_props(const char *type)
{
    MachineClass *mc = machine_find_class(type);
    GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);

    if (!mc) {
        loc_set_none();
        error_report("unsupported machine type");
        error_printf("Use -machine help to list supported machines\n");
        exit(1);
    }
    object_class_property_foreach(OBJECT_CLASS(mc), print_prop_row, rows);
    g_ptr_array_sort(rows, compare_rows);
    printf("%s options:\n", object_class_get_name(OBJECT_CLASS(mc)));
    for (guint i = 0; i < rows->len; i++) {
        printf("%s\n", (char *)g_ptr_array_index(rows, i));
    }
    g_ptr_array_free(rows, TRUE);
}

static bool is_help(const char *s)
{
    return s && (!strcmp(s, "help") || !strcmp(s, "?"));
}

/* "-chardev help" (other -chardev options are parsed later). */
static bool chardev_asks_help(const char *arg)
{
    QemuOpts *opts = qemu_opts_parse(arg, "backend", NULL);
    bool help = opts && qemu_opts_has_help(opts) &&
                !qemu_opt_get(opts, "backend");

    qemu_opts_free(opts);
    return help;
}

void startup_handle_info_options(const KemuConfig *cfg)
{
    Error *err = NULL;

    switch (cfg->early_exit) {
    case KEMU_EXIT_HELP:
        kemu_print_help(stdout);
        exit(0);
    case KEMU_EXIT_VERSION:
        kemu_print_version(stdout);
        exit(0);
    case KEMU_EXIT_ACCEL_HELP:
        accel_print_list();
        exit(0);
    case KEMU_EXIT_DISPLAY_HELP:
        print_display_list();
        exit(0);
    case KEMU_EXIT_NONE:
        break;
    }
    if (cfg->machine_help) {
        if (cfg->machine_type) {
            print_machine_props(cfg->machine_type);
        } else {
            machine_print_list();
        }
        exit(0);
    }
    if (is_help(cfg->cpu_model)) {
        x86_cpu_list();
        exit(0);
    }
    for (guint i = 0; i < cfg->devices->len; i++) {
        KemuOptArg *a = g_ptr_array_index(cfg->devices, i);
        int r;

        loc_set_cmdline(a->opt, a->arg);
        r = qdev_device_help_str(a->arg, &err);
        if (r < 0) {
            startup_fail(err);
        }
        if (r > 0) {
            exit(0);
        }
    }
    for (guint i = 0; i < cfg->chardevs->len; i++) {
        KemuOptArg *a = g_ptr_array_index(cfg->chardevs, i);

        if (chardev_asks_help(a->arg)) {
            chardev_print_backends();
            exit(0);
        }
    }
    loc_set_none();
}

void startup_configure_logging(const KemuConfig *cfg)
{
    Error *err = NULL;
    int mask = 0;

    if (cfg->log_items) {
        bool help_shown = false;

        loc_set_cmdline("-d", cfg->log_items);
        mask = qemu_str_to_log_mask(cfg->log_items, &help_shown, &err);
        if (help_shown) {
            exit(0);
        }
        if (mask < 0) {
            /* QEMU answers an unknown item with the list, and fails. */
            error_free(err);
            qemu_print_log_usage(stdout);
            exit(1);
        }
    }
    loc_set_none();
    if (cfg->log_file && !qemu_set_log_filename(cfg->log_file, &err)) {
        startup_fail(err);
    }
    qemu_set_log(mask);
}
