/*
 * chardev-add's "backend" argument, QEMU's ChardevBackend union
 * ({"type": T, "data": {...}}), checked member by member with QEMU's
 * visitor texts and turned into the -chardev keys the backends read.
 * Types: the backends kemu has (file, pipe, socket, null, pty, stdio).
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "qapi/qapi-commands.h"
#include "chardev-internal.h"

typedef struct BackendMember {
    const char *name;       /* JSON member */
    const char *key;        /* -chardev key it becomes */
    char type;              /* 's'tring, 'b'oolean, 'i'nteger, 'a'ddress */
    bool required;
} BackendMember;

#define COMMON_MEMBERS \
    { "logfile", "logfile", 's', false }, \
    { "logappend", "logappend", 'b', false }

static const BackendMember file_members[] = {
    { "in", "in", 's', false }, { "out", "path", 's', true },
    { "append", "append", 'b', false }, COMMON_MEMBERS, { NULL },
};
static const BackendMember pipe_members[] = {
    { "device", "path", 's', true }, COMMON_MEMBERS, { NULL },
};
static const BackendMember socket_members[] = {
    { "addr", NULL, 'a', true }, { "tls-creds", "tls-creds", 's', false },
    { "tls-authz", "tls-authz", 's', false },
    { "server", "server", 'b', false }, { "wait", "wait", 'b', false },
    { "nodelay", "nodelay", 'b', false }, { "telnet", "telnet", 'b', false },
    { "tn3270", "tn3270", 'b', false },
    { "websocket", "websocket", 'b', false },
    { "reconnect", "reconnect", 'i', false }, COMMON_MEMBERS, { NULL },
};
static const BackendMember stdio_members[] = {
    { "signal", "signal", 'b', false }, COMMON_MEMBERS, { NULL },
};
static const BackendMember common_members[] = { COMMON_MEMBERS, { NULL } };
static const BackendMember unix_members[] = {
    { "path", "path", 's', true }, { "abstract", "abstract", 'b', false },
    { "tight", "tight", 'b', false }, { NULL },
};
static const BackendMember inet_members[] = {
    { "host", "host", 's', true }, { "port", "port", 's', true },
    { "numeric", NULL, 'b', false }, { "to", "to", 'i', false },
    { "ipv4", "ipv4", 'b', false }, { "ipv6", "ipv6", 'b', false },
    { "keep-alive", NULL, 'b', false }, { "mptcp", NULL, 'b', false },
    { NULL },
};

static const struct {
    const char *type;
    const BackendMember *members;
} backend_types[] = {
    { "file", file_members }, { "pipe", pipe_members },
    { "socket", socket_members }, { "null", common_members },
    { "pty", common_members }, { "stdio", stdio_members },
};

static const struct {
    const char *type;
    const BackendMember *members;
} address_types[] = {
    { "inet", inet_members }, { "unix", unix_members },
};

static bool parse_members(QemuOpts *opts, JsonObject *o, const char *path,
                          const BackendMember *m, Error **errp);

static const char *json_type_name(char type)
{
    return type == 's' ? "string" : type == 'b' ? "boolean"
         : type == 'i' ? "integer" : "object";
}

/*
 * A flat union member {"type": T, "data": {...}} at @path whose T is one
 * of @n @types; returns the branch's member table and data object.
 */
