/*
 * JSON argument reading for hand-written block marshallers
 * (block/json-args.h), with QEMU's QAPI error texts.
 */
#include "json-args.h"

static JsonNode *member(JsonArgs *a, const char *name, bool required)
{
    JsonNode *n = a->ok ? json_object_get_member(a->o, name) : NULL;
    if (!n && required && a->ok) {
        error_setg(a->errp, "Parameter '%s%s' is missing", a->prefix, name);
        a->ok = false;
    }
    return n;
}

static bool type_ok(JsonArgs *a, JsonNode *n, GType t, const char *name,
                    const char *expected)
{
    if (!a->ok || !n) {
        return false;
    }
    if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != t) {
        error_setg(a->errp, "Invalid parameter type for '%s%s', expected: "
                   "%s", a->prefix, name, expected);
        a->ok = false;
        return false;
    }
    return true;
}

const char *json_args_str(JsonArgs *a, const char *name, bool required)
{
    JsonNode *n = member(a, name, required);
    return type_ok(a, n, G_TYPE_STRING, name, "string")
           ? json_node_get_string(n) : NULL;
}

int64_t json_args_int(JsonArgs *a, const char *name, bool required,
                      int64_t def)
{
    JsonNode *n = member(a, name, required);
    return type_ok(a, n, G_TYPE_INT64, name, "integer")
           ? json_node_get_int(n) : def;
}

bool json_args_bool(JsonArgs *a, const char *name, bool def)
{
    JsonNode *n = member(a, name, false);
    return type_ok(a, n, G_TYPE_BOOLEAN, name, "boolean")
           ? json_node_get_boolean(n) : def;
}

int json_args_enum(JsonArgs *a, const char *name,
                   const char *const *values, int def)
{
    const char *v = json_args_str(a, name, false);
    if (!v) {
        return def;
    }
    for (int i = 0; values[i]; i++) {
        if (!strcmp(v, values[i])) {
            return i;
        }
    }
    /* QAPI names an enum member without its path ("options."). */
    error_setg(a->errp, "Parameter '%s' does not accept value '%s'", name, v);
    a->ok = false;
    return def;
}

bool json_args_check_members(JsonArgs *a, const char *const *known)
{
    GList *names = a->ok ? json_object_get_members(a->o) : NULL;
    for (GList *l = names; l && a->ok; l = l->next) {
        if (!g_strv_contains(known, l->data)) {
            error_setg(a->errp, "Parameter '%s%s' is unexpected", a->prefix,
                       (char *)l->data);
            a->ok = false;
        }
    }
    g_list_free(names);
    return a->ok;
}
