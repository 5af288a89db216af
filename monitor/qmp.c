/*
 * QMP server (QEMU's docs/interop/qmp-spec): JSON requests in on a
 * chardev, one response per request and events out, each message followed
 * by "\r\n".  Every connection gets the greeting and starts in capability
 * negotiation mode; a reconnect starts over.  Events go to every QMP
 * monitor that has finished negotiation.
 * Not modelled: out-of-band execution (the "oob" capability is offered and
 * accepted, "exec-oob" then gets QEMU's errors, but commands always run in
 * order) and event rate limiting.
 */
#include "qemu/osdep.h"
#include "monitor/monitor-internal.h"
#include "qemu/json-stream.h"
#include "qemu/json-writer.h"
#include "qapi/qapi-commands.h"
#include "qapi/qapi-visit.h"
#include "qapi/qapi-json.h"
#include "qapi/qmp-dispatch.h"
#include "qapi/qmp-event.h"

typedef struct MonitorQMP {
    Monitor common;
    bool pretty;           /* -qmp-pretty / pretty=on */
    bool negotiated;       /* this connection sent qmp_capabilities */
    bool oob_enabled;      /* ... with "enable": ["oob"] */
    JsonStream *stream;
} MonitorQMP;

/* Every QMP monitor, for event broadcast. */
static GPtrArray *qmp_monitors;
/* Events may be raised off the main thread; the list changes rarely. */
static GMutex qmp_monitors_lock;

static MonitorQMP *qmp_from_monitor(Monitor *mon)
{
    return container_of(mon, MonitorQMP, common);
}

/*
 * Write one message.  The printer breaks pretty output with "\n"; QEMU
 * sends every line break of monitor output as "\r\n".  Strings never hold
 * a raw newline (they are escaped), so only layout is affected.
 */
static void qmp_send(MonitorQMP *mon, JsonNode *msg)
{
    GString *text = g_string_new(NULL);
    GString *out;
    size_t i;

    json_writer_append(text, msg, mon->pretty);
    if (mon->pretty) {
        out = g_string_sized_new(text->len + text->len / 8 + 2);
        for (i = 0; i < text->len; i++) {
            if (text->str[i] == '\n') {
                g_string_append_c(out, '\r');
            }
            g_string_append_c(out, text->str[i]);
        }
        g_string_free(text, true);
    } else {
        out = text;
    }
    g_string_append(out, "\r\n");
    /* one write per message: events from other threads cannot interleave */
    chr_fe_write_all(&mon->common.fe, (const uint8_t *)out->str, out->len);
    g_string_free(out, true);
}

/* {"QMP": {"version": ..., "capabilities": ["oob"]}} */
static void qmp_send_greeting(MonitorQMP *mon)
{
    VersionInfo *info = qmp_query_version(NULL);
    JsonObject *qmp = json_object_new();
    JsonObject *top = json_object_new();
    JsonArray *caps = json_array_new();
    JsonNode *msg, *ordered;

    if (info) {
        json_object_set_member(qmp, "version",
                               qapi_VersionInfo_to_json(info));
        qapi_free_VersionInfo(info);
    }
    json_array_add_string_element(caps, "oob");
    json_object_set_array_member(qmp, "capabilities", caps);
    json_object_set_object_member(top, "QMP", qmp);
    msg = qapi_object_to_json(top);
    ordered = qapi_qdict_order(msg);
    qmp_send(mon, ordered);
    json_node_unref(ordered);
    json_node_unref(msg);
}

/* Did @req, answered by @rsp, complete capability negotiation? */
static bool qmp_negotiation_done(JsonNode *req, JsonNode *rsp)
{
    JsonObject *obj;
    JsonNode *exec;

    if (!rsp || !JSON_NODE_HOLDS_OBJECT(req) || !JSON_NODE_HOLDS_OBJECT(rsp)) {
        return false;
    }
    obj = json_node_get_object(req);
    exec = json_object_get_member(obj, "execute");
    return exec && json_node_get_value_type(exec) == G_TYPE_STRING &&
           !strcmp(json_node_get_string(exec), "qmp_capabilities") &&
           json_object_has_member(json_node_get_object(rsp), "return");
}

/* Does the qmp_capabilities request @req enable "oob"? */
static bool qmp_request_enables_oob(JsonNode *req)
{
    JsonNode *args, *enable = NULL;
    JsonArray *caps;
    guint i;

    args = json_object_get_member(json_node_get_object(req), "arguments");
    if (args && JSON_NODE_HOLDS_OBJECT(args)) {
        enable = json_object_get_member(json_node_get_object(args),
                                        "enable");
    }
    if (!enable || !JSON_NODE_HOLDS_ARRAY(enable)) {
        return false;
    }
    caps = json_node_get_array(enable);
    for (i = 0; i < json_array_get_length(caps); i++) {
        JsonNode *cap = json_array_get_element(caps, i);

        if (json_node_get_value_type(cap) == G_TYPE_STRING &&
            !strcmp(json_node_get_string(cap), "oob")) {
            return true;
        }
    }
    return false;
}

