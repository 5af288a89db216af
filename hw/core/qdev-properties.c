/*
 * qdev static properties: the DEFINE_PROP_* kinds of hw/qdev-core.h as
 * class properties (text get/set, defaults, help text), refused after
 * realize with QEMU's message; and the -global registry applied to every
 * new device of the named type or a subtype.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/option.h"
#include "qom/object-internal.h"
#include "chardev/char.h"
#include "hw/qdev-core.h"
#include "qemu-device-types.h"
#include "qdev-internal.h"

static const char *const on_off_auto_names[] = {
    [ON_OFF_AUTO_AUTO] = "auto",
    [ON_OFF_AUTO_ON] = "on",
    [ON_OFF_AUTO_OFF] = "off",
};

/* QEMU's type names, as `-device X,help` and qom-list show them. */
static const char *prop_kind_type_name(PropertyKind kind)
{
    switch (kind) {
    case PROP_KIND_BOOL:
        return "bool";
    case PROP_KIND_UINT8:
        return "uint8";
    case PROP_KIND_UINT16:
        return "uint16";
    case PROP_KIND_UINT32:
        return "uint32";
    case PROP_KIND_INT32:
    case PROP_KIND_PCI_DEVFN:
        return "int32";
    case PROP_KIND_UINT64:
        return "uint64";
    case PROP_KIND_INT64:
        return "int64";
    case PROP_KIND_SIZE:
        return "size";
    case PROP_KIND_STRING:
    case PROP_KIND_CHR:     /* QEMU's chardev property is typed "str" too */
        return "str";
    case PROP_KIND_ON_OFF_AUTO:
        return "OnOffAuto";
    case PROP_KIND_LINK:
        break;
    }
    return NULL;
}

static void *qdev_field(Object *obj, const Property *p)
{
    return (char *)obj + p->offset;
}

/* ---- get ---- */

static char *qdev_prop_get(Object *obj, ObjectProperty *op, Error **errp)
{
    const Property *p = op->opaque;
    void *f = qdev_field(obj, p);

    switch (p->kind) {
    case PROP_KIND_BOOL:
        return g_strdup(*(bool *)f ? "true" : "false");
    case PROP_KIND_UINT8:
        return g_strdup_printf("%u", *(uint8_t *)f);
    case PROP_KIND_UINT16:
        return g_strdup_printf("%u", *(uint16_t *)f);
    case PROP_KIND_UINT32:
        return g_strdup_printf("%" PRIu32, *(uint32_t *)f);
    case PROP_KIND_INT32:
        return g_strdup_printf("%" PRId32, *(int32_t *)f);
    case PROP_KIND_UINT64:
    case PROP_KIND_SIZE:
        return g_strdup_printf("%" PRIu64, *(uint64_t *)f);
    case PROP_KIND_INT64:
        return g_strdup_printf("%" PRId64, *(int64_t *)f);
    case PROP_KIND_STRING:
        return g_strdup(*(char **)f ? *(char **)f : "");
    case PROP_KIND_CHR: {
        Chardev *chr = ((CharFrontend *)f)->chr;

        return g_strdup(chr && chr->label ? chr->label : "");
    }
    case PROP_KIND_ON_OFF_AUTO: {
        unsigned v = *(int *)f;

        return g_strdup(v < ARRAY_SIZE(on_off_auto_names) ?
                        on_off_auto_names[v] : "auto");
    }
    case PROP_KIND_LINK: {
        Object *target = *(Object **)f;
        char *path = target ? object_get_canonical_path(target) : NULL;

        return path ? path : g_strdup("");
    }
    case PROP_KIND_PCI_DEVFN: {
        int32_t v = *(int32_t *)f;

        return v < 0 ? g_strdup("<unset>") :
               g_strdup_printf("%02x.%x", (v >> 3) & 0x1f, v & 7);
    }
    }
    return g_strdup("");
}

/* ---- set ---- */

static bool set_chr(Object *obj, const Property *p, CharFrontend *fe,
                    const char *value, Error **errp)
{
    Chardev *chr;

    if (!*value) {
        chr_fe_deinit(fe);
        return true;
    }
    if (fe->chr) {
        error_setg(errp, "chardev property already set");
        return false;
    }
    chr = chardev_find(value);
    if (!chr) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'",
                   object_get_typename(obj), p->name, value);
        return false;
    }
    if (!chr_fe_init(fe, chr, errp)) {
        error_prepend(errp, "Property '%s.%s' can't take value '%s': ",
                      object_get_typename(obj), p->name, value);
        return false;
    }
    return true;
}

