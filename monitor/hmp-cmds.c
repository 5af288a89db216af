/*
 * HMP commands other than "info": run control, CPU selection, QOM and
 * device commands.  Those with a QMP twin call qmp_<name>() and only
 * format the result or the error ("Error: <message>"), as QEMU does.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "qemu/log.h"
#include "qemu/json-stream.h"
#include "qemu/json-writer.h"
#include "qapi/qapi-commands.h"
#include "hw/qdev-core.h"
#include "system/gdbstub.h"
#include "hmp-internal.h"
#include "readline.h"

const HMPCommand hmp_cmds[] = {
#include "hmp-commands.def"
    { .name = NULL },
};

void hmp_stop(Monitor *mon, const HMPArgs *args)
{
    qmp_stop(NULL);
}

void hmp_cont(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_cont(&err);
    hmp_handle_error(mon, err);
}

void hmp_quit(Monitor *mon, const HMPArgs *args)
{
    /* No prompt after quit: the process is going away. */
    hmp_suspend(mon);
    qmp_quit(NULL);
}

void hmp_system_reset(Monitor *mon, const HMPArgs *args)
{
    qmp_system_reset(NULL);
}

void hmp_system_powerdown(Monitor *mon, const HMPArgs *args)
{
    qmp_system_powerdown(NULL);
}

void hmp_nmi(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_inject_nmi(&err);
    hmp_handle_error(mon, err);
}

void hmp_cpu(Monitor *mon, const HMPArgs *args)
{
    if (!hmp_set_cpu(mon, hmp_arg_int(args, "index", 0))) {
        monitor_printf(mon, "invalid CPU index\n");
    }
}

void hmp_qom_list(Monitor *mon, const HMPArgs *args)
{
    const char *path = hmp_arg_str(args, "path");
    ObjectPropertyInfoList *list;
    Error *err = NULL;

    if (!path) {
        monitor_printf(mon, "/\n");
        return;
    }
    list = qmp_qom_list(path, &err);
    for (ObjectPropertyInfoList *l = list; l; l = l->next) {
        monitor_printf(mon, "%s (%s)\n", l->value->name, l->value->type);
    }
    qapi_free_ObjectPropertyInfoList(list);
    hmp_handle_error(mon, err);
}

void hmp_qom_get(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;
    JsonNode *value = qmp_qom_get(hmp_arg_str(args, "path"),
                                  hmp_arg_str(args, "property"), &err);

    if (value) {
        g_autofree char *text = json_writer_to_string(value, true);

        monitor_printf(mon, "%s\n", text);
        json_node_unref(value);
    }
    hmp_handle_error(mon, err);
}

void hmp_qom_set(Monitor *mon, const HMPArgs *args)
{
    const char *path = hmp_arg_str(args, "path");
    const char *property = hmp_arg_str(args, "property");
    const char *value = hmp_arg_str(args, "value");
    Error *err = NULL;

    if (!hmp_arg_bool(args, "json")) {
        /* The value as text, as on the command line. */
        Object *obj = object_resolve_path(path, NULL);

        if (!obj) {
            error_set(&err, ERROR_CLASS_DEVICE_NOT_FOUND,
                                "Device '%s' not found", path);
        } else {
            object_property_set_str(obj, property, value, &err);
        }
    } else {
        JsonNode *node = json_parse_string(value, &err);

        if (node) {
            qmp_qom_set(path, property, node, &err);
            json_node_unref(node);
        }
    }
    hmp_handle_error(mon, err);
}

/*
 * The list -d help prints, as the monitor words it: with a "none" item
 * and "log trace:help" for "-d trace:help".
 */
