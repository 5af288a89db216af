/*
 * The keys -chardev accepts, with their value types: QEMU checks every
 * key against one list shared by all backends (so path= on a pty is
 * silently ignored, but bogus= is an error) before the backend runs.
 */
#include "qemu/osdep.h"
#include "chardev/chardev-internal.h"

typedef enum { OPT_STR, OPT_BOOL, OPT_NUMBER, OPT_SIZE } ChrOptType;

typedef struct ChrOptDesc {
    const char *name;
    ChrOptType type;
} ChrOptDesc;

static const ChrOptDesc chardev_opt_desc[] = {
    { "backend", OPT_STR },     { "id", OPT_STR },
    { "path", OPT_STR },        { "host", OPT_STR },
    { "port", OPT_STR },        { "fd", OPT_STR },
    { "local", OPT_BOOL },      { "localaddr", OPT_STR },
    { "localport", OPT_STR },   { "to", OPT_NUMBER },
    { "ipv4", OPT_BOOL },       { "ipv6", OPT_BOOL },
    { "wait", OPT_BOOL },       { "server", OPT_BOOL },
    { "delay", OPT_BOOL },      { "nodelay", OPT_BOOL },
    { "reconnect", OPT_NUMBER }, { "telnet", OPT_BOOL },
    { "tn3270", OPT_BOOL },     { "tls-creds", OPT_STR },
    { "tls-authz", OPT_STR },   { "websocket", OPT_BOOL },
    { "width", OPT_NUMBER },    { "height", OPT_NUMBER },
    { "cols", OPT_NUMBER },     { "rows", OPT_NUMBER },
    { "mux", OPT_BOOL },        { "signal", OPT_BOOL },
    { "name", OPT_STR },        { "debug", OPT_NUMBER },
    { "size", OPT_SIZE },       { "chardev", OPT_STR },
    { "append", OPT_BOOL },     { "logfile", OPT_STR },
    { "logappend", OPT_BOOL },  { "mouse", OPT_BOOL },
    { "clipboard", OPT_BOOL },  { "abstract", OPT_BOOL },
    { "tight", OPT_BOOL },      { "in", OPT_STR },
};

static bool chardev_opt_check(void *opaque, const char *name,
                              const char *value, Error **errp)
{
    const ChrOptDesc *d = NULL;
    bool b;
    uint64_t n;

    for (size_t i = 0; i < ARRAY_SIZE(chardev_opt_desc); i++) {
        if (!strcmp(chardev_opt_desc[i].name, name)) {
            d = &chardev_opt_desc[i];
            break;
        }
    }
    if (!d) {
        error_setg(errp, "Invalid parameter '%s'", name);
        return false;
    }
    switch (d->type) {
    case OPT_BOOL:
        return qemu_parse_bool(name, value, &b, errp);
    case OPT_NUMBER:
        if (!qemu_strtou64(value, &n)) {
            error_setg(errp, "Parameter '%s' expects a number", name);
            return false;
        }
        return true;
    case OPT_SIZE:
        return qemu_strtosz(value, &n, name, errp);
    case OPT_STR:
        break;
    }
    return true;
}

bool chardev_opts_validate(QemuOpts *opts, Error **errp)
{
    const char *id;

    if (!qemu_opt_foreach(opts, chardev_opt_check, NULL, errp)) {
        return false;
    }
    id = qemu_opt_get(opts, "id");
    if (id && !id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        return false;
    }
    return true;
}
