/*
 * Monitors: a human monitor (HMP, readline on a chardev, "(qemu) " prompt)
 * or a QMP monitor (JSON on a chardev), one per -monitor/-qmp/-mon option.
 * All monitor work runs on the main thread with the BQL held.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "chardev/char.h"

typedef struct Monitor Monitor;

/*
 * Start a monitor on @chr (monitor/monitor.c): HMP when !@qmp, else QMP
 * (pretty-printed JSON with @pretty).  The monitor registers itself as
 * @chr's frontend; for a mux chardev (mon:stdio) it is one of the mux's
 * frontends and Ctrl-a c switches to it.
 */
bool monitor_init(Chardev *chr, bool qmp, bool pretty, Error **errp);
/* Close every monitor (process teardown). */
void monitor_cleanup(void);

/* The monitor whose command is running (main thread), or NULL. */
extern Monitor *cur_mon;

/*
 * Output of the running HMP command: to its chardev, or into the string
 * human-monitor-command returns.  "\n" becomes "\r\n" in both, as QEMU
 * prints it.
 */
int monitor_printf(Monitor *mon, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
int monitor_vprintf(Monitor *mon, const char *fmt, va_list ap)
    G_GNUC_PRINTF(2, 0);
void monitor_puts(Monitor *mon, const char *str);
bool monitor_is_qmp(const Monitor *mon);

/*
 * Errors in commands: to the current HMP monitor, else to stderr
 * (error_report's sink when cur_mon is an HMP monitor).
 */

/* ---- between the HMP and QMP halves (monitor/hmp.c, monitor/qmp.c) ---- */

/* Create the QMP side of a monitor on @chr (monitor/qmp.c). */
Monitor *qmp_monitor_new(Chardev *chr, bool pretty, Error **errp);
/* Create the HMP side of a monitor on @chr (monitor/hmp.c). */
Monitor *hmp_monitor_new(Chardev *chr, Error **errp);
/*
 * Run one HMP command line as human-monitor-command does: the command's
 * output is returned (never NULL); @cpu_index >= 0 selects the CPU first
 * ("cpu N").  Errors the command reports are part of the output, as in QEMU.
 */
char *hmp_run_command_line(const char *line, int64_t cpu_index);
/* The CPU HMP's "cpu N" selected for @mon (info registers, x, p $reg). */
int monitor_get_cpu_index(Monitor *mon);

#endif
