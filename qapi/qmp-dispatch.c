/*
 * QMP dispatch: check a request's shape as QEMU does, find the command in
 * the generated table, run its marshaller, build the response.
 */
#include "qemu/osdep.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/qapi-json.h"

const QmpCommand *qmp_find_command(const char *name)
{
    for (const QmpCommand *cmd = qmp_commands; cmd->name; cmd++) {
        if (!strcmp(cmd->name, name)) {
            return cmd;
        }
    }
    return NULL;
}

static JsonNode *error_object(const Error *err)
{
    JsonObject *e = json_object_new();

    json_object_set_string_member(e, "class",
                                  error_class_name(error_get_class(err)));
    json_object_set_string_member(e, "desc", error_get_pretty(err));
    return qapi_object_to_json(e);
}

JsonNode *qmp_error_response(const Error *err)
{
    JsonObject *rsp = json_object_new();
    JsonNode *node;

    json_object_set_member(rsp, "error", error_object(err));
    node = qapi_object_to_json(rsp);
    return node;
}

/*
 * The members a request may have, checked in QEMU's member order so the
 * first offending member is the one QEMU names.  Returns the command name.
 */
static const char *check_request(JsonObject *req, bool oob_enabled,
                                 JsonObject **args, bool *oob, Error **errp)
{
    GList *members = qapi_qdict_members(req);
    const char *execute = NULL, *exec_oob = NULL;
    bool ok = true;

    *args = NULL;
    for (GList *l = members; l && ok; l = l->next) {
        const char *key = l->data;
        JsonNode *val = json_object_get_member(req, key);

        if (!strcmp(key, "execute") ||
            (!strcmp(key, "exec-oob") && oob_enabled)) {
            if (!JSON_NODE_HOLDS_VALUE(val) ||
                json_node_get_value_type(val) != G_TYPE_STRING) {
                error_setg(errp, "QMP input member '%s' must be a string",
                           key);
                ok = false;
            } else if (key[4] == '-') {
                exec_oob = json_node_get_string(val);
            } else {
                execute = json_node_get_string(val);
            }
        } else if (!strcmp(key, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(val)) {
                error_setg(errp,
                           "QMP input member 'arguments' must be an object");
                ok = false;
            } else {
                *args = json_node_get_object(val);
            }
        } else if (strcmp(key, "id") != 0) {
            /* "exec-oob" too when the session did not enable oob. */
            error_setg(errp, "QMP input member '%s' is unexpected", key);
            ok = false;
        }
    }
    g_list_free(members);
    if (!ok) {
        return NULL;
    }
    if (execute && exec_oob) {
        error_setg(errp, "QMP input must not contain both 'execute' and "
                   "'exec-oob'");
        return NULL;
    }
    if (!execute && !exec_oob) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return NULL;
    }
    *oob = exec_oob != NULL;
    return execute ? execute : exec_oob;
}

static JsonNode *run_request(JsonNode *request, bool negotiated,
                             bool oob_enabled, Error **errp)
{
    JsonObject *req, *args, *empty = NULL;
    const QmpCommand *cmd;
    const char *name;
    JsonNode *ret = NULL;
    Error *err = NULL;
    bool oob = false;

    if (!request || !JSON_NODE_HOLDS_OBJECT(request)) {
        error_setg(errp, "QMP input must be a JSON object");
        return NULL;
    }
    req = json_node_get_object(request);
    name = check_request(req, oob_enabled, &args, &oob, errp);
    if (!name) {
        return NULL;
    }
    if (!negotiated && strcmp(name, "qmp_capabilities") != 0) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Expecting capabilities negotiation with "
                  "'qmp_capabilities'");
        return NULL;
    }
    cmd = qmp_find_command(name);
    if (!cmd) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        return NULL;
    }
    if (oob && !cmd->allow_oob) {
        error_setg(errp, "The command %s does not support OOB", name);
        return NULL;
    }
    if (!args) {
        args = empty = json_object_new();
    }
    if (negotiated && !strcmp(name, "qmp_capabilities")) {
        /* QEMU checks the arguments before refusing the command. */
        cmd->fn(args, &ret, true, &err);
        if (!err) {
            error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                      "Capabilities negotiation is already complete, "
                      "command ignored");
        }
    } else {
        cmd->fn(args, &ret, false, &err);
    }
    if (empty) {
        json_object_unref(empty);
    }
    if (err) {
        if (ret) {
            json_node_unref(ret);
        }
        error_propagate(errp, err);
        return NULL;
    }
    return ret ? ret : qapi_object_to_json(json_object_new());
}

JsonNode *qmp_dispatch(JsonNode *request, bool negotiated)
{
    return qmp_dispatch_oob(request, negotiated, false);
}

JsonNode *qmp_dispatch_oob(JsonNode *request, bool negotiated,
                           bool oob_enabled)
{
    Error *err = NULL;
    JsonNode *ret = run_request(request, negotiated, oob_enabled, &err);
    JsonObject *rsp = json_object_new();
    JsonNode *node, *ordered;

    if (err) {
        json_object_set_member(rsp, "error", error_object(err));
        error_free(err);
    } else {
        json_object_set_member(rsp, "return", ret);
    }
    if (request && JSON_NODE_HOLDS_OBJECT(request)) {
        JsonObject *req = json_node_get_object(request);

        if (json_object_has_member(req, "id")) {
            json_object_set_member(rsp, "id",
                json_node_copy(json_object_get_member(req, "id")));
        }
    }
    node = qapi_object_to_json(rsp);
    ordered = qapi_qdict_order(node);
    json_node_unref(node);
    return ordered;
}
