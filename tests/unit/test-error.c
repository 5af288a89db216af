/*
 * Unit tests for util/error.c and util/error-report.c: message building,
 * hints, propagation, &error_fatal/&error_abort and QEMU's report format.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"

static void capture(void *opaque, const char *text)
{
    g_string_append(opaque, text);
}

static void test_setg(void)
{
    Error *err = NULL;

    error_setg(&err, "bad value %d", 42);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "bad value 42");
    g_assert_cmpint(error_get_class(err), ==, ERROR_CLASS_GENERIC_ERROR);
    g_assert_null(error_get_hint(err));
    error_free_or_abort(&err);
    g_assert_null(err);

    /* A NULL errp ignores the error. */
    error_setg(NULL, "ignored");
}

static void test_errno_and_prepend(void)
{
    Error *err = NULL;

    error_setg_errno(&err, ENOENT, "Could not open '%s'", "x.img");
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Could not open 'x.img': No such file or directory");
    error_prepend(&err, "drive %s: ", "hd0");
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "drive hd0: Could not open 'x.img': "
                    "No such file or directory");
    error_free(err);
}

static void test_hint_copy_class(void)
{
    Error *err = NULL, *copy;

    error_set(&err, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
              "foo");
    error_append_hint(&err, "line %d\n", 1);
    error_append_hint(&err, "line 2\n");
    g_assert_cmpstr(error_get_hint(err), ==, "line 1\nline 2\n");
    copy = error_copy(err);
    error_free(err);
    g_assert_cmpstr(error_get_pretty(copy), ==, "Device 'foo' not found");
    g_assert_cmpstr(error_get_hint(copy), ==, "line 1\nline 2\n");
    g_assert_cmpstr(error_class_name(error_get_class(copy)), ==,
                    "DeviceNotFound");
    g_assert_cmpstr(error_class_name(ERROR_CLASS_GENERIC_ERROR), ==,
                    "GenericError");
    g_assert_cmpstr(error_class_name(ERROR_CLASS_COMMAND_NOT_FOUND), ==,
                    "CommandNotFound");
    g_assert_cmpstr(error_class_name(ERROR_CLASS_KVM_MISSING_CAP), ==,
                    "KVMMissingCap");
    error_free(copy);
}

static void test_propagate(void)
{
    Error *local = NULL, *dst = NULL, *second = NULL;

    error_propagate(&dst, NULL);
    g_assert_null(dst);
    error_setg(&local, "first");
    error_propagate(&dst, local);
    g_assert_cmpstr(error_get_pretty(dst), ==, "first");
    /* The first error wins. */
    error_setg(&second, "second");
    error_propagate(&dst, second);
    g_assert_cmpstr(error_get_pretty(dst), ==, "first");
    error_setg(&dst, "third");
    g_assert_cmpstr(error_get_pretty(dst), ==, "first");
    error_free(dst);
    /* Propagating into NULL frees. */
    local = NULL;
    error_setg(&local, "dropped");
    error_propagate(NULL, local);
}

static void test_report_format(void)
{
    GString *out = g_string_new(NULL);
    Error *err = NULL;

    /* Without a sink the program name is printed (checked in a child). */
    error_set_sink(capture, out);
    loc_set_cmdline("-m", "12q");
    error_setg(&err, "Parameter 'size' expects a non-negative number "
               "below 2^64");
    error_append_hint(&err, "Optional suffix k\n");
    error_report_err(err);
    g_assert_cmpstr(out->str, ==,
                    "-m 12q: Parameter 'size' expects a non-negative number "
                    "below 2^64\nOptional suffix k\n");
    g_string_truncate(out, 0);
    loc_set_none();
    warn_report("careful %s", "now");
    info_report("fyi");
    error_printf("raw %d", 7);
    g_assert_cmpstr(out->str, ==, "warning: careful now\ninfo: fyi\nraw 7");
    error_set_sink(NULL, NULL);
    g_string_free(out, TRUE);
}

static void test_report_stderr(void)
{
    if (g_test_subprocess()) {
        loc_set_cmdline("-m", "12q");
        error_report("bad");
        loc_set_cmdline("-nodefaults", NULL);
        warn_report("w");
        loc_set_none();
        error_set_progname("kemu-img");
        info_report("i");
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("kemu-system-x86_64: -m 12q: bad\n"
                              "kemu-system-x86_64: -nodefaults: warning: w\n"
                              "kemu-img: info: i\n");
}

static void test_fatal(void)
{
    if (g_test_subprocess()) {
        loc_set_cmdline("-m", "12q");
        error_setg(&error_fatal, "Parameter 'size' expects a non-negative "
                   "number below 2^64");
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("kemu-system-x86_64: -m 12q: Parameter 'size' "
                              "expects a non-negative number below 2^64\n");
}

static void test_fatal_propagate_hint(void)
{
    if (g_test_subprocess()) {
        Error *err = NULL;

        error_setg(&err, "msg");
        error_append_hint(&err, "hint line\n");
        error_propagate(&error_fatal, err);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("kemu-system-x86_64: msg\nhint line\n");
}

static void test_abort(void)
{
    if (g_test_subprocess()) {
        error_setg(&error_abort, "boom");
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*Unexpected error: boom*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/error/setg", test_setg);
    g_test_add_func("/error/errno-prepend", test_errno_and_prepend);
    g_test_add_func("/error/hint-copy-class", test_hint_copy_class);
    g_test_add_func("/error/propagate", test_propagate);
    g_test_add_func("/error/report-format", test_report_format);
    g_test_add_func("/error/report-stderr", test_report_stderr);
    g_test_add_func("/error/fatal", test_fatal);
    g_test_add_func("/error/fatal-propagate-hint", test_fatal_propagate_hint);
    g_test_add_func("/error/abort", test_abort);
    return g_test_run();
}
