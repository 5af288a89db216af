/*
 * Text parsing shared by the QOM typed properties and qdev static
 * properties, with QEMU's keyval-visitor error wording.
 */
#ifndef QOM_OBJECT_INTERNAL_H
#define QOM_OBJECT_INTERNAL_H

#include "qom/object.h"

typedef struct TypeImpl TypeImpl;

/* "on/off/yes/no/true/false/y/n"; "Parameter 'NAME' expects 'on' or 'off'". */
bool qom_parse_bool(const char *name, const char *text, bool *out,
                    Error **errp);
/* Decimal or 0x hex; a leading '-' wraps as QEMU does; "expects integer". */
bool qom_parse_uint64(const char *name, const char *text, uint64_t *out,
                      Error **errp);
bool qom_parse_int64(const char *name, const char *text, int64_t *out,
                     Error **errp);
/* Unsigned of @bits width: "Parameter 'NAME' expects uint32_t" when too big. */
bool qom_parse_uintN(const char *name, const char *text, int bits,
                     uint64_t *out, Error **errp);
bool qom_parse_intN(const char *name, const char *text, int bits,
                    int64_t *out, Error **errp);
/* "1G", "0x1000"; "Parameter 'NAME' expects size". */
bool qom_parse_size(const char *name, const char *text, uint64_t *out,
                    Error **errp);

/* True for child<T> properties made by object_property_add_child(). */
bool object_property_is_child(ObjectProperty *prop);
/*
 * Resolve a link value (path or partial path) to an object of @target_type,
 * with QEMU's errors for ambiguous, missing and mistyped targets.
 */
Object *object_resolve_link(Object *obj, const char *name, const char *path,
                            const char *target_type, Error **errp);

#endif
