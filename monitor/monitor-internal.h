/*
 * What the HMP and QMP halves of monitor/ share: the Monitor base every
 * monitor starts with.  monitor.c keeps the list of monitors.
 */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include "monitor/monitor.h"

struct Monitor {
    CharFrontend fe;        /* the chardev this monitor talks on */
    bool is_qmp;
    /*
     * When set, monitor_printf appends here instead of writing to the
     * chardev (human-monitor-command captures a command's output).
     */
    GString *capture;
    /*
     * A mux (mon:stdio) gave the input focus to another frontend: output
     * waits in @pending until Ctrl-a c brings the focus back, as in QEMU.
     */
    bool mux_out;
    GString *pending;
};

/* Add/remove @mon in the list monitor_cleanup() closes (monitor.c). */
void monitor_list_append(Monitor *mon);
void monitor_list_remove(Monitor *mon);

/* Free the QMP / HMP state of @mon (called by monitor_cleanup). */
void qmp_monitor_free(Monitor *mon);
void hmp_monitor_free(Monitor *mon);

/* Write what waited while the monitor was hidden behind a mux. */
void monitor_flush(Monitor *mon);

#endif
