/*
 * What the JSON lexer, streamer, parser and writer share (util/json-*.c):
 * token types, the lexer state and modified UTF-8 helpers.
 */
#ifndef UTIL_JSON_INTERNAL_H
#define UTIL_JSON_INTERNAL_H

#include "qemu/json-stream.h"

typedef enum JsonTokenType {
    JSON_TOK_ERROR,        /* lexical error: text is the offending input */
    JSON_TOK_TOO_BIG,      /* one token longer than JSON_MAX_TOKEN_SIZE */
    JSON_TOK_LCURLY,
    JSON_TOK_RCURLY,
    JSON_TOK_LSQUARE,
    JSON_TOK_RSQUARE,
    JSON_TOK_COLON,
    JSON_TOK_COMMA,
    JSON_TOK_INTEGER,
    JSON_TOK_FLOAT,
    JSON_TOK_KEYWORD,      /* [a-z]+; the parser accepts true/false/null */
    JSON_TOK_STRING,       /* text includes the quotes, escapes undone later */
    JSON_TOK_EOI,          /* end of input (json_stream_flush) */
} JsonTokenType;

/* A token of a value being collected: its text is text->str + offset. */
typedef struct JsonToken {
    JsonTokenType type;
    size_t offset;
} JsonToken;

typedef void JsonTokenFn(void *opaque, JsonTokenType type,
                         const char *text, size_t len);

typedef struct JsonLexer {
    int state;
    char quote;            /* the quote that opened the current string */
    GString *token;
    JsonTokenFn *emit;
    void *opaque;
} JsonLexer;

void json_lexer_init(JsonLexer *lx, JsonTokenFn *emit, void *opaque);
void json_lexer_destroy(JsonLexer *lx);
void json_lexer_reset(JsonLexer *lx);
/* Lex one byte; may emit zero, one or two tokens. */
void json_lexer_feed_byte(JsonLexer *lx, uint8_t ch);
void json_lexer_flush(JsonLexer *lx);

/*
 * Build the value from @n tokens whose NUL-terminated texts live in @text.
 * The first error wins, with QEMU's "JSON parse error, ..." text.
 */
JsonNode *json_parse_tokens(const JsonToken *toks, size_t n,
                            const char *text, Error **errp);

/*
 * Modified UTF-8: decode one code point at @s (at most @n bytes), setting
 * *@end past it; -1 for an invalid or overlong sequence, a surrogate, a
 * noncharacter or a value above U+10FFFF.  C0 80 decodes to 0.
 */
int json_utf8_decode(const char *s, size_t n, const char **end);
/* Encode @cp into @buf (NUL-terminated, 0 as C0 80); -1 if invalid. */
int json_utf8_encode(char buf[5], int cp);

#endif
