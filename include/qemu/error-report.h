/*
 * User-facing messages in QEMU's shape:
 *   kemu-system-x86_64: <location>: <message>
 * The location is the command-line option being processed, pushed by the
 * option parser with loc_set_cmdline(), so deep code that reports an error
 * does not need to know which option it came from.
 */
#ifndef QEMU_ERROR_REPORT_H
#define QEMU_ERROR_REPORT_H

#include "qemu/osdep.h"

/* Name printed before every message; defaults to "kemu-system-x86_64". */
void error_set_progname(const char *name);
const char *error_get_progname(void);

/*
 * Set the current location to the option @opt (e.g. "-m") and its argument
 * @arg (may be NULL for options without one): messages then read
 * "prog: -m 12q: message".  loc_set_none() clears it.
 */
void loc_set_cmdline(const char *opt, const char *arg);
void loc_set_none(void);

void error_report(const char *fmt, ...) G_GNUC_PRINTF_CHECK(1, 2);
void error_vreport(const char *fmt, va_list ap) G_GNUC_PRINTF_CHECK(1, 0);
void warn_report(const char *fmt, ...) G_GNUC_PRINTF_CHECK(1, 2);
void info_report(const char *fmt, ...) G_GNUC_PRINTF_CHECK(1, 2);
/* Continue a message on a new line without the prefix. */
void error_printf(const char *fmt, ...) G_GNUC_PRINTF_CHECK(1, 2);

/*
 * Where messages go: default stderr.  The monitor redirects error_printf()
 * output of a command to its own channel while the command runs.
 */
typedef void ErrorSink(void *opaque, const char *text);
void error_set_sink(ErrorSink *sink, void *opaque);

#endif
