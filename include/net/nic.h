/*
 * The NIC side of a peer pair: a device embeds a NICConf (its "mac" and
 * "netdev" properties), resolves it at realize and creates a NICState,
 * whose client receives packets for the device and sends the guest's.
 */
#ifndef NET_NIC_H
#define NET_NIC_H

#include "net/net.h"

typedef struct NICConf {
    char *mac_str;               /* property "mac" as typed, or NULL */
    char *netdev_id;             /* property "netdev", or NULL */
    MACAddr macaddr;             /* resolved by qemu_nic_conf_resolve */
    NetClientState *peer;        /* the netdev (its first queue), or NULL */
    /* The netdev's queues (tap,queues=N: N clients), 0 without netdev. */
    NetClientState **peers;
    unsigned queues;
} NICConf;

/*
 * The "mac" and "netdev" properties of every NIC, as QEMU's help shows
 * them (both <str>).  Use inside a device's Property table.
 */
#define DEFINE_NIC_PROPERTIES(_state, _conf)                              \
    { .name = "mac", .kind = PROP_KIND_STRING,                            \
      .offset = offsetof(_state, _conf.mac_str),                          \
      .description = "Ethernet 6-byte MAC Address, example: "             \
                     "52:54:00:12:34:56" },                               \
    { .name = "netdev", .kind = PROP_KIND_STRING,                         \
      .offset = offsetof(_state, _conf.netdev_id),                        \
      .description = "ID of a netdev to use as a backend" }

/*
 * One per queue: a NIC with a multiqueue netdev has as many clients as
 * the netdev has queues (QEMU's model), queue i peered with its queue i.
 */
typedef struct NICState {
    NetClientState nc;           /* first: the client of this queue */
    NICConf *conf;
    void *opaque;                /* the device */
    struct NICState **queues;    /* all queues of the NIC, shared */
    unsigned nqueues;
} NICState;

/*
 * Parse @conf->mac_str (or assign QEMU's next default MAC) and find the
 * netdev and its queues (@conf->peers, each given its queue_index); errors as QEMU's property errors for device type @typename:
 * "Property 'e1000.mac' doesn't take value 'zz'", "... can't find value
 * 'x'", "... can't take value 'x', it's in use".
 */
bool qemu_nic_conf_resolve(NICConf *conf, const char *typename,
                           Error **errp);
/*
 * The NIC clients for @opaque, one per queue of the netdev (at least one),
 * queue i peered with @conf->peers[i]; named @name (the device id) or
 * "model.N" (each queue its own N, as QEMU).  Returns queue 0.
 * @info->size must be sizeof(NICState).
 */
NICState *qemu_new_nic(const NetClientInfo *info, NICConf *conf,
                       const char *model, const char *name, void *opaque);
/* Delete every queue of @nic (any of its queues). */
void qemu_del_nic(NICState *nic);
static inline NetClientState *qemu_get_queue(NICState *nic)
{
    return &nic->nc;
}
static inline NetClientState *qemu_get_subqueue(NICState *nic, unsigned i)
{
    return &nic->queues[i]->nc;
}
static inline void *qemu_get_nic_opaque(NetClientState *nc)
{
    return ((NICState *)nc)->opaque;
}

#endif
