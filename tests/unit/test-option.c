/*
 * Unit tests for util/qemu-option.c and util/cutils.c: implied keys, ",,"
 * escaping, help, flags, sizes with QEMU's suffixes and errors, booleans.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"

static void test_implied_and_escape(void)
{
    QemuOpts *opts;

    opts = qemu_opts_parse("e1000,netdev=n0,,x,mac=52:54:00:12:34:56",
                           "driver", &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "driver"), ==, "e1000");
    g_assert_cmpstr(qemu_opt_get(opts, "netdev"), ==, "n0,x");
    g_assert_cmpstr(qemu_opt_get(opts, "mac"), ==, "52:54:00:12:34:56");
    g_assert_null(qemu_opt_get(opts, "id"));
    g_assert_false(qemu_opts_has_help(opts));
    g_assert_true(qemu_opts_check_unused(opts, &error_abort));
    qemu_opts_free(opts);

    /* ",," inside the implied value, and a trailing comma. */
    opts = qemu_opts_parse("file=a,,b.img,", NULL, &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "file"), ==, "a,b.img");
    qemu_opts_free(opts);
    opts = qemu_opts_parse("a,,b,k=v", "path", &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "path"), ==, "a,b");
    g_assert_cmpstr(qemu_opt_get(opts, "k"), ==, "v");
    qemu_opts_free(opts);

    /* Empty value and empty string. */
    opts = qemu_opts_parse("id=,x=1", NULL, &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "id"), ==, "");
    qemu_opts_free(opts);
    opts = qemu_opts_parse("", "type", &error_abort);
    g_assert_cmpint(opts->opts->len, ==, 0);
    qemu_opts_free(opts);

    g_autofree char *esc = qemu_opts_escape("a,b,,c");
    g_assert_cmpstr(esc, ==, "a,,b,,,,c");
}

