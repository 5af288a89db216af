/*
 * QMP send-key and input-send-event.  Their arguments are lists of
 * unions, which the QAPI generator does not read ('gen': false in
 * qapi/ui.json), so the JSON is read here, with QEMU's error texts.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "system/runstate.h"
#include "ui/console.h"
#include "ui/input.h"

/* Member @key of @o as an object, or NULL with QEMU's message. */
static JsonObject *get_object(JsonObject *o, const char *key,
                              const char *path, Error **errp)
{
    JsonNode *n = json_object_get_member(o, key);

    if (!n) {
        error_setg(errp, "Parameter '%s' is missing", path);
        return NULL;
    }
    if (!JSON_NODE_HOLDS_OBJECT(n)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: object",
                   path);
        return NULL;
    }
    return json_node_get_object(n);
}

static const char *get_string(JsonObject *o, const char *key,
                              const char *path, Error **errp)
{
    JsonNode *n = json_object_get_member(o, key);

    if (!n) {
        error_setg(errp, "Parameter '%s' is missing", path);
        return NULL;
    }
    if (!JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_STRING) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   path);
        return NULL;
    }
    return json_node_get_string(n);
}

static bool get_int(JsonObject *o, const char *key, const char *path,
                    int64_t *val, Error **errp)
{
    JsonNode *n = json_object_get_member(o, key);

    if (!n) {
        error_setg(errp, "Parameter '%s' is missing", path);
        return false;
    }
    if (!JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_INT64) {
        error_setg(errp, "Invalid parameter type for '%s', expected: integer",
                   path);
        return false;
    }
    *val = json_node_get_int(n);
    return true;
}

static bool get_bool(JsonObject *o, const char *key, const char *path,
                     bool *val, Error **errp)
{
    JsonNode *n = json_object_get_member(o, key);

    if (!n) {
        error_setg(errp, "Parameter '%s' is missing", path);
        return false;
    }
    if (!JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_BOOLEAN) {
        error_setg(errp, "Invalid parameter type for '%s', expected: boolean",
                   path);
        return false;
    }
    *val = json_node_get_boolean(n);
    return true;
}

/* An enum member: QEMU names it without its path in the error. */
static int get_enum(JsonObject *o, const char *key, const char *path,
                    int (*lookup)(const char *), Error **errp)
{
    const char *s = get_string(o, key, path, errp);
    int v;

    if (!s) {
        return -1;
    }
    v = lookup(s);
    if (v < 0) {
        error_setg(errp, "Parameter '%s' does not accept value '%s'", key, s);
    }
    return v;
}

/* A KeyValue ({"type": "qcode"|"number", "data": ...}) at @path. */
static bool get_key(JsonObject *kv, const char *path, QKeyCode *q,
                    Error **errp)
{
    g_autofree char *tpath = g_strdup_printf("%s.type", path);
    g_autofree char *dpath = g_strdup_printf("%s.data", path);
    int kind = get_enum(kv, "type", tpath, KeyValueKind_lookup, errp);
    int64_t num;
    int v;

    if (kind < 0) {
        return false;
    }
    if (kind == KEY_VALUE_KIND_NUMBER) {
        if (!get_int(kv, "data", dpath, &num, errp)) {
            return false;
        }
        *q = qemu_input_key_number_to_qcode(num & 0xff);
        return true;
    }
    v = get_enum(kv, "data", dpath, QKeyCode_lookup, errp);
    if (v < 0) {
        return false;
    }
    *q = v;
    return true;
}

static JsonArray *get_array(JsonObject *args, const char *key, Error **errp)
{
    JsonNode *n = json_object_get_member(args, key);

    if (!n) {
        error_setg(errp, "Parameter '%s' is missing", key);
        return NULL;
    }
    if (!JSON_NODE_HOLDS_ARRAY(n)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: array",
                   key);
        return NULL;
    }
    return json_node_get_array(n);
}

