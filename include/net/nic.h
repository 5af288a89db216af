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
    NetClientState *peer;        /* the netdev, or NULL */
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

typedef struct NICState {
    NetClientState nc;           /* first: the client of the NIC */
    NICConf *conf;
    void *opaque;                /* the device */
} NICState;

/*
 * Parse @conf->mac_str (or assign QEMU's next default MAC) and find the
 * netdev; errors as QEMU's property errors for device type @typename:
 * "Property 'e1000.mac' doesn't take value 'zz'", "... can't find value
 * 'x'", "... can't take value 'x', it's in use".
 */
bool qemu_nic_conf_resolve(NICConf *conf, const char *typename,
                           Error **errp);
/*
 * A NIC client for @opaque peered with @conf->peer; named @name (the
 * device id) or "model.N".  @info->size must be sizeof(NICState).
 */
NICState *qemu_new_nic(const NetClientInfo *info, NICConf *conf,
                       const char *model, const char *name, void *opaque);
void qemu_del_nic(NICState *nic);
static inline NetClientState *qemu_get_queue(NICState *nic)
{
    return &nic->nc;
}
static inline void *qemu_get_nic_opaque(NetClientState *nc)
{
    return ((NICState *)nc)->opaque;
}

#endif
