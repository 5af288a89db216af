/*
 * Private to block/: reading the members of a JSON object the way QAPI's
 * generated marshallers do, for the hand-written ones whose arguments
 * are unions (blockdev-create, transaction).  Errors name the member
 * with @prefix ("options.", "actions[0].data.") in QEMU's words; after
 * the first error every getter returns its default.
 */
#ifndef BLOCK_JSON_ARGS_H
#define BLOCK_JSON_ARGS_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <json-glib/json-glib.h>

typedef struct JsonArgs {
    JsonObject *o;
    const char *prefix;
    Error **errp;
    bool ok;
} JsonArgs;

const char *json_args_str(JsonArgs *a, const char *name, bool required);
int64_t json_args_int(JsonArgs *a, const char *name, bool required,
                      int64_t def);
bool json_args_bool(JsonArgs *a, const char *name, bool def);
/* Index of the string member @name in the NULL-terminated @values, or
 * @def when absent; "does not accept value" otherwise. */
int json_args_enum(JsonArgs *a, const char *name,
                   const char *const *values, int def);
/* "Parameter '...' is unexpected" for a member not in @known. */
bool json_args_check_members(JsonArgs *a, const char *const *known);

#endif
