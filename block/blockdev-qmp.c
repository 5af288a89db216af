/*
 * QMP blockdev-add and blockdev-del.  blockdev-add's JSON arguments are
 * flattened into -blockdev options (nested dictionaries as "file.KEY",
 * booleans as on/off) after QEMU's type checks on the members kemu knows,
 * so both paths open nodes the same way (block/blockdev.c).
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block/blockdev.h"

/* Members whose JSON type QEMU's BlockdevOptions fixes. */
static const char *const bool_keys[] = {
    "read-only", "auto-read-only", "force-share", "direct", "no-flush",
    NULL,
};
static const char *const str_keys[] = {
    "driver", "node-name", "filename", "discard", "aio", "detect-zeroes",
    NULL,
};

static bool key_in(const char *key, const char *const *list)
{
    for (; *list; list++) {
        if (!strcmp(key, *list)) {
            return true;
        }
    }
    return false;
}

static bool flatten(JsonObject *obj, const char *prefix, QemuOpts *opts,
                    Error **errp)
{
    GList *members = json_object_get_members(obj);
    bool ok = true;

    for (GList *l = members; l && ok; l = l->next) {
        const char *key = l->data;
        JsonNode *v = json_object_get_member(obj, key);
        g_autofree char *name = g_strdup_printf("%s%s", prefix, key);
        g_autofree char *text = NULL;
        GType t = JSON_NODE_HOLDS_VALUE(v) ? json_node_get_value_type(v)
                                           : G_TYPE_INVALID;

        if (JSON_NODE_HOLDS_NULL(v) && !strcmp(key, "backing")) {
            qemu_opt_set(opts, name, "");      /* no backing file */
            continue;
        }
        if (JSON_NODE_HOLDS_OBJECT(v)) {
            g_autofree char *sub = g_strdup_printf("%s.", name);
            ok = flatten(json_node_get_object(v), sub, opts, errp);
            continue;
        }
        if (key_in(key, bool_keys) && t != G_TYPE_BOOLEAN) {
            error_setg(errp, "Invalid parameter type for '%s', expected: "
                       "boolean", name);
            ok = false;
        } else if ((key_in(key, str_keys) || !strcmp(key, "file")) &&
                   t != G_TYPE_STRING) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       name, strcmp(key, "file") ? "string"
                                                 : "BlockdevRef");
            ok = false;
        } else if (t == G_TYPE_STRING) {
            text = g_strdup(json_node_get_string(v));
        } else if (t == G_TYPE_BOOLEAN) {
            text = g_strdup(json_node_get_boolean(v) ? "on" : "off");
        } else if (t == G_TYPE_INT64) {
            text = g_strdup_printf("%" PRId64, json_node_get_int(v));
        } else {
            error_setg(errp, "Parameter '%s' is unexpected", name);
            ok = false;
        }
        if (ok) {
            qemu_opt_set(opts, name, text);
        }
    }
    g_list_free(members);
    return ok;
}

void qmp_blockdev_add(JsonObject *args, JsonNode **ret, Error **errp)
{
    QemuOpts *opts = qemu_opts_parse("", NULL, errp);

    if (flatten(args, "", opts, errp) && blockdev_add_opts(opts, errp)) {
        *ret = json_node_new(JSON_NODE_OBJECT);
        json_node_take_object(*ret, json_object_new());
    }
    qemu_opts_free(opts);
}

void qmp_blockdev_del(const char *node_name, Error **errp)
{
    blockdev_del(node_name, errp);
}
