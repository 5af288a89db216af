/*
 * QEMU option strings (util/qemu-option.c semantics): "val,k=v,flag" with
 * an implied first key, ",," for a literal comma in values, a bare key
 * meaning key=on and "help"/"?" asking for help.  Options are untyped
 * text; the typed getters validate on read.  Not modelled: option groups
 * with descriptor lists (callers check unknown keys with
 * qemu_opts_check_unused()).
 */
#include "qemu/osdep.h"
#include "qemu/option.h"

static bool is_help(const char *s)
{
    return g_str_equal(s, "help") || g_str_equal(s, "?");
}

static void opt_free(gpointer p)
{
    QemuOpt *opt = p;

    g_free(opt->name);
    g_free(opt->str);
    g_free(opt);
}

static void opts_append(QemuOpts *opts, const char *name, const char *value)
{
    QemuOpt *opt = g_new0(QemuOpt, 1);

    opt->name = g_strdup(name);
    opt->str = g_strdup(value);
    g_ptr_array_add(opts->opts, opt);
}

/* Copy a value up to a single ',' (",," stands for ','); returns the end. */
static const char *parse_value(const char *p, GString *out)
{
    while (*p) {
        if (*p == ',') {
            if (p[1] != ',') {
                break;
            }
            p++;
        }
        g_string_append_c(out, *p++);
    }
    return p;
}

QemuOpts *qemu_opts_parse(const char *params, const char *implied_key,
                          Error **errp)
{
    QemuOpts *opts = g_new0(QemuOpts, 1);
    GString *key = g_string_new(NULL);
    GString *val = g_string_new(NULL);
    const char *p = params ? params : "";
    bool first = true;

    opts->opts = g_ptr_array_new_with_free_func(opt_free);
    while (*p) {
        const char *eq, *comma;

        g_string_truncate(key, 0);
        g_string_truncate(val, 0);
        eq = strchr(p, '=');
        comma = strchr(p, ',');
        if (!eq || (comma && comma < eq)) {
            /* An element without '=': implied value, flag or help. */
            p = parse_value(p, val);
            if (is_help(val->str)) {
                opts_append(opts, "help", "on");
            } else if (first && implied_key) {
                opts_append(opts, implied_key, val->str);
            } else if (val->len == 0) {
                /* Empty element: tolerated, as QEMU does for "a=1,". */
            } else if (first) {
                error_setg(errp, "Invalid parameter '%s'", val->str);
                goto fail;
            } else {
                opts_append(opts, val->str, "on");
            }
        } else {
            g_string_append_len(key, p, eq - p);
            if (key->len == 0) {
                error_setg(errp, "Invalid parameter ''");
                goto fail;
            }
            p = parse_value(eq + 1, val);
            opts_append(opts, key->str, val->str);
        }
        if (*p == ',') {
            p++;
        }
        first = false;
    }
    g_string_free(key, TRUE);
    g_string_free(val, TRUE);
    return opts;

fail:
    g_string_free(key, TRUE);
    g_string_free(val, TRUE);
    qemu_opts_free(opts);
    return NULL;
}

void qemu_opts_free(QemuOpts *opts)
{
    if (!opts) {
        return;
    }
    g_ptr_array_free(opts->opts, TRUE);
    g_free(opts);
}

static QemuOpt *find_last(QemuOpts *opts, const char *name)
{
    guint i;

    for (i = opts->opts->len; i > 0; i--) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i - 1);
        if (g_str_equal(opt->name, name)) {
            return opt;
        }
    }
    return NULL;
}

void qemu_opt_set(QemuOpts *opts, const char *name, const char *value)
{
    QemuOpt *opt = find_last(opts, name);

    if (opt) {
        g_free(opt->str);
        opt->str = g_strdup(value);
    } else {
        opts_append(opts, name, value);
    }
}

const char *qemu_opt_get(QemuOpts *opts, const char *name)
{
    QemuOpt *last = NULL;
    guint i;

    /* Earlier duplicates count as read too: the user's intent was seen. */
    for (i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);
        if (g_str_equal(opt->name, name)) {
            opt->used = true;
            last = opt;
        }
    }
    return last ? last->str : NULL;
}

bool qemu_opt_unset(QemuOpts *opts, const char *name)
{
    bool found = false;
    guint i = 0;

    while (i < opts->opts->len) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);
        if (g_str_equal(opt->name, name)) {
            g_ptr_array_remove_index(opts->opts, i);
            found = true;
        } else {
            i++;
        }
    }
    return found;
}

bool qemu_opts_has_help(QemuOpts *opts)
{
    guint i;

    for (i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);
        /* "help" may also arrive as "help=on" or as the implied value. */
        if (is_help(opt->name) || is_help(opt->str)) {
            opt->used = true;
            return true;
        }
    }
    return false;
}

bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval,
                       Error **errp)
{
    const char *s = qemu_opt_get(opts, name);
    bool val;

    if (!s) {
        return defval;
    }
    if (!qemu_parse_bool(name, s, &val, errp)) {
        return defval;
    }
    return val;
}

uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval, Error **errp)
{
    const char *s = qemu_opt_get(opts, name);
    uint64_t val;

    if (!s) {
        return defval;
    }
    if (!qemu_strtou64(s, &val)) {
        if (g_ascii_isdigit(*s) && errno == ERANGE) {
            error_setg(errp, "Value '%s' is too large for parameter '%s'",
                       s, name);
        } else {
            error_setg(errp, "Parameter '%s' expects a number", name);
        }
        return defval;
    }
    return val;
}

uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name,
                           uint64_t defval, Error **errp)
{
    const char *s = qemu_opt_get(opts, name);
    uint64_t val;

    if (!s) {
        return defval;
    }
    if (!qemu_strtosz(s, &val, name, errp)) {
        return defval;
    }
    return val;
}

bool qemu_opt_foreach(QemuOpts *opts, QemuOptFn *fn, void *opaque,
                      Error **errp)
{
    guint i;

    for (i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);
        if (!fn(opaque, opt->name, opt->str, errp)) {
            return false;
        }
    }
    return true;
}

bool qemu_opts_check_unused(QemuOpts *opts, Error **errp)
{
    guint i;

    for (i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);
        if (!opt->used) {
            error_setg(errp, "Invalid parameter '%s'", opt->name);
            return false;
        }
    }
    return true;
}