/* One complete JSON value (or a parse error) from the client. */
static void qmp_handle_value(void *opaque, JsonNode *req, Error *err)
{
    MonitorQMP *mon = opaque;
    Monitor *old_mon = cur_mon;
    JsonNode *rsp;

    if (err) {
        rsp = qmp_error_response(err);
        error_free(err);
    } else {
        cur_mon = &mon->common;
        rsp = qmp_dispatch_oob(req, mon->negotiated, mon->oob_enabled);
        cur_mon = old_mon;
        if (!mon->negotiated && qmp_negotiation_done(req, rsp)) {
            mon->negotiated = true;
            mon->oob_enabled = qmp_request_enables_oob(req);
        }
        json_node_unref(req);
    }
    if (rsp) {
        qmp_send(mon, rsp);
        json_node_unref(rsp);
    }
}

static int qmp_can_read(void *opaque)
{
    /* commands run synchronously, so any amount of input is fine */
    return 4096;
}

static void qmp_read(void *opaque, const uint8_t *buf, int size)
{
    MonitorQMP *mon = opaque;

    json_stream_feed(mon->stream, (const char *)buf, size);
}

static void qmp_chr_event(void *opaque, ChrEvent event)
{
    MonitorQMP *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        /* a new client: negotiation starts over */
        json_stream_reset(mon->stream);
        mon->negotiated = false;
        mon->oob_enabled = false;
        qmp_send_greeting(mon);
        break;
    case CHR_EVENT_CLOSED:
        json_stream_reset(mon->stream);
        mon->negotiated = false;
        mon->oob_enabled = false;
        break;
    default:
        break;
    }
}

/*
 * {"timestamp": {"seconds": S, "microseconds": US}, "event": NAME,
 *  "data": {...}} -- QEMU's member order; wall-clock time.
 */
static void qmp_event_emit(const char *event, JsonObject *data)
{
    gint64 now = g_get_real_time();
    JsonObject *msg = json_object_new();
    JsonObject *ts = json_object_new();
    JsonNode *node;
    guint i;

    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_object_member(msg, "timestamp", ts);
    json_object_set_string_member(msg, "event", event);
    if (data) {
        json_object_set_object_member(msg, "data", json_object_ref(data));
    }
    node = qapi_object_to_json(msg);

    g_mutex_lock(&qmp_monitors_lock);
    for (i = 0; qmp_monitors && i < qmp_monitors->len; i++) {
        MonitorQMP *mon = g_ptr_array_index(qmp_monitors, i);

        if (mon->negotiated && chr_fe_backend_connected(&mon->common.fe)) {
            qmp_send(mon, node);
        }
    }
    g_mutex_unlock(&qmp_monitors_lock);
    json_node_unref(node);
}

Monitor *qmp_monitor_new(Chardev *chr, bool pretty, Error **errp)
{
    MonitorQMP *mon = g_new0(MonitorQMP, 1);

    if (!chr_fe_init(&mon->common.fe, chr, errp)) {
        g_free(mon);
        return NULL;
    }
    mon->common.is_qmp = true;
    mon->pretty = pretty;
    mon->stream = json_stream_new(qmp_handle_value, mon);

    g_mutex_lock(&qmp_monitors_lock);
    if (!qmp_monitors) {
        qmp_monitors = g_ptr_array_new();
        qapi_event_set_emitter(qmp_event_emit);
    }
    g_ptr_array_add(qmp_monitors, mon);
    g_mutex_unlock(&qmp_monitors_lock);
    monitor_list_append(&mon->common);

    /* an already connected backend (stdio) gets the greeting now */
    chr_fe_set_handlers(&mon->common.fe, qmp_can_read, qmp_read,
                        qmp_chr_event, mon);
    return &mon->common;
}

void qmp_monitor_free(Monitor *common)
{
    MonitorQMP *mon = qmp_from_monitor(common);

    g_mutex_lock(&qmp_monitors_lock);
    if (qmp_monitors) {
        g_ptr_array_remove(qmp_monitors, mon);
        if (!qmp_monitors->len) {
            g_ptr_array_free(qmp_monitors, true);
            qmp_monitors = NULL;
            qapi_event_set_emitter(NULL);
        }
    }
    g_mutex_unlock(&qmp_monitors_lock);
    chr_fe_deinit(&mon->common.fe);
    json_stream_free(mon->stream);
    g_free(mon);
}
