/*
 * QMP transaction: snapshot actions (blockdev-snapshot-sync,
 * blockdev-snapshot-internal-sync, blockdev-snapshot, abort) done all or
 * nothing.  As in QEMU every action is checked and prepared in order (the
 * external overlay created and opened, the internal snapshot taken); if
 * one fails, those prepared are undone in reverse order (overlay closed,
 * internal snapshot deleted), else all are committed (overlays put over
 * their nodes).  The marshaller is hand-written: actions are a union.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block/blockdev.h"
#include "json-args.h"

typedef enum TxnType {
    TXN_ABORT,
    TXN_SNAPSHOT_SYNC,
    TXN_SNAPSHOT_INTERNAL,
    TXN_SNAPSHOT_NODE,
} TxnType;

static const char *const txn_types[] = {
    [TXN_ABORT] = "abort",
    [TXN_SNAPSHOT_SYNC] = "blockdev-snapshot-sync",
    [TXN_SNAPSHOT_INTERNAL] = "blockdev-snapshot-internal-sync",
    [TXN_SNAPSHOT_NODE] = "blockdev-snapshot",
    NULL,
};

typedef struct TxnAction {
    TxnType type;
    /* Arguments (borrowed from the request). */
    const char *device, *node_name, *file, *overlay_name, *format;
    bool existing;
    const char *name;
    /* Prepared state. */
    BlockDriverState *old, *top;
    bool prepared;
} TxnAction;

/* The members of one action's "data", as QAPI would check them. */
static bool parse_action(TxnAction *t, JsonObject *data, const char *prefix,
                         Error **errp)
{
    static const char *const sync_known[] = {
        "device", "node-name", "snapshot-file", "snapshot-node-name",
        "format", "mode", NULL,
    };
    static const char *const internal_known[] = { "device", "name", NULL };
    static const char *const node_known[] = { "node", "overlay", NULL };
    static const char *const none[] = { NULL };
    static const char *const modes[] = { "existing", "absolute-paths",
                                         NULL };
    JsonArgs a = { .o = data, .prefix = prefix, .errp = errp, .ok = true };

    switch (t->type) {
    case TXN_ABORT:
        json_args_check_members(&a, none);
        break;
    case TXN_SNAPSHOT_SYNC:
        t->device = json_args_str(&a, "device", false);
        t->node_name = json_args_str(&a, "node-name", false);
        t->file = json_args_str(&a, "snapshot-file", true);
        t->overlay_name = json_args_str(&a, "snapshot-node-name", false);
        t->format = json_args_str(&a, "format", false);
        t->existing = json_args_enum(&a, "mode", modes, 1) == 0;
        json_args_check_members(&a, sync_known);
        break;
    case TXN_SNAPSHOT_INTERNAL:
        t->device = json_args_str(&a, "device", true);
        t->name = json_args_str(&a, "name", true);
        json_args_check_members(&a, internal_known);
        break;
    case TXN_SNAPSHOT_NODE:
        t->node_name = json_args_str(&a, "node", true);
        t->overlay_name = json_args_str(&a, "overlay", true);
        json_args_check_members(&a, node_known);
        break;
    }
    return a.ok;
}

static bool txn_prepare(TxnAction *t, Error **errp)
{
    switch (t->type) {
    case TXN_ABORT:
        error_setg(errp, "Transaction aborted using Abort action");
        return false;
    case TXN_SNAPSHOT_SYNC:
        t->top = blockdev_snapshot_external_prepare(
            t->device, t->node_name, t->file, t->overlay_name, t->format,
            t->existing, &t->old, errp);
        return t->top != NULL;
    case TXN_SNAPSHOT_INTERNAL:
        return blockdev_snapshot_internal(t->device, t->name, errp);
    case TXN_SNAPSHOT_NODE:
        t->top = blockdev_snapshot_node_prepare(t->node_name,
                                                t->overlay_name, &t->old,
                                                errp);
        return t->top != NULL;
    }
    return false;
}

static void txn_abort(TxnAction *t)
{
    BdrvSnapshotInfo sn;

    switch (t->type) {
    case TXN_SNAPSHOT_SYNC:
        bdrv_unref(t->top);          /* the created file stays, as QEMU's */
        break;
    case TXN_SNAPSHOT_INTERNAL:
        if (blockdev_snapshot_delete_internal(t->device, NULL, t->name, &sn,
                                              NULL)) {
            bdrv_snapshot_info_clear(&sn);
        }
        break;
    default:
        break;
    }
}

