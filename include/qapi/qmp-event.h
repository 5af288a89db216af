/*
 * QMP events: the generated qapi_event_send_<name>() senders build the
 * event's data and hand it to one emitter, which the QMP server
 * (monitor/qmp.c) installs to broadcast {"timestamp", "event", "data"} to
 * every negotiated QMP monitor.
 */
#ifndef QAPI_QMP_EVENT_H
#define QAPI_QMP_EVENT_H

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>

/*
 * @data is NULL for events without data; it is borrowed (take a
 * reference to keep it) and its members are already in QEMU's order.
 * Called on the main thread with the BQL held.
 */
typedef void QAPIEventEmitter(const char *event, JsonObject *data);

/* Install the emitter (NULL: events are dropped). */
void qapi_event_set_emitter(QAPIEventEmitter *fn);

/* Used by the generated senders: order @data and call the emitter. */
void qapi_event_emit(const char *event, JsonObject *data);

#endif
