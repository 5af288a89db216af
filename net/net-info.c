/*
 * The "info network" text (QEMU 7.2's hmp_info_network): hubs first, then
 * each NIC with its backend indented below it, then unpeered clients; and
 * the start-up warnings about clients without a peer.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "net/net.h"
#include "net/net-setup.h"
#include "hub.h"

static void print_net_client(GString *out, NetClientState *nc)
{
    g_string_append_printf(out, "%s: index=%u,type=%s,%s\n", nc->name,
                           nc->queue_index,
                           net_client_driver_str(nc->info->type),
                           nc->info_str);
}

void net_format_info_network(GString *out)
{
    GPtrArray *all = net_clients();

    net_hub_info(out, print_net_client);
    for (guint i = 0; i < all->len; i++) {
        NetClientState *nc = g_ptr_array_index(all, i);
        bool is_nic = nc->info->type == NET_CLIENT_DRIVER_NIC;

        if (net_hub_id_for_client(nc, NULL)) {
            continue;           /* printed with its hub */
        }
        if (!nc->peer || is_nic) {
            print_net_client(out, nc);
        }
        if (nc->peer && is_nic) {
            g_string_append(out, " \\ ");
            print_net_client(out, nc->peer);
        }
    }
}

void net_check_clients(void)
{
    GPtrArray *all = net_clients();

    net_hub_check_clients();
    for (guint i = 0; i < all->len; i++) {
        NetClientState *nc = g_ptr_array_index(all, i);

        if (!nc->peer && nc->info->type != NET_CLIENT_DRIVER_HUBPORT) {
            warn_report("%s %s has no peer",
                        nc->info->type == NET_CLIENT_DRIVER_NIC ? "nic"
                                                               : "netdev",
                        nc->name);
        }
    }
}
