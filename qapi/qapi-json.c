/*
 * Builtin values between JSON nodes and C for the generated QAPI code,
 * with the texts QEMU's QMP input visitor gives, and QEMU's member order.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-json.h"

char *qapi_member_name(const char *prefix, const char *member)
{
    return prefix && *prefix ? g_strdup_printf("%s.%s", prefix, member)
                             : g_strdup(member);
}

char *qapi_element_name(const char *prefix, guint index)
{
    return g_strdup_printf("%s[%u]", prefix ? prefix : "", index);
}

void qapi_error_missing(const char *prefix, const char *member, Error **errp)
{
    g_autofree char *name = qapi_member_name(prefix, member);

    error_setg(errp, "Parameter '%s' is missing", name);
}

bool qapi_check_unexpected(JsonObject *o, const char *prefix,
                           const char *const *known, Error **errp)
{
    GList *members;
    bool ok = true;

    if (!o) {
        return true;
    }
    members = qapi_qdict_members(o);
    for (GList *l = members; l; l = l->next) {
        const char *key = l->data;
        bool found = false;

        for (int i = 0; known[i]; i++) {
            if (!strcmp(known[i], key)) {
                found = true;
                break;
            }
        }
        if (!found) {
            g_autofree char *name = qapi_member_name(prefix, key);

            error_setg(errp, "Parameter '%s' is unexpected", name);
            ok = false;
            break;
        }
    }
    g_list_free(members);
    return ok;
}

static void type_error(const char *name, const char *expected, Error **errp)
{
    error_setg(errp, "Invalid parameter type for '%s', expected: %s",
               name ? name : "null", expected);
}

static GType value_type(JsonNode *node)
{
    if (!node || JSON_NODE_TYPE(node) != JSON_NODE_VALUE) {
        return G_TYPE_INVALID;
    }
    return json_node_get_value_type(node);
}

bool qapi_str_from_json(JsonNode *node, const char *name, char **out,
                        Error **errp)
{
    if (value_type(node) != G_TYPE_STRING) {
        type_error(name, "string", errp);
        return false;
    }
    *out = g_strdup(json_node_get_string(node));
    return true;
}

bool qapi_int_from_json(JsonNode *node, const char *name, int64_t *out,
                        Error **errp)
{
    if (value_type(node) != G_TYPE_INT64) {
        type_error(name, "integer", errp);
        return false;
    }
    *out = json_node_get_int(node);
    return true;
}

bool qapi_uint_from_json(JsonNode *node, const char *name, uint64_t *out,
                         Error **errp)
{
    if (value_type(node) == G_TYPE_DOUBLE) {
        /* Integers beyond INT64_MAX arrive as doubles. */
        double d = json_node_get_double(node);

        if (d >= 0 && d < 18446744073709551616.0 && d == (double)(uint64_t)d) {
            *out = (uint64_t)d;
            return true;
        }
    }
    if (value_type(node) != G_TYPE_INT64) {
        type_error(name, "integer", errp);
        return false;
    }
    *out = (uint64_t)json_node_get_int(node);
    return true;
}

/*
 * Store the low @size bytes of @v: the same bits for a signed or an
 * unsigned member (signed and unsigned variants of a type may alias).
 */
static void store_sized(void *out, size_t size, uint64_t v)
{
    switch (size) {
    case 1:
        *(uint8_t *)out = (uint8_t)v;
        break;
    case 2:
        *(uint16_t *)out = (uint16_t)v;
        break;
    case 4:
        *(uint32_t *)out = (uint32_t)v;
        break;
    default:
        *(uint64_t *)out = v;
        break;
    }
}

/* QEMU's visitors refuse a value the sized C type cannot hold. */
static void range_error(const char *name, const char *ctype, size_t size,
                        Error **errp)
{
    error_setg(errp, "Parameter '%s' expects %s%zu_t", name, ctype,
               size * 8);
}

bool qapi_int_from_json_into(JsonNode *node, const char *name, void *out,
                             size_t size, Error **errp)
{
    int64_t v;

    if (!qapi_int_from_json(node, name, &v, errp)) {
        return false;
    }
    if (size < 8) {
        int64_t max = (INT64_C(1) << (size * 8 - 1)) - 1;
        if (v > max || v < -max - 1) {
            range_error(name, "int", size, errp);
            return false;
        }
    }
    store_sized(out, size, (uint64_t)v);
    return true;
}

bool qapi_uint_from_json_into(JsonNode *node, const char *name, void *out,
                              size_t size, Error **errp)
{
    uint64_t v;

    if (!qapi_uint_from_json(node, name, &v, errp)) {
        return false;
    }
    /* A negative number arrives as a huge one, as in QEMU's visitor. */
    if (size < 8 && v > (UINT64_C(1) << (size * 8)) - 1) {
        range_error(name, "uint", size, errp);
        return false;
    }
    store_sized(out, size, v);
    return true;
}

bool qapi_bool_from_json(JsonNode *node, const char *name, bool *out,
                         Error **errp)
{
    if (value_type(node) != G_TYPE_BOOLEAN) {
        type_error(name, "boolean", errp);
        return false;
    }
    *out = json_node_get_boolean(node);
    return true;
}

bool qapi_number_from_json(JsonNode *node, const char *name, double *out,
                           Error **errp)
{
    GType t = value_type(node);

    if (t == G_TYPE_INT64) {
        *out = (double)json_node_get_int(node);
        return true;
    }
    if (t != G_TYPE_DOUBLE) {
        type_error(name, "number", errp);
        return false;
    }
    *out = json_node_get_double(node);
    return true;
}

bool qapi_any_from_json(JsonNode *node, const char *name, JsonNode **out,
                        Error **errp)
{
    *out = node ? json_node_copy(node) : json_node_new(JSON_NODE_NULL);
    return true;
}

