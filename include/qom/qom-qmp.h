/*
 * Property values between kemu's text form and QMP's JSON, by property
 * type name ("bool", "uint32", "str", "link<T>", ...): qom-get, qom-set,
 * device_add and device-list-properties share these.
 */
#ifndef QOM_QOM_QMP_H
#define QOM_QOM_QMP_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <json-glib/json-glib.h>

/* The JSON value (new) of property text @text of type @type. */
JsonNode *qom_property_text_to_json(const char *type, const char *text);
/*
 * The text for setting a property of type @type to @value (g_free), or
 * NULL with QEMU's "Invalid parameter type for 'NAME', expected: ..."
 */
char *qom_property_json_to_text(const char *type, const char *name,
                                JsonNode *value, Error **errp);

#endif
