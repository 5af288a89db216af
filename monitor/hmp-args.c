/*
 * HMP arguments: the parser of QEMU's args_type mini-language ("key:T"
 * entries, see hmp-commands.def) with QEMU's error texts, and the parsed
 * values the command handlers read.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "hmp-internal.h"

/* ---- parsed arguments ---- */

typedef struct HMPArg {
    char *key;
    char *str;              /* string arguments, else NULL */
    int64_t val;            /* integers, flags (1) */
} HMPArg;

struct HMPArgs {
    GPtrArray *items;
};

static void hmp_arg_free(gpointer p)
{
    HMPArg *a = p;

    g_free(a->key);
    g_free(a->str);
    g_free(a);
}

static HMPArgs *hmp_args_new(void)
{
    HMPArgs *args = g_new0(HMPArgs, 1);

    args->items = g_ptr_array_new_with_free_func(hmp_arg_free);
    return args;
}

void hmp_args_free(HMPArgs *args)
{
    g_ptr_array_free(args->items, TRUE);
    g_free(args);
}

static const HMPArg *hmp_arg_find(const HMPArgs *args, const char *key)
{
    for (guint i = 0; i < args->items->len; i++) {
        HMPArg *a = g_ptr_array_index(args->items, i);

        if (!strcmp(a->key, key)) {
            return a;
        }
    }
    return NULL;
}

static void hmp_args_put(HMPArgs *args, const char *key, const char *str,
                         int64_t val)
{
    HMPArg *a = g_new0(HMPArg, 1);

    a->key = g_strdup(key);
    a->str = g_strdup(str);
    a->val = val;
    g_ptr_array_add(args->items, a);
}

bool hmp_arg_has(const HMPArgs *args, const char *key)
{
    return hmp_arg_find(args, key) != NULL;
}

const char *hmp_arg_str(const HMPArgs *args, const char *key)
{
    const HMPArg *a = hmp_arg_find(args, key);

    return a ? a->str : NULL;
}

int64_t hmp_arg_int(const HMPArgs *args, const char *key, int64_t def)
{
    const HMPArg *a = hmp_arg_find(args, key);

    return a ? a->val : def;
}

bool hmp_arg_bool(const HMPArgs *args, const char *key)
{
    const HMPArg *a = hmp_arg_find(args, key);

    return a && a->val;
}

/* ---- argument parsing (QEMU's args_type mini-language) ---- */

/* x/xp/print remember the last format and size, as QEMU does. */
static int default_fmt_format = 'x';
static int default_fmt_size = 4;

/* A word, or a "quoted string" with \n \r \\ \' \" escapes. */
static char *hmp_get_str(Monitor *mon, const char **pp)
{
    const char *p = *pp;
    GString *s = g_string_new(NULL);

    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (*p == '\0') {
        g_string_free(s, TRUE);
        return NULL;
    }
    if (*p == '"') {
        p++;
        while (*p && *p != '"') {
            if (*p == '\\') {
                p++;
                switch (*p) {
                case 'n':
                    g_string_append_c(s, '\n');
                    break;
                case 'r':
                    g_string_append_c(s, '\r');
                    break;
                case '\\':
                case '\'':
                case '"':
                    g_string_append_c(s, *p);
                    break;
                default:
                    monitor_printf(mon, "unsupported escape code: '\\%c'\n",
                                   *p);
                    g_string_free(s, TRUE);
                    return NULL;
                }
                p++;
            } else {
                g_string_append_c(s, *p++);
            }
        }
        if (*p != '"') {
            monitor_printf(mon, "unterminated string\n");
            g_string_free(s, TRUE);
            return NULL;
        }
        p++;
    } else {
        while (*p && !g_ascii_isspace(*p)) {
            g_string_append_c(s, *p++);
        }
    }
    *pp = p;
    return g_string_free(s, FALSE);
}

/* "/[count][format][size]" of x, xp and print. */
static bool hmp_parse_format(Monitor *mon, const char **pp, HMPArgs *args)
{
    const char *p = *pp;
    int count = 1, format = -1, size = -1;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (*p != '/') {
        format = default_fmt_format;
        size = format == 'i' ? -1 : default_fmt_size;
        goto out;
    }
    p++;
    if (g_ascii_isdigit(*p)) {
        count = 0;
        while (g_ascii_isdigit(*p)) {
            /* Saturate rather than overflow on absurd counts. */
            count = count > (INT_MAX - 9) / 10 ? INT_MAX
                                               : count * 10 + (*p - '0');
            p++;
        }
    }
    for (;; p++) {
        if (strchr("oduxic", *p) && *p) {
            format = *p;
        } else if (*p == 'b') {
            size = 1;
        } else if (*p == 'h') {
            size = 2;
        } else if (*p == 'w') {
            size = 4;
        } else if (*p == 'g' || *p == 'L') {
            size = 8;
        } else {
            break;
        }
    }
    if (*p != '\0' && !g_ascii_isspace(*p)) {
        monitor_printf(mon, "invalid char in format: '%c'\n", *p);
        return false;
    }
    if (format < 0) {
        format = default_fmt_format;
    }
    if (format != 'i') {
        /* For 'i' no size means "the instruction length". */
        if (size < 0) {
            size = default_fmt_size;
        }
        default_fmt_size = size;
    }
    default_fmt_format = format;
out:
    *pp = p;
    hmp_args_put(args, "count", NULL, count);
    hmp_args_put(args, "format", NULL, format);
    hmp_args_put(args, "size", NULL, size);
    return true;
}

/* Does "-X..." name one of the '-' options still ahead in @typestr? */
/*
 * Skip blanks before an argument; if its type is optional ('?' after the
 * type letter), consume the '?' and say whether the argument is absent.
 */
