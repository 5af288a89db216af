/*
 * JSON stream framing: collects the lexer's tokens until brackets and
 * braces balance, then parses them into one value.  A top-level scalar is
 * a value by itself; a closing bracket with nothing open is handed to the
 * parser at once, which reports it ("expecting value").  Any error drops
 * the tokens collected so far.
 */
#include "qemu/osdep.h"
#include "json-internal.h"

struct JsonStream {
    JsonLexer lexer;
    JsonStreamEmit *emit;
    void *opaque;
    GArray *tokens;        /* JsonToken of the value being collected */
    GString *text;         /* their NUL-terminated texts, back to back */
    size_t token_size;     /* their total length, without the NULs */
    int brace_depth;
    int bracket_depth;
    unsigned generation;   /* bumped by reset, stops a feed in progress */
};

static void json_stream_drop_tokens(JsonStream *js)
{
    g_array_set_size(js->tokens, 0);
    g_string_truncate(js->text, 0);
    js->token_size = 0;
    js->brace_depth = 0;
    js->bracket_depth = 0;
}

static void json_stream_token(void *opaque, JsonTokenType type,
                              const char *str, size_t len)
{
    JsonStream *js = opaque;
    JsonNode *value = NULL;
    Error *err = NULL;
    JsonToken tok = { .type = type };

    switch (type) {
    case JSON_TOK_LCURLY:
        js->brace_depth++;
        break;
    case JSON_TOK_RCURLY:
        js->brace_depth--;
        break;
    case JSON_TOK_LSQUARE:
        js->bracket_depth++;
        break;
    case JSON_TOK_RSQUARE:
        js->bracket_depth--;
        break;
    case JSON_TOK_ERROR:
        error_setg(&err, "JSON parse error, stray '%s'", str);
        goto out;
    case JSON_TOK_TOO_BIG:
        error_setg(&err, "JSON token size limit exceeded");
        goto out;
    case JSON_TOK_EOI:
        if (js->tokens->len == 0) {
            return;
        }
        goto parse;
    default:
        break;
    }

    /* Bound what one value may hold, whatever the client sends. */
    if (js->token_size + len + 1 > JSON_MAX_TOKEN_SIZE) {
        error_setg(&err, "JSON token size limit exceeded");
        goto out;
    }
    if (js->tokens->len + 1 > JSON_MAX_TOKEN_COUNT) {
        error_setg(&err, "JSON token count limit exceeded");
        goto out;
    }
    if (js->brace_depth + js->bracket_depth > JSON_MAX_NESTING) {
        error_setg(&err, "JSON nesting depth limit exceeded");
        goto out;
    }

    tok.offset = js->text->len;
    g_string_append_len(js->text, str, len);
    g_string_append_c(js->text, '\0');
    g_array_append_val(js->tokens, tok);
    js->token_size += len;

    if ((js->brace_depth > 0 || js->bracket_depth > 0) &&
        js->brace_depth >= 0 && js->bracket_depth >= 0) {
        return;                 /* value still open */
    }

parse:
    value = json_parse_tokens((JsonToken *)js->tokens->data,
                              js->tokens->len, js->text->str, &err);
out:
    json_stream_drop_tokens(js);
    js->emit(js->opaque, value, err);
}

JsonStream *json_stream_new(JsonStreamEmit *emit, void *opaque)
{
    JsonStream *js = g_new0(JsonStream, 1);

    json_lexer_init(&js->lexer, json_stream_token, js);
    js->emit = emit;
    js->opaque = opaque;
    js->tokens = g_array_new(false, false, sizeof(JsonToken));
    js->text = g_string_new(NULL);
    return js;
}

void json_stream_free(JsonStream *js)
{
    if (!js) {
        return;
    }
    json_lexer_destroy(&js->lexer);
    g_array_free(js->tokens, true);
    g_string_free(js->text, true);
    g_free(js);
}

void json_stream_feed(JsonStream *js, const char *buf, size_t len)
{
    unsigned generation = js->generation;
    size_t i;

    for (i = 0; i < len && js->generation == generation; i++) {
        json_lexer_feed_byte(&js->lexer, buf[i]);
    }
}

void json_stream_flush(JsonStream *js)
{
    json_lexer_flush(&js->lexer);
}

void json_stream_reset(JsonStream *js)
{
    json_lexer_reset(&js->lexer);
    json_stream_drop_tokens(js);
    js->generation++;
}

/* Collects the values of json_parse_string's one-shot stream. */
typedef struct JsonParseOne {
    JsonNode *value;
    Error *err;
    int count;
} JsonParseOne;

static void json_parse_one_emit(void *opaque, JsonNode *value, Error *err)
{
    JsonParseOne *one = opaque;

    one->count++;
    if (one->count == 1) {
        one->value = value;
        one->err = err;
        return;
    }
    if (value) {
        json_node_unref(value);
    }
    if (err) {
        error_free(err);
    }
}

JsonNode *json_parse_string(const char *str, Error **errp)
{
    JsonParseOne one = { 0 };
    JsonStream *js = json_stream_new(json_parse_one_emit, &one);

    json_stream_feed(js, str, strlen(str));
    json_stream_flush(js);
    json_stream_free(js);

    if (one.count > 1 && one.value) {
        json_node_unref(one.value);
        one.value = NULL;
        error_setg(&one.err, "Expecting at most one JSON value");
    } else if (one.count == 0) {
        error_setg(&one.err, "Expecting a JSON value");
    }
    if (one.err) {
        error_propagate(errp, one.err);
        return NULL;
    }
    return one.value;
}
