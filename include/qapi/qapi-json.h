/*
 * Runtime helpers for the code scripts/qapi-gen.py generates: builtin
 * values to and from json-glib nodes with QEMU's error texts, member names
 * for those texts, and QEMU's member order on the wire.
 */
#ifndef QAPI_QAPI_JSON_H
#define QAPI_QAPI_JSON_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <json-glib/json-glib.h>

/* ---- names in error texts: "arg", "arg.member", "arg[3]" (g_free) ---- */
char *qapi_member_name(const char *prefix, const char *member);
char *qapi_element_name(const char *prefix, guint index);

/* "Parameter 'NAME' is missing" for @member of the object at @prefix. */
void qapi_error_missing(const char *prefix, const char *member,
                        Error **errp);
/*
 * Fails with "Parameter 'NAME' is unexpected" for the first member of @o
 * (in QEMU's order) that is not in the NULL-terminated @known.  @o may be
 * NULL (no arguments).
 */
bool qapi_check_unexpected(JsonObject *o, const char *prefix,
                           const char *const *known, Error **errp);

/* ---- JSON -> C: "Invalid parameter type for 'NAME', expected: T" ---- */
bool qapi_str_from_json(JsonNode *node, const char *name, char **out,
                        Error **errp);
bool qapi_int_from_json(JsonNode *node, const char *name, int64_t *out,
                        Error **errp);
bool qapi_uint_from_json(JsonNode *node, const char *name, uint64_t *out,
                         Error **errp);
/* Narrower integer fields (int8_t ... uint32_t) of @size bytes. */
bool qapi_int_from_json_into(JsonNode *node, const char *name, void *out,
                             size_t size, Error **errp);
bool qapi_uint_from_json_into(JsonNode *node, const char *name, void *out,
                              size_t size, Error **errp);
bool qapi_bool_from_json(JsonNode *node, const char *name, bool *out,
                         Error **errp);
bool qapi_number_from_json(JsonNode *node, const char *name, double *out,
                           Error **errp);
/* Any value: a new reference in *out. */
bool qapi_any_from_json(JsonNode *node, const char *name, JsonNode **out,
                        Error **errp);
bool qapi_null_from_json(JsonNode *node, const char *name, void **out,
                         Error **errp);
/* Index of the string @node in the NULL-terminated @names, or -1. */
int qapi_enum_from_json(JsonNode *node, const char *name,
                        const char *const *names, Error **errp);
/* The object / array in @node (borrowed), or NULL with the type error. */
JsonObject *qapi_object_from_json(JsonNode *node, const char *name,
                                  Error **errp);
JsonArray *qapi_array_from_json(JsonNode *node, const char *name,
                                Error **errp);

/* ---- C -> JSON: new nodes ---- */
JsonNode *qapi_str_to_json(const char *str);     /* NULL gives "" */
JsonNode *qapi_int_to_json(int64_t v);
JsonNode *qapi_uint_to_json(uint64_t v);
JsonNode *qapi_bool_to_json(bool v);
JsonNode *qapi_number_to_json(double v);
JsonNode *qapi_any_to_json(const JsonNode *v);   /* a copy; NULL gives null */
JsonNode *qapi_null_to_json(const void *v);
/* Wrap (and take) @o / @a into a new node. */
JsonNode *qapi_object_to_json(JsonObject *o);
JsonNode *qapi_array_to_json(JsonArray *a);

/*
 * QEMU's member order on the wire.  QEMU keeps a JSON object in a hash
 * table of 512 buckets and prints bucket by bucket, the newest member of
 * a bucket first; clients see e.g. {"status", "singlestep", "running"}.
 * json-glib keeps insertion order, so kemu reorders before sending.
 */
/* The member names of @o in QEMU's order (g_list_free; names borrowed). */
GList *qapi_qdict_members(JsonObject *o);
/* A deep copy of @node with every object in QEMU's order. */
JsonNode *qapi_qdict_order(JsonNode *node);

#endif
