/*
 * The human monitor: readline on a chardev, QEMU's banner and "(qemu) "
 * prompt, command lookup in the tables of hmp-commands*.def, argument
 * parsing by QEMU's args_type mini-language with QEMU's error texts,
 * help, completion, and human-monitor-command's captured runs.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "accel/accel.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "hmp-internal.h"
#include "readline.h"

#define HMP_PROMPT "(qemu) "

typedef struct MonitorHMP {
    Monitor common;
    ReadLineState *rs;      /* NULL for human-monitor-command's runs */
    int cpu_index;          /* "cpu N" */
    bool reset_seen;        /* the banner was printed (OPENED seen) */
    bool suspended;         /* quit: no more prompts or input */
} MonitorHMP;

/* ---- output ---- */

void hmp_handle_error(Monitor *mon, Error *err)
{
    if (err) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
}

/* The thread monitors run on (the main loop's). */
static GThread *hmp_main_thread;

static void hmp_error_sink(void *opaque, const char *text)
{
    /*
     * Only the command's own messages belong to the monitor; a vCPU
     * thread's warning while it runs still goes to stderr.
     */
    if (g_thread_self() == hmp_main_thread) {
        monitor_puts(opaque, text);
    } else {
        fputs(text, stderr);
    }
}

static void hmp_readline_print(void *opaque, const char *text)
{
    monitor_puts(opaque, text);
}

/* ---- CPU selection ---- */

static MonitorHMP *hmp_of(Monitor *mon)
{
    return mon && !mon->is_qmp ? container_of(mon, MonitorHMP, common)
                               : NULL;
}

int monitor_get_cpu_index(Monitor *mon)
{
    MonitorHMP *hmp = hmp_of(mon);
    int index = hmp ? hmp->cpu_index : 0;

    return x86_cpu_by_index(index) ? index : 0;
}

bool hmp_set_cpu(Monitor *mon, int64_t index)
{
    MonitorHMP *hmp = hmp_of(mon);

    if (index < 0 || index > INT_MAX || !x86_cpu_by_index(index)) {
        return false;
    }
    if (hmp) {
        hmp->cpu_index = index;
    }
    return true;
}

X86CPU *hmp_get_cpu(Monitor *mon)
{
    return cpu_get_synced(monitor_get_cpu_index(mon));
}

void hmp_suspend(Monitor *mon)
{
    MonitorHMP *hmp = hmp_of(mon);

    if (hmp) {
        hmp->suspended = true;
    }
}

/* ---- command lookup ---- */

/* @name matches one of the '|'-separated aliases of @list. */
static bool hmp_compare_cmd(const char *name, const char *list)
{
    const char *p = list;
    size_t len = strlen(name);

    while (*p) {
        const char *end = strchr(p, '|');
        size_t n = end ? (size_t)(end - p) : strlen(p);

        if (n == len && !memcmp(p, name, n)) {
            return true;
        }
        if (!end) {
            break;
        }
        p = end + 1;
    }
    return false;
}

static const HMPCommand *hmp_search_table(const HMPCommand *table,
                                          const char *name)
{
    for (const HMPCommand *c = table; c->name; c++) {
        if (hmp_compare_cmd(name, c->name)) {
            return c;
        }
    }
    return NULL;
}

/* The command word at *@pp (ends at a space or '/'); NULL if none. */
static char *hmp_get_command_name(const char **pp)
{
    const char *p = *pp;
    const char *start;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    if (*p == '\0') {
        return NULL;
    }
    start = p;
    while (*p && *p != '/' && !g_ascii_isspace(*p)) {
        p++;
    }
    *pp = p;
    return g_strndup(start, p - start);
}

static const HMPCommand *hmp_parse_command(Monitor *mon, const char *start,
                                           const char **pp,
                                           const HMPCommand *table)
{
    const char *p = *pp;
    g_autofree char *name = hmp_get_command_name(&p);
    const HMPCommand *cmd;

    if (!name) {
        return NULL;
    }
    cmd = hmp_search_table(table, name);
    if (!cmd) {
        monitor_printf(mon, "unknown command: '%.*s'\n", (int)(p - start),
                       start);
        return NULL;
    }
    while (g_ascii_isspace(*p)) {
        p++;
    }
    *pp = p;
    if (cmd->sub_table && *p != '\0') {
        return hmp_parse_command(mon, start, pp, cmd->sub_table);
    }
    return cmd;
}

/* ---- running a command line ---- */

