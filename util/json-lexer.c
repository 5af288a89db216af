/*
 * JSON lexer: one byte at a time into tokens (RFC 8259 plus QEMU's
 * single-quoted strings and [a-z]+ keywords checked by the parser).
 * Whitespace separates tokens and is dropped.  A byte that cannot continue
 * or start a token is a lexical error: the token so far plus that byte is
 * reported, then input is skipped up to a resynchronisation point (a
 * structural character [ ] { } , :, a control character other than tab,
 * or the bytes FE/FF that never occur in UTF-8), as QEMU does; the QMP
 * specification tells clients to send a control character to resync.
 */
#include "qemu/osdep.h"
#include "json-internal.h"

enum {
    LEX_START,
    LEX_KEYWORD,
    LEX_NEG,           /* after '-' */
    LEX_ZERO,          /* "0" or "-0": no more digits may follow */
    LEX_INT,
    LEX_FRAC_FIRST,    /* after '.': a digit must follow */
    LEX_FRAC,
    LEX_EXP_FIRST,     /* after 'e': sign or digit */
    LEX_EXP_SIGN,      /* after 'e+': digit */
    LEX_EXP,
    LEX_STRING,
    LEX_ESCAPE,        /* after a backslash in a string */
    LEX_RECOVERY,
};

void json_lexer_init(JsonLexer *lx, JsonTokenFn *emit, void *opaque)
{
    lx->state = LEX_START;
    lx->quote = 0;
    lx->token = g_string_new(NULL);
    lx->emit = emit;
    lx->opaque = opaque;
}

void json_lexer_destroy(JsonLexer *lx)
{
    g_string_free(lx->token, true);
    lx->token = NULL;
}

void json_lexer_reset(JsonLexer *lx)
{
    lx->state = LEX_START;
    g_string_truncate(lx->token, 0);
}

static void lexer_emit(JsonLexer *lx, JsonTokenType type)
{
    lx->state = LEX_START;
    lx->emit(lx->opaque, type, lx->token->str, lx->token->len);
    g_string_truncate(lx->token, 0);
}

/* Report the token so far plus @ch as stray input, then skip. */
static void lexer_error(JsonLexer *lx, uint8_t ch)
{
    g_string_append_c(lx->token, ch);
    lexer_emit(lx, JSON_TOK_ERROR);
    lx->state = LEX_RECOVERY;
}

static bool lexer_resync_byte(uint8_t ch)
{
    return (ch < 0x20 && ch != '\t') || ch >= 0xFE ||
           ch == '[' || ch == ']' || ch == '{' || ch == '}' ||
           ch == ',' || ch == ':';
}

static void lexer_start(JsonLexer *lx, uint8_t ch)
{
    static const JsonTokenType punct[128] = {
        ['{'] = JSON_TOK_LCURLY, ['}'] = JSON_TOK_RCURLY,
        ['['] = JSON_TOK_LSQUARE, [']'] = JSON_TOK_RSQUARE,
        [':'] = JSON_TOK_COLON, [','] = JSON_TOK_COMMA,
    };

    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
        return;
    }
    if (ch < 128 && punct[ch] != JSON_TOK_ERROR) {
        g_string_append_c(lx->token, ch);
        lexer_emit(lx, punct[ch]);
        return;
    }
    if (ch == '"' || ch == '\'') {
        lx->quote = ch;
        lx->state = LEX_STRING;
    } else if (ch == '-') {
        lx->state = LEX_NEG;
    } else if (ch == '0') {
        lx->state = LEX_ZERO;
    } else if (ch >= '1' && ch <= '9') {
        lx->state = LEX_INT;
    } else if (ch >= 'a' && ch <= 'z') {
        lx->state = LEX_KEYWORD;
    } else {
        lexer_error(lx, ch);
        return;
    }
    g_string_append_c(lx->token, ch);
}

/*
 * One step of the automaton.  Returns false when @ch ended the previous
 * token without being part of it, so the caller feeds it again.
 */
