/*
 * Network clients: NICs and backends (user, tap, hub ports) joined in
 * peer pairs.  A packet sent by one client is delivered to its peer's
 * receive_iov(); when the peer cannot take it (can_receive() false, or
 * receive_iov() returned 0) the packet waits in the peer's incoming queue
 * and the sender is told to stop (qemu_send_packet_async() returns 0) until
 * the peer calls qemu_flush_queued_packets(), which delivers the queue and
 * calls each waiting sender's sent callback.
 *
 * Locking: every function here runs with the BQL held (vCPU threads hold
 * it during device accesses, the main loop holds it while dispatching).
 */
#ifndef NET_NET_H
#define NET_NET_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include <sys/uio.h>

#define NET_MAX_FRAME (64 * KiB + 64)
/* Queues of one multiqueue netdev or NIC (QEMU's MAX_QUEUE_NUM). */
#define NET_MAX_QUEUES 1024

typedef struct NetClientState NetClientState;
typedef struct NetQueue NetQueue;
typedef struct RxFilterInfo RxFilterInfo;      /* qapi/qapi-types.h */

/* Client kinds; the names are QEMU's NetClientDriver strings. */
typedef enum NetClientDriver {
    NET_CLIENT_DRIVER_NONE,
    NET_CLIENT_DRIVER_NIC,
    NET_CLIENT_DRIVER_USER,
    NET_CLIENT_DRIVER_TAP,
    NET_CLIENT_DRIVER_HUBPORT,
    NET_CLIENT_DRIVER__MAX,
} NetClientDriver;

const char *net_client_driver_str(NetClientDriver d);

typedef struct MACAddr {
    uint8_t a[6];
} MACAddr;

/*
 * receive_iov returns the bytes consumed, 0 when the client cannot take the
 * packet now (it is queued and the client stops receiving until it calls
 * qemu_flush_queued_packets()), or < 0 to drop it.
 */
typedef ssize_t NetReceiveIOV(NetClientState *nc, const struct iovec *iov,
                              int iovcnt);
typedef bool NetCanReceive(NetClientState *nc);
typedef void NetCleanup(NetClientState *nc);
typedef void NetLinkStatusChanged(NetClientState *nc);
/* A queued packet of @sender was delivered (or purged) with result @ret. */
typedef void NetPacketSent(NetClientState *sender, ssize_t ret);

typedef struct NetClientInfo {
    NetClientDriver type;
    size_t size;                 /* of the structure embedding the client */
    NetReceiveIOV *receive_iov;
    NetCanReceive *can_receive;  /* NULL: always */
    NetCleanup *cleanup;
    NetLinkStatusChanged *link_status_changed;
    /* tap with vnet_hdr: packets carry a virtio_net_hdr first. */
    bool (*has_vnet_hdr)(NetClientState *nc);
    void (*using_vnet_hdr)(NetClientState *nc, bool enable);
    /* Takes whole TSO frames up to 64 KiB (include/net/offload.h). */
    bool takes_tso_frames;
    /* NICs with a receive filter: query-rx-filter's answer. */
    RxFilterInfo *(*query_rx_filter)(NetClientState *nc);
    /*
     * Multiqueue backends (tap): the NIC's queue peered with @nc was
     * enabled or disabled by the guest; a disabled queue takes no traffic.
     */
    void (*set_queue_enabled)(NetClientState *nc, bool enable);
} NetClientInfo;

struct NetClientState {
    const NetClientInfo *info;
    NetClientState *peer;
    NetQueue *incoming_queue;
    char *model;                 /* "e1000", "user", "tap", "hub" */
    /* the netdev id, or "model.N"; the queues of a multiqueue netdev
     * (tap,queues=N) are N clients with the same name */
    char *name;
    char info_str[256];          /* info network's text after "type=T," */
    unsigned queue_index;        /* set when a NIC claims the queue */
    bool link_down;
    bool receive_disabled;       /* receive_iov returned 0 */
    bool is_netdev;              /* created by -netdev / netdev_add */
    /*
     * netdev_del'd while a NIC used it (QEMU's peer_deleted): cleaned up
     * and out of the client list, but still the NIC's peer (info network
     * lists it under the NIC, what the NIC sends is dropped) until the
     * NIC goes.
     */
    bool deleted;
    /* NIC_RX_FILTER_CHANGED is sent once, then again after a query. */
    bool rxfilter_notify_enabled;
};

