/*
 * Accelerator registry and selection (-accel NAME, -machine accel=A:B).
 * Accelerators register an AccelOps from a constructor; accel_init() tries
 * a colon-separated list in order and keeps the first that initialises,
 * printing the failures of the others as QEMU does.
 */
#include "qemu/osdep.h"
#include "accel/accel.h"
#include "qemu/error-report.h"

#define ACCEL_MAX 8

static const AccelOps *accels[ACCEL_MAX];
static int n_accels;
static const AccelOps *accel_current;

void accel_register(const AccelOps *ops)
{
    g_assert(n_accels < ACCEL_MAX);
    accels[n_accels++] = ops;
}

const AccelOps *accel_find(const char *name)
{
    int i;

    for (i = 0; i < n_accels; i++) {
        if (strcmp(accels[i]->name, name) == 0) {
            return accels[i];
        }
    }
    return NULL;
}

const AccelOps *current_accel(void)
{
    return accel_current;
}

const char *current_accel_name(void)
{
    return accel_current ? accel_current->name : "none";
}

bool kvm_enabled(void)
{
    return accel_current && strcmp(accel_current->name, "kvm") == 0;
}

bool tcg_enabled(void)
{
    return accel_current && strcmp(accel_current->name, "tcg") == 0;
}

bool accel_irqchip_in_kernel(void)
{
    return accel_current && accel_current->irqchip_in_kernel &&
           accel_current->irqchip_in_kernel();
}

bool accel_init(MachineState *ms, const char *list, QemuOpts *opts,
                Error **errp)
{
    g_auto(GStrv) names = g_strsplit(list && *list ? list : "tcg", ":", -1);
    g_autoptr(GPtrArray) invalid = g_ptr_array_new_with_free_func(g_free);
    Error *last_err = NULL;
    bool failed = false;
    int i;

    for (i = 0; names[i]; i++) {
        const AccelOps *ops = accel_find(names[i]);

        if (!ops) {
            /* Only reported when nothing in the list works (as QEMU). */
            g_ptr_array_add(invalid,
                            g_strdup_printf("invalid accelerator %s",
                                            names[i]));
            continue;
        }
        if (last_err) {
            error_report_err(last_err);
            last_err = NULL;
        }
        /* Set first: init_machine may ask current_accel() (e.g. kvm_enabled). */
        accel_current = ops;
        if (!ops->init_machine || ops->init_machine(ms, opts, &last_err)) {
            if (failed) {
                error_report("falling back to %s", ops->name);
            }
            return true;
        }
        accel_current = NULL;
        failed = true;
    }
    if (last_err) {
        error_propagate(errp, last_err);
        return false;
    }
    for (i = 0; i + 1 < (int)invalid->len; i++) {
        error_report("%s", (char *)invalid->pdata[i]);
    }
    error_setg(errp, "%s", invalid->len ? (char *)invalid->pdata[i]
                                        : "no accelerator found");
    return false;
}

void accel_print_list(void)
{
    int i;

    /* QEMU lists tcg before kvm, whatever the registration order. */
    static const char *const order[] = { "tcg", "kvm" };

    printf("Accelerators supported in QEMU binary:\n");
    for (i = 0; i < (int)ARRAY_SIZE(order); i++) {
        if (accel_find(order[i])) {
            printf("%s\n", order[i]);
        }
    }
    for (i = 0; i < n_accels; i++) {
        if (strcmp(accels[i]->name, "tcg") && strcmp(accels[i]->name, "kvm")) {
            printf("%s\n", accels[i]->name);
        }
    }
}
