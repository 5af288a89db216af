/*
 * Accelerator selection: registry, "-accel help", colon lists with
 * fallback, QEMU's error texts, and KVM's failure path without /dev/kvm.
 */
#include "qemu/osdep.h"
#include "accel/accel.h"
#include "qapi/error.h"

static int fake_inits;

static bool fake_init_machine(MachineState *ms, QemuOpts *opts, Error **errp)
{
    fake_inits++;
    return true;
}

static bool failing_init_machine(MachineState *ms, QemuOpts *opts,
                                 Error **errp)
{
    error_setg(errp, "failed to initialize failing: Operation not permitted");
    return false;
}

static const AccelOps fake_ops = {
    .name = "fake",
    .init_machine = fake_init_machine,
};

static const AccelOps failing_ops = {
    .name = "failing",
    .init_machine = failing_init_machine,
};

static void test_registry(void)
{
    g_assert_true(accel_find("fake") == &fake_ops);
    g_assert_null(accel_find("nosuch"));
}

static void test_invalid(void)
{
    Error *err = NULL;

    g_assert_false(accel_init(NULL, "nosuchaccel", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "invalid accelerator nosuchaccel");
    error_free(err);
    err = NULL;
    /* Every name bad: the last one is the error (earlier ones printed). */
    g_assert_false(accel_init(NULL, "foo:bar", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "invalid accelerator bar");
    error_free(err);
    g_assert_null(current_accel());
}

static void test_fallback(void)
{
    Error *err = NULL;
    int before = fake_inits;

    g_assert_false(accel_init(NULL, "failing", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "failed to initialize failing: Operation not permitted");
    error_free(err);

    g_assert_true(accel_init(NULL, "nosuch:failing:fake", NULL,
                             &error_abort));
    g_assert_cmpint(fake_inits, ==, before + 1);
    g_assert_true(current_accel() == &fake_ops);
    g_assert_cmpstr(current_accel_name(), ==, "fake");
    g_assert_false(kvm_enabled());
    g_assert_false(accel_irqchip_in_kernel());
}

#ifdef CONFIG_KVM
/* This machine has no /dev/kvm: QEMU's exact failure text. */
static void test_kvm_missing(void)
{
    Error *err = NULL;

    if (access("/dev/kvm", F_OK) == 0) {
        g_test_skip("/dev/kvm exists");
        return;
    }
    g_assert_nonnull(accel_find("kvm"));
    g_assert_false(accel_init(NULL, "kvm", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "failed to initialize kvm: No such file or directory");
    error_free(err);
    g_assert_false(kvm_enabled());
}
#endif

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    accel_register(&fake_ops);
    accel_register(&failing_ops);
    g_test_add_func("/accel/registry", test_registry);
    g_test_add_func("/accel/invalid", test_invalid);
    g_test_add_func("/accel/fallback", test_fallback);
#ifdef CONFIG_KVM
    g_test_add_func("/accel/kvm-missing", test_kvm_missing);
#endif
    return g_test_run();
}
