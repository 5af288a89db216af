/*
 * QMP command dispatch: one parsed request in, one response out.  The
 * command table is generated from the schema (qapi/qapi-commands.c in the
 * build directory).
 */
#ifndef QAPI_QMP_DISPATCH_H
#define QAPI_QMP_DISPATCH_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <json-glib/json-glib.h>

/*
 * A generated marshaller: check @args (never NULL) against the schema,
 * call qmp_<name>() and put its result as JSON into *@ret.  With @dry_run
 * only the arguments are checked.
 */
typedef void QmpMarshalFn(JsonObject *args, JsonNode **ret, bool dry_run,
                          Error **errp);

typedef struct QmpCommand {
    const char *name;          /* "query-status" */
    QmpMarshalFn *fn;
    bool allow_oob;
    bool allow_preconfig;
} QmpCommand;

/* Every command, in registration order, ending with { NULL }. */
extern const QmpCommand qmp_commands[];

/* The command called @name, or NULL. */
const QmpCommand *qmp_find_command(const char *name);

/*
 * Run one request (any JSON value, borrowed) and return the response
 * object, new: {"return": ...} or {"error": {"class": ..., "desc": ...}},
 * with "id" copied when the request has one, members in QEMU's order.
 * Until the client has @negotiated, every command but qmp_capabilities
 * fails with CommandNotFound "Expecting capabilities negotiation with
 * 'qmp_capabilities'"; afterwards qmp_capabilities fails with
 * "Capabilities negotiation is already complete, command ignored".
 * (The caller marks the session negotiated when qmp_capabilities returned
 * {"return": ...} before negotiation.)
 */
JsonNode *qmp_dispatch(JsonNode *request, bool negotiated);
/*
 * The same for a session that enabled the "oob" capability: "exec-oob"
 * is then a valid member, and as no kemu command allows out-of-band
 * execution, QEMU's "The command X does not support OOB" is the answer.
 */
JsonNode *qmp_dispatch_oob(JsonNode *request, bool negotiated,
                           bool oob_enabled);

/* {"error": {"class": ..., "desc": ...}}: e.g. for JSON parse errors. */
JsonNode *qmp_error_response(const Error *err);

#endif