static const BackendMember *parse_union(JsonNode *node, const char *path,
                                        const void *types, size_t n,
                                        JsonObject **data, Error **errp)
{
    const struct { const char *type; const BackendMember *m; } *t = types;
    JsonObject *o;
    JsonNode *tn;
    const char *type;
    size_t i;

    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: object",
                   path);
        return NULL;
    }
    o = json_node_get_object(node);
    tn = json_object_get_member(o, "type");
    if (!tn) {
        error_setg(errp, "Parameter '%s.type' is missing", path);
        return NULL;
    }
    if (!JSON_NODE_HOLDS_VALUE(tn) ||
        json_node_get_value_type(tn) != G_TYPE_STRING) {
        error_setg(errp, "Invalid parameter type for '%s.type', expected: "
                   "string", path);
        return NULL;
    }
    type = json_node_get_string(tn);
    for (i = 0; i < n && strcmp(t[i].type, type); i++) {
    }
    if (i == n) {
        error_setg(errp, "Parameter 'type' does not accept value '%s'", type);
        return NULL;
    }
    tn = json_object_get_member(o, "data");
    if (!tn) {
        error_setg(errp, "Parameter '%s.data' is missing", path);
        return NULL;
    }
    if (!JSON_NODE_HOLDS_OBJECT(tn)) {
        error_setg(errp, "Invalid parameter type for '%s.data', expected: "
                   "object", path);
        return NULL;
    }
    *data = json_node_get_object(tn);
    return t[i].m;
}

static bool parse_address(QemuOpts *opts, JsonNode *node, const char *path,
                          Error **errp)
{
    JsonObject *data;
    const BackendMember *m = parse_union(node, path, address_types,
                                         G_N_ELEMENTS(address_types),
                                         &data, errp);
    g_autofree char *data_path = g_strconcat(path, ".data", NULL);

    return m && parse_members(opts, data, data_path, m, errp);
}

static bool is_member(const BackendMember *m, const char *name)
{
    for (; m->name; m++) {
        if (!strcmp(m->name, name)) {
            return true;
        }
    }
    return false;
}

/* Set -chardev keys from @o; QEMU's order: each member, then extras. */
static bool parse_members(QemuOpts *opts, JsonObject *o, const char *path,
                          const BackendMember *members, Error **errp)
{
    g_autoptr(GList) names = json_object_get_members(o);
    const BackendMember *m;
    GList *l;

    for (m = members; m->name; m++) {
        JsonNode *v = json_object_get_member(o, m->name);
        g_autofree char *p = g_strdup_printf("%s.%s", path, m->name);
        GType t = v && JSON_NODE_HOLDS_VALUE(v) ? json_node_get_value_type(v)
                                                : G_TYPE_INVALID;

        if (!v) {
            if (m->required) {
                error_setg(errp, "Parameter '%s' is missing", p);
                return false;
            }
            continue;
        }
        if (m->type == 'a') {
            if (!parse_address(opts, v, p, errp)) {
                return false;
            }
            continue;
        }
        if ((m->type == 's' && t != G_TYPE_STRING) ||
            (m->type == 'b' && t != G_TYPE_BOOLEAN) ||
            (m->type == 'i' && t != G_TYPE_INT64)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       p, json_type_name(m->type));
            return false;
        }
        if (!m->key) {
            continue;       /* accepted, no effect in kemu */
        }
        if (m->type == 's') {
            qemu_opt_set(opts, m->key, json_node_get_string(v));
        } else if (m->type == 'b') {
            qemu_opt_set(opts, m->key, json_node_get_boolean(v) ? "on" : "off");
        } else {
            g_autofree char *n = g_strdup_printf("%" PRId64,
                                                 json_node_get_int(v));
            qemu_opt_set(opts, m->key, n);
        }
    }
    for (l = names; l; l = l->next) {
        if (!is_member(members, l->data)) {
            error_setg(errp, "Parameter '%s.%s' is unexpected", path,
                       (const char *)l->data);
            return false;
        }
    }
    return true;
}

QemuOpts *chardev_backend_to_opts(JsonNode *backend, const char **type,
                                  Error **errp)
{
    JsonObject *data;
    const BackendMember *m = parse_union(backend, "backend", backend_types,
                                         G_N_ELEMENTS(backend_types),
                                         &data, errp);
    QemuOpts *opts;

    if (!m) {
        return NULL;
    }
    *type = json_object_get_string_member(json_node_get_object(backend),
                                          "type");
    opts = qemu_opts_parse("", NULL, &error_abort);
    if (!parse_members(opts, data, "backend.data", m, errp)) {
        qemu_opts_free(opts);
        return NULL;
    }
    qemu_opt_set(opts, "backend", *type);
    return opts;
}
