/*
 * JSON text as QEMU prints it on QMP: compact `{"a": 1, "b": [1, 2]}` or
 * pretty (4-space indent, one member per line, empty containers as "{\n}").
 *
 * Object members come out in insertion order.  QEMU itself prints them in
 * its QDict hash order; the QMP layer reorders values before printing
 * (qapi_qdict_order() in include/qapi/qapi-json.h), so this printer stays
 * a plain one.
 *
 * Strings: ASCII 0x20-0x7E verbatim, \" \\ \b \f \n \r \t, everything else
 * as \uXXXX (upper-case hex, surrogate pairs beyond the BMP); modified
 * UTF-8 C0 80 prints as \u0000, invalid UTF-8 as \uFFFD.  Numbers: int64
 * as decimal, doubles with "%.17g".
 */
#ifndef QEMU_JSON_WRITER_H
#define QEMU_JSON_WRITER_H

#include "qemu/osdep.h"
#include <json-glib/json-glib.h>

/* Append @node to @out; pretty output uses "\n" line breaks. */
void json_writer_append(GString *out, JsonNode *node, bool pretty);
/* The same as a new string (g_free it). */
char *json_writer_to_string(JsonNode *node, bool pretty);
/* Append @str as a quoted JSON string. */
void json_writer_append_string(GString *out, const char *str);

#endif
