/*
 * Error objects: a class plus a human message, returned through the last
 * argument `Error **errp` of any function that can fail (QEMU's convention,
 * see DESIGN.md "Errors").
 *
 * Rules: a function that fails sets *errp (if errp is not NULL) and returns
 * false/NULL/-1.  Pass &error_fatal to exit(1) after printing the message,
 * &error_abort to abort(), NULL to ignore the error.  Messages are one phrase
 * without trailing punctuation.
 */
#ifndef QAPI_ERROR_H
#define QAPI_ERROR_H

#include "qemu/osdep.h"

/* QMP error classes, named as QMP spells them (see error_class_name()). */
typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
} ErrorClass;

typedef struct Error Error;

extern Error *error_fatal;
extern Error *error_abort;

void error_setg_internal(Error **errp, ErrorClass cls, int os_errno,
                         const char *fmt, ...) G_GNUC_PRINTF_CHECK(4, 5);

/* Set a GenericError with a printf-style message. */
#define error_setg(errp, ...) \
    error_setg_internal((errp), ERROR_CLASS_GENERIC_ERROR, 0, __VA_ARGS__)
/* Same, appending ": strerror(os_errno)". */
#define error_setg_errno(errp, os_errno, ...) \
    error_setg_internal((errp), ERROR_CLASS_GENERIC_ERROR, (os_errno), \
                        __VA_ARGS__)
/* Set an error of a specific QMP class. */
#define error_set(errp, cls, ...) \
    error_setg_internal((errp), (cls), 0, __VA_ARGS__)

/* Add a hint line printed after the message on the command line only. */
void error_append_hint(Error **errp, const char *fmt, ...)
    G_GNUC_PRINTF_CHECK(2, 3);
/* Prefix the message of *errp (no-op when errp or *errp is NULL). */
void error_prepend(Error **errp, const char *fmt, ...)
    G_GNUC_PRINTF_CHECK(2, 3);

const char *error_get_pretty(const Error *err);
const char *error_get_hint(const Error *err);
ErrorClass error_get_class(const Error *err);
/* "GenericError", "CommandNotFound", ... */
const char *error_class_name(ErrorClass cls);

/* Move @local into @dst (honouring error_fatal/error_abort); frees it if dst is NULL. */
void error_propagate(Error **dst, Error *local);
Error *error_copy(const Error *err);
void error_free(Error *err);
/* Free *errp and set it to NULL. */
void error_free_or_abort(Error **errp);

/* Print with error_report() (including the hint) and free. */
void error_report_err(Error *err);
/* Print as a warning and free. */
void warn_report_err(Error *err);

#endif
