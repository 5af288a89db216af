/*
 * The monitor core shared by HMP and QMP: the list of monitors (one per
 * -monitor/-qmp/-mon option), creation and teardown, and the output
 * functions HMP commands print with (to the chardev, or into the string
 * human-monitor-command returns).
 */
#include "qemu/osdep.h"
#include "monitor/monitor-internal.h"

Monitor *cur_mon;

/* Every live monitor, in creation order (main thread only). */
static GPtrArray *monitors;

void monitor_list_append(Monitor *mon)
{
    if (!monitors) {
        monitors = g_ptr_array_new();
    }
    /* Both monitor_init and the HMP/QMP constructors may register. */
    for (guint i = 0; i < monitors->len; i++) {
        if (g_ptr_array_index(monitors, i) == mon) {
            return;
        }
    }
    g_ptr_array_add(monitors, mon);
}

void monitor_list_remove(Monitor *mon)
{
    if (monitors) {
        g_ptr_array_remove(monitors, mon);
    }
}

bool monitor_init(Chardev *chr, bool qmp, bool pretty, Error **errp)
{
    Monitor *mon;

    if (!chr) {
        error_setg(errp, "monitor: no chardev given");
        return false;
    }
    if (qmp) {
        mon = qmp_monitor_new(chr, pretty, errp);
    } else {
        mon = hmp_monitor_new(chr, errp);
    }
    if (!mon) {
        return false;
    }
    monitor_list_append(mon);
    return true;
}

void monitor_cleanup(void)
{
    if (!monitors) {
        return;
    }
    /* Newest first: the reverse of creation. */
    while (monitors->len) {
        Monitor *mon = g_ptr_array_index(monitors, monitors->len - 1);

        g_ptr_array_remove_index(monitors, monitors->len - 1);
        if (cur_mon == mon) {
            cur_mon = NULL;
        }
        if (mon->is_qmp) {
            qmp_monitor_free(mon);
        } else {
            hmp_monitor_free(mon);
        }
    }
    g_ptr_array_free(monitors, TRUE);
    monitors = NULL;
}

bool monitor_is_qmp(const Monitor *mon)
{
    return mon && mon->is_qmp;
}

void monitor_puts(Monitor *mon, const char *str)
{
    GString *out;

    if (!mon || !str) {
        return;
    }
    /*
     * QEMU turns every "\n" into "\r\n", also in the text
     * human-monitor-command returns.
     */
    if (mon->capture) {
        out = mon->capture;
    } else if (mon->is_qmp || !mon->fe.chr) {
        /* QMP has no place for free text outside a command's capture. */
        return;
    } else {
        if (!mon->pending) {
            mon->pending = g_string_sized_new(256);
        }
        out = mon->pending;
    }
    for (const char *p = str; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, *p);
    }
    if (!mon->capture && !mon->mux_out) {
        monitor_flush(mon);
    }
}

void monitor_flush(Monitor *mon)
{
    if (mon->pending && mon->pending->len && mon->fe.chr) {
        chr_fe_write_all(&mon->fe, (const uint8_t *)mon->pending->str,
                         mon->pending->len);
    }
    if (mon->pending) {
        g_string_truncate(mon->pending, 0);
    }
}

int monitor_vprintf(Monitor *mon, const char *fmt, va_list ap)
{
    char *text;
    int len;

    if (!mon) {
        return -1;
    }
    text = g_strdup_vprintf(fmt, ap);
    len = strlen(text);
    monitor_puts(mon, text);
    g_free(text);
    return len;
}

int monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    int ret;

    va_start(ap, fmt);
    ret = monitor_vprintf(mon, fmt, ap);
    va_end(ap);
    return ret;
}