static void test_flags_override_unused(void)
{
    Error *err = NULL;
    QemuOpts *opts;

    opts = qemu_opts_parse("pc,accel=kvm,usb,accel=tcg,nodefaults",
                           "type", &error_abort);
    g_assert_cmpstr(qemu_opt_get(opts, "type"), ==, "pc");
    g_assert_cmpstr(qemu_opt_get(opts, "accel"), ==, "tcg");
    g_assert_true(qemu_opt_get_bool(opts, "usb", false, &error_abort));
    /* "nokey" is not special: it is a key of its own. */
    g_assert_null(qemu_opt_get(opts, "defaults"));
    g_assert_false(qemu_opts_check_unused(opts, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Invalid parameter 'nodefaults'");
    error_free(err);
    err = NULL;

    qemu_opt_set(opts, "accel", "xen");
    g_assert_cmpstr(qemu_opt_get(opts, "accel"), ==, "xen");
    qemu_opt_set(opts, "new", "1");
    g_assert_cmpstr(qemu_opt_get(opts, "new"), ==, "1");
    g_assert_true(qemu_opt_unset(opts, "accel"));
    g_assert_false(qemu_opt_unset(opts, "accel"));
    g_assert_null(qemu_opt_get(opts, "accel"));
    qemu_opts_free(opts);

    /* No implied key: a first bare word is a flag... of nothing. */
    g_assert_null(qemu_opts_parse("value,a=b", NULL, &err));
    g_assert_nonnull(err);
    error_free(err);
    err = NULL;
    g_assert_null(qemu_opts_parse("a=1,=x", NULL, &err));
    g_assert_nonnull(err);
    error_free(err);
}

static void test_help(void)
{
    QemuOpts *opts;

    opts = qemu_opts_parse("help", "driver", &error_abort);
    g_assert_true(qemu_opts_has_help(opts));
    qemu_opts_free(opts);
    opts = qemu_opts_parse("?", NULL, &error_abort);
    g_assert_true(qemu_opts_has_help(opts));
    qemu_opts_free(opts);
    opts = qemu_opts_parse("e1000,help", "driver", &error_abort);
    g_assert_true(qemu_opts_has_help(opts));
    g_assert_cmpstr(qemu_opt_get(opts, "driver"), ==, "e1000");
    qemu_opts_free(opts);
    opts = qemu_opts_parse("type=help", NULL, &error_abort);
    g_assert_true(qemu_opts_has_help(opts));
    qemu_opts_free(opts);
    opts = qemu_opts_parse("e1000,id=helpful", "driver", &error_abort);
    g_assert_false(qemu_opts_has_help(opts));
    qemu_opts_free(opts);
}

static uint64_t sz(const char *s)
{
    uint64_t v = 0xdeadbeef;

    g_assert_true(qemu_strtosz(s, &v, "size", &error_abort));
    return v;
}

static void sz_fail(const char *s, const char *msg)
{
    Error *err = NULL;
    uint64_t v = 77;

    g_assert_false(qemu_strtosz(s, &v, "size", &err));
    g_assert_cmpuint(v, ==, 77);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_sizes(void)
{
    static const char *const bad =
        "Parameter 'size' expects a non-negative number below 2^64";
    Error *err = NULL;
    uint64_t v;

    g_assert_cmpuint(sz("0"), ==, 0);
    g_assert_cmpuint(sz("512"), ==, 512);
    g_assert_cmpuint(sz("1k"), ==, 1024);
    g_assert_cmpuint(sz("1K"), ==, 1024);
    g_assert_cmpuint(sz("2M"), ==, 2 * MiB);
    g_assert_cmpuint(sz("3G"), ==, 3 * GiB);
    g_assert_cmpuint(sz("1T"), ==, 1ULL << 40);
    g_assert_cmpuint(sz("1P"), ==, 1ULL << 50);
    g_assert_cmpuint(sz("15E"), ==, 15ULL << 60);
    g_assert_cmpuint(sz("12b"), ==, 12);
    g_assert_cmpuint(sz("12B"), ==, 12);
    g_assert_cmpuint(sz("1.5G"), ==, 3 * GiB / 2);
    g_assert_cmpuint(sz("0.5k"), ==, 512);
    g_assert_cmpuint(sz("1.k"), ==, 1024);
    g_assert_cmpuint(sz("0x1000"), ==, 0x1000);
    g_assert_cmpuint(sz("0XfF"), ==, 255);
    g_assert_cmpuint(sz("18446744073709551615"), ==, UINT64_MAX);

    sz_fail("12q", bad);
    sz_fail("-1", bad);
    sz_fail("", bad);
    sz_fail("k", bad);
    sz_fail("1.5", bad);
    sz_fail("0x10k", bad);
    sz_fail("0x", bad);
    sz_fail("1G5", bad);
    sz_fail("16E", "Value '16E' is out of range for parameter 'size'");
    sz_fail("18446744073709551616",
            "Value '18446744073709551616' is out of range for parameter "
            "'size'");

    /* The hint is QEMU's two lines. */
    g_assert_false(qemu_strtosz("12q", &v, "size", &err));
    g_assert_cmpstr(error_get_hint(err), ==,
                    "Optional suffix k, M, G, T, P or E means kilo-, mega-, "
                    "giga-, tera-, peta-\nand exabytes, respectively.\n");
    error_free(err);

    /* A default suffix, as -m uses. */
    g_assert_true(qemu_strtosz_full("128", 'M', &v, "size", &error_abort));
    g_assert_cmpuint(v, ==, 128 * MiB);
    g_assert_true(qemu_strtosz_full("1.5", 'G', &v, "size", &error_abort));
    g_assert_cmpuint(v, ==, 3 * GiB / 2);
    g_assert_true(qemu_strtosz_full("4k", 'M', &v, "size", &error_abort));
    g_assert_cmpuint(v, ==, 4096);
}

static void test_typed_getters(void)
{
    Error *err = NULL;
    QemuOpts *opts = qemu_opts_parse("size=1G,n=0x10,b=yes,c=off,bad=maybe,"
                                     "big=99999999999999999999,s=1x",
                                     NULL, &error_abort);

    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0, &error_abort), ==,
                     GiB);
    g_assert_cmpuint(qemu_opt_get_size(opts, "nosize", 7, &error_abort), ==,
                     7);
    g_assert_cmpuint(qemu_opt_get_number(opts, "n", 0, &error_abort), ==,
                     16);
    g_assert_true(qemu_opt_get_bool(opts, "b", false, &error_abort));
    g_assert_false(qemu_opt_get_bool(opts, "c", true, &error_abort));
    g_assert_true(qemu_opt_get_bool(opts, "absent", true, &error_abort));

    g_assert_true(qemu_opt_get_bool(opts, "bad", true, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'bad' expects 'on' or 'off'");
    error_free(err);
    err = NULL;
    g_assert_cmpuint(qemu_opt_get_number(opts, "bad", 3, &err), ==, 3);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'bad' expects a number");
    error_free(err);
    err = NULL;
    qemu_opt_get_number(opts, "big", 3, &err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Value '99999999999999999999' is too large for "
                    "parameter 'big'");
    error_free(err);
    err = NULL;
    g_assert_cmpuint(qemu_opt_get_size(opts, "s", 5, &err), ==, 5);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 's' expects a non-negative number below 2^64");
    error_free(err);
    qemu_opts_free(opts);
}

static void test_bools_numbers(void)
{
    static const char *const t[] = { "on", "yes", "true", "y" };
    static const char *const f[] = { "off", "no", "false", "n" };
    Error *err = NULL;
    uint64_t u;
    int64_t i64;
    bool b;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(t); i++) {
        g_assert_true(qemu_parse_bool("x", t[i], &b, &error_abort) && b);
        g_assert_true(qemu_parse_bool("x", f[i], &b, &error_abort) && !b);
    }
    g_assert_false(qemu_parse_bool("x", "ON", &b, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'x' expects 'on' or 'off'");
    error_free(err);

    g_assert_true(qemu_strtou64("0x3f8", &u) && u == 0x3f8);
    g_assert_true(qemu_strtou64("010", &u) && u == 8);
    g_assert_true(qemu_strtou64("42", &u) && u == 42);
    g_assert_false(qemu_strtou64("-1", &u));
    g_assert_false(qemu_strtou64("4x", &u));
    g_assert_false(qemu_strtou64("", &u));
    g_assert_false(qemu_strtou64("18446744073709551616", &u));
    g_assert_true(qemu_strtoi64("-5", &i64) && i64 == -5);
    g_assert_true(qemu_strtoi64("0x10", &i64) && i64 == 16);
    g_assert_false(qemu_strtoi64("--5", &i64));
}

static bool collect(void *opaque, const char *name, const char *value,
                    Error **errp)
{
    g_string_append_printf(opaque, "%s=%s;", name, value);
    return !g_str_equal(name, "stop");
}

static void test_foreach(void)
{
    GString *s = g_string_new(NULL);
    QemuOpts *opts = qemu_opts_parse("socket,id=c0,stop=1,after=2", "backend",
                                     &error_abort);

    g_assert_false(qemu_opt_foreach(opts, collect, s, &error_abort));
    g_assert_cmpstr(s->str, ==, "backend=socket;id=c0;stop=1;");
    qemu_opts_free(opts);
    g_string_free(s, TRUE);
}

static void test_id_wellformed(void)
{
    g_assert_true(id_wellformed("a"));
    g_assert_true(id_wellformed("serial0-x.y_z"));
    g_assert_false(id_wellformed(""));
    g_assert_false(id_wellformed("0abc"));
    g_assert_false(id_wellformed("-abc"));
    g_assert_false(id_wellformed("a b"));
    g_assert_false(id_wellformed("a/b"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/option/implied-escape", test_implied_and_escape);
    g_test_add_func("/option/flags-override-unused",
                    test_flags_override_unused);
    g_test_add_func("/option/help", test_help);
    g_test_add_func("/option/sizes", test_sizes);
    g_test_add_func("/option/typed-getters", test_typed_getters);
    g_test_add_func("/option/bools-numbers", test_bools_numbers);
    g_test_add_func("/option/foreach", test_foreach);
    g_test_add_func("/option/id-wellformed", test_id_wellformed);
    return g_test_run();
}
