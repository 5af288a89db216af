/*
 * A client's incoming packet queue (private to net/): packets that could
 * not be delivered yet, each with its sender and optional sent callback.
 */
#ifndef NET_QUEUE_H
#define NET_QUEUE_H

#include "net/net.h"

/* Deliver to the queue's owner; the same contract as receive_iov. */
typedef ssize_t NetQueueDeliverFunc(NetClientState *sender,
                                    const struct iovec *iov, int iovcnt,
                                    void *opaque);

/* Packets kept without a sent callback before new ones are dropped. */
#define NET_QUEUE_MAX_PACKETS 10000

NetQueue *qemu_new_net_queue(NetQueueDeliverFunc *deliver, void *opaque);
void qemu_del_net_queue(NetQueue *queue);
/*
 * Deliver now if nothing is waiting and @can_deliver, else queue.  Returns
 * the delivery result, or 0 when queued (or dropped because full).
 */
ssize_t qemu_net_queue_send_iov(NetQueue *queue, NetClientState *sender,
                                const struct iovec *iov, int iovcnt,
                                bool can_deliver, NetPacketSent *sent_cb);
/* Deliver queued packets in order until one is refused; true if emptied. */
bool qemu_net_queue_flush(NetQueue *queue);
/* Drop packets from @from (all when NULL), calling their callbacks with 0. */
void qemu_net_queue_purge(NetQueue *queue, NetClientState *from);
unsigned qemu_net_queue_len(NetQueue *queue);

#endif
