/*
 * HMP commands of the network layer: info network, info usernet, set_link,
 * hostfwd_add/hostfwd_remove, netdev_add/netdev_del.  Texts are QEMU
 * 7.2's; the work is done in net/.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "net/net-setup.h"
#include "hmp-internal.h"

void hmp_info_network(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(GString) out = g_string_new(NULL);

    net_format_info_network(out);
    monitor_puts(mon, out->str);
}

void hmp_info_usernet(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(GString) out = g_string_new(NULL);

    net_slirp_info_usernet(out);
    monitor_puts(mon, out->str);
}

void hmp_set_link(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_set_link(hmp_arg_str(args, "name"), hmp_arg_bool(args, "up"), &err);
    hmp_handle_error(mon, err);
}

/* "[netdev_id] RULE": with one argument it is the rule. */
static void hostfwd_args(const HMPArgs *args, const char **netdev,
                         const char **rule)
{
    *netdev = NULL;
    *rule = hmp_arg_str(args, "arg1");
    if (hmp_arg_has(args, "arg2")) {
        *netdev = *rule;
        *rule = hmp_arg_str(args, "arg2");
    }
}

void hmp_hostfwd_add(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(GString) out = g_string_new(NULL);
    const char *netdev, *rule;

    hostfwd_args(args, &netdev, &rule);
    net_slirp_hostfwd_add(netdev, rule, out);
    monitor_puts(mon, out->str);
}

void hmp_hostfwd_remove(Monitor *mon, const HMPArgs *args)
{
    g_autoptr(GString) out = g_string_new(NULL);
    const char *netdev, *rule;

    hostfwd_args(args, &netdev, &rule);
    net_slirp_hostfwd_remove(netdev, rule, out);
    monitor_puts(mon, out->str);
}

void hmp_netdev_add(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    net_netdev_add(hmp_arg_str(args, "netdev"), &err);
    hmp_handle_error(mon, err);
}

void hmp_netdev_del(Monitor *mon, const HMPArgs *args)
{
    Error *err = NULL;

    qmp_netdev_del(hmp_arg_str(args, "id"), &err);
    hmp_handle_error(mon, err);
}
