/*
 * Typed QOM properties: text parsing with QEMU's keyval wording, field-backed
 * class properties (bool, uint32, uint64, size, str, link) and child<T>.
 * Values cross as command-line text (include/qom/object.h).
 * Not modelled: strong/weak link flags, link check callbacks.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "qom/object.h"
#include "qom/object-internal.h"

/* ---- parsing ---- */

bool qom_parse_bool(const char *name, const char *text, bool *out,
                    Error **errp)
{
    return qemu_parse_bool(name, text, out, errp);
}

bool qom_parse_uint64(const char *name, const char *text, uint64_t *out,
                      Error **errp)
{
    int64_t neg;

    if (text && text[0] == '-') {
        /* QEMU's strtou64 takes "-1" as 2^64-1; range checks reject it later. */
        if (qemu_strtoi64(text, &neg)) {
            *out = (uint64_t)neg;
            return true;
        }
    } else if (qemu_strtou64(text, out)) {
        return true;
    }
    error_setg(errp, "Parameter '%s' expects integer", name);
    return false;
}

bool qom_parse_int64(const char *name, const char *text, int64_t *out,
                     Error **errp)
{
    if (qemu_strtoi64(text, out)) {
        return true;
    }
    error_setg(errp, "Parameter '%s' expects integer", name);
    return false;
}

bool qom_parse_uintN(const char *name, const char *text, int bits,
                     uint64_t *out, Error **errp)
{
    uint64_t val;

    if (!qom_parse_uint64(name, text, &val, errp)) {
        return false;
    }
    if (bits < 64 && val > (UINT64_MAX >> (64 - bits))) {
        error_setg(errp, "Parameter '%s' expects uint%d_t", name, bits);
        return false;
    }
    *out = val;
    return true;
}

bool qom_parse_intN(const char *name, const char *text, int bits,
                    int64_t *out, Error **errp)
{
    int64_t val;

    if (!qom_parse_int64(name, text, &val, errp)) {
        return false;
    }
    if (bits < 64) {
        int64_t max = (int64_t)(UINT64_MAX >> (65 - bits));

        if (val > max || val < -max - 1) {
            error_setg(errp, "Parameter '%s' expects int%d_t", name, bits);
            return false;
        }
    }
    *out = val;
    return true;
}

bool qom_parse_size(const char *name, const char *text, uint64_t *out,
                    Error **errp)
{
    if (qemu_strtosz(text, out, name, NULL)) {
        return true;
    }
    error_setg(errp, "Parameter '%s' expects size", name);
    return false;
}

/* ---- field-backed class properties ---- */

static void *prop_field(Object *obj, ObjectProperty *prop)
{
    return (char *)obj + prop->offset;
}

static char *prop_get_bool(Object *obj, ObjectProperty *prop, Error **errp)
{
    return g_strdup(*(bool *)prop_field(obj, prop) ? "true" : "false");
}

static bool prop_set_bool(Object *obj, ObjectProperty *prop,
                          const char *value, Error **errp)
{
    bool v;

    if (!qom_parse_bool(prop->name, value, &v, errp)) {
        return false;
    }
    *(bool *)prop_field(obj, prop) = v;
    return true;
}

static char *prop_get_uint32(Object *obj, ObjectProperty *prop, Error **errp)
{
    return g_strdup_printf("%" PRIu32, *(uint32_t *)prop_field(obj, prop));
}

static bool prop_set_uint32(Object *obj, ObjectProperty *prop,
                            const char *value, Error **errp)
{
    uint64_t v;

    if (!qom_parse_uintN(prop->name, value, 32, &v, errp)) {
        return false;
    }
    *(uint32_t *)prop_field(obj, prop) = v;
    return true;
}

static char *prop_get_uint64(Object *obj, ObjectProperty *prop, Error **errp)
{
    return g_strdup_printf("%" PRIu64, *(uint64_t *)prop_field(obj, prop));
}

static bool prop_set_uint64(Object *obj, ObjectProperty *prop,
                            const char *value, Error **errp)
{
    return qom_parse_uint64(prop->name, value,
                            (uint64_t *)prop_field(obj, prop), errp);
}

static bool prop_set_size(Object *obj, ObjectProperty *prop,
                          const char *value, Error **errp)
{
    return qom_parse_size(prop->name, value,
                          (uint64_t *)prop_field(obj, prop), errp);
}

static char *prop_get_str(Object *obj, ObjectProperty *prop, Error **errp)
{
    char *s = *(char **)prop_field(obj, prop);

    return g_strdup(s ? s : "");
}

static bool prop_set_str(Object *obj, ObjectProperty *prop,
                         const char *value, Error **errp)
{
    char **field = prop_field(obj, prop);

    g_free(*field);
    *field = g_strdup(value);
    return true;
}

static void prop_release_str(Object *obj, ObjectProperty *prop)
{
    char **field = prop_field(obj, prop);

    g_free(*field);
    *field = NULL;
}