void hmp_print_log_items(Monitor *mon)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    g_auto(GStrv) lines = NULL;

    if (!f) {
        return;
    }
    qemu_print_log_usage(f);
    fclose(f);
    lines = g_strsplit(text, "\n", -1);
    free(text);
    for (int i = 0; lines[i]; i++) {
        g_auto(GStrv) parts = NULL;
        g_autofree char *line = NULL;

        if (!lines[i + 1] && !lines[i][0]) {
            break;              /* after the last "\n" */
        }
        parts = g_strsplit(lines[i], "-d trace:help", -1);
        line = g_strjoinv("log trace:help", parts);
        monitor_printf(mon, "%s\n", line);
        if (i == 0) {
            monitor_printf(mon, "%-15s %s\n", "none", "remove all logs");
        }
    }
}

void hmp_log(Monitor *mon, const HMPArgs *args)
{
    const char *items = hmp_arg_str(args, "items");
    int mask = 0;

    if (strcmp(items, "none")) {
        /* "help" and unknown items show the list, as "help log" does. */
        mask = strcmp(items, "help") && strcmp(items, "?")
               ? qemu_str_to_log_mask(items, NULL, NULL) : 0;
        if (mask <= 0) {
            hmp_print_log_items(mon);
            return;
        }
    }
    qemu_set_log(mask);
}

void hmp_logfile(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    if (!qemu_set_log_filename(hmp_arg_str(args, "filename"), &err)) {
        error_report_err(err);
    }
}

/* "driver,prop=value,..." as the JSON object device_add takes. */
static JsonObject *device_opts_to_json(const char *str, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse(str, "driver", errp);
    JsonObject *obj;

    if (!opts) {
        return NULL;
    }
    obj = json_object_new();
    for (guint i = 0; i < opts->opts->len; i++) {
        QemuOpt *o = g_ptr_array_index(opts->opts, i);

        json_object_set_string_member(obj, o->name, o->str);
    }
    qemu_opts_free(opts);
    return obj;
}

/* "device_add help" and "device_add DRIVER,help": -device help's texts. */
static void hmp_device_list(Monitor *mon)
{
    g_autoptr(GString) out = g_string_new(NULL);

    qdev_format_device_list(out);
    monitor_puts(mon, out->str);
}

static void hmp_device_props(Monitor *mon, const char *driver)
{
    g_autoptr(GString) out = g_string_new(NULL);
    Error *err = NULL;

    if (!qdev_format_device_help(driver, out, &err)) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
        return;
    }
    monitor_puts(mon, out->str);
}

void hmp_device_add(Monitor *mon, const HMPArgs *args)
{
    const char *str = hmp_arg_str(args, "device");
    Error *err = NULL;
    JsonObject *obj;
    JsonNode *ret = NULL;

    if (str && (!strcmp(str, "help") || !strcmp(str, "?"))) {
        hmp_device_list(mon);
        return;
    }
    if (str && (g_str_has_suffix(str, ",help") ||
                g_str_has_suffix(str, ",?"))) {
        g_autofree char *driver = g_strndup(str, strcspn(str, ","));

        hmp_device_props(mon, driver);
        return;
    }
    obj = device_opts_to_json(str ? str : "", &err);
    if (obj) {
        qmp_device_add(obj, &ret, &err);
        json_object_unref(obj);
        if (ret) {
            json_node_unref(ret);
        }
    }
    hmp_handle_error(mon, err);
}

void hmp_device_del(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_device_del(hmp_arg_str(args, "id"), &err);
    hmp_handle_error(mon, err);
}

/*
 * chardev-add takes a -chardev string, as QEMU's HMP does (its QMP twin
 * takes the backend union); chardev-remove is qmp_chardev_remove.
 */
