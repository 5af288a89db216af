/*
 * The two QMP commands that belong to the monitor itself:
 * qmp_capabilities (negotiation) and human-monitor-command (HMP through
 * QMP).  Their prototypes are generated from qapi/control.json and
 * qapi/misc.json.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "qapi/qapi-commands.h"
#include "target/x86/cpu.h"

/*
 * qmp_dispatch() answers a repeated call itself, and monitor/qmp.c marks
 * the connection negotiated when this returns.  "oob" is the only
 * capability (the schema rejects others); it is accepted, and commands
 * still run in order.
 */
void qmp_qmp_capabilities(bool has_enable, QMPCapabilityList *enable,
                          Error **errp)
{
}

/*
 * QEMU's monitor ends every output line with "\r\n", also in the string
 * human-monitor-command returns; add the "\r" where it is missing.
 */
static char *hmc_crlf(char *text)
{
    GString *out = g_string_sized_new(strlen(text) + 16);
    const char *p;

    for (p = text; *p; p++) {
        if (*p == '\n' && (p == text || p[-1] != '\r')) {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, *p);
    }
    g_free(text);
    return g_string_free(out, false);
}

char *qmp_human_monitor_command(const char *command_line,
                                bool has_cpu_index, int64_t cpu_index,
                                Error **errp)
{
    if (has_cpu_index &&
        (cpu_index < 0 || cpu_index > INT_MAX ||
         !x86_cpu_by_index(cpu_index))) {
        error_setg(errp, "Parameter 'cpu-index' expects a CPU number");
        return NULL;
    }
    /* the output, errors included, comes back as the result string */
    return hmc_crlf(hmp_run_command_line(command_line,
                                         has_cpu_index ? cpu_index : -1));
}