/* ---- clients ---- */

/*
 * A new client of @info->size bytes (the NetClientState first), peered
 * with @peer when not NULL.  @name NULL gives "model.N".
 */
NetClientState *qemu_new_net_client(const NetClientInfo *info,
                                    NetClientState *peer, const char *model,
                                    const char *name);
/*
 * Unpeer, purge queues, call cleanup() and free; a NIC's backend is only
 * cleaned up and marked deleted, the NIC's link going down (see above).
 */
void qemu_del_net_client(NetClientState *nc);
/* Every client in creation order (callers iterate, do not modify). */
GPtrArray *net_clients(void);
NetClientState *qemu_find_netdev(const char *id);
/* Any client (netdev or NIC) called @name. */
NetClientState *qemu_find_net_client(const char *name);
/*
 * Up to @max clients called @id (the queues of one netdev or NIC) whose
 * type is not @except (NET_CLIENT_DRIVER__MAX: any), in creation order,
 * into @ncs; returns how many there are.
 */
int qemu_find_net_clients_except(const char *id, NetClientState **ncs,
                                 NetClientDriver except, int max);
/* Delete every client called @id that is not a NIC (a netdev's queues). */
void qemu_del_netdev_clients(const char *id);

/* ---- sending ---- */

/*
 * Send from @sender to its peer.  Returns the size delivered, the size
 * (dropped) when there is no peer or a link is down, or 0 when the packet
 * was queued: with @sent_cb the sender must then stop sending until the
 * callback runs; without one, packets beyond the queue limit are dropped.
 */
ssize_t qemu_sendv_packet_async(NetClientState *sender,
                                const struct iovec *iov, int iovcnt,
                                NetPacketSent *sent_cb);
ssize_t qemu_send_packet_async(NetClientState *sender, const uint8_t *buf,
                               size_t size, NetPacketSent *sent_cb);
ssize_t qemu_send_packet(NetClientState *sender, const uint8_t *buf,
                         size_t size);
ssize_t qemu_sendv_packet(NetClientState *sender, const struct iovec *iov,
                          int iovcnt);
/* Whether @sender's peer would take a packet now. */
bool qemu_can_send_packet(NetClientState *sender);
/*
 * @nc can receive again: deliver its incoming queue (calling the senders'
 * callbacks).  NICs call this when the guest gives them buffers.
 */
void qemu_flush_queued_packets(NetClientState *nc);
/* Drop everything queued for @nc (sent callbacks see 0). */
void qemu_purge_queued_packets(NetClientState *nc);

/* ---- link state ---- */

/* set_link: @name is a netdev or NIC; both ends of the pair change. */
bool net_set_link(const char *name, bool up, Error **errp);

/*
 * A NIC's receive filter changed (the guest set a MAC or rx mode): emit
 * NIC_RX_FILTER_CHANGED for @nc and device path @path unless one is
 * already waiting for query-rx-filter.
 */
void qemu_nic_rx_filter_changed(NetClientState *nc, const char *path);

/* ---- iovec helpers ---- */

size_t net_iov_size(const struct iovec *iov, int iovcnt);
/* Copy up to @len bytes from @offset of the vector; returns bytes copied. */
size_t net_iov_to_buf(const struct iovec *iov, int iovcnt, size_t offset,
                      void *buf, size_t len);

/* ---- MAC addresses ---- */

/* "52:54:00:12:34:56" into @mac; false on anything else. */
bool net_parse_macaddr(MACAddr *mac, const char *str);
/* QEMU's default: 52:54:00:12:34:56 + the first free index, if @mac is zero. */
void qemu_macaddr_default_if_unset(MACAddr *mac);
/* Give a default MAC's index back (NIC unplugged). */
void qemu_macaddr_release(const MACAddr *mac);
/* "model=M,macaddr=..." for a NIC's info_str. */
void qemu_format_nic_info_str(NetClientState *nc, const uint8_t mac[6]);

/* ---- teardown and start-up checks ---- */

/* QEMU's warnings for netdevs without a peer and hubs without NICs/hosts. */
void net_check_clients(void);
/* Delete every client (process exit; tap runs its downscript). */
void net_cleanup(void);

#endif