static bool optional_absent(const char **p, const char **typestr)
{
    while (g_ascii_isspace(**p)) {
        (*p)++;
    }
    if (**typestr == '?') {
        (*typestr)++;
        return **p == '\0';
    }
    return false;
}

static bool hmp_valid_option(char opt, const char *typestr)
{
    char want[3] = { '-', opt, '\0' };

    return strstr(typestr, want) != NULL;
}

HMPArgs *hmp_parse_arguments(Monitor *mon, const char **endp,
                             const HMPCommand *cmd)
{
    const char *typestr = cmd->args_type;
    const char *p = *endp;
    HMPArgs *args = hmp_args_new();

    while (*typestr) {
        const char *colon = strchr(typestr, ':');
        g_autofree char *key = NULL;
        int c;

        if (!colon) {
            break;
        }
        key = g_strndup(typestr, colon - typestr);
        typestr = colon + 1;
        c = *typestr++;
        switch (c) {
        case 'F':
        case 'B':
        case 's': {
            g_autofree char *str = NULL;

            if (optional_absent(&p, &typestr)) {
                break;
            }
            str = hmp_get_str(mon, &p);
            if (!str) {
                monitor_printf(mon, "%s: %s expected\n", cmd->name,
                               c == 'F' ? "filename" :
                               c == 'B' ? "block device name" : "string");
                goto fail;
            }
            hmp_args_put(args, key, str, 0);
            break;
        }
        case 'O': {
            g_autofree char *str = NULL;

            while (g_ascii_isspace(*p)) {
                p++;
            }
            if (*p == '\0') {
                break;
            }
            str = hmp_get_str(mon, &p);
            if (!str) {
                goto fail;
            }
            hmp_args_put(args, key, str, 0);
            break;
        }
        case '/':
            if (!hmp_parse_format(mon, &p, args)) {
                goto fail;
            }
            break;
        case 'i':
        case 'l':
        case 'M': {
            int64_t val;

            if (optional_absent(&p, &typestr)) {
                break;
            }
            if (!hmp_get_expr(mon, &val, &p)) {
                goto fail;
            }
            if (c == 'i' && ((val >> 32) & 0xffffffff)) {
                monitor_printf(mon, "'%s' has failed: ", cmd->name);
                monitor_printf(mon, "integer is for 32-bit values\n");
                goto fail;
            }
            if (c == 'M') {
                if (val < 0) {
                    monitor_printf(mon, "enter a positive value\n");
                    goto fail;
                }
                val *= MiB;
            }
            hmp_args_put(args, key, NULL, val);
            break;
        }
        case 'o': {
            /* A size; a bare number is in MiB (QEMU's qemu_strtosz_MiB). */
            g_autofree char *str = NULL;
            uint64_t val;

            if (optional_absent(&p, &typestr)) {
                break;
            }
            str = hmp_get_str(mon, &p);
            if (!str || !qemu_strtosz_full(str, 'M', &val, NULL, NULL) ||
                val > INT64_MAX) {
                monitor_printf(mon, "invalid size\n");
                goto fail;
            }
            hmp_args_put(args, key, NULL, val);
            break;
        }
        case 'b': {
            g_autofree char *str = NULL;

            if (optional_absent(&p, &typestr)) {
                break;
            }
            str = hmp_get_str(mon, &p);
            if (str && !strcmp(str, "on")) {
                hmp_args_put(args, key, NULL, 1);
            } else if (str && !strcmp(str, "off")) {
                hmp_args_put(args, key, NULL, 0);
            } else {
                monitor_printf(mon, "Expected 'on' or 'off'\n");
                goto fail;
            }
            break;
        }
        case '-': {
            char opt = *typestr++;

            while (g_ascii_isspace(*p)) {
                p++;
            }
            if (*p == '-') {
                if (p[1] == opt && *typestr == 's') {
                    /* "-fs": an option with a value ("-f png") */
                    g_autofree char *str = NULL;

                    p += 2;
                    while (g_ascii_isspace(*p)) {
                        p++;
                    }
                    str = hmp_get_str(mon, &p);
                    if (!str) {
                        monitor_printf(mon, "%s: string expected\n",
                                       cmd->name);
                        goto fail;
                    }
                    hmp_args_put(args, key, str, 1);
                } else if (p[1] == opt) {
                    p += 2;
                    hmp_args_put(args, key, NULL, 1);
                } else if (!hmp_valid_option(p[1], typestr)) {
                    monitor_printf(mon, "%s: unsupported option -%c\n",
                                   cmd->name, p[1]);
                    goto fail;
                }
                /* else: a later option of this command; leave it. */
            }
            break;
        }
        case 'S': {
            size_t len;

            if (optional_absent(&p, &typestr)) {
                break;
            }
            len = strlen(p);
            if (len == 0) {
                monitor_printf(mon, "%s: string expected\n", cmd->name);
                goto fail;
            }
            hmp_args_put(args, key, p, 0);
            p += len;
            break;
        }
        default:
            monitor_printf(mon, "%s: unknown type '%c'\n", cmd->name, c);
            goto fail;
        }
        /* Skip to the next "key:type" entry. */
        while (*typestr && *typestr != ',') {
            typestr++;
        }
        if (*typestr == ',') {
            typestr++;
        }
    }
    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (*p != '\0') {
        monitor_printf(mon, "%s: extraneous characters at the end of line\n",
                       cmd->name);
        goto fail;
    }
    *endp = p;
    return args;
fail:
    /* *endp stays after the command name: "Try \"help x\"". */
    hmp_args_free(args);
    return NULL;
}
