/*
 * The incoming packet queue of a client.  Packets keep their order: once
 * one is waiting, later ones wait behind it even if the receiver would take
 * them, so a flush delivers in send order.  A sender that passed a sent
 * callback is never dropped (it stops sending until called back); others
 * are dropped beyond NET_QUEUE_MAX_PACKETS, as QEMU does.
 */
#include "qemu/osdep.h"
#include "queue.h"

typedef struct NetPacket {
    NetClientState *sender;
    NetPacketSent *sent_cb;
    size_t size;
    uint8_t data[];
} NetPacket;

struct NetQueue {
    NetQueueDeliverFunc *deliver;
    void *opaque;
    GQueue packets;
    unsigned nq_maxlen;
    bool delivering;        /* a delivery is running: re-entrant sends queue */
};

NetQueue *qemu_new_net_queue(NetQueueDeliverFunc *deliver, void *opaque)
{
    NetQueue *q = g_new0(NetQueue, 1);

    q->deliver = deliver;
    q->opaque = opaque;
    q->nq_maxlen = NET_QUEUE_MAX_PACKETS;
    g_queue_init(&q->packets);
    return q;
}

void qemu_del_net_queue(NetQueue *queue)
{
    if (!queue) {
        return;
    }
    qemu_net_queue_purge(queue, NULL);
    g_free(queue);
}

unsigned qemu_net_queue_len(NetQueue *queue)
{
    return g_queue_get_length(&queue->packets);
}

static void queue_append(NetQueue *queue, NetClientState *sender,
                         const struct iovec *iov, int iovcnt,
                         NetPacketSent *sent_cb)
{
    size_t size = net_iov_size(iov, iovcnt);
    NetPacket *p;

    if (qemu_net_queue_len(queue) >= queue->nq_maxlen && !sent_cb) {
        return;     /* full: drop; the sender's protocol retransmits */
    }
    p = g_malloc(sizeof(*p) + size);
    p->sender = sender;
    p->sent_cb = sent_cb;
    p->size = size;
    net_iov_to_buf(iov, iovcnt, 0, p->data, size);
    g_queue_push_tail(&queue->packets, p);
}

static ssize_t queue_deliver(NetQueue *queue, NetClientState *sender,
                             const struct iovec *iov, int iovcnt)
{
    ssize_t ret;

    queue->delivering = true;
    ret = queue->deliver(sender, iov, iovcnt, queue->opaque);
    queue->delivering = false;
    return ret;
}

ssize_t qemu_net_queue_send_iov(NetQueue *queue, NetClientState *sender,
                                const struct iovec *iov, int iovcnt,
                                bool can_deliver, NetPacketSent *sent_cb)
{
    ssize_t ret;

    if (queue->delivering || !can_deliver ||
        !g_queue_is_empty(&queue->packets)) {
        queue_append(queue, sender, iov, iovcnt, sent_cb);
        return 0;
    }
    ret = queue_deliver(queue, sender, iov, iovcnt);
    if (ret == 0) {
        queue_append(queue, sender, iov, iovcnt, sent_cb);
        return 0;
    }
    return ret;
}

bool qemu_net_queue_flush(NetQueue *queue)
{
    if (queue->delivering) {
        return false;
    }
    while (!g_queue_is_empty(&queue->packets)) {
        NetPacket *p = g_queue_peek_head(&queue->packets);
        struct iovec iov = { .iov_base = p->data, .iov_len = p->size };
        ssize_t ret = queue_deliver(queue, p->sender, &iov, 1);

        if (ret == 0) {
            return false;   /* refused again: stays first in line */
        }
        g_queue_pop_head(&queue->packets);
        if (p->sent_cb) {
            p->sent_cb(p->sender, ret);
        }
        g_free(p);
    }
    return true;
}

void qemu_net_queue_purge(NetQueue *queue, NetClientState *from)
{
    GList *l = queue->packets.head;

    while (l) {
        GList *next = l->next;
        NetPacket *p = l->data;

        if (!from || p->sender == from) {
            g_queue_delete_link(&queue->packets, l);
            if (p->sent_cb) {
                p->sent_cb(p->sender, 0);
            }
            g_free(p);
        }
        l = next;
    }
}