static void hmp_handle_command(Monitor *mon, const char *line)
{
    const char *start = line;
    const char *p;
    const HMPCommand *cmd;
    HMPArgs *args;

    while (g_ascii_isspace(*start)) {
        start++;
    }
    p = start;
    cmd = hmp_parse_command(mon, start, &p, hmp_cmds);
    if (!cmd) {
        return;
    }
    args = hmp_parse_arguments(mon, &p, cmd);
    if (!args) {
        /* Name the command as typed ("help info registers"). */
        const char *end = p;

        while (end > start && g_ascii_isspace(end[-1])) {
            end--;
        }
        monitor_printf(mon, "Try \"help %.*s\" for more information\n",
                       (int)(end - start), start);
        return;
    }
    cmd->cmd(mon, args);
    hmp_args_free(args);
}

/*
 * Run @line on @mon with @mon current, so error_report() and the
 * commands' output reach it.
 */
static void hmp_run_on(Monitor *mon, const char *line)
{
    Monitor *old = cur_mon;

    hmp_main_thread = g_thread_self();
    cur_mon = mon;
    error_set_sink(hmp_error_sink, mon);
    hmp_handle_command(mon, line);
    error_set_sink(NULL, NULL);
    cur_mon = old;
}

char *hmp_run_command_line(const char *line, int64_t cpu_index)
{
    MonitorHMP hmp = { .common.capture = g_string_new(NULL) };

    if (cpu_index >= 0 && x86_cpu_by_index(cpu_index)) {
        hmp.cpu_index = cpu_index;
    }
    hmp_run_on(&hmp.common, line);
    return g_string_free(hmp.common.capture, FALSE);
}

static void hmp_line_entered(void *opaque, const char *line)
{
    MonitorHMP *hmp = opaque;

    hmp_run_on(&hmp->common, line);
    if (!hmp->suspended) {
        readline_show_prompt(hmp->rs);
    }
}

/* ---- help ---- */

static int hmp_cmd_cmp(const void *a, const void *b)
{
    const HMPCommand *const *x = a, *const *y = b;

    return strcmp((*x)->name, (*y)->name);
}

static void hmp_help_dump_one(Monitor *mon, const HMPCommand *cmd,
                              const char *prefix)
{
    monitor_printf(mon, "%s%s %s -- %s\n", prefix, cmd->name, cmd->params,
                   cmd->help);
}

static void hmp_help_table(Monitor *mon, const HMPCommand *table,
                           const char *prefix)
{
    GPtrArray *sorted = g_ptr_array_new();

    for (const HMPCommand *c = table; c->name; c++) {
        g_ptr_array_add(sorted, (gpointer)c);
    }
    g_ptr_array_sort(sorted, hmp_cmd_cmp);
    for (guint i = 0; i < sorted->len; i++) {
        hmp_help_dump_one(mon, g_ptr_array_index(sorted, i), prefix);
    }
    g_ptr_array_free(sorted, TRUE);
}

void hmp_help(Monitor *mon, const HMPArgs *args)
{
    const char *name = hmp_arg_str(args, "name");
    g_auto(GStrv) words = NULL;
    const HMPCommand *table = hmp_cmds;
    g_autoptr(GString) prefix = g_string_new(NULL);

    if (!name) {
        hmp_help_table(mon, hmp_cmds, "");
        return;
    }
    if (!strcmp(name, "log")) {
        /* QEMU answers "help log" with the log items. */
        hmp_print_log_items(mon);
        return;
    }
    words = g_strsplit_set(name, " \t", -1);
    for (int i = 0; words[i]; i++) {
        const HMPCommand *cmd;

        if (!words[i][0]) {
            continue;
        }
        cmd = hmp_search_table(table, words[i]);
        if (!cmd) {
            monitor_printf(mon, "unknown command: '%s'\n", name);
            return;
        }
        if (cmd->sub_table) {
            bool more = false;

            for (int j = i + 1; words[j]; j++) {
                more |= words[j][0] != '\0';
            }
            if (!more) {
                g_string_append_printf(prefix, "%s ", words[i]);
                hmp_help_table(mon, cmd->sub_table, prefix->str);
                return;
            }
            g_string_append_printf(prefix, "%s ", words[i]);
            table = cmd->sub_table;
            continue;
        }
        hmp_help_dump_one(mon, cmd, prefix->str);
        return;
    }
}

void hmp_info_help(Monitor *mon, const HMPArgs *args)
{
    hmp_help_table(mon, hmp_info_cmds, "info ");
}

void hmp_info_history(Monitor *mon, const HMPArgs *args)
{
    MonitorHMP *hmp = hmp_of(mon);
    const char *str;

    if (!hmp || !hmp->rs) {
        return;
    }
    for (unsigned i = 0; (str = readline_get_history(hmp->rs, i)); i++) {
        monitor_printf(mon, "%d: '%s'\n", i, str);
    }
}

/* ---- completion ---- */

