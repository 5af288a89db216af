/*
 * Hubs for the legacy -net syntax.  A port's receive forwards to every
 * other port; a port can receive while any other port's peer can, and
 * packets refused by all wait in the sending port's queue until a NIC
 * behind another port flushes (net_hub_flush).
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "hub.h"
#include "queue.h"

typedef struct NetHub NetHub;

typedef struct NetHubPort {
    NetClientState nc;
    NetHub *hub;
    int id;
} NetHubPort;

struct NetHub {
    int id;
    GPtrArray *ports;        /* NetHubPort *, in creation order */
    int num_ports;           /* ever created: names stay unique */
};

static GPtrArray *hubs;      /* NetHub *, in creation order */

static NetHub *hub_find(int id, bool create)
{
    NetHub *hub;

    if (!hubs) {
        hubs = g_ptr_array_new();
    }
    for (guint i = 0; i < hubs->len; i++) {
        hub = g_ptr_array_index(hubs, i);
        if (hub->id == id) {
            return hub;
        }
    }
    if (!create) {
        return NULL;
    }
    hub = g_new0(NetHub, 1);
    hub->id = id;
    hub->ports = g_ptr_array_new();
    g_ptr_array_add(hubs, hub);
    return hub;
}

static ssize_t hub_port_receive_iov(NetClientState *nc,
                                    const struct iovec *iov, int iovcnt)
{
    NetHubPort *src = (NetHubPort *)nc;
    NetHub *hub = src->hub;

    for (guint i = 0; i < hub->ports->len; i++) {
        NetHubPort *p = g_ptr_array_index(hub->ports, i);

        if (p != src) {
            qemu_sendv_packet(&p->nc, iov, iovcnt);
        }
    }
    return net_iov_size(iov, iovcnt);
}

static bool hub_port_can_receive(NetClientState *nc)
{
    NetHubPort *src = (NetHubPort *)nc;
    NetHub *hub = src->hub;

    for (guint i = 0; i < hub->ports->len; i++) {
        NetHubPort *p = g_ptr_array_index(hub->ports, i);

        if (p != src && qemu_can_send_packet(&p->nc)) {
            return true;
        }
    }
    return false;
}

static void hub_port_cleanup(NetClientState *nc)
{
    NetHubPort *port = (NetHubPort *)nc;

    g_ptr_array_remove(port->hub->ports, port);
}

static const NetClientInfo hub_port_info = {
    .type = NET_CLIENT_DRIVER_HUBPORT,
    .size = sizeof(NetHubPort),
    .receive_iov = hub_port_receive_iov,
    .can_receive = hub_port_can_receive,
    .cleanup = hub_port_cleanup,
};

NetClientState *net_hub_add_port(int hub_id, const char *name,
                                 NetClientState *hubpeer)
{
    NetHub *hub = hub_find(hub_id, true);
    g_autofree char *def = NULL;
    NetHubPort *port;
    int id = hub->num_ports++;

    if (!name) {
        def = g_strdup_printf("hub%dport%d", hub_id, id);
        name = def;
    }
    port = (NetHubPort *)qemu_new_net_client(&hub_port_info, hubpeer, "hub",
                                             name);
    port->hub = hub;
    port->id = id;
    port->nc.is_netdev = true;
    snprintf(port->nc.info_str, sizeof(port->nc.info_str), "hub=%d", hub_id);
    g_ptr_array_add(hub->ports, port);
    return &port->nc;
}

bool net_hub_flush(NetClientState *nc)
{
    NetHubPort *src = (NetHubPort *)nc;
    bool progress = false;

    for (guint i = 0; i < src->hub->ports->len; i++) {
        NetHubPort *p = g_ptr_array_index(src->hub->ports, i);

        if (p != src && qemu_net_queue_len(p->nc.incoming_queue)) {
            qemu_net_queue_flush(p->nc.incoming_queue);
            progress = true;
        }
    }
    return progress;
}

bool net_hub_id_for_client(NetClientState *nc, int *id)
{
    NetClientState *port = NULL;

    if (nc->info->type == NET_CLIENT_DRIVER_HUBPORT) {
        port = nc;
    } else if (nc->peer &&
               nc->peer->info->type == NET_CLIENT_DRIVER_HUBPORT) {
        port = nc->peer;
    }
    if (port && id) {
        *id = ((NetHubPort *)port)->hub->id;
    }
    return port != NULL;
}

void net_hub_info(GString *out, NetPrintClient *print)
{
    if (!hubs) {
        return;
    }
    /* QEMU lists the newest hub, and in it the newest port, first. */
    for (guint h = hubs->len; h > 0; h--) {
        NetHub *hub = g_ptr_array_index(hubs, h - 1);

        if (!hub->ports->len) {
            continue;           /* every port was deleted */
        }
        g_string_append_printf(out, "hub %d\n", hub->id);
        for (guint i = hub->ports->len; i > 0; i--) {
            NetHubPort *p = g_ptr_array_index(hub->ports, i - 1);

            g_string_append_printf(out, " \\ %s", p->nc.name);
            if (p->nc.peer) {
                g_string_append(out, ": ");
                print(out, p->nc.peer);
            } else {
                g_string_append(out, "\n");
            }
        }
    }
}

void net_hub_check_clients(void)
{
    if (!hubs) {
        return;
    }
    for (guint h = 0; h < hubs->len; h++) {
        NetHub *hub = g_ptr_array_index(hubs, h);
        bool has_nic = false, has_host_dev = false;

        for (guint i = 0; i < hub->ports->len; i++) {
            NetHubPort *p = g_ptr_array_index(hub->ports, i);
            NetClientState *peer = p->nc.peer;

            if (!peer) {
                warn_report("hub port %s has no peer", p->nc.name);
            } else if (peer->info->type == NET_CLIENT_DRIVER_NIC) {
                has_nic = true;
            } else {
                has_host_dev = true;
            }
        }
        if (has_host_dev && !has_nic) {
            warn_report("hub %d with no nics", hub->id);
        }
        if (has_nic && !has_host_dev) {
            warn_report("hub %d is not connected to host network", hub->id);
        }
    }
}