bool qapi_null_from_json(JsonNode *node, const char *name, void **out,
                         Error **errp)
{
    if (!node || !JSON_NODE_HOLDS_NULL(node)) {
        type_error(name, "null", errp);
        return false;
    }
    *out = NULL;
    return true;
}

int qapi_enum_from_json(JsonNode *node, const char *name,
                        const char *const *names, Error **errp)
{
    const char *str;

    if (value_type(node) != G_TYPE_STRING) {
        type_error(name, "string", errp);
        return -1;
    }
    str = json_node_get_string(node);
    for (int i = 0; names[i]; i++) {
        if (!strcmp(names[i], str)) {
            return i;
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'",
               name ? name : "null", str);
    return -1;
}

JsonObject *qapi_object_from_json(JsonNode *node, const char *name,
                                  Error **errp)
{
    if (!node || !JSON_NODE_HOLDS_OBJECT(node)) {
        type_error(name, "object", errp);
        return NULL;
    }
    return json_node_get_object(node);
}

JsonArray *qapi_array_from_json(JsonNode *node, const char *name,
                                Error **errp)
{
    if (!node || !JSON_NODE_HOLDS_ARRAY(node)) {
        type_error(name, "array", errp);
        return NULL;
    }
    return json_node_get_array(node);
}

JsonNode *qapi_str_to_json(const char *str)
{
    JsonNode *n = json_node_new(JSON_NODE_VALUE);

    json_node_set_string(n, str ? str : "");
    return n;
}

JsonNode *qapi_int_to_json(int64_t v)
{
    JsonNode *n = json_node_new(JSON_NODE_VALUE);

    json_node_set_int(n, v);
    return n;
}

JsonNode *qapi_uint_to_json(uint64_t v)
{
    JsonNode *n = json_node_new(JSON_NODE_VALUE);

    /*
     * json-glib holds integers as gint64: beyond INT64_MAX the value goes
     * out as a double (QEMU would print the exact integer).
     */
    if (v > INT64_MAX) {
        json_node_set_double(n, (double)v);
    } else {
        json_node_set_int(n, (int64_t)v);
    }
    return n;
}

JsonNode *qapi_bool_to_json(bool v)
{
    JsonNode *n = json_node_new(JSON_NODE_VALUE);

    json_node_set_boolean(n, v);
    return n;
}

JsonNode *qapi_number_to_json(double v)
{
    JsonNode *n = json_node_new(JSON_NODE_VALUE);

    json_node_set_double(n, v);
    return n;
}

JsonNode *qapi_any_to_json(const JsonNode *v)
{
    return v ? json_node_copy((JsonNode *)v) : json_node_new(JSON_NODE_NULL);
}

JsonNode *qapi_null_to_json(const void *v)
{
    return json_node_new(JSON_NODE_NULL);
}

JsonNode *qapi_object_to_json(JsonObject *o)
{
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(n, o);
    return n;
}

JsonNode *qapi_array_to_json(JsonArray *a)
{
    JsonNode *n = json_node_new(JSON_NODE_ARRAY);

    json_node_take_array(n, a);
    return n;
}

/* ---- QEMU's member order ---- */

/* The bucket QEMU's QDict puts @key in (its tdb-style string hash). */
static unsigned qdict_bucket(const char *key)
{
    size_t len = strlen(key);
    uint32_t v = 0x238F13AFu * (uint32_t)len;

    for (size_t i = 0; i < len; i++) {
        v += (uint32_t)(unsigned char)key[i] << (i * 5 % 24);
    }
    return (1103515243u * v + 12345u) % 512;
}

typedef struct MemberPos {
    const char *name;
    unsigned bucket;
    int index;          /* insertion order */
} MemberPos;

static int member_pos_cmp(const void *a, const void *b)
{
    const MemberPos *x = a, *y = b;

    if (x->bucket != y->bucket) {
        return x->bucket < y->bucket ? -1 : 1;
    }
    /* Within a bucket the newest member comes first. */
    return y->index - x->index;
}

GList *qapi_qdict_members(JsonObject *o)
{
    GList *members = json_object_get_members(o);   /* insertion order */
    guint n = g_list_length(members);
    MemberPos *pos = g_new(MemberPos, n ? n : 1);
    GList *out = NULL;
    guint i = 0;

    for (GList *l = members; l; l = l->next, i++) {
        pos[i].name = l->data;
        pos[i].bucket = qdict_bucket(l->data);
        pos[i].index = (int)i;
    }
    g_list_free(members);
    qsort(pos, n, sizeof(*pos), member_pos_cmp);
    for (i = n; i > 0; i--) {
        out = g_list_prepend(out, (gpointer)pos[i - 1].name);
    }
    g_free(pos);
    return out;
}

JsonNode *qapi_qdict_order(JsonNode *node)
{
    if (!node) {
        return NULL;
    }
    if (JSON_NODE_HOLDS_OBJECT(node)) {
        JsonObject *src = json_node_get_object(node);
        JsonObject *dst = json_object_new();
        GList *members = qapi_qdict_members(src);

        for (GList *l = members; l; l = l->next) {
            json_object_set_member(dst, l->data,
                qapi_qdict_order(json_object_get_member(src, l->data)));
        }
        g_list_free(members);
        return qapi_object_to_json(dst);
    }
    if (JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *src = json_node_get_array(node);
        JsonArray *dst = json_array_sized_new(json_array_get_length(src));

        for (guint i = 0; i < json_array_get_length(src); i++) {
            json_array_add_element(dst,
                qapi_qdict_order(json_array_get_element(src, i)));
        }
        return qapi_array_to_json(dst);
    }
    return json_node_copy(node);
}