static void txn_commit(TxnAction *t)
{
    if (t->type == TXN_SNAPSHOT_SYNC) {
        blockdev_snapshot_append(t->old, t->top, t->overlay_name, false);
    } else if (t->type == TXN_SNAPSHOT_NODE) {
        blockdev_snapshot_append(t->old, t->top, NULL, true);
    }
}

/* Parse "actions" and "properties" into @acts; QEMU's errors. */
static bool parse_transaction(JsonObject *args, GArray *acts, Error **errp)
{
    JsonNode *n = json_object_get_member(args, "actions");
    JsonArray *arr;
    bool grouped = false;

    if (!n) {
        error_setg(errp, "Parameter 'actions' is missing");
        return false;
    }
    if (!JSON_NODE_HOLDS_ARRAY(n)) {
        error_setg(errp, "Invalid parameter type for 'actions', expected: "
                   "array");
        return false;
    }
    JsonNode *props = json_object_get_member(args, "properties");
    if (props) {
        static const char *const known[] = { "completion-mode", NULL };
        static const char *const modes[] = { "individual", "grouped", NULL };
        if (!JSON_NODE_HOLDS_OBJECT(props)) {
            error_setg(errp, "Invalid parameter type for 'properties', "
                       "expected: object");
            return false;
        }
        JsonArgs a = { .o = json_node_get_object(props),
                       .prefix = "properties.", .errp = errp, .ok = true };
        grouped = json_args_enum(&a, "completion-mode", modes, 0) == 1;
        if (!json_args_check_members(&a, known)) {
            return false;
        }
    }
    arr = json_node_get_array(n);
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonNode *e = json_array_get_element(arr, i);
        g_autofree char *at = g_strdup_printf("actions[%u].", i);
        g_autofree char *data_at = g_strdup_printf("actions[%u].data.", i);
        TxnAction t = { 0 };
        if (!JSON_NODE_HOLDS_OBJECT(e)) {
            error_setg(errp, "Invalid parameter type for 'actions[%u]', "
                       "expected: object", i);
            return false;
        }
        JsonArgs a = { .o = json_node_get_object(e), .prefix = at,
                       .errp = errp, .ok = true };
        const char *type = json_args_str(&a, "type", true);
        if (!type) {
            return false;
        }
        int k = 0;
        while (txn_types[k] && strcmp(txn_types[k], type)) {
            k++;
        }
        if (!txn_types[k]) {
            /* QEMU's message has no path here. */
            error_setg(errp, "Parameter 'type' does not accept value '%s'",
                       type);
            return false;
        }
        t.type = k;
        JsonNode *data = json_object_get_member(a.o, "data");
        if (!data) {
            error_setg(errp, "Parameter '%sdata' is missing", at);
            return false;
        }
        if (!JSON_NODE_HOLDS_OBJECT(data)) {
            error_setg(errp, "Invalid parameter type for '%sdata', "
                       "expected: object", at);
            return false;
        }
        if (!parse_action(&t, json_node_get_object(data), data_at, errp)) {
            return false;
        }
        g_array_append_val(acts, t);
    }
    for (guint i = 0; grouped && i < acts->len; i++) {
        TxnAction *t = &g_array_index(acts, TxnAction, i);
        if (t->type != TXN_ABORT) {
            error_setg(errp, "Action '%s' does not support Transaction "
                       "property completion-mode = grouped",
                       txn_types[t->type]);
            return false;
        }
    }
    return true;
}

void qmp_transaction(JsonObject *args, JsonNode **ret, Error **errp)
{
    g_autoptr(GArray) acts = g_array_new(false, true, sizeof(TxnAction));
    guint i;

    if (!parse_transaction(args, acts, errp)) {
        return;
    }
    for (i = 0; i < acts->len; i++) {
        TxnAction *t = &g_array_index(acts, TxnAction, i);
        if (!txn_prepare(t, errp)) {
            break;
        }
        t->prepared = true;
    }
    if (i < acts->len) {
        while (i-- > 0) {
            txn_abort(&g_array_index(acts, TxnAction, i));
        }
        return;
    }
    for (i = 0; i < acts->len; i++) {
        txn_commit(&g_array_index(acts, TxnAction, i));
    }
    *ret = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(*ret, json_object_new());
}

void qmp_blockdev_snapshot(const char *node, const char *overlay,
                           Error **errp)
{
    blockdev_snapshot_node(node, overlay, errp);
}
