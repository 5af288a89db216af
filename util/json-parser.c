/*
 * JSON parser: the tokens of one complete value into a json-glib JsonNode.
 * Recursive descent; the streamer bounds the nesting depth.  Error texts
 * are QEMU's ("JSON parse error, expecting value", "... duplicate key") and
 * only the first error of a value is reported.
 */
#include "qemu/osdep.h"
#include "json-internal.h"

typedef struct JsonParseCtx {
    const JsonToken *toks;
    size_t n;
    size_t pos;
    const char *text;
    Error *err;
} JsonParseCtx;

static void G_GNUC_PRINTF(2, 3) parse_error(JsonParseCtx *p, const char *fmt,
                                            ...)
{
    va_list ap;
    char *msg;

    if (p->err) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(&p->err, "JSON parse error, %s", msg);
    g_free(msg);
}

static const JsonToken *peek_token(JsonParseCtx *p)
{
    return p->pos < p->n ? &p->toks[p->pos] : NULL;
}

static const JsonToken *pop_token(JsonParseCtx *p)
{
    return p->pos < p->n ? &p->toks[p->pos++] : NULL;
}

static const char *token_text(JsonParseCtx *p, const JsonToken *tok)
{
    return p->text + tok->offset;
}

/* Value of up to 4 hex digits at @s; -1 unless all 4 are hex digits. */
static int parse_hex4(const char *s)
{
    int cp = 0, i;

    for (i = 0; i < 4; i++) {
        if (!g_ascii_isxdigit(s[i])) {
            return -1;
        }
        cp = (cp << 4) | g_ascii_xdigit_value(s[i]);
    }
    return cp;
}

/* Length of @s up to @max bytes (stops at NUL). */
static size_t span(const char *s, size_t max)
{
    size_t i = 0;

    while (i < max && s[i]) {
        i++;
    }
    return i;
}

/* Undo the escapes of a string token (quotes included) into modified UTF-8. */
static char *parse_string(JsonParseCtx *p, const char *tok)
{
    char quote = *tok;
    const char *ptr = tok + 1;
    const char *beg, *end;
    GString *str = g_string_new(NULL);
    char utf8[5];
    int cp, trailing;

    while (*ptr != quote) {
        g_assert(*ptr);
        if (*ptr != '\\') {
            cp = json_utf8_decode(ptr, span(ptr, 4), &end);
            if (cp < 0) {
                parse_error(p, "invalid UTF-8 sequence in string");
                goto fail;
            }
            ptr = end;
            json_utf8_encode(utf8, cp);
            g_string_append(str, utf8);
            continue;
        }
        beg = ptr++;
        switch (*ptr++) {
        case '"':
            g_string_append_c(str, '"');
            break;
        case '\'':
            g_string_append_c(str, '\'');
            break;
        case '\\':
            g_string_append_c(str, '\\');
            break;
        case '/':
            g_string_append_c(str, '/');
            break;
        case 'b':
            g_string_append_c(str, '\b');
            break;
        case 'f':
            g_string_append_c(str, '\f');
            break;
        case 'n':
            g_string_append_c(str, '\n');
            break;
        case 'r':
            g_string_append_c(str, '\r');
            break;
        case 't':
            g_string_append_c(str, '\t');
            break;
        case 'u':
            cp = parse_hex4(ptr);
            ptr += span(ptr, 4);
            /* a leading surrogate must be followed by a trailing one */
            if (cp >= 0xD800 && cp <= 0xDBFF &&
                ptr[0] == '\\' && ptr[1] == 'u') {
                trailing = parse_hex4(ptr + 2);
                if (trailing >= 0xDC00 && trailing <= 0xDFFF) {
                    cp = 0x10000 + ((cp & 0x3FF) << 10) + (trailing & 0x3FF);
                    ptr += 6;
                } else {
                    cp = -1;
                }
            }
            if (json_utf8_encode(utf8, cp) < 0) {
                parse_error(p, "%.*s is not a valid Unicode character",
                            (int)(ptr - beg), beg);
                goto fail;
            }
            g_string_append(str, utf8);
            break;
        default:
            parse_error(p, "invalid escape sequence in string");
            goto fail;
        }
    }
    return g_string_free(str, false);

fail:
    g_string_free(str, true);
    return NULL;
}

static JsonNode *parse_value(JsonParseCtx *p);

static bool parse_pair(JsonParseCtx *p, JsonObject *obj)
{
    const JsonToken *tok = peek_token(p);
    JsonNode *key, *value;
    char *name;

    if (!tok) {
        parse_error(p, "premature EOI");
        return false;
    }
    key = parse_value(p);
    if (!key || json_node_get_value_type(key) != G_TYPE_STRING) {
        parse_error(p, "key is not a string in object");
        if (key) {
            json_node_unref(key);
        }
        return false;
    }
    name = json_node_dup_string(key);
    json_node_unref(key);

    tok = pop_token(p);
    if (!tok) {
        parse_error(p, "premature EOI");
        goto fail;
    }
    if (tok->type != JSON_TOK_COLON) {
        parse_error(p, "missing : in object pair");
        goto fail;
    }
    value = parse_value(p);
    if (!value) {
        parse_error(p, "Missing value in dict");
        goto fail;
    }
    if (json_object_has_member(obj, name)) {
        parse_error(p, "duplicate key");
        json_node_unref(value);
        goto fail;
    }
    json_object_set_member(obj, name, value);
    g_free(name);
    return true;

fail:
    g_free(name);
    return false;
}