static bool set_on_off_auto(const Property *p, int *f, const char *value,
                            Error **errp)
{
    for (unsigned i = 0; i < ARRAY_SIZE(on_off_auto_names); i++) {
        if (g_str_equal(value, on_off_auto_names[i])) {
            *f = i;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'", p->name,
               value);
    return false;
}

static bool set_link(Object *obj, const Property *p, Object **f,
                     const char *value, Error **errp)
{
    Object *target = NULL;

    if (*value) {
        target = object_resolve_link(obj, p->name, value,
                                     p->link_type ? p->link_type : TYPE_OBJECT,
                                     errp);
        if (!target) {
            return false;
        }
    }
    object_ref(target);
    object_unref(*f);
    *f = target;
    return true;
}

/* "slot[.fn]" in hex as QEMU's PCI addr property; a plain -1 unsets it. */
static bool set_pci_devfn(Object *obj, const Property *p, int32_t *f,
                          const char *value, Error **errp)
{
    unsigned long slot, fn = 0;
    char *end;

    if (!strcmp(value, "-1")) {
        *f = -1;
        return true;
    }
    errno = 0;
    slot = strtoul(value, &end, 16);
    if (end != value && *end == '.') {
        const char *s = end + 1;

        fn = strtoul(s, &end, 16);
        if (end == s) {
            end = (char *)value;
        }
    }
    if (end == value || *end || errno || slot > 0x1f || fn > 7) {
        error_setg(errp, "Property '%s.%s' doesn't take value '%s'",
                   object_get_typename(obj), p->name, value);
        return false;
    }
    *f = slot << 3 | fn;
    return true;
}

static bool qdev_prop_set(Object *obj, ObjectProperty *op, const char *value,
                          Error **errp)
{
    const Property *p = op->opaque;
    DeviceState *dev = DEVICE(obj);
    void *f = qdev_field(obj, p);
    uint64_t u;
    int64_t i;
    bool b;

    if (dev->realized) {
        if (dev->id) {
            error_setg(errp, "Attempt to set property '%s' on device '%s' "
                       "(type '%s') after it was realized", p->name, dev->id,
                       object_get_typename(obj));
        } else {
            error_setg(errp, "Attempt to set property '%s' on anonymous "
                       "device (type '%s') after it was realized", p->name,
                       object_get_typename(obj));
        }
        return false;
    }
    switch (p->kind) {
    case PROP_KIND_BOOL:
        if (!qom_parse_bool(p->name, value, &b, errp)) {
            return false;
        }
        *(bool *)f = b;
        return true;
    case PROP_KIND_UINT8:
        if (!qom_parse_uintN(p->name, value, 8, &u, errp)) {
            return false;
        }
        *(uint8_t *)f = u;
        return true;
    case PROP_KIND_UINT16:
        if (!qom_parse_uintN(p->name, value, 16, &u, errp)) {
            return false;
        }
        *(uint16_t *)f = u;
        return true;
    case PROP_KIND_UINT32:
        if (!qom_parse_uintN(p->name, value, 32, &u, errp)) {
            return false;
        }
        *(uint32_t *)f = u;
        return true;
    case PROP_KIND_INT32:
        if (!qom_parse_intN(p->name, value, 32, &i, errp)) {
            return false;
        }
        *(int32_t *)f = i;
        return true;
    case PROP_KIND_UINT64:
        return qom_parse_uint64(p->name, value, f, errp);
    case PROP_KIND_INT64:
        return qom_parse_int64(p->name, value, f, errp);
    case PROP_KIND_SIZE:
        return qom_parse_size(p->name, value, f, errp);
    case PROP_KIND_STRING:
        g_free(*(char **)f);
        *(char **)f = g_strdup(value);
        return true;
    case PROP_KIND_CHR:
        return set_chr(obj, p, f, value, errp);
    case PROP_KIND_ON_OFF_AUTO:
        return set_on_off_auto(p, f, value, errp);
    case PROP_KIND_LINK:
        return set_link(obj, p, f, value, errp);
    case PROP_KIND_PCI_DEVFN:
        return set_pci_devfn(obj, p, f, value, errp);
    }
    return false;
}

/* Per-instance resources owned by a property, freed with the device. */
static void qdev_prop_release(Object *obj, ObjectProperty *op)
{
    const Property *p = op->opaque;
    void *f = qdev_field(obj, p);

    switch (p->kind) {
    case PROP_KIND_STRING:
        g_free(*(char **)f);
        *(char **)f = NULL;
        break;
    case PROP_KIND_CHR:
        if (((CharFrontend *)f)->chr) {
            chr_fe_deinit(f);
        }
        break;
    case PROP_KIND_LINK:
        object_unref(*(Object **)f);
        *(Object **)f = NULL;
        break;
    default:
        break;
    }
}

/* ---- registration and defaults ---- */

/* The default as QEMU's help prints it (JSON): 42, -1, true, "auto". */
static char *prop_default_text(const Property *p)
{
    if (!p->set_default) {
        return NULL;
    }
    switch (p->kind) {
    case PROP_KIND_BOOL:
        return g_strdup(p->defval.u ? "true" : "false");
    /* Narrow defaults written as -1 mean all-ones of the field's width. */
    case PROP_KIND_UINT8:
        return g_strdup_printf("%u", (uint8_t)p->defval.u);
    case PROP_KIND_UINT16:
        return g_strdup_printf("%u", (uint16_t)p->defval.u);
    case PROP_KIND_UINT32:
        return g_strdup_printf("%" PRIu32, (uint32_t)p->defval.u);
    case PROP_KIND_UINT64:
    case PROP_KIND_SIZE:
        return g_strdup_printf("%" PRIu64, p->defval.u);
    case PROP_KIND_INT32:
    case PROP_KIND_PCI_DEVFN:
        return g_strdup_printf("%" PRId32, (int32_t)p->defval.i);
    case PROP_KIND_INT64:
        return g_strdup_printf("%" PRId64, p->defval.i);
    case PROP_KIND_ON_OFF_AUTO:
        if ((uint64_t)p->defval.i < ARRAY_SIZE(on_off_auto_names)) {
            return g_strdup_printf("\"%s\"", on_off_auto_names[p->defval.i]);
        }
        return NULL;
    default:
        return NULL;
    }
}

void device_class_set_props(DeviceClass *dc, const Property *props)
{
    ObjectClass *klass = OBJECT_CLASS(dc);

    dc->props = props;
    for (const Property *p = props; p && p->name; p++) {
        g_autofree char *link_type = NULL;
        const char *type = prop_kind_type_name(p->kind);
        ObjectProperty *op;

        if (p->kind == PROP_KIND_LINK) {
            link_type = g_strdup_printf("link<%s>", p->link_type ?
                                        p->link_type : TYPE_OBJECT);
            type = link_type;
        }
        op = object_class_property_add(klass, p->name, type, qdev_prop_get,
                                       qdev_prop_set, (void *)p);
        op->offset = p->offset;
        op->release = qdev_prop_release;
        op->defval = prop_default_text(p);
        if (p->description) {
            op->description = g_strdup(p->description);
        } else if (p->kind == PROP_KIND_CHR) {
            op->description = g_strdup("ID of a chardev to use as a backend");
        }
    }
}

static void set_default_one(ObjectProperty *op, void *opaque)
{
    const Property *p = op->opaque;
    void *f;

    if (op->set != qdev_prop_set || !p->set_default) {
        return;
    }
    f = qdev_field(opaque, p);
    switch (p->kind) {
    case PROP_KIND_BOOL:
        *(bool *)f = p->defval.u;
        break;
    case PROP_KIND_UINT8:
        *(uint8_t *)f = p->defval.u;
        break;
    case PROP_KIND_UINT16:
        *(uint16_t *)f = p->defval.u;
        break;
    case PROP_KIND_UINT32:
        *(uint32_t *)f = p->defval.u;
        break;
    case PROP_KIND_INT32:
    case PROP_KIND_PCI_DEVFN:
        *(int32_t *)f = p->defval.i;
        break;
    case PROP_KIND_UINT64:
    case PROP_KIND_SIZE:
        *(uint64_t *)f = p->defval.u;
        break;
    case PROP_KIND_INT64:
        *(int64_t *)f = p->defval.i;
        break;
    case PROP_KIND_ON_OFF_AUTO:
        *(int *)f = p->defval.i;
        break;
    default:
        break;
    }
}

void qdev_prop_set_defaults(DeviceState *dev)
{
    object_class_property_foreach(object_get_class(OBJECT(dev)),
                                  set_default_one, dev);
}

/* ---- -global ---- */

typedef struct GlobalProperty {
    char *driver;
    char *property;
    char *value;
    bool used;
} GlobalProperty;

static GPtrArray *global_props;
/* Device -> Error of a -global that did not apply; reported at realize. */
static GHashTable *global_errors;

void qdev_prop_register_global(const char *driver, const char *property,
                               const char *value)
{
    GlobalProperty *g = g_new0(GlobalProperty, 1);

    if (!global_props) {
        global_props = g_ptr_array_new();
    }
    g->driver = g_strdup(driver);
    g->property = g_strdup(property);
    g->value = g_strdup(value);
    g_ptr_array_add(global_props, g);
}

typedef struct GlobalOpts {
    const char *driver;
    const char *property;
    const char *value;
} GlobalOpts;

static bool global_opt_one(void *opaque, const char *name, const char *value,
                           Error **errp)
{
    GlobalOpts *g = opaque;

    if (g_str_equal(name, "driver")) {
        g->driver = value;
    } else if (g_str_equal(name, "property")) {
        g->property = value;
    } else if (g_str_equal(name, "value")) {
        g->value = value;
    } else {
        error_setg(errp, "Invalid parameter '%s'", name);
        return false;
    }
    return true;
}

/* QEMU's qemu_global_option(): "driver.prop=value" or the long form. */
bool qdev_prop_register_global_str(const char *str, Error **errp)
{
    const char *dot = strpbrk(str, ".=");
    const char *eq;
    size_t first_len = strcspn(str, ",");
    GlobalOpts g = { 0 };
    QemuOpts *opts;
    bool ok;

    if (dot && *dot == '.' && dot > str) {
        eq = strchr(dot + 1, '=');
        if (eq && eq > dot + 1) {
            g_autofree char *driver = g_strndup(str, dot - str);
            g_autofree char *prop = g_strndup(dot + 1, eq - dot - 1);

            qdev_prop_register_global(driver, prop, eq + 1);
            return true;
        }
    }
    if (!memchr(str, '=', first_len)) {
        /* A bare word parses as a deprecated short-form boolean. */
        g_autofree char *key = g_strndup(str, first_len);

        warn_report("short-form boolean option '%s' deprecated", key);
        error_printf("Please use %s=on instead\n", key);
        error_setg(errp, "Invalid parameter '%s'", key);
        return false;
    }
    opts = qemu_opts_parse(str, NULL, errp);
    if (!opts) {
        return false;
    }
    ok = qemu_opt_foreach(opts, global_opt_one, &g, errp);
    if (ok && (!g.driver || !g.property || !g.value)) {
        error_setg(errp, "options 'driver', 'property', and 'value' are "
                   "required");
        ok = false;
    }
    if (ok) {
        qdev_prop_register_global(g.driver, g.property, g.value);
    }
    qemu_opts_free(opts);
    return ok;
}

void qdev_prop_apply_globals(DeviceState *dev)
{
    Object *obj = OBJECT(dev);

    for (guint i = 0; global_props && i < global_props->len; i++) {
        GlobalProperty *g = g_ptr_array_index(global_props, i);
        Error *err = NULL;

        if (!object_dynamic_cast(obj, g->driver)) {
            continue;
        }
        g->used = true;
        if (object_property_set_str(obj, g->property, g->value, &err)) {
            continue;
        }
        error_prepend(&err, "can't apply global %s.%s=%s: ", g->driver,
                      g->property, g->value);
        if (!global_errors) {
            global_errors = g_hash_table_new(NULL, NULL);
        }
        if (g_hash_table_contains(global_errors, dev)) {
            error_free(err);
        } else {
            g_hash_table_insert(global_errors, dev, err);
        }
    }
}

bool qdev_prop_take_global_error(DeviceState *dev, Error **errp)
{
    Error *err = global_errors ? g_hash_table_lookup(global_errors, dev)
                               : NULL;

    if (!err) {
        return true;
    }
    g_hash_table_remove(global_errors, dev);
    error_propagate(errp, err);
    return false;
}

void qdev_prop_drop_global_error(DeviceState *dev)
{
    Error *err = global_errors ? g_hash_table_lookup(global_errors, dev)
                               : NULL;

    if (err) {
        g_hash_table_remove(global_errors, dev);
        error_free(err);
    }
}

/*
 * As QEMU: warn about -global entries naming no device type, and about
 * unused ones for devices that cannot be added later (QEMU asks "not
 * hotpluggable": its answer for its own types, user_creatable for kemu's
 * others).  Types QEMU has and kemu does not model are accepted as QEMU
 * accepts them when it does not create the device.
 */
void qdev_prop_check_globals(void)
{
    for (guint i = 0; global_props && i < global_props->len; i++) {
        GlobalProperty *g = g_ptr_array_index(global_props, i);
        ObjectClass *oc;

        if (g->used) {
            continue;
        }
        oc = object_class_dynamic_cast(object_class_by_name(g->driver),
                                       TYPE_DEVICE);
        if (!oc && !qemu_device_type_known(g->driver)) {
            warn_report("global %s.%s has invalid class name", g->driver,
                        g->property);
            continue;
        }
        if (qemu_device_type_known(g->driver)
            ? qemu_device_type_warns_unused(g->driver)
            : !DEVICE_CLASS(oc)->user_creatable) {
            warn_report("global %s.%s=%s not used", g->driver, g->property,
                        g->value);
        }
    }
}