void qmp_send_key(JsonObject *args, JsonNode **ret, Error **errp)
{
    JsonArray *keys = get_array(args, "keys", errp);
    g_autofree QKeyCode *codes = NULL;
    int64_t hold = 100;
    guint n;

    if (!keys) {
        return;
    }
    if (json_object_has_member(args, "hold-time") &&
        !get_int(args, "hold-time", "hold-time", &hold, errp)) {
        return;
    }
    n = json_array_get_length(keys);
    codes = g_new0(QKeyCode, n + 1);
    for (guint i = 0; i < n; i++) {
        g_autofree char *path = g_strdup_printf("keys[%u]", i);
        JsonNode *e = json_array_get_element(keys, i);

        if (!JSON_NODE_HOLDS_OBJECT(e)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: "
                       "object", path);
            return;
        }
        if (!get_key(json_node_get_object(e), path, &codes[i], errp)) {
            return;
        }
    }
    if (n) {
        qemu_input_send_keys(codes, n, hold);
    }
}

/* One InputEvent at @path, checked and, when @send, delivered. */
static bool input_event(JsonObject *ev, const char *path, bool send,
                        Error **errp)
{
    g_autofree char *tpath = g_strdup_printf("%s.type", path);
    g_autofree char *dpath = g_strdup_printf("%s.data", path);
    int kind = get_enum(ev, "type", tpath, InputEventKind_lookup, errp);
    JsonObject *data;
    g_autofree char *p1 = NULL, *p2 = NULL;
    bool down;
    int64_t value;
    QKeyCode q;
    int v;

    if (kind < 0 || !(data = get_object(ev, "data", dpath, errp))) {
        return false;
    }
    switch (kind) {
    case INPUT_EVENT_KIND_KEY:
        p1 = g_strdup_printf("%s.key", dpath);
        p2 = g_strdup_printf("%s.down", dpath);
        if (!get_object(data, "key", p1, errp) ||
            !get_key(json_object_get_object_member(data, "key"), p1, &q,
                     errp) ||
            !get_bool(data, "down", p2, &down, errp)) {
            return false;
        }
        if (send && q != Q_KEY_CODE_UNMAPPED) {
            qemu_input_event_send_key_qcode(q, down);
        }
        return true;
    case INPUT_EVENT_KIND_BTN:
        p1 = g_strdup_printf("%s.button", dpath);
        p2 = g_strdup_printf("%s.down", dpath);
        v = get_enum(data, "button", p1, InputButton_lookup, errp);
        if (v < 0 || !get_bool(data, "down", p2, &down, errp)) {
            return false;
        }
        if (send) {
            if (v == INPUT_BUTTON_WHEEL_UP || v == INPUT_BUTTON_WHEEL_DOWN) {
                if (down) {
                    qemu_input_queue_wheel(v == INPUT_BUTTON_WHEEL_UP ? -1
                                                                      : 1);
                }
            } else {
                qemu_input_queue_btn(v, down);
            }
        }
        return true;
    default:
        p1 = g_strdup_printf("%s.axis", dpath);
        p2 = g_strdup_printf("%s.value", dpath);
        v = get_enum(data, "axis", p1, InputAxis_lookup, errp);
        if (v < 0 || !get_int(data, "value", p2, &value, errp)) {
            return false;
        }
        /* absolute events need a tablet, which kemu has not: dropped */
        if (send && kind == INPUT_EVENT_KIND_REL) {
            qemu_input_queue_rel(v, value);
        }
        return true;
    }
}

void qmp_input_send_event(JsonObject *args, JsonNode **ret, Error **errp)
{
    JsonArray *events;
    guint n;

    if (json_object_has_member(args, "device")) {
        const char *dev = get_string(args, "device", "device", errp);

        if (!dev) {
            return;
        }
        /* only the default console's devices exist: any name is unknown */
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", dev);
        return;
    }
    if (!(events = get_array(args, "events", errp))) {
        return;
    }
    n = json_array_get_length(events);
    /* check everything first: a bad event sends none of them */
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < n; i++) {
            g_autofree char *path = g_strdup_printf("events[%u]", i);
            JsonNode *e = json_array_get_element(events, i);

            if (!JSON_NODE_HOLDS_OBJECT(e)) {
                error_setg(errp, "Invalid parameter type for '%s', expected: "
                           "object", path);
                return;
            }
            if (!input_event(json_node_get_object(e), path, pass, errp)) {
                return;
            }
        }
        if (pass == 0 && !runstate_is_running()) {
            error_setg(errp, "VM not running");
            return;
        }
    }
    qemu_input_event_sync();
}
