/*
 * Unit tests for util/log.c: -d item parsing, "help", -D log files and
 * qemu_log_mask filtering.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include <glib/gstdio.h>

static void test_parse(void)
{
    Error *err = NULL;
    bool help = true;
    int mask;

    mask = qemu_str_to_log_mask("guest_errors,unimp", &help, &error_abort);
    g_assert_cmpint(mask, ==, LOG_GUEST_ERROR | LOG_UNIMP);
    g_assert_false(help);
    mask = qemu_str_to_log_mask("in_asm,out_asm,op,int,exec,cpu,mmu,pcall,"
                                "cpu_reset,page,nochain,strace", NULL,
                                &error_abort);
    g_assert_cmpint(mask, ==, CPU_LOG_TB_IN_ASM | CPU_LOG_TB_OUT_ASM |
                    CPU_LOG_TB_OP | CPU_LOG_INT | CPU_LOG_EXEC |
                    CPU_LOG_TB_CPU | CPU_LOG_MMU | CPU_LOG_PCALL |
                    CPU_LOG_RESET | CPU_LOG_PAGE | CPU_LOG_TB_NOCHAIN |
                    LOG_STRACE);
    mask = qemu_str_to_log_mask("trace:pic_*", NULL, &error_abort);
    g_assert_cmpint(mask, ==, LOG_TRACE);
    mask = qemu_str_to_log_mask("all", NULL, &error_abort);
    g_assert_true(mask & LOG_GUEST_ERROR);
    g_assert_true(mask & CPU_LOG_INT);

    g_assert_false(mask & LOG_PER_THREAD);
    mask = qemu_str_to_log_mask("op_opt,op_ind,fpu,plugin,tid", NULL,
                                &error_abort);
    g_assert_cmpint(mask, ==, CPU_LOG_TB_OP_OPT | CPU_LOG_TB_OP_IND |
                    CPU_LOG_TB_FPU | CPU_LOG_PLUGIN | LOG_PER_THREAD);
    /* Empty lists and empty items are errors (QEMU prints the usage). */
    g_assert_cmpint(qemu_str_to_log_mask("", NULL, NULL), ==, -1);
    g_assert_cmpint(qemu_str_to_log_mask("unimp,,int", NULL, NULL), ==, -1);
    g_assert_cmpint(qemu_str_to_log_mask("trace:", NULL, NULL), ==, -1);

    mask = qemu_str_to_log_mask("int,bogus", NULL, &err);
    g_assert_cmpint(mask, ==, -1);
    g_assert_nonnull(err);
    error_free(err);
}

static void test_help(void)
{
    if (g_test_subprocess()) {
        bool help = false;
        int mask = qemu_str_to_log_mask("help", &help, &error_abort);

        g_assert_cmpint(mask, ==, 0);
        g_assert_true(help);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout("Log items (comma separated):\n"
        "out_asm         show generated host assembly code for each "
        "compiled TB\n"
        "in_asm          show target assembly code for each compiled TB\n"
        "*guest_errors    log when the guest OS does something invalid "
        "(eg accessing a\nnon-existent register)\n*"
        "plugin          output from TCG plugins\n\n"
        "strace          log every user-mode syscall, its input, and its "
        "result\n*");
}

static void test_log_file(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-log-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "log.txt", NULL);
    g_autofree char *contents = NULL;
    Error *err = NULL;

    g_assert_true(qemu_set_log_filename(path, &error_abort));
    qemu_set_log(LOG_GUEST_ERROR);
    g_assert_true(qemu_loglevel_mask(LOG_GUEST_ERROR));
    g_assert_false(qemu_loglevel_mask(LOG_UNIMP));
    qemu_log_mask(LOG_GUEST_ERROR, "guest wrote %d\n", 5);
    qemu_log_mask(LOG_UNIMP, "not shown\n");
    g_assert_true(qemu_set_log_filename(NULL, &error_abort));
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, "guest wrote 5\n");
    qemu_set_log(0);

    g_assert_false(qemu_set_log_filename("/nonexistent/dir/log", &err));
    g_assert_nonnull(err);
    error_free(err);
    g_unlink(path);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/log/parse", test_parse);
    g_test_add_func("/log/help", test_help);
    g_test_add_func("/log/file", test_log_file);
    return g_test_run();
}