static bool lexer_step(JsonLexer *lx, uint8_t ch)
{
    bool digit = ch >= '0' && ch <= '9';
    int next = -1;                  /* state after consuming @ch */
    JsonTokenType done = JSON_TOK_ERROR; /* token a terminator completes */

    switch (lx->state) {
    case LEX_RECOVERY:
        if (lexer_resync_byte(ch)) {
            lx->state = LEX_START;
            return false;
        }
        return true;
    case LEX_START:
        lexer_start(lx, ch);
        return true;
    case LEX_KEYWORD:
        if (ch >= 'a' && ch <= 'z') {
            next = LEX_KEYWORD;
        }
        done = JSON_TOK_KEYWORD;
        break;
    case LEX_NEG:
        if (ch == '0') {
            next = LEX_ZERO;
        } else if (digit) {
            next = LEX_INT;
        }
        break;
    case LEX_ZERO:
    case LEX_INT:
        if (ch == '.') {
            next = LEX_FRAC_FIRST;
        } else if (ch == 'e' || ch == 'E') {
            next = LEX_EXP_FIRST;
        } else if (digit && lx->state == LEX_INT) {
            next = LEX_INT;
        } else if (!digit) {
            done = JSON_TOK_INTEGER;
        }
        /* else "01": an error, not two numbers */
        break;
    case LEX_FRAC_FIRST:
        next = digit ? LEX_FRAC : -1;
        break;
    case LEX_FRAC:
        if (digit) {
            next = LEX_FRAC;
        } else if (ch == 'e' || ch == 'E') {
            next = LEX_EXP_FIRST;
        }
        done = JSON_TOK_FLOAT;
        break;
    case LEX_EXP_FIRST:
        if (ch == '+' || ch == '-') {
            next = LEX_EXP_SIGN;
        } else if (digit) {
            next = LEX_EXP;
        }
        break;
    case LEX_EXP_SIGN:
        next = digit ? LEX_EXP : -1;
        break;
    case LEX_EXP:
        next = digit ? LEX_EXP : -1;
        done = JSON_TOK_FLOAT;
        break;
    case LEX_STRING:
        if (ch == (uint8_t)lx->quote) {
            g_string_append_c(lx->token, ch);
            lexer_emit(lx, JSON_TOK_STRING);
            return true;
        }
        if (ch == '\\') {
            next = LEX_ESCAPE;
        } else if (ch >= 0x20 && ch < 0xFE) {
            next = LEX_STRING;
        }
        break;
    case LEX_ESCAPE:
        /* the parser checks which escapes exist */
        if (ch >= 0x20 && ch < 0xFE) {
            next = LEX_STRING;
        }
        break;
    default:
        g_assert_not_reached();
    }

    if (next >= 0) {
        g_string_append_c(lx->token, ch);
        lx->state = next;
        if (lx->token->len > JSON_MAX_TOKEN_SIZE) {
            g_string_truncate(lx->token, 0);
            lexer_emit(lx, JSON_TOK_TOO_BIG);
            lx->state = LEX_RECOVERY;
        }
        return true;
    }
    if (done != JSON_TOK_ERROR) {
        lexer_emit(lx, done);
        return false;
    }
    lexer_error(lx, ch);
    return true;
}

void json_lexer_feed_byte(JsonLexer *lx, uint8_t ch)
{
    while (!lexer_step(lx, ch)) {
        /* @ch terminated a token: feed it again from LEX_START */
    }
}

void json_lexer_flush(JsonLexer *lx)
{
    switch (lx->state) {
    case LEX_START:
    case LEX_RECOVERY:
        break;
    case LEX_KEYWORD:
        lexer_emit(lx, JSON_TOK_KEYWORD);
        break;
    case LEX_ZERO:
    case LEX_INT:
        lexer_emit(lx, JSON_TOK_INTEGER);
        break;
    case LEX_FRAC:
    case LEX_EXP:
        lexer_emit(lx, JSON_TOK_FLOAT);
        break;
    default:
        /* a truncated string or number */
        lexer_emit(lx, JSON_TOK_ERROR);
        break;
    }
    lx->state = LEX_START;
    lx->emit(lx->opaque, JSON_TOK_EOI, "", 0);
}
