/*
 * Debug logging selected with -d (QEMU's masks and names) and -D file.
 * Guest misuse of a device is reported with LOG_GUEST_ERROR and ignored.
 */
#ifndef QEMU_LOG_H
#define QEMU_LOG_H

#include "qemu/osdep.h"

typedef struct Error Error;

#define CPU_LOG_TB_OUT_ASM (1 << 0)
#define CPU_LOG_TB_IN_ASM  (1 << 1)
#define CPU_LOG_TB_OP      (1 << 2)
#define CPU_LOG_TB_OP_OPT  (1 << 3)
#define CPU_LOG_INT        (1 << 4)
#define CPU_LOG_EXEC       (1 << 5)
#define CPU_LOG_PCALL      (1 << 6)
#define CPU_LOG_TB_CPU     (1 << 8)
#define CPU_LOG_RESET      (1 << 9)
#define LOG_UNIMP          (1 << 10)
#define LOG_GUEST_ERROR    (1 << 11)
#define CPU_LOG_MMU        (1 << 12)
#define CPU_LOG_PAGE       (1 << 14)
#define LOG_TRACE          (1 << 15)
#define CPU_LOG_TB_NOCHAIN (1 << 13)
#define CPU_LOG_TB_OP_IND  (1 << 16)
#define CPU_LOG_TB_FPU     (1 << 17)
#define CPU_LOG_PLUGIN     (1 << 18)
#define LOG_STRACE         (1 << 19)
#define LOG_PER_THREAD     (1 << 20)

extern int qemu_loglevel;

static inline bool qemu_loglevel_mask(int mask)
{
    return (qemu_loglevel & mask) != 0;
}

void qemu_log(const char *fmt, ...) G_GNUC_PRINTF_CHECK(1, 2);

#define qemu_log_mask(MASK, ...) do {        \
        if (unlikely(qemu_loglevel_mask(MASK))) { \
            qemu_log(__VA_ARGS__);            \
        }                                     \
    } while (0)

/*
 * Parse a -d list ("guest_errors,unimp", "help" prints the list and returns
 * 0 with *help_shown set).  Returns the mask or -1 with an error.
 */
int qemu_str_to_log_mask(const char *str, bool *help_shown, Error **errp);
/* Send log output to @filename (-D); NULL means stderr. */
bool qemu_set_log_filename(const char *filename, Error **errp);
void qemu_set_log(int mask);
/*
 * Print QEMU's "Log items (comma separated):" list.  QEMU answers an unknown
 * -d item by printing this list on stdout and exiting with status 1.
 */
void qemu_print_log_usage(FILE *f);

#endif
