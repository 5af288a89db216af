/*
 * QOM over QMP: qom-list, qom-get, qom-set, qom-list-types.  Property
 * values are text inside kemu (command-line syntax); the property's type
 * name says how that text looks as JSON, as QEMU's visitors render it.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "qom/object.h"
#include "qom/qom-qmp.h"

/* Property types whose value is a JSON integer. */
static bool type_is_int(const char *type)
{
    static const char *const ints[] = {
        "int", "uint", "int8", "int16", "int32", "int64", "uint8",
        "uint16", "uint32", "uint64", "size", NULL
    };

    for (int i = 0; ints[i]; i++) {
        if (!strcmp(type, ints[i])) {
            return true;
        }
    }
    return false;
}

/*
 * json-glib directly rather than the qapi/ helpers: libqom links alone in
 * unit tests.
 */
static JsonNode *value_node(void)
{
    return json_node_new(JSON_NODE_VALUE);
}

static bool type_is_number(const char *type)
{
    return !strcmp(type, "number") || !strcmp(type, "double");
}

JsonNode *qom_property_text_to_json(const char *type, const char *text)
{
    JsonNode *n;

    if (!strcmp(type, "bool")) {
        n = value_node();
        json_node_set_boolean(n, !strcmp(text, "true") ||
                                 !strcmp(text, "on") || !strcmp(text, "yes"));
        return n;
    }
    if (type_is_int(type)) {
        char *end;

        errno = 0;
        if (text[0] == '-') {
            int64_t v = g_ascii_strtoll(text, &end, 0);

            if (!errno && end != text && !*end) {
                n = value_node();
                json_node_set_int(n, v);
                return n;
            }
        } else {
            uint64_t v = g_ascii_strtoull(text, &end, 0);

            if (!errno && end != text && !*end) {
                n = value_node();
                /* json-glib integers are gint64: a double beyond. */
                if (v > INT64_MAX) {
                    json_node_set_double(n, (double)v);
                } else {
                    json_node_set_int(n, (int64_t)v);
                }
                return n;
            }
        }
    }
    n = value_node();
    if (type_is_number(type)) {
        json_node_set_double(n, g_ascii_strtod(text, NULL));
    } else {
        json_node_set_string(n, text);
    }
    return n;
}

char *qom_property_json_to_text(const char *type, const char *name,
                                JsonNode *value, Error **errp)
{
    GType vt = JSON_NODE_HOLDS_VALUE(value) ?
               json_node_get_value_type(value) : G_TYPE_INVALID;

    if (!strcmp(type, "bool")) {
        if (vt != G_TYPE_BOOLEAN) {
            error_setg(errp, "Invalid parameter type for '%s', expected: "
                       "boolean", name);
            return NULL;
        }
        return g_strdup(json_node_get_boolean(value) ? "on" : "off");
    }
    if (type_is_int(type)) {
        if (vt != G_TYPE_INT64) {
            error_setg(errp, "Invalid parameter type for '%s', expected: "
                       "integer", name);
            return NULL;
        }
        return g_strdup_printf("%" PRId64, json_node_get_int(value));
    }
    if (type_is_number(type)) {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        if (vt != G_TYPE_INT64 && vt != G_TYPE_DOUBLE) {
            error_setg(errp, "Invalid parameter type for '%s', expected: "
                       "number", name);
            return NULL;
        }
        return g_strdup(g_ascii_dtostr(buf, sizeof(buf),
                                       json_node_get_double(value)));
    }
    if (vt != G_TYPE_STRING) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   name);
        return NULL;
    }
    return g_strdup(json_node_get_string(value));
}

/* ---- qom-list ---- */

static void add_property_info(ObjectProperty *prop, void *opaque)
{
    ObjectPropertyInfoList **head = opaque;
    ObjectPropertyInfoList *elt = g_new0(ObjectPropertyInfoList, 1);

    elt->value = g_new0(ObjectPropertyInfo, 1);
    elt->value->name = g_strdup(prop->name);
    elt->value->type = g_strdup(prop->type);
    /* QEMU builds the list by prepending. */
    elt->next = *head;
    *head = elt;
}

ObjectPropertyInfoList *qmp_qom_list(const char *path, Error **errp)
{
    bool ambiguous = false;
    Object *obj = object_resolve_path(path, &ambiguous);
    ObjectPropertyInfoList *head = NULL;

    if (!obj) {
        if (ambiguous) {
            error_setg(errp, "Path '%s' is ambiguous", path);
        } else {
            error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                      "Device '%s' not found", path);
        }
        return NULL;
    }
    object_property_foreach(obj, add_property_info, &head);
    return head;
}

/* ---- qom-get / qom-set ---- */

static Object *resolve_for_get_set(const char *path, Error **errp)
{
    Object *obj = object_resolve_path(path, NULL);

    if (!obj) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", path);
    }
    return obj;
}

JsonNode *qmp_qom_get(const char *path, const char *property, Error **errp)
{
    Object *obj = resolve_for_get_set(path, errp);
    ObjectProperty *prop;
    g_autofree char *text = NULL;

    if (!obj) {
        return NULL;
    }
    prop = object_property_find_err(obj, property, errp);
    if (!prop) {
        return NULL;
    }
    if (!prop->get) {
        error_setg(errp, "Property '%s.%s' is not readable",
                   object_get_typename(obj), property);
        return NULL;
    }
    text = object_property_get_str(obj, property, errp);
    if (!text) {
        return NULL;
    }
    return qom_property_text_to_json(prop->type, text);
}

void qmp_qom_set(const char *path, const char *property, JsonNode *value,
                 Error **errp)
{
    Object *obj = resolve_for_get_set(path, errp);
    ObjectProperty *prop;
    g_autofree char *text = NULL;

    if (!obj) {
        return;
    }
    prop = object_property_find_err(obj, property, errp);
    if (!prop) {
        return;
    }
    if (!prop->set) {
        error_setg(errp, "Property '%s.%s' is not writable",
                   object_get_typename(obj), property);
        return;
    }
    text = qom_property_json_to_text(prop->type, property, value, errp);
    if (text) {
        object_property_set_str(obj, property, text, errp);
    }
}

/* ---- qom-list-types ---- */

static void add_type_info(ObjectClass *klass, void *opaque)
{
    ObjectTypeInfoList **head = opaque;
    ObjectTypeInfoList *elt = g_new0(ObjectTypeInfoList, 1);
    ObjectClass *parent = object_class_get_parent(klass);

    elt->value = g_new0(ObjectTypeInfo, 1);
    elt->value->name = g_strdup(object_class_get_name(klass));
    /* QEMU only says "abstract" when it is true. */
    if (object_class_is_abstract(klass)) {
        elt->value->has_abstract = true;
        elt->value->abstract = true;
    }
    if (parent) {
        elt->value->has_parent = true;
        elt->value->parent = g_strdup(object_class_get_name(parent));
    }
    elt->next = *head;
    *head = elt;
}

ObjectTypeInfoList *qmp_qom_list_types(bool has_implements,
                                       const char *implements,
                                       bool has_abstract, bool abstract,
                                       Error **errp)
{
    ObjectTypeInfoList *head = NULL;

    if (has_implements && !object_class_by_name(implements)) {
        return NULL;    /* an unknown type has no implementations */
    }
    object_class_foreach(add_type_info, has_implements ? implements : NULL,
                         has_abstract && abstract, &head);
    return head;
}