void hmp_chardev_add(Monitor *mon, const HMPArgs *args)
{
    const char *str = hmp_arg_str(args, "args");
    Error *err = NULL;
    QemuOpts *opts = qemu_opts_parse(str, "backend", &err);
    const char *id;

    if (!opts || !chardev_opts_validate(opts, &err)) {
        /* QEMU reports the option error, then that parsing failed. */
        monitor_printf(mon, "%s\n%s", error_get_pretty(err),
                       error_get_hint(err) ? error_get_hint(err) : "");
        error_free(err);
        err = NULL;
        error_setg(&err, "Parsing chardev args failed");
        qemu_opts_free(opts);
        hmp_handle_error(mon, err);
        return;
    }
    id = qemu_opt_get(opts, "id");
    if (id && chardev_find(id)) {
        /* QEMU's text: the id clashes in the /chardevs container. */
        error_setg(&err, "attempt to add duplicate property '%s' to object "
                   "(type 'container')", id);
    } else {
        chardev_new_from_string(str, &err);
    }
    qemu_opts_free(opts);
    hmp_handle_error(mon, err);
}

void hmp_chardev_remove(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_chardev_remove(hmp_arg_str(args, "id"), &err);
    hmp_handle_error(mon, err);
}

/* ---- argument completion, for the first argument as in QEMU ---- */

static void complete_prefix(ReadLineState *rs, const char *str,
                            const char *name)
{
    if (g_str_has_prefix(name, str)) {
        readline_add_completion(rs, name);
    }
}

void hmp_device_add_completion(ReadLineState *rs, int nb_args,
                               const char *str)
{
    GSList *list;

    if (nb_args != 2) {
        return;
    }
    readline_set_completion_index(rs, strlen(str));
    list = object_class_get_list(TYPE_DEVICE, false);
    for (GSList *l = list; l; l = l->next) {
        if (DEVICE_CLASS(l->data)->user_creatable) {
            complete_prefix(rs, str, object_class_get_name(l->data));
        }
    }
    g_slist_free(list);
}

static int complete_child_name(Object *child, void *opaque)
{
    void **a = opaque;

    complete_prefix(a[0], a[1], object_get_canonical_path_component(child));
    return 0;
}

void hmp_device_del_completion(ReadLineState *rs, int nb_args,
                               const char *str)
{
    Object *peripheral = object_resolve_path("/machine/peripheral", NULL);
    void *a[2] = { rs, (void *)str };

    if (nb_args != 2 || !peripheral) {
        return;
    }
    readline_set_completion_index(rs, strlen(str));
    object_child_foreach(peripheral, complete_child_name, a);
}

void hmp_chardev_add_completion(ReadLineState *rs, int nb_args,
                                const char *str)
{
    GSList *list;

    if (nb_args != 2) {
        return;
    }
    readline_set_completion_index(rs, strlen(str));
    list = object_class_get_list(TYPE_CHARDEV, false);
    for (GSList *l = list; l; l = l->next) {
        const char *name = object_class_get_name(l->data);

        if (g_str_has_prefix(name, TYPE_CHARDEV "-")) {
            complete_prefix(rs, str, name + strlen(TYPE_CHARDEV "-"));
        }
    }
    g_slist_free(list);
}

static void complete_chardev_label(Chardev *chr, void *opaque)
{
    void **a = opaque;

    complete_prefix(a[0], a[1], chr->label);
}

void hmp_chardev_remove_completion(ReadLineState *rs, int nb_args,
                                   const char *str)
{
    void *a[2] = { rs, (void *)str };

    if (nb_args != 2) {
        return;
    }
    readline_set_completion_index(rs, strlen(str));
    chardev_foreach(complete_chardev_label, a);
}

void hmp_gdbserver(Monitor *mon, const HMPArgs *args)
{
    const char *device = hmp_arg_has(args, "device") ?
                         hmp_arg_str(args, "device") : "tcp::1234";
    Error *err = NULL;

    if (!gdbserver_start(device, &err)) {
        error_free(err);
        monitor_printf(mon, "Could not open gdbserver on device '%s'\n",
                       device);
    } else if (!strcmp(device, "none")) {
        monitor_printf(mon, "Disabled gdbserver\n");
    } else {
        monitor_printf(mon, "Waiting for gdb connection on device '%s'\n",
                       device);
    }
}
