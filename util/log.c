/*
 * Debug logging selected with -d and -D, with QEMU's item names and help
 * text (util/log.c in QEMU 7.2).  "trace:PATTERN" is accepted and enables
 * LOG_TRACE; per-event trace selection and per-thread log files ("tid") are
 * not modelled.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"

typedef struct QEMULogItem {
    int mask;
    const char *name;
    const char *help;
} QEMULogItem;

/* Order and wording are QEMU's, so "-d help" prints the same list. */
static const QEMULogItem log_items[] = {
    { CPU_LOG_TB_OUT_ASM, "out_asm",
      "show generated host assembly code for each compiled TB" },
    { CPU_LOG_TB_IN_ASM, "in_asm",
      "show target assembly code for each compiled TB" },
    { CPU_LOG_TB_OP, "op",
      "show micro ops for each compiled TB" },
    { CPU_LOG_TB_OP_OPT, "op_opt",
      "show micro ops after optimization" },
    { CPU_LOG_TB_OP_IND, "op_ind",
      "show micro ops before indirect lowering" },
    { CPU_LOG_INT, "int",
      "show interrupts/exceptions in short format" },
    { CPU_LOG_EXEC, "exec",
      "show trace before each executed TB (lots of logs)" },
    { CPU_LOG_TB_CPU, "cpu",
      "show CPU registers before entering a TB (lots of logs)" },
    { CPU_LOG_TB_FPU, "fpu",
      "include FPU registers in the 'cpu' logging" },
    { CPU_LOG_MMU, "mmu",
      "log MMU-related activities" },
    { CPU_LOG_PCALL, "pcall",
      "x86 only: show protected mode far calls/returns/exceptions" },
    { CPU_LOG_RESET, "cpu_reset",
      "show CPU state before CPU resets" },
    { LOG_UNIMP, "unimp",
      "log unimplemented functionality" },
    { LOG_GUEST_ERROR, "guest_errors",
      "log when the guest OS does something invalid (eg accessing a\n"
      "non-existent register)" },
    { CPU_LOG_PAGE, "page",
      "dump pages at beginning of user mode emulation" },
    { CPU_LOG_TB_NOCHAIN, "nochain",
      "do not chain compiled TBs so that \"exec\" and \"cpu\" show\n"
      "complete traces" },
    /* QEMU's text really ends in a newline, giving a blank line. */
    { CPU_LOG_PLUGIN, "plugin",
      "output from TCG plugins\n" },
    { LOG_STRACE, "strace",
      "log every user-mode syscall, its input, and its result" },
    /* Accepted, but one log file serves all threads. */
    { LOG_PER_THREAD, "tid",
      "open a separate log file per thread; filename must contain '%d'" },
};

int qemu_loglevel;

static GMutex log_lock;
static FILE *log_file;      /* NULL: stderr */
static bool log_file_opened;

void qemu_log(const char *fmt, ...)
{
    va_list ap;
    FILE *f;

    /* Whole lines from different vCPU threads must not interleave. */
    g_mutex_lock(&log_lock);
    f = log_file ? log_file : stderr;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fflush(f);
    g_mutex_unlock(&log_lock);
}

void qemu_print_log_usage(FILE *f)
{
    size_t i;

    fprintf(f, "Log items (comma separated):\n");
    for (i = 0; i < ARRAY_SIZE(log_items); i++) {
        fprintf(f, "%-15s %s\n", log_items[i].name, log_items[i].help);
    }
    fprintf(f, "trace:PATTERN   enable trace events\n");
    fprintf(f, "\nUse \"-d trace:help\" to get a list of trace events.\n\n");
}

int qemu_str_to_log_mask(const char *str, bool *help_shown, Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(str, ",", 0);
    int mask = 0;
    char **p;
    size_t i;

    if (help_shown) {
        *help_shown = false;
    }
    if (!parts[0]) {
        /* QEMU answers an empty -d with the usage, like an unknown item. */
        error_setg(errp, "Invalid -d item ''");
        return -1;
    }
    for (p = parts; *p; p++) {
        if (g_str_equal(*p, "help") || g_str_equal(*p, "?")) {
            qemu_print_log_usage(stdout);
            if (help_shown) {
                *help_shown = true;
            }
            return 0;
        }
        if (g_str_equal(*p, "all")) {
            /*
             * QEMU's "all" includes "tid" and then fails without a %d
             * file name; per-thread files are not modelled, so leave it.
             */
            for (i = 0; i < ARRAY_SIZE(log_items); i++) {
                if (log_items[i].mask == LOG_PER_THREAD) {
                    continue;
                }
                mask |= log_items[i].mask;
            }
            continue;
        }
        if (g_str_has_prefix(*p, "trace:") && (*p)[6] != '\0') {
            mask |= LOG_TRACE;
            continue;
        }
        for (i = 0; i < ARRAY_SIZE(log_items); i++) {
            if (g_str_equal(*p, log_items[i].name)) {
                mask |= log_items[i].mask;
                break;
            }
        }
        if (i == ARRAY_SIZE(log_items)) {
            error_setg(errp, "Invalid -d item '%s'", *p);
            return -1;
        }
    }
    return mask;
}

bool qemu_set_log_filename(const char *filename, Error **errp)
{
    FILE *f = NULL;

    if (filename) {
        /* Like QEMU: the first -D file is truncated, later ones appended. */
        f = fopen(filename, log_file_opened ? "a" : "w");
        if (!f) {
            error_setg_errno(errp, errno, "Error opening logfile %s",
                             filename);
            return false;
        }
        /* Line buffering keeps the file readable while the guest runs. */
        setvbuf(f, NULL, _IOLBF, 0);
        log_file_opened = true;
    }
    g_mutex_lock(&log_lock);
    if (log_file) {
        fclose(log_file);
    }
    log_file = f;
    g_mutex_unlock(&log_lock);
    return true;
}

void qemu_set_log(int mask)
{
    qemu_loglevel = mask;
}
