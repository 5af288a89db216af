/*
 * QMP commands of the network layer: set_link, netdev_add (arguments as
 * -netdev keys, from JSON) and netdev_del.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-json.h"
#include "qapi/qapi-events.h"
#include "net/net-setup.h"

void qmp_set_link(const char *name, bool up, Error **errp)
{
    net_set_link(name, up, errp);
}

/* A JSON value as -netdev option text ("on" for true, as QEMU's opts). */
static char *json_arg_text(JsonNode *value)
{
    if (!JSON_NODE_HOLDS_VALUE(value)) {
        return NULL;
    }
    switch (json_node_get_value_type(value)) {
    case G_TYPE_STRING:
        return g_strdup(json_node_get_string(value));
    case G_TYPE_INT64:
        return g_strdup_printf("%" PRId64, json_node_get_int(value));
    case G_TYPE_BOOLEAN:
        return g_strdup(json_node_get_boolean(value) ? "on" : "off");
    default:
        return NULL;
    }
}

static void append_opt(GString *s, const char *text)
{
    /* Commas are doubled in option strings. */
    for (const char *p = text; *p; p++) {
        if (*p == ',') {
            g_string_append_c(s, ',');
        }
        g_string_append_c(s, *p);
    }
}

void qmp_netdev_add(JsonObject *args, JsonNode **ret, Error **errp)
{
    g_autoptr(GString) opts = g_string_new(NULL);
    g_autofree char *type = NULL;
    GList *members = json_object_get_members(args);

    if (json_object_has_member(args, "type")) {
        type = json_arg_text(json_object_get_member(args, "type"));
    }
    if (!type) {
        g_list_free(members);
        error_setg(errp, "Parameter 'type' is missing");
        return;
    }
    g_string_append(opts, "type=");
    append_opt(opts, type);
    for (GList *l = members; l; l = l->next) {
        const char *key = l->data;
        JsonNode *v = json_object_get_member(args, key);

        if (!strcmp(key, "type")) {
            continue;
        }
        if (JSON_NODE_HOLDS_ARRAY(v)) {
            /* hostfwd/guestfwd lists: one key=value per element */
            JsonArray *a = json_node_get_array(v);

            for (guint i = 0; i < json_array_get_length(a); i++) {
                JsonNode *e = json_array_get_element(a, i);
                g_autofree char *text = NULL;

                if (JSON_NODE_HOLDS_OBJECT(e) &&
                    json_object_has_member(json_node_get_object(e), "str")) {
                    e = json_object_get_member(json_node_get_object(e),
                                               "str");
                }
                text = json_arg_text(e);
                if (text) {
                    g_string_append_printf(opts, ",%s=", key);
                    append_opt(opts, text);
                }
            }
            continue;
        }
        g_autofree char *text = json_arg_text(v);

        if (text) {
            g_string_append_printf(opts, ",%s=", key);
            append_opt(opts, text);
        }
    }
    g_list_free(members);
    if (net_netdev_add(opts->str, errp)) {
        *ret = qapi_object_to_json(json_object_new());
    }
}

void qmp_netdev_del(const char *id, Error **errp)
{
    net_netdev_del(id, errp);
}

void qemu_nic_rx_filter_changed(NetClientState *nc, const char *path)
{
    if (nc->rxfilter_notify_enabled) {
        qapi_event_send_nic_rx_filter_changed(true, nc->name, path);
        nc->rxfilter_notify_enabled = false;
    }
}

RxFilterInfoList *qmp_query_rx_filter(bool has_name, const char *name,
                                      Error **errp)
{
    GPtrArray *all = net_clients();
    RxFilterInfoList *head = NULL, **tail = &head;

    for (guint i = 0; i < all->len; i++) {
        NetClientState *nc = g_ptr_array_index(all, i);
        RxFilterInfoList *e;

        if (has_name && strcmp(nc->name, name)) {
            continue;
        }
        if (nc->info->type != NET_CLIENT_DRIVER_NIC) {
            if (has_name) {
                error_setg(errp, "net client(%s) isn't a NIC", name);
                return NULL;
            }
            continue;
        }
        if (!nc->info->query_rx_filter) {
            if (has_name) {
                error_setg(errp, "net client(%s) doesn't support rx-filter "
                           "querying", name);
                return NULL;
            }
            continue;
        }
        /* The filter is the NIC's, not per queue: queue 0 answers. */
        if (nc->queue_index != 0) {
            continue;
        }
        /* The next change is worth an event again. */
        nc->rxfilter_notify_enabled = true;
        e = g_new0(RxFilterInfoList, 1);
        e->value = nc->info->query_rx_filter(nc);
        *tail = e;
        tail = &e->next;
        if (has_name) {
            return head;
        }
    }
    if (has_name) {
        error_setg(errp, "invalid net client name: %s", name);
    }
    return head;
}