static ObjectProperty *add_field_prop(ObjectClass *klass, const char *name,
                                      const char *type, ptrdiff_t offset,
                                      ObjectPropertyGet *get,
                                      ObjectPropertySet *set)
{
    ObjectProperty *prop = object_class_property_add(klass, name, type,
                                                     get, set, NULL);

    prop->offset = offset;
    return prop;
}

ObjectProperty *object_class_property_add_bool(ObjectClass *klass,
                                               const char *name,
                                               ptrdiff_t offset)
{
    return add_field_prop(klass, name, "bool", offset,
                          prop_get_bool, prop_set_bool);
}

ObjectProperty *object_class_property_add_uint32(ObjectClass *klass,
                                                 const char *name,
                                                 ptrdiff_t offset)
{
    return add_field_prop(klass, name, "uint32", offset,
                          prop_get_uint32, prop_set_uint32);
}

ObjectProperty *object_class_property_add_uint64(ObjectClass *klass,
                                                 const char *name,
                                                 ptrdiff_t offset)
{
    return add_field_prop(klass, name, "uint64", offset,
                          prop_get_uint64, prop_set_uint64);
}

ObjectProperty *object_class_property_add_size(ObjectClass *klass,
                                               const char *name,
                                               ptrdiff_t offset)
{
    return add_field_prop(klass, name, "size", offset,
                          prop_get_uint64, prop_set_size);
}

ObjectProperty *object_class_property_add_str(ObjectClass *klass,
                                              const char *name,
                                              ptrdiff_t offset)
{
    ObjectProperty *prop = add_field_prop(klass, name, "string", offset,
                                          prop_get_str, prop_set_str);

    prop->release = prop_release_str;
    return prop;
}

/* ---- links ---- */

static char *prop_get_link(Object *obj, ObjectProperty *prop, Error **errp)
{
    Object *target = *(Object **)prop_field(obj, prop);
    char *path;

    if (!target) {
        return g_strdup("");
    }
    path = object_get_canonical_path(target);
    return path ? path : g_strdup("");
}

/* The link<T> type name carries T: "link<irq>" -> "irq". */
static char *link_target_type(const char *type)
{
    size_t len = strlen(type);

    if (len > 6 && g_str_has_prefix(type, "link<") && type[len - 1] == '>') {
        return g_strndup(type + 5, len - 6);
    }
    return g_strdup(TYPE_OBJECT);
}

Object *object_resolve_link(Object *obj, const char *name, const char *path,
                            const char *target_type, Error **errp)
{
    bool ambiguous = false;
    Object *target = object_resolve_path_type(path, target_type, &ambiguous);

    if (target) {
        return target;
    }
    if (ambiguous) {
        error_setg(errp, "Path '%s' does not uniquely identify an object",
                   path);
    } else if (object_resolve_path(path, NULL)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   name, target_type);
    } else {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", path);
    }
    return NULL;
}

static bool prop_set_link(Object *obj, ObjectProperty *prop,
                          const char *value, Error **errp)
{
    Object **field = prop_field(obj, prop);
    Object *target = NULL;

    if (value && *value) {
        g_autofree char *type = link_target_type(prop->type);

        target = object_resolve_link(obj, prop->name, value, type, errp);
        if (!target) {
            return false;
        }
    }
    object_ref(target);
    object_unref(*field);
    *field = target;
    return true;
}

static void prop_release_link(Object *obj, ObjectProperty *prop)
{
    Object **field = prop_field(obj, prop);

    object_unref(*field);
    *field = NULL;
}

ObjectProperty *object_class_property_add_link(ObjectClass *klass,
                                               const char *name,
                                               const char *target_type,
                                               ptrdiff_t offset)
{
    g_autofree char *type = g_strdup_printf("link<%s>", target_type);
    ObjectProperty *prop = add_field_prop(klass, name, type, offset,
                                          prop_get_link, prop_set_link);

    prop->release = prop_release_link;
    return prop;
}

/* ---- children ---- */

static char *prop_get_child(Object *obj, ObjectProperty *prop, Error **errp)
{
    char *path = object_get_canonical_path(prop->opaque);

    return path ? path : g_strdup("");
}

static void prop_release_child(Object *obj, ObjectProperty *prop)
{
    Object *child = prop->opaque;

    child->parent = NULL;
    object_unref(child);
}

bool object_property_is_child(ObjectProperty *prop)
{
    return prop->get == prop_get_child;
}

bool object_property_add_child(Object *obj, const char *name, Object *child,
                               Error **errp)
{
    g_autofree char *type = NULL;
    ObjectProperty *prop;

    if (child->parent) {
        error_setg(errp, "Object of type '%s' already has a parent",
                   object_get_typename(child));
        return false;
    }
    type = g_strdup_printf("child<%s>", object_get_typename(child));
    prop = object_property_add(obj, name, type, prop_get_child, NULL,
                               prop_release_child, child);
    if (!prop) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type '%s')", name, object_get_typename(obj));
        return false;
    }
    object_ref(child);
    child->parent = obj;
    return true;
}
