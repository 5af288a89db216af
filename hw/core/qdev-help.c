/*
 * "-device help" and "-device DRIVER,help" in QEMU 7.2's format
 * (system/qdev-monitor.c qdev_print_devinfos, qdev_device_help and
 * qom/object_interfaces.c object_property_help).
 */
#include "qemu/osdep.h"
#include "hw/qdev-core.h"

static const char *const category_names[DEVICE_CATEGORY_MAX + 1] = {
    [DEVICE_CATEGORY_BRIDGE] = "Controller/Bridge/Hub",
    [DEVICE_CATEGORY_USB] = "USB",
    [DEVICE_CATEGORY_STORAGE] = "Storage",
    [DEVICE_CATEGORY_NETWORK] = "Network",
    [DEVICE_CATEGORY_INPUT] = "Input",
    [DEVICE_CATEGORY_DISPLAY] = "Display",
    [DEVICE_CATEGORY_SOUND] = "Sound",
    [DEVICE_CATEGORY_MISC] = "Misc",
    [DEVICE_CATEGORY_CPU] = "CPU",
    [DEVICE_CATEGORY_WATCHDOG] = "Watchdog",
    [DEVICE_CATEGORY_MAX] = "Uncategorized",
};

static gint class_name_casecmp(gconstpointer a, gconstpointer b)
{
    return g_ascii_strcasecmp(object_class_get_name((ObjectClass *)a),
                              object_class_get_name((ObjectClass *)b));
}

/* QEMU's other names for device types, as users type them. */
static const struct {
    const char *type;
    const char *alias;
} qdev_aliases[] = {
    { "ich9-ahci", "ahci" },
};

const char *qdev_resolve_alias(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(qdev_aliases); i++) {
        if (g_str_equal(name, qdev_aliases[i].alias)) {
            return qdev_aliases[i].type;
        }
    }
    return name;
}

static const char *qdev_type_alias(const char *type)
{
    for (size_t i = 0; i < ARRAY_SIZE(qdev_aliases); i++) {
        if (g_str_equal(type, qdev_aliases[i].type)) {
            return qdev_aliases[i].alias;
        }
    }
    return NULL;
}

static void devinfo_str(GString *out, DeviceClass *dc)
{
    const char *name = object_class_get_name(OBJECT_CLASS(dc));
    const char *alias = qdev_type_alias(name);

    g_string_append_printf(out, "name \"%s\"", name);
    if (dc->bus_type) {
        g_string_append_printf(out, ", bus %s", dc->bus_type);
    }
    if (alias) {
        g_string_append_printf(out, ", alias \"%s\"", alias);
    }
    if (dc->desc) {
        g_string_append_printf(out, ", desc \"%s\"", dc->desc);
    }
    if (!dc->user_creatable) {
        g_string_append(out, ", no-user");
    }
    g_string_append_c(out, '\n');
}

void qdev_format_device_list(GString *out)
{
    GSList *list = object_class_get_list(TYPE_DEVICE, false);
    unsigned long all = (1UL << DEVICE_CATEGORY_MAX) - 1;
    bool any_printed = false;

    list = g_slist_sort(list, class_name_casecmp);
    for (int i = 0; i <= DEVICE_CATEGORY_MAX; i++) {
        bool printed = false;

        for (GSList *l = list; l; l = l->next) {
            DeviceClass *dc = DEVICE_CLASS(l->data);
            bool in_cat = i < DEVICE_CATEGORY_MAX ?
                          (dc->categories & (1UL << i)) != 0 :
                          (dc->categories & all) == 0;

            if (!in_cat || !dc->user_creatable) {
                continue;
            }
            if (!printed) {
                /*
                 * A blank line between categories.  (QEMU keys it on the
                 * category index; it always has bridges, so the output is
                 * the same there, and we avoid a leading blank line.)
                 */
                g_string_append_printf(out, "%s%s devices:\n",
                                       any_printed ? "\n" : "",
                                       category_names[i]);
                printed = true;
                any_printed = true;
            }
            devinfo_str(out, dc);
        }
    }
    g_slist_free(list);
}

void qdev_print_device_list(void)
{
    g_autoptr(GString) out = g_string_new(NULL);

    qdev_format_device_list(out);
    fputs(out->str, stdout);
}

/* Properties QEMU's device-list-properties leaves out. */
static bool prop_hidden(const char *name)
{
    static const char *const hidden[] = {
        "type", "realized", "hotpluggable", "hotplugged", "parent_bus",
    };

    for (size_t i = 0; i < ARRAY_SIZE(hidden); i++) {
        if (g_str_equal(name, hidden[i])) {
            return true;
        }
    }
    return false;
}

/* "  name=<type>" padded to 24, " - description (default: X)". */
static void collect_prop_help(ObjectProperty *prop, void *opaque)
{
    GPtrArray *lines = opaque;
    GString *str;

    if (prop_hidden(prop->name)) {
        return;
    }
    str = g_string_new(NULL);
    g_string_append_printf(str, "  %s=<%s>", prop->name, prop->type);
    if (prop->description || prop->defval) {
        if (str->len < 24) {
            g_string_append_printf(str, "%*s", 24 - (int)str->len, "");
        }
        g_string_append(str, " - ");
    }
    if (prop->description) {
        g_string_append(str, prop->description);
    }
    if (prop->defval) {
        g_string_append_printf(str, " (default: %s)", prop->defval);
    }
    g_ptr_array_add(lines, g_string_free(str, false));
}

static gint str_ptr_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool qdev_format_device_help(const char *driver, GString *out, Error **errp)
{
    ObjectClass *oc = object_class_by_name(driver);
    GPtrArray *lines;
    Object *obj;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "Device '%s' not found", driver);
        return false;
    }
    if (object_class_is_abstract(oc)) {
        error_setg(errp, "Parameter 'typename' expects a non-abstract device "
                   "type");
        return false;
    }
    /*
     * As QEMU, list the properties of a fresh instance, so children and
     * other per-instance properties appear too.
     */
    obj = object_new_with_class(oc);
    lines = g_ptr_array_new_with_free_func(g_free);
    object_property_foreach(obj, collect_prop_help, lines);
    object_unref(obj);

    g_ptr_array_sort(lines, str_ptr_cmp);
    if (lines->len) {
        g_string_append_printf(out, "%s options:\n", driver);
    } else {
        g_string_append_printf(out, "There are no options for %s.\n", driver);
    }
    for (guint i = 0; i < lines->len; i++) {
        g_string_append_printf(out, "%s\n",
                               (char *)g_ptr_array_index(lines, i));
    }
    g_ptr_array_free(lines, true);
    return true;
}

bool qdev_print_device_help(const char *driver, Error **errp)
{
    g_autoptr(GString) out = g_string_new(NULL);

    if (!qdev_format_device_help(driver, out, errp)) {
        return false;
    }
    fputs(out->str, stdout);
    return true;
}
