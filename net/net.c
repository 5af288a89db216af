/*
 * Network clients and peer pairs: creation and naming as QEMU does it
 * ("model.N" for unnamed clients), sending through the peer's incoming
 * queue (back-pressure: a refused packet waits and its sender is told to
 * stop), flushing when a receiver can take packets again, link state.
 */
#include "qemu/osdep.h"
#include "net/net.h"
#include "hub.h"
#include "queue.h"

static GPtrArray *clients;

static const char *const driver_names[NET_CLIENT_DRIVER__MAX] = {
    [NET_CLIENT_DRIVER_NONE] = "none",
    [NET_CLIENT_DRIVER_NIC] = "nic",
    [NET_CLIENT_DRIVER_USER] = "user",
    [NET_CLIENT_DRIVER_TAP] = "tap",
    [NET_CLIENT_DRIVER_HUBPORT] = "hubport",
};

const char *net_client_driver_str(NetClientDriver d)
{
    return d < NET_CLIENT_DRIVER__MAX ? driver_names[d] : "none";
}

GPtrArray *net_clients(void)
{
    if (!clients) {
        clients = g_ptr_array_new();
    }
    return clients;
}

/* "model.N", N counting the other clients of the same model. */
static char *assign_name(NetClientState *nc, const char *model)
{
    GPtrArray *all = net_clients();
    int id = 0;

    for (guint i = 0; i < all->len; i++) {
        NetClientState *o = g_ptr_array_index(all, i);

        if (o != nc && !strcmp(o->model, model)) {
            id++;
        }
    }
    return g_strdup_printf("%s.%d", model, id);
}

static ssize_t deliver_to_client(NetClientState *sender,
                                 const struct iovec *iov, int iovcnt,
                                 void *opaque)
{
    NetClientState *nc = opaque;
    ssize_t ret;

    if (nc->link_down) {
        return net_iov_size(iov, iovcnt);   /* cable pulled: lost */
    }
    if (nc->receive_disabled) {
        return 0;
    }
    ret = nc->info->receive_iov(nc, iov, iovcnt);
    if (ret == 0) {
        nc->receive_disabled = true;
    }
    return ret;
}

NetClientState *qemu_new_net_client(const NetClientInfo *info,
                                    NetClientState *peer, const char *model,
                                    const char *name)
{
    NetClientState *nc;

    g_assert(info->size >= sizeof(NetClientState));
    nc = g_malloc0(info->size);
    nc->info = info;
    nc->model = g_strdup(model);
    nc->name = name ? g_strdup(name) : assign_name(nc, model);
    if (peer) {
        g_assert(!peer->peer);
        nc->peer = peer;
        peer->peer = nc;
    }
    nc->incoming_queue = qemu_new_net_queue(deliver_to_client, nc);
    nc->rxfilter_notify_enabled = true;
    g_ptr_array_add(net_clients(), nc);
    return nc;
}

void qemu_del_net_client(NetClientState *nc)
{
    NetClientState *peer = nc->peer;

    if (peer) {
        /* Packets in flight either way between the pair are dropped. */
        qemu_net_queue_purge(peer->incoming_queue, nc);
        qemu_net_queue_purge(nc->incoming_queue, peer);
    }
    g_ptr_array_remove(net_clients(), nc);
    if (!nc->deleted && nc->info->cleanup) {
        nc->info->cleanup(nc);
    }
    if (peer && !nc->deleted && nc->info->type != NET_CLIENT_DRIVER_NIC &&
        peer->info->type == NET_CLIENT_DRIVER_NIC) {
        /* The NIC keeps its backend, as QEMU's, and loses its link. */
        nc->deleted = true;
        peer->link_down = true;
        if (peer->info->link_status_changed) {
            peer->info->link_status_changed(peer);
        }
        return;
    }
    if (peer) {
        peer->peer = NULL;
        nc->peer = NULL;
    }
    qemu_del_net_queue(nc->incoming_queue);
    nc->incoming_queue = NULL;
    g_free(nc->name);
    g_free(nc->model);
    g_free(nc);
    if (peer && peer->deleted) {
        qemu_del_net_client(peer);   /* the NIC went: now its backend */
    }
}

NetClientState *qemu_find_netdev(const char *id)
{
    GPtrArray *all = net_clients();

    for (guint i = 0; i < all->len; i++) {
        NetClientState *nc = g_ptr_array_index(all, i);

        if (nc->info->type != NET_CLIENT_DRIVER_NIC &&
            !strcmp(nc->name, id)) {
            return nc;
        }
    }
    return NULL;
}

NetClientState *qemu_find_net_client(const char *name)
{
    GPtrArray *all = net_clients();

    for (guint i = 0; i < all->len; i++) {
        NetClientState *nc = g_ptr_array_index(all, i);

        if (!strcmp(nc->name, name)) {
            return nc;
        }
    }
    return NULL;
}

