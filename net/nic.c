/*
 * NIC clients and MAC addresses: QEMU's default MACs are 52:54:00:12:34:56
 * plus the first index no other NIC uses (user-given addresses of that
 * form take their index too); "model=M,macaddr=..." is a NIC's info text.
 */
#include "qemu/osdep.h"
#include "net/nic.h"

static const uint8_t default_prefix[5] = { 0x52, 0x54, 0x00, 0x12, 0x34 };
#define MAC_BASE 0x56
#define MAC_INDEXES 256

static bool mac_used[MAC_INDEXES];

static int mac_default_index(const MACAddr *mac)
{
    if (memcmp(mac->a, default_prefix, sizeof(default_prefix))) {
        return -1;
    }
    return (uint8_t)(mac->a[5] - MAC_BASE);
}

bool net_parse_macaddr(MACAddr *mac, const char *str)
{
    for (int i = 0; i < 6; i++) {
        int digits = 0;
        unsigned v = 0;

        while (digits < 2 && g_ascii_isxdigit(*str)) {
            v = v * 16 + g_ascii_xdigit_value(*str++);
            digits++;
        }
        if (!digits) {
            return false;
        }
        if (i < 5 ? (*str != ':' && *str != '-') : *str != '\0') {
            return false;
        }
        str++;
        mac->a[i] = v;
    }
    return true;
}

void qemu_macaddr_default_if_unset(MACAddr *mac)
{
    static const MACAddr zero;
    int idx;

    if (memcmp(mac, &zero, sizeof(zero))) {
        idx = mac_default_index(mac);
        if (idx >= 0) {
            mac_used[idx] = true;
        }
        return;
    }
    for (idx = 0; idx < MAC_INDEXES && mac_used[idx]; idx++) {
    }
    if (idx == MAC_INDEXES) {
        idx = 0;             /* all taken: reuse, as QEMU's table wraps */
    }
    mac_used[idx] = true;
    memcpy(mac->a, default_prefix, sizeof(default_prefix));
    mac->a[5] = MAC_BASE + idx;
}

void qemu_macaddr_release(const MACAddr *mac)
{
    int idx = mac_default_index(mac);

    if (idx >= 0) {
        mac_used[idx] = false;
    }
}

void qemu_format_nic_info_str(NetClientState *nc, const uint8_t mac[6])
{
    snprintf(nc->info_str, sizeof(nc->info_str),
             "model=%s,macaddr=%02x:%02x:%02x:%02x:%02x:%02x", nc->model,
             mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

bool qemu_nic_conf_resolve(NICConf *conf, const char *typename,
                           Error **errp)
{
    NetClientState *peers[NET_MAX_QUEUES];
    int queues = 0;

    memset(&conf->macaddr, 0, sizeof(conf->macaddr));
    if (conf->mac_str && !net_parse_macaddr(&conf->macaddr, conf->mac_str)) {
        error_setg(errp, "Property '%s.mac' doesn't take value '%s'",
                   typename, conf->mac_str);
        return false;
    }
    conf->peer = NULL;
    g_clear_pointer(&conf->peers, g_free);
    conf->queues = 0;
    if (conf->netdev_id) {
        queues = qemu_find_net_clients_except(conf->netdev_id, peers,
                                              NET_CLIENT_DRIVER_NIC,
                                              NET_MAX_QUEUES);
        if (!queues) {
            error_setg(errp, "Property '%s.netdev' can't find value '%s'",
                       typename, conf->netdev_id);
            return false;
        }
        if (queues > NET_MAX_QUEUES) {
            error_setg(errp, "queues of backend '%s'(%d) exceeds QEMU "
                       "limitation(%d)", conf->netdev_id, queues,
                       NET_MAX_QUEUES);
            return false;
        }
        for (int i = 0; i < queues; i++) {
            if (peers[i]->peer) {
                error_setg(errp, "Property '%s.netdev' can't take value "
                           "'%s', it's in use", typename, conf->netdev_id);
                return false;
            }
        }
        for (int i = 0; i < queues; i++) {
            peers[i]->queue_index = i;
        }
        conf->peer = peers[0];
        conf->peers = g_memdup2(peers, queues * sizeof(peers[0]));
        conf->queues = queues;
    }
    qemu_macaddr_default_if_unset(&conf->macaddr);
    return true;
}

NICState *qemu_new_nic(const NetClientInfo *info, NICConf *conf,
                       const char *model, const char *name, void *opaque)
{
    unsigned n = MAX(conf->queues, 1);
    NICState **queues = g_new(NICState *, n);

    g_assert(info->type == NET_CLIENT_DRIVER_NIC);
    g_assert(info->size == sizeof(NICState));
    for (unsigned i = 0; i < n; i++) {
        NICState *nic = (NICState *)qemu_new_net_client(
            info, conf->queues ? conf->peers[i] : NULL, model, name);

        nic->nc.queue_index = i;
        nic->conf = conf;
        nic->opaque = opaque;
        nic->queues = queues;
        nic->nqueues = n;
        queues[i] = nic;
    }
    /* QEMU gives only the first queue the model and MAC text. */
    qemu_format_nic_info_str(&queues[0]->nc, conf->macaddr.a);
    return queues[0];
}

void qemu_del_nic(NICState *nic)
{
    NICState **queues = nic->queues;
    unsigned n = nic->nqueues;

    qemu_macaddr_release(&nic->conf->macaddr);
    g_clear_pointer(&nic->conf->peers, g_free);
    nic->conf->queues = 0;
    for (unsigned i = n; i > 0; i--) {
        qemu_del_net_client(&queues[i - 1]->nc);
    }
    g_free(queues);
}
