/*
 * -netdev, -nic and -net at start-up, in QEMU's order (every -netdev, then
 * every -nic, then every -net), or QEMU's default "-net nic -net user"
 * when none was given and -nodefaults was not.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qom/object.h"
#include "net/net-setup.h"
#include "system/startup.h"

void startup_create_netdevs(const KemuConfig *cfg)
{
    static const char *const order[] = { "-netdev", "-nic", "-net" };
    Error *err = NULL;

    for (size_t o = 0; o < ARRAY_SIZE(order); o++) {
        for (guint i = 0; i < cfg->netdevs->len; i++) {
            KemuOptArg *a = g_ptr_array_index(cfg->netdevs, i);

            if (strcmp(a->opt, order[o])) {
                continue;
            }
            loc_set_cmdline(a->opt, a->arg);
            if (!net_client_add(a->opt, a->arg, &err)) {
                startup_fail(err);
            }
        }
    }
    loc_set_none();
    if (!cfg->netdevs->len && !cfg->nodefaults) {
        net_add_default_clients(object_class_by_name("e1000") != NULL);
    }
}
