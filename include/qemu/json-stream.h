/*
 * JSON on a byte stream (QMP's input): bytes go in as they arrive, split
 * anywhere; each complete top-level value comes out as a json-glib JsonNode.
 *
 * The grammar and error texts are QEMU's (docs/interop/qmp-spec): RFC 8259
 * JSON plus single-quoted strings; strings hold modified UTF-8 ("\u0000"
 * is stored as the bytes C0 80).  A lexical error ("JSON parse error,
 * stray 'X'") drops the value being read and skips input up to the next
 * structural or control character, so a client can always resync.
 * Limits (total token text, token count, nesting) bound the memory one
 * value may take.
 */
#ifndef QEMU_JSON_STREAM_H
#define QEMU_JSON_STREAM_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <json-glib/json-glib.h>

/* QEMU's limits for one top-level value. */
#define JSON_MAX_TOKEN_SIZE  (64 * MiB)
#define JSON_MAX_TOKEN_COUNT (2 * MiB)
#define JSON_MAX_NESTING     1024

typedef struct JsonStream JsonStream;

/*
 * Called once per top-level value: exactly one of @value and @err is set,
 * and the callee owns it (json_node_unref / error_free).  The callback may
 * call json_stream_reset(); it must not free the stream.
 */
typedef void JsonStreamEmit(void *opaque, JsonNode *value, Error *err);

JsonStream *json_stream_new(JsonStreamEmit *emit, void *opaque);
void json_stream_free(JsonStream *js);
/* Feed @len bytes (any split, NUL bytes included). */
void json_stream_feed(JsonStream *js, const char *buf, size_t len);
/* End of input: finish a pending number/keyword, report a truncated value. */
void json_stream_flush(JsonStream *js);
/* Forget any partial value (new connection). */
void json_stream_reset(JsonStream *js);

/*
 * Parse exactly one JSON value from @str.  Returns NULL and sets @errp on a
 * parse error, on empty input, or when @str holds more than one value.
 */
JsonNode *json_parse_string(const char *str, Error **errp);

#endif
