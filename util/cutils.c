/*
 * Number, size and boolean parsing with QEMU's rules (util/cutils.c): sizes
 * take optional k/M/G/T/P/E suffixes (powers of 1024) or 'B' for bytes, a
 * decimal fraction needs a suffix ("1.5G"), hex ("0x1000") takes none.
 * Results are rounded to the nearest byte; negative values are rejected.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include <math.h>

static int suffix_shift(char c)
{
    switch (g_ascii_toupper(c)) {
    case 'B':
        return 0;
    case 'K':
        return 10;
    case 'M':
        return 20;
    case 'G':
        return 30;
    case 'T':
        return 40;
    case 'P':
        return 50;
    case 'E':
        return 60;
    default:
        return -1;
    }
}

/* Returns 0, -EINVAL (garbage) or -ERANGE (2^64 or more). */
static int parse_size(const char *str, char default_suffix, uint64_t *result)
{
    const char *p = str;
    const char *end;
    uint64_t val;
    /* 0.64 fixed-point fraction, so "1.5E" is exact without doubles. */
    uint64_t frac = 0;
    bool have_frac = false;
    int shift;
    unsigned __int128 total;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (!g_ascii_isdigit(*p)) {
        /* Rejects "-1", "+1", "" and ".5". */
        return -EINVAL;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        char *e;

        if (!g_ascii_isxdigit(p[2])) {
            return -EINVAL;
        }
        errno = 0;
        val = g_ascii_strtoull(p + 2, &e, 16);
        if (errno == ERANGE) {
            return -ERANGE;
        }
        /* Hex takes neither fraction nor suffix ("0x1k" is ambiguous). */
        if (*e != '\0') {
            return -EINVAL;
        }
        *result = val;
        return 0;
    }

    val = 0;
    for (end = p; g_ascii_isdigit(*end); end++) {
        unsigned d = *end - '0';
        if (val > (UINT64_MAX - d) / 10) {
            return -ERANGE;
        }
        val = val * 10 + d;
    }
    if (*end == '.') {
        /* Accumulate digits into a binary fraction, most significant first. */
        const char *fs = end + 1;
        const char *fe = fs;
        int i;
        long double f = 0, scale = 1;

        while (g_ascii_isdigit(*fe)) {
            fe++;
        }
        for (i = 0; fs + i < fe && i < 30; i++) {
            scale /= 10;
            f += (fs[i] - '0') * scale;
        }
        frac = (uint64_t)(f * 18446744073709551616.0L);
        have_frac = true;
        end = fe;
    }

    shift = suffix_shift(*end);
    if (shift >= 0) {
        end++;
    } else {
        shift = default_suffix ? suffix_shift(default_suffix) : 0;
        if (shift < 0) {
            shift = 0;
        }
    }
    if (*end != '\0') {
        return -EINVAL;
    }
    if (shift == 0 && have_frac && frac != 0) {
        /* A fraction of a byte makes no sense: QEMU demands a scale. */
        return -EINVAL;
    }

    total = (unsigned __int128)val << shift;
    /* Add the scaled fraction, rounding half a byte upward. */
    total += (((unsigned __int128)frac << shift) + ((unsigned __int128)1 << 63))
             >> 64;
    if (total >> 64) {
        return -ERANGE;
    }
    *result = (uint64_t)total;
    return 0;
}

bool qemu_strtosz_full(const char *str, char default_suffix, uint64_t *result,
                       const char *param, Error **errp)
{
    uint64_t val;
    int ret = parse_size(str ? str : "", default_suffix, &val);

    if (!param) {
        param = "size";
    }
    if (ret == -ERANGE) {
        error_setg(errp, "Value '%s' is out of range for parameter '%s'",
                   str, param);
        return false;
    }
    if (ret < 0) {
        error_setg(errp, "Parameter '%s' expects a non-negative number "
                   "below 2^64", param);
        error_append_hint(errp, "Optional suffix k, M, G, T, P or E means"
                          " kilo-, mega-, giga-, tera-, peta-\n"
                          "and exabytes, respectively.\n");
        return false;
    }
    *result = val;
    return true;
}

bool qemu_parse_bool(const char *name, const char *value, bool *out,
                     Error **errp)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    size_t i;

    for (i = 0; value && i < ARRAY_SIZE(yes); i++) {
        if (g_str_equal(value, yes[i])) {
            *out = true;
            return true;
        }
        if (g_str_equal(value, no[i])) {
            *out = false;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", name);
    return false;
}

char *size_to_str(uint64_t val)
{
    static const char *const suffixes[] = {
        "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
    };
    int i = 0;
    /* Pick the unit that keeps the value below 1000 of it. */
    frexp(val / (1000.0 / 1024.0), &i);
    i = (i - 1) / 10;
    if (i < 0) {
        i = 0;
    }
    uint64_t div = 1ULL << (i * 10);
    return g_strdup_printf("%0.3g %s", (double)val / div, suffixes[i]);
}

bool qemu_strtou64(const char *str, uint64_t *result)
{
    char *end;
    uint64_t val;

    if (!str || !g_ascii_isdigit(*str)) {
        return false;
    }
    errno = 0;
    val = strtoull(str, &end, 0);
    if (errno != 0 || *end != '\0') {
        return false;
    }
    *result = val;
    return true;
}

bool qemu_strtoi64(const char *str, int64_t *result)
{
    char *end;
    int64_t val;
    const char *p = str;

    if (!p) {
        return false;
    }
    if (*p == '-' || *p == '+') {
        p++;
    }
    if (!g_ascii_isdigit(*p)) {
        return false;
    }
    errno = 0;
    val = strtoll(str, &end, 0);
    if (errno != 0 || *end != '\0') {
        return false;
    }
    *result = val;
    return true;
}

char *qemu_opts_escape(const char *value)
{
    GString *s = g_string_new(NULL);

    for (; *value; value++) {
        if (*value == ',') {
            g_string_append_c(s, ',');
        }
        g_string_append_c(s, *value);
    }
    return g_string_free(s, FALSE);
}

bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}
