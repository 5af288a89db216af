/*
 * QEMU's option strings: "value,key=value,key2=value2" with an implied
 * first key, ",," standing for a literal comma, and "help" / "?" asking for
 * help.  Sizes take QEMU's suffixes (k, M, G, T, P, E; powers of 1024).
 */
#ifndef QEMU_OPTION_H
#define QEMU_OPTION_H

#include "qemu/osdep.h"
#include "qapi/error.h"

typedef struct QemuOpt {
    char *name;
    char *str;
    bool used;          /* set by qemu_opt_get*(); see qemu_opts_check_unused() */
} QemuOpt;

/* An ordered list of key=value pairs; later keys override earlier ones. */
typedef struct QemuOpts {
    GPtrArray *opts;    /* of QemuOpt *, in command-line order */
} QemuOpts;

/*
 * Parse @params.  A first element without '=' is stored under
 * @implied_key (when @implied_key is NULL it is an error, except for
 * "help"/"?" which always parse as help=on).  A bare "key" later in the
 * list means key=on ("nokey" is *not* special).  Returns NULL and sets errp
 * on malformed input (e.g. "=x", empty key).
 */
QemuOpts *qemu_opts_parse(const char *params, const char *implied_key,
                          Error **errp);
void qemu_opts_free(QemuOpts *opts);

/* Add or replace a value. */
void qemu_opt_set(QemuOpts *opts, const char *name, const char *value);
/* Last value of @name or NULL.  Marks it used. */
const char *qemu_opt_get(QemuOpts *opts, const char *name);
/* Remove every value of @name; returns whether one existed. */
bool qemu_opt_unset(QemuOpts *opts, const char *name);
/* True when the user asked for help ("help" or "?" anywhere). */
bool qemu_opts_has_help(QemuOpts *opts);

/*
 * Typed getters: return @defval when absent; on a malformed value set errp
 * with QEMU's message and return @defval.
 */
bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval,
                       Error **errp);
uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval, Error **errp);
uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name,
                           uint64_t defval, Error **errp);

/* Call @fn for each pair in order; stops and returns false when fn does. */
typedef bool QemuOptFn(void *opaque, const char *name, const char *value,
                       Error **errp);
bool qemu_opt_foreach(QemuOpts *opts, QemuOptFn *fn, void *opaque,
                      Error **errp);

/* Error "Invalid parameter 'NAME'" for the first pair nobody read. */
bool qemu_opts_check_unused(QemuOpts *opts, Error **errp);

/*
 * Parse a size: "512", "1G", "0x1000", "1.5G".  @default_suffix applies to
 * numbers without a suffix ('\0' for bytes, 'M' for -m).  Returns false and
 * sets errp with QEMU's message ("Parameter '@param' expects a non-negative
 * number below 2^64" plus the suffix hint) on failure.
 */
bool qemu_strtosz_full(const char *str, char default_suffix, uint64_t *result,
                       const char *param, Error **errp);
static inline bool qemu_strtosz(const char *str, uint64_t *result,
                                const char *param, Error **errp)
{
    return qemu_strtosz_full(str, '\0', result, param, errp);
}

/* "on"/"off"/"yes"/"no"/"true"/"false"; error "Parameter 'NAME' expects 'on' or 'off'". */
bool qemu_parse_bool(const char *name, const char *value, bool *out,
                     Error **errp);
/* QEMU's size_to_str(): "1.5 GiB", three significant digits. */
char *size_to_str(uint64_t val);
/* Decimal, 0x hex or 0 octal unsigned number; false on garbage or overflow. */
bool qemu_strtou64(const char *str, uint64_t *result);
bool qemu_strtoi64(const char *str, int64_t *result);

/* Escape "," as ",," for building option strings. */
char *qemu_opts_escape(const char *value);
/* QEMU's rule for id= values: a letter, then letters, digits, '-', '.', '_'. */
bool id_wellformed(const char *id);

#endif
