/*
 * Error objects (QEMU's include/qapi/error.h model): a QMP class, a message
 * and an optional command-line hint.  &error_fatal prints and exits(1),
 * &error_abort prints and aborts.  Not modelled: source locations of the
 * caller (QEMU records __FILE__/__LINE__ for error_abort reports).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"

struct Error {
    char *msg;
    GString *hint;
    ErrorClass cls;
};

/* Only the addresses matter: they are sentinels compared against errp. */
Error *error_fatal;
Error *error_abort;

static void error_handle_special(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        error_report("Unexpected error: %s", err->msg);
        abort();
    }
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
}

void error_setg_internal(Error **errp, ErrorClass cls, int os_errno,
                         const char *fmt, ...)
{
    Error *err;
    va_list ap;

    if (!errp) {
        return;
    }
    err = g_new0(Error, 1);
    va_start(ap, fmt);
    err->msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (os_errno) {
        char *full = g_strdup_printf("%s: %s", err->msg,
                                     g_strerror(os_errno));
        g_free(err->msg);
        err->msg = full;
    }
    err->cls = cls;

    error_handle_special(errp, err);
    if (*errp) {
        /* First error wins, as in QEMU; a second one is a caller bug. */
        error_free(err);
        return;
    }
    *errp = err;
}

void error_append_hint(Error **errp, const char *fmt, ...)
{
    va_list ap;

    /* error_fatal/error_abort never hold an error: the hint has no home. */
    if (!errp || errp == &error_fatal || errp == &error_abort || !*errp) {
        return;
    }
    if (!(*errp)->hint) {
        (*errp)->hint = g_string_new(NULL);
    }
    va_start(ap, fmt);
    g_string_append_vprintf((*errp)->hint, fmt, ap);
    va_end(ap);
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix, *full;

    if (!errp || errp == &error_fatal || errp == &error_abort || !*errp) {
        return;
    }
    va_start(ap, fmt);
    prefix = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    full = g_strconcat(prefix, (*errp)->msg, NULL);
    g_free(prefix);
    g_free((*errp)->msg);
    (*errp)->msg = full;
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

const char *error_get_hint(const Error *err)
{
    return err->hint ? err->hint->str : NULL;
}

ErrorClass error_get_class(const Error *err)
{
    return err->cls;
}

const char *error_class_name(ErrorClass cls)
{
    switch (cls) {
    case ERROR_CLASS_GENERIC_ERROR:
        return "GenericError";
    case ERROR_CLASS_COMMAND_NOT_FOUND:
        return "CommandNotFound";
    case ERROR_CLASS_DEVICE_NOT_ACTIVE:
        return "DeviceNotActive";
    case ERROR_CLASS_DEVICE_NOT_FOUND:
        return "DeviceNotFound";
    case ERROR_CLASS_KVM_MISSING_CAP:
        return "KVMMissingCap";
    }
    return "GenericError";
}

void error_propagate(Error **dst, Error *local)
{
    if (!local) {
        return;
    }
    error_handle_special(dst, local);
    if (dst && !*dst) {
        *dst = local;
    } else {
        error_free(local);
    }
}

Error *error_copy(const Error *err)
{
    Error *copy = g_new0(Error, 1);

    copy->msg = g_strdup(err->msg);
    copy->cls = err->cls;
    if (err->hint) {
        copy->hint = g_string_new(err->hint->str);
    }
    return copy;
}

void error_free(Error *err)
{
    if (!err) {
        return;
    }
    g_free(err->msg);
    if (err->hint) {
        g_string_free(err->hint, TRUE);
    }
    g_free(err);
}

void error_free_or_abort(Error **errp)
{
    if (!errp || !*errp) {
        abort();
    }
    error_free(*errp);
    *errp = NULL;
}

void error_report_err(Error *err)
{
    error_report("%s", err->msg);
    if (err->hint) {
        error_printf("%s", err->hint->str);
    }
    error_free(err);
}

void warn_report_err(Error *err)
{
    warn_report("%s", err->msg);
    if (err->hint) {
        error_printf("%s", err->hint->str);
    }
    error_free(err);
}