static JsonNode *parse_object(JsonParseCtx *p)
{
    JsonObject *obj = json_object_new();
    const JsonToken *tok;
    JsonNode *node;

    pop_token(p);               /* '{' */
    tok = peek_token(p);
    if (!tok) {
        parse_error(p, "premature EOI");
        goto fail;
    }
    if (tok->type == JSON_TOK_RCURLY) {
        pop_token(p);
        goto done;
    }
    for (;;) {
        if (!parse_pair(p, obj)) {
            goto fail;
        }
        tok = pop_token(p);
        if (!tok) {
            parse_error(p, "premature EOI");
            goto fail;
        }
        if (tok->type == JSON_TOK_RCURLY) {
            break;
        }
        if (tok->type != JSON_TOK_COMMA) {
            parse_error(p, "expected separator in dict");
            goto fail;
        }
    }
done:
    node = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(node, obj);
    return node;
fail:
    json_object_unref(obj);
    return NULL;
}

static JsonNode *parse_array(JsonParseCtx *p)
{
    JsonArray *arr = json_array_new();
    const JsonToken *tok;
    JsonNode *node, *elem;

    pop_token(p);               /* '[' */
    tok = peek_token(p);
    if (!tok) {
        parse_error(p, "premature EOI");
        goto fail;
    }
    if (tok->type == JSON_TOK_RSQUARE) {
        pop_token(p);
        goto done;
    }
    for (;;) {
        elem = parse_value(p);
        if (!elem) {
            parse_error(p, "expecting value");
            goto fail;
        }
        json_array_add_element(arr, elem);
        tok = pop_token(p);
        if (!tok) {
            parse_error(p, "premature EOI");
            goto fail;
        }
        if (tok->type == JSON_TOK_RSQUARE) {
            break;
        }
        if (tok->type != JSON_TOK_COMMA) {
            parse_error(p, "expected separator in list");
            goto fail;
        }
    }
done:
    node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, arr);
    return node;
fail:
    json_array_unref(arr);
    return NULL;
}

static JsonNode *parse_keyword(JsonParseCtx *p)
{
    const char *word = token_text(p, pop_token(p));

    if (!strcmp(word, "true")) {
        return json_node_init_boolean(json_node_alloc(), true);
    }
    if (!strcmp(word, "false")) {
        return json_node_init_boolean(json_node_alloc(), false);
    }
    if (!strcmp(word, "null")) {
        return json_node_init_null(json_node_alloc());
    }
    parse_error(p, "invalid keyword '%s'", word);
    return NULL;
}

static JsonNode *parse_number(JsonParseCtx *p)
{
    const JsonToken *tok = pop_token(p);
    const char *s = token_text(p, tok);
    JsonNode *node = json_node_alloc();
    gint64 i;

    if (tok->type == JSON_TOK_INTEGER) {
        errno = 0;
        i = g_ascii_strtoll(s, NULL, 10);
        if (errno == 0) {
            return json_node_init_int(node, i);
        }
        /*
         * Out of int64 range: QEMU keeps values up to UINT64_MAX exactly;
         * json-glib has no unsigned integers, so this becomes a double.
         */
    }
    return json_node_init_double(node, g_ascii_strtod(s, NULL));
}

static JsonNode *parse_value(JsonParseCtx *p)
{
    const JsonToken *tok = peek_token(p);
    JsonNode *node;
    char *str;

    if (!tok) {
        parse_error(p, "premature EOI");
        return NULL;
    }
    switch (tok->type) {
    case JSON_TOK_LCURLY:
        return parse_object(p);
    case JSON_TOK_LSQUARE:
        return parse_array(p);
    case JSON_TOK_INTEGER:
    case JSON_TOK_FLOAT:
        return parse_number(p);
    case JSON_TOK_KEYWORD:
        return parse_keyword(p);
    case JSON_TOK_STRING:
        pop_token(p);
        str = parse_string(p, token_text(p, tok));
        if (!str) {
            return NULL;
        }
        node = json_node_init_string(json_node_alloc(), str);
        g_free(str);
        return node;
    default:
        parse_error(p, "expecting value");
        return NULL;
    }
}

JsonNode *json_parse_tokens(const JsonToken *toks, size_t n,
                            const char *text, Error **errp)
{
    JsonParseCtx p = { .toks = toks, .n = n, .text = text };
    JsonNode *value = parse_value(&p);

    if (p.err) {
        if (value) {
            json_node_unref(value);
        }
        error_propagate(errp, p.err);
        return NULL;
    }
    return value;
}