int qemu_find_net_clients_except(const char *id, NetClientState **ncs,
                                 NetClientDriver except, int max)
{
    GPtrArray *all = net_clients();
    int n = 0;

    for (guint i = 0; i < all->len; i++) {
        NetClientState *nc = g_ptr_array_index(all, i);

        if (nc->info->type != except && !strcmp(nc->name, id)) {
            if (n < max) {
                ncs[n] = nc;
            }
            n++;
        }
    }
    return n;
}

void qemu_del_netdev_clients(const char *id)
{
    NetClientState *nc;

    while ((nc = qemu_find_netdev(id))) {
        qemu_del_net_client(nc);
    }
}

bool qemu_can_send_packet(NetClientState *sender)
{
    NetClientState *peer = sender->peer;

    if (!peer || peer->deleted) {
        return true;
    }
    if (peer->receive_disabled) {
        return false;
    }
    return !peer->info->can_receive || peer->info->can_receive(peer);
}

ssize_t qemu_sendv_packet_async(NetClientState *sender,
                                const struct iovec *iov, int iovcnt,
                                NetPacketSent *sent_cb)
{
    if (sender->link_down || !sender->peer || sender->peer->deleted) {
        return net_iov_size(iov, iovcnt);
    }
    return qemu_net_queue_send_iov(sender->peer->incoming_queue, sender,
                                   iov, iovcnt,
                                   qemu_can_send_packet(sender), sent_cb);
}

ssize_t qemu_send_packet_async(NetClientState *sender, const uint8_t *buf,
                               size_t size, NetPacketSent *sent_cb)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = size };

    return qemu_sendv_packet_async(sender, &iov, 1, sent_cb);
}

ssize_t qemu_send_packet(NetClientState *sender, const uint8_t *buf,
                         size_t size)
{
    return qemu_send_packet_async(sender, buf, size, NULL);
}

ssize_t qemu_sendv_packet(NetClientState *sender, const struct iovec *iov,
                          int iovcnt)
{
    return qemu_sendv_packet_async(sender, iov, iovcnt, NULL);
}

void qemu_flush_queued_packets(NetClientState *nc)
{
    nc->receive_disabled = false;
    /* Through a hub, the packets for us wait at the other ports. */
    if (nc->peer && nc->peer->info->type == NET_CLIENT_DRIVER_HUBPORT) {
        net_hub_flush(nc->peer);
    }
    /*
     * Senders called back re-arm their fd watches themselves (attaching a
     * GLib source wakes the main loop), so no wakeup is needed here.
     */
    qemu_net_queue_flush(nc->incoming_queue);
}

void qemu_purge_queued_packets(NetClientState *nc)
{
    if (nc->peer) {
        qemu_net_queue_purge(nc->peer->incoming_queue, nc);
    }
}

static void set_link_one(NetClientState *nc, bool up)
{
    nc->link_down = !up;
    if (nc->info->link_status_changed) {
        nc->info->link_status_changed(nc);
    }
}

bool net_set_link(const char *name, bool up, Error **errp)
{
    NetClientState *ncs[NET_MAX_QUEUES];
    int n = MIN(qemu_find_net_clients_except(name, ncs,
                                             NET_CLIENT_DRIVER__MAX,
                                             NET_MAX_QUEUES),
                NET_MAX_QUEUES);
    NetClientState *nc = ncs[0];

    if (!n) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  name);
        return false;
    }
    /* Every queue goes down; the first one's callback tells the device. */
    for (int i = 1; i < n; i++) {
        ncs[i]->link_down = !up;
    }
    set_link_one(nc, up);
    /*
     * A backend's NIC follows it (the guest sees carrier loss); a NIC's
     * backend, or a hub port's peer, keeps its own state, as in QEMU.
     */
    if (nc->peer && nc->peer->info->type == NET_CLIENT_DRIVER_NIC) {
        for (int i = 1; i < n; i++) {
            if (ncs[i]->peer) {
                ncs[i]->peer->link_down = !up;
            }
        }
        set_link_one(nc->peer, up);
    }
    return true;
}

size_t net_iov_size(const struct iovec *iov, int iovcnt)
{
    size_t n = 0;

    for (int i = 0; i < iovcnt; i++) {
        n += iov[i].iov_len;
    }
    return n;
}

size_t net_iov_to_buf(const struct iovec *iov, int iovcnt, size_t offset,
                      void *buf, size_t len)
{
    size_t done = 0;

    for (int i = 0; i < iovcnt && done < len; i++) {
        size_t n;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        n = MIN(iov[i].iov_len - offset, len - done);
        memcpy((uint8_t *)buf + done, (uint8_t *)iov[i].iov_base + offset, n);
        done += n;
        offset = 0;
    }
    return done;
}

void net_cleanup(void)
{
    GPtrArray *all = net_clients();

    /* NICs belong to their devices; backends and hub ports go here. */
    for (guint i = all->len; i > 0; i--) {
        NetClientState *nc = g_ptr_array_index(all, i - 1);

        if (nc->info->type != NET_CLIENT_DRIVER_NIC) {
            qemu_del_net_client(nc);
        }
    }
}
