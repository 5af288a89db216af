/*
 * User-facing messages in QEMU's util/qemu-error.c shape:
 * "prog: <opt> <arg>: message", "prog: warning: message", with error_printf
 * for raw continuation lines.  The monitor may install a sink that captures
 * the text of a running command (the program-name prefix is then omitted,
 * as QEMU does while a monitor is current).  Not modelled: -msg timestamp=on.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"

static char *progname;
/* The current command-line location; only the main thread parses options. */
static char *loc_opt;
static char *loc_arg;

static ErrorSink *cur_sink;
static void *cur_sink_opaque;
/* Keeps lines from different threads (vCPU warnings) from interleaving. */
static GMutex report_lock;

void error_set_progname(const char *name)
{
    g_free(progname);
    progname = g_strdup(name);
}

const char *error_get_progname(void)
{
    return progname ? progname : "kemu-system-x86_64";
}

void loc_set_cmdline(const char *opt, const char *arg)
{
    g_free(loc_opt);
    g_free(loc_arg);
    loc_opt = g_strdup(opt);
    loc_arg = g_strdup(arg);
}

void loc_set_none(void)
{
    loc_set_cmdline(NULL, NULL);
}

void error_set_sink(ErrorSink *sink, void *opaque)
{
    g_mutex_lock(&report_lock);
    cur_sink = sink;
    cur_sink_opaque = opaque;
    g_mutex_unlock(&report_lock);
}

static void emit(const char *text)
{
    g_mutex_lock(&report_lock);
    if (cur_sink) {
        cur_sink(cur_sink_opaque, text);
    } else {
        fputs(text, stderr);
        fflush(stderr);
    }
    g_mutex_unlock(&report_lock);
}

typedef enum {
    REPORT_ERROR,
    REPORT_WARNING,
    REPORT_INFO,
} ReportType;

static void vreport(ReportType type, const char *fmt, va_list ap)
{
    GString *s = g_string_new(NULL);

    /* cur_sink is read unlocked: only the main thread changes it. */
    if (!cur_sink) {
        g_string_append_printf(s, "%s: ", error_get_progname());
    }
    if (loc_opt) {
        if (loc_arg) {
            g_string_append_printf(s, "%s %s: ", loc_opt, loc_arg);
        } else {
            g_string_append_printf(s, "%s: ", loc_opt);
        }
    }
    if (type == REPORT_WARNING) {
        g_string_append(s, "warning: ");
    } else if (type == REPORT_INFO) {
        g_string_append(s, "info: ");
    }
    g_string_append_vprintf(s, fmt, ap);
    g_string_append_c(s, '\n');
    emit(s->str);
    g_string_free(s, TRUE);
}

void error_vreport(const char *fmt, va_list ap)
{
    vreport(REPORT_ERROR, fmt, ap);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(REPORT_ERROR, fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(REPORT_WARNING, fmt, ap);
    va_end(ap);
}

void info_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(REPORT_INFO, fmt, ap);
    va_end(ap);
}

void error_printf(const char *fmt, ...)
{
    va_list ap;
    char *text;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    emit(text);
    g_free(text);
}
