/*
 * The one place events leave the QAPI layer: the generated senders call
 * qapi_event_emit(), the QMP server's emitter fans them out.
 */
#include "qemu/osdep.h"
#include "qapi/qmp-event.h"
#include "qapi/qapi-json.h"

static QAPIEventEmitter *emitter;

void qapi_event_set_emitter(QAPIEventEmitter *fn)
{
    emitter = fn;
}

void qapi_event_emit(const char *event, JsonObject *data)
{
    JsonNode *wrapped, *ordered;

    if (!emitter) {
        return;
    }
    if (!data) {
        emitter(event, NULL);
        return;
    }
    wrapped = json_node_new(JSON_NODE_OBJECT);
    json_node_set_object(wrapped, data);
    ordered = qapi_qdict_order(wrapped);
    emitter(event, json_node_get_object(ordered));
    json_node_unref(ordered);
    json_node_unref(wrapped);
}
