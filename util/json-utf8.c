/*
 * Modified UTF-8 as QMP strings use it: standard UTF-8 except that U+0000
 * is the two bytes C0 80, so strings stay NUL-terminated.  Surrogates,
 * noncharacters and overlong forms are rejected, as QEMU rejects them.
 */
#include "qemu/osdep.h"
#include "json-internal.h"

static bool json_utf8_valid_codepoint(int cp)
{
    if (cp < 0 || cp > 0x10FFFF) {
        return false;
    }
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
        return false;           /* noncharacter */
    }
    return cp < 0xD800 || cp > 0xDFFF;
}

int json_utf8_decode(const char *s, size_t n, const char **end)
{
    const uint8_t *p = (const uint8_t *)s;
    int len, cp, min, i;

    if (n == 0) {
        *end = s;
        return -1;
    }
    if (p[0] < 0x80) {
        *end = s + 1;
        return p[0];
    }
    if (p[0] >= 0xC0 && p[0] <= 0xDF) {
        len = 2;
        cp = p[0] & 0x1F;
        min = 0x80;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        len = 3;
        cp = p[0] & 0x0F;
        min = 0x800;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF7) {
        len = 4;
        cp = p[0] & 0x07;
        min = 0x10000;
    } else {
        /* a stray continuation byte or an impossible lead byte */
        *end = s + 1;
        return -1;
    }
    for (i = 1; i < len; i++) {
        if ((size_t)i >= n || (p[i] & 0xC0) != 0x80) {
            *end = s + i;
            return -1;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    *end = s + len;
    if (cp < min && !(len == 2 && cp == 0)) {
        return -1;              /* overlong, except modified UTF-8's NUL */
    }
    return json_utf8_valid_codepoint(cp) ? cp : -1;
}

int json_utf8_encode(char buf[5], int cp)
{
    uint8_t *b = (uint8_t *)buf;

    if (!json_utf8_valid_codepoint(cp)) {
        buf[0] = 0;
        return -1;
    }
    if (cp == 0) {
        b[0] = 0xC0;
        b[1] = 0x80;
        b[2] = 0;
        return 2;
    }
    if (cp < 0x80) {
        b[0] = cp;
        b[1] = 0;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = 0xC0 | (cp >> 6);
        b[1] = 0x80 | (cp & 0x3F);
        b[2] = 0;
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = 0xE0 | (cp >> 12);
        b[1] = 0x80 | ((cp >> 6) & 0x3F);
        b[2] = 0x80 | (cp & 0x3F);
        b[3] = 0;
        return 3;
    }
    b[0] = 0xF0 | (cp >> 18);
    b[1] = 0x80 | ((cp >> 12) & 0x3F);
    b[2] = 0x80 | ((cp >> 6) & 0x3F);
    b[3] = 0x80 | (cp & 0x3F);
    b[4] = 0;
    return 4;
}