static void hmp_complete_cmds(ReadLineState *rs, const HMPCommand *table,
                              const char *word)
{
    size_t len = strlen(word);

    readline_set_completion_index(rs, len);
    for (const HMPCommand *c = table; c->name; c++) {
        g_auto(GStrv) names = g_strsplit(c->name, "|", -1);

        for (int i = 0; names[i]; i++) {
            if (!strncmp(names[i], word, len)) {
                readline_add_completion(rs, names[i]);
            }
        }
    }
}

/*
 * Command names, the subcommands of "info", command names again after
 * "help", and the first argument of commands with a completion function.
 */
static void hmp_find_completion(void *opaque, const char *line)
{
    MonitorHMP *hmp = opaque;
    GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
    const HMPCommand *table = hmp_cmds;
    const char *p = line;

    for (;;) {
        const char *start;

        while (g_ascii_isspace(*p)) {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        start = p;
        while (*p && !g_ascii_isspace(*p)) {
            p++;
        }
        g_ptr_array_add(words, g_strndup(start, p - start));
    }
    /* After a space, the word being completed is empty. */
    if (words->len == 0 || (p > line && g_ascii_isspace(p[-1]))) {
        g_ptr_array_add(words, g_strdup(""));
    }
    for (guint i = 0; i < words->len; i++) {
        const char *w = g_ptr_array_index(words, i);
        const HMPCommand *cmd;

        if (i == words->len - 1) {
            hmp_complete_cmds(hmp->rs, table, w);
            break;
        }
        cmd = hmp_search_table(table, w);
        if (cmd && cmd->cmd == hmp_help) {
            /* "help CMD": complete command names again. */
            continue;
        }
        if (cmd && cmd->complete) {
            /* Arguments counted as QEMU does: the command is number 0. */
            cmd->complete(hmp->rs, words->len - i,
                          g_ptr_array_index(words, words->len - 1));
            break;
        }
        if (!cmd || !cmd->sub_table) {
            break;
        }
        table = cmd->sub_table;
    }
    g_ptr_array_free(words, TRUE);
}

/* ---- the chardev side ---- */

static int hmp_can_read(void *opaque)
{
    MonitorHMP *hmp = opaque;

    return hmp->suspended ? 0 : 4096;
}

static void hmp_read(void *opaque, const uint8_t *buf, int size)
{
    MonitorHMP *hmp = opaque;

    for (int i = 0; i < size && !hmp->suspended; i++) {
        readline_handle_byte(hmp->rs, buf[i]);
    }
}

static void hmp_event(void *opaque, ChrEvent event)
{
    MonitorHMP *hmp = opaque;
    Monitor *mon = &hmp->common;

    switch (event) {
    case CHR_EVENT_MUX_IN:
        mon->mux_out = false;
        if (hmp->reset_seen) {
            monitor_flush(mon);
            readline_restart(hmp->rs);
            if (!hmp->suspended) {
                readline_show_prompt(hmp->rs);
            }
        }
        break;
    case CHR_EVENT_MUX_OUT:
        if (hmp->reset_seen && !hmp->suspended) {
            monitor_puts(mon, "\n");
        }
        monitor_flush(mon);
        mon->mux_out = true;
        break;
    case CHR_EVENT_OPENED:
        monitor_printf(mon, "QEMU %s monitor - type 'help' for more "
                       "information\n", QEMU_COMPAT_VERSION);
        if (!mon->mux_out) {
            readline_restart(hmp->rs);
            readline_show_prompt(hmp->rs);
        }
        hmp->reset_seen = true;
        break;
    case CHR_EVENT_CLOSED:
    case CHR_EVENT_BREAK:
        break;
    }
}

Monitor *hmp_monitor_new(Chardev *chr, Error **errp)
{
    MonitorHMP *hmp = g_new0(MonitorHMP, 1);

    if (!chr_fe_init(&hmp->common.fe, chr, errp)) {
        g_free(hmp);
        return NULL;
    }
    hmp->rs = readline_new(hmp_readline_print, hmp_find_completion,
                           hmp_line_entered, hmp);
    readline_set_prompt(hmp->rs, HMP_PROMPT);
    monitor_list_append(&hmp->common);
    chr_fe_set_handlers(&hmp->common.fe, hmp_can_read, hmp_read, hmp_event,
                        hmp);
    return &hmp->common;
}

void hmp_monitor_free(Monitor *mon)
{
    MonitorHMP *hmp = hmp_of(mon);

    if (!hmp) {
        return;
    }
    chr_fe_deinit(&mon->fe);
    readline_free(hmp->rs);
    if (mon->pending) {
        g_string_free(mon->pending, TRUE);
    }
    g_free(hmp);
}
