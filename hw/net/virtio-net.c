/*
 * virtio-net (virtio 1.2 section 5.1) with its PCI proxy "virtio-net-pci":
 * the MAC and link status in config space, mergeable receive buffers,
 * the control queue for rx mode (promisc, allmulti, alluni, nomulti,
 * nouni, nobcast) and MAC filtering (table and address set), and
 * query-rx-filter / NIC_RX_FILTER_CHANGED.  Offloads (properties csum,
 * host_tso4, host_tso6, guest_csum): the driver's partial checksums and
 * TSO frames are completed in software (net/offload.c; whole frames to a
 * peer that takes them), received frames with good checksums are marked
 * DATA_VALID so the guest does not checksum them again.  Multiqueue
 * (property mq, 5.1.6.5.5): one queue pair per queue of the netdev,
 * VQ_PAIRS_SET chooses how many are active.  Not modelled: RSS, VLAN
 * filtering, UFO, ECN.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "qapi/qapi-types.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-pci.h"
#include "net/nic.h"
#include "net/checksum.h"
#include "net/offload.h"
#include "net/rx-coalesce.h"

#define TYPE_VIRTIO_NET "virtio-net-device"

/* Feature bits (5.1.3) */
#define VIRTIO_NET_F_CSUM           0
#define VIRTIO_NET_F_GUEST_CSUM     1
#define VIRTIO_NET_F_GUEST_TSO4     7
#define VIRTIO_NET_F_GUEST_TSO6     8
#define VIRTIO_NET_F_HOST_TSO4      11
#define VIRTIO_NET_F_HOST_TSO6      12
#define VIRTIO_NET_F_MAC            5
#define VIRTIO_NET_F_MRG_RXBUF      15
#define VIRTIO_NET_F_STATUS         16
#define VIRTIO_NET_F_CTRL_VQ        17
#define VIRTIO_NET_F_CTRL_RX        18
#define VIRTIO_NET_F_MQ             22
#define VIRTIO_NET_F_CTRL_MAC_ADDR  23

#define VIRTIO_NET_S_LINK_UP        1

/* struct virtio_net_hdr (5.1.6) */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_HDR_GSO_NONE     0
#define VIRTIO_NET_HDR_GSO_TCPV4    1
#define VIRTIO_NET_HDR_GSO_TCPV6    4
#define VIRTIO_NET_HDR_GSO_ECN      0x80

/* Control queue (5.1.6.5) */
#define VIRTIO_NET_OK               0
#define VIRTIO_NET_ERR              1
#define VIRTIO_NET_CTRL_RX          0
#define VIRTIO_NET_CTRL_RX_PROMISC  0
#define VIRTIO_NET_CTRL_RX_ALLMULTI 1
#define VIRTIO_NET_CTRL_RX_ALLUNI   2
#define VIRTIO_NET_CTRL_RX_NOMULTI  3
#define VIRTIO_NET_CTRL_RX_NOUNI    4
#define VIRTIO_NET_CTRL_RX_NOBCAST  5
#define VIRTIO_NET_CTRL_MAC         1
#define VIRTIO_NET_CTRL_MAC_TABLE_SET 0
#define VIRTIO_NET_CTRL_MAC_ADDR_SET  1
#define VIRTIO_NET_CTRL_MQ          4
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 0
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN 1
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX 0x8000

#define VIRTIO_NET_QUEUE_SIZE       256
#define VIRTIO_NET_CONFIG_SIZE      10   /* mac, status, max_virtqueue_pairs */
#define VIRTIO_NET_HDR_LEN          10   /* struct virtio_net_hdr */
#define VIRTIO_NET_HDR_MRG_LEN      12   /* + num_buffers */
#define MAC_TABLE_ENTRIES           64
/* TX chains handled per kick before yielding to the rest of the VM. */
#define TX_BURST                    256

/* Queue pair i: receiveq i is virtqueue 2i, transmitq i is 2i + 1. */
typedef struct VirtIONetQueue {
    struct VirtIONet *n;
    NetClientState *nc;              /* the NIC's client for this pair */
    VirtQueue *rx_vq, *tx_vq;
    bool tx_waiting;                 /* a packet is queued at the peer */
    guint tx_bh;                     /* main-loop source flushing tx */
    QEMUTimer *tx_notify_timer;      /* deferred transmit interrupt */
    bool rx_notify_held;             /* to notify when the window ends */
    bool rx_wanted;                  /* a frame the guest waits for came */
    bool rx_window_long;             /* the window is RX_ACK_WINDOW_NS */
    QEMUTimer *rx_window_timer;      /* receive interrupt window open */
    NetCoalesce rsc;                 /* segments held for one GSO frame */
    guint rsc_bh;                    /* main-loop source delivering it */
} VirtIONetQueue;

typedef struct VirtIONet {
    VirtIODevice parent_obj;
    VirtIONetQueue *vqs;             /* max_queue_pairs of them */
    VirtQueue *ctrl_vq;              /* the last queue */
    unsigned max_queue_pairs;        /* the netdev's queues */
    unsigned curr_queue_pairs;       /* active pairs: VQ_PAIRS_SET, 1 */
    bool multiqueue;                 /* the driver took VIRTIO_NET_F_MQ */
    NICConf conf;
    NICState *nic;
    bool mrg_rxbuf_prop;
    bool csum_prop, host_tso4_prop, host_tso6_prop, guest_csum_prop;
    bool guest_tso4_prop, guest_tso6_prop;
    bool mq_prop;
    uint8_t *tx_buf;                 /* NET_MAX_FRAME: offloaded frames */
    size_t hdr_len;                  /* what the driver negotiated */
    bool tx_flushing;                /* in virtio_net_flush_tx */
    uint16_t status;
    /* rx mode and filters (control queue) */
    bool promisc, allmulti, alluni, nomulti, nouni, nobcast;
    uint8_t mac[6];
    struct {
        int in_use, first_multi;
        bool uni_overflow, multi_overflow;
        uint8_t macs[MAC_TABLE_ENTRIES][6];
    } mac_table;
} VirtIONet;

#define VIRTIO_NET(obj) OBJECT_CHECK(VirtIONet, (obj), TYPE_VIRTIO_NET)

/* The queue pair of a NIC client (queue i of the NIC is pair i). */
static VirtIONetQueue *virtio_net_get_subqueue(NetClientState *nc)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);

    return &n->vqs[nc->queue_index];
}

static bool virtio_net_queue_active(VirtIONetQueue *q)
{
    return q - q->n->vqs < q->n->curr_queue_pairs;
}

/* The proxy (virtio-net-pci): QEMU names the NIC after it. */
static DeviceState *virtio_net_proxy(VirtIONet *n)
{
    BusState *bus = DEVICE(n)->parent_bus;

    return bus && bus->parent ? bus->parent : DEVICE(n);
}

static void virtio_net_filter_changed(VirtIONet *n)
{
    g_autofree char *path =
        object_get_canonical_path(OBJECT(virtio_net_proxy(n)));

    qemu_nic_rx_filter_changed(qemu_get_queue(n->nic), path);
}

/* ---- config space and link ---- */

static void virtio_net_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    memcpy(config, n->mac, 6);
    config[6] = n->status;
    config[7] = n->status >> 8;
    config[8] = n->max_queue_pairs;  /* max_virtqueue_pairs */
    config[9] = n->max_queue_pairs >> 8;
}

static void virtio_net_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    /* Legacy drivers without CTRL_MAC_ADDR write the MAC here. */
    if (!virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_MAC_ADDR) &&
        !virtio_vdev_has_feature(vdev, VIRTIO_F_VERSION_1) &&
        memcmp(config, n->mac, 6)) {
        memcpy(n->mac, config, 6);
        qemu_format_nic_info_str(qemu_get_queue(n->nic), n->mac);
    }
}

static void virtio_net_set_link_status(NetClientState *nc)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    uint16_t old = n->status;

    if (nc->link_down) {
        n->status &= ~VIRTIO_NET_S_LINK_UP;
    } else {
        n->status |= VIRTIO_NET_S_LINK_UP;
    }
    if (n->status != old) {
        virtio_notify_config(VIRTIO_DEVICE(n));
    }
}

/* ---- receive ---- */

static bool virtio_net_can_receive(NetClientState *nc)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    VirtIONetQueue *q = virtio_net_get_subqueue(nc);
    VirtIODevice *vdev = VIRTIO_DEVICE(n);

    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) ||
        !virtio_net_queue_active(q) || !virtio_queue_ready(q->rx_vq)) {
        return false;
    }
    if (virtio_queue_empty(q->rx_vq)) {
        /* Ask for a kick when buffers come, then flush the queue. */
        virtio_queue_set_notification(q->rx_vq, 1);
        return !virtio_queue_empty(q->rx_vq);
    }
    return true;
}

static bool virtio_net_accept(VirtIONet *n, const uint8_t *dst)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    if (n->promisc) {
        return true;
    }
    if (!memcmp(dst, bcast, 6)) {
        return !n->nobcast;
    }
    if (dst[0] & 1) {
        if (n->nomulti) {
            return false;
        }
        if (n->allmulti || n->mac_table.multi_overflow) {
            return true;
        }
        for (int i = n->mac_table.first_multi; i < n->mac_table.in_use; i++) {
            if (!memcmp(dst, n->mac_table.macs[i], 6)) {
                return true;
            }
        }
        return false;
    }
    if (n->nouni) {
        return false;
    }
    if (n->alluni || n->mac_table.uni_overflow || !memcmp(dst, n->mac, 6)) {
        return true;
    }
    for (int i = 0; i < n->mac_table.first_multi; i++) {
        if (!memcmp(dst, n->mac_table.macs[i], 6)) {
            return true;
        }
    }
    return false;
}

/*
 * Receive interrupts in windows, as e1000's mitigation: the first one
 * goes at once and opens a window of RX_WINDOW_NS; what arrives in it is
 * notified when it closes.  Isolated packets (a ping, a SYN) keep their
 * latency; a stream costs the guest one interrupt per window instead of
 * one per ACK.
 *
 * When nothing the guest waits for came since the last interrupt (only
 * bare ACKs that slirp answered while the transmit burst ran), the
 * guest is a running sender: the window is RX_ACK_WINDOW_NS, and on the
 * software CPU the interrupts it saves are worth more than the ACKs'
 * latency (the guest keeps sending from its window meanwhile).  Data, or
 * any frame from outside a transmit burst, cuts it back to RX_WINDOW_NS.
 */
#define RX_WINDOW_NS (200 * 1000)
#define RX_ACK_WINDOW_NS (1000 * 1000)
/* A bare TCP ACK with options fits; data frames are larger. */
#define RX_ACK_MAX 128

static void virtio_net_rx_notify(VirtIONetQueue *q)
{
    int64_t window;

    if (timer_pending(q->rx_window_timer)) {
        q->rx_notify_held = true;
        return;
    }
    q->rx_notify_held = false;
    virtio_notify(VIRTIO_DEVICE(q->n), q->rx_vq);
    q->rx_window_long = !q->rx_wanted;
    q->rx_wanted = false;
    window = q->rx_window_long ? RX_ACK_WINDOW_NS : RX_WINDOW_NS;
    timer_mod_ns(q->rx_window_timer,
                 qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + window);
}

/* A frame the guest waits for: a long window ends RX_WINDOW_NS from now */
static void virtio_net_rx_wanted(VirtIONetQueue *q)
{
    int64_t end = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + RX_WINDOW_NS;

    q->rx_wanted = true;
    if (q->rx_window_long && timer_pending(q->rx_window_timer)) {
        q->rx_window_long = false;
        if (timer_expire_time_ns(q->rx_window_timer) > end) {
            timer_mod_ns(q->rx_window_timer, end);
        }
    }
}

static void virtio_net_rx_window_end(void *opaque)
{
    VirtIONetQueue *q = opaque;

    q->rx_window_long = false;
    if (q->rx_notify_held) {
        virtio_net_rx_notify(q);
    }
}

/*
 * Put one frame, after the header @hdr (flags and GSO fields filled in,
 * num_buffers set here), into @q's receive queue.  False, with nothing
 * taken, when the driver has not given room for it yet.
 */
static bool virtio_net_rx_write(VirtIONetQueue *q, uint8_t *hdr,
                                const struct iovec *iov, int iovcnt,
                                size_t size)
{
    VirtIONet *n = q->n;
    VirtIODevice *vdev = VIRTIO_DEVICE(n);
    bool mrg = virtio_vdev_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF);
    VirtQueueElement *elems[VIRTQUEUE_MAX_SIZE];
    unsigned lens[VIRTQUEUE_MAX_SIZE];
    unsigned in_bytes = 0, count = 0;
    size_t done = 0;

    virtqueue_get_avail_bytes(q->rx_vq, &in_bytes, NULL,
                              size + n->hdr_len, 0);
    if (in_bytes < size + n->hdr_len) {
        /* Not enough room yet: wait for the driver's next buffers. */
        virtio_queue_set_notification(q->rx_vq, 1);
        return false;
    }
    while ((done < size || count == 0) && count < VIRTQUEUE_MAX_SIZE) {
        VirtQueueElement *e = virtqueue_pop(q->rx_vq, sizeof(*e));
        size_t off = 0, room, len;

        if (!e) {
            break;
        }
        if (e->in_num < 1) {
            virtio_error(vdev, "virtio-net receive queue contains no in "
                         "buffers");
            g_free(e);
            break;
        }
        room = iov_size(e->in_sg, e->in_num);
        if (count == 0) {
            off = n->hdr_len;        /* the header, written last */
            if (room < off) {
                virtio_error(vdev, "virtio-net header not in first "
                             "element");
                g_free(e);
                break;
            }
        }
        len = MIN(room - off, size - done);
        if (iovcnt == 1) {
            iov_from_buf(e->in_sg, e->in_num, off,
                         (uint8_t *)iov[0].iov_base + done, len);
        } else {
            uint8_t buf[2048];
            size_t copied = 0;

            while (copied < len) {
                size_t chunk = MIN(sizeof(buf), len - copied);

                net_iov_to_buf(iov, iovcnt, done + copied, buf, chunk);
                iov_from_buf(e->in_sg, e->in_num, off + copied, buf, chunk);
                copied += chunk;
            }
        }
        done += len;
        lens[count] = off + len;
        elems[count++] = e;
        if (!mrg) {
            break;                   /* one buffer per packet */
        }
    }
    if (count == 0) {
        return false;
    }
    /* num_buffers for mergeable buffers (or VERSION_1), little endian. */
    hdr[10] = count;
    hdr[11] = count >> 8;
    iov_from_buf(elems[0]->in_sg, elems[0]->in_num, 0, hdr, n->hdr_len);
    for (unsigned i = 0; i < count; i++) {
        virtqueue_fill(q->rx_vq, elems[i], lens[i], i);
        g_free(elems[i]);
    }
    virtqueue_flush(q->rx_vq, count);
    if (!n->tx_flushing || size > RX_ACK_MAX) {
        virtio_net_rx_wanted(q);
    }
    if (n->tx_flushing) {
        q->rx_notify_held = true;    /* notified after the burst */
    } else {
        virtio_net_rx_notify(q);
    }
    return true;
}

/* A virtio_net_hdr field: little endian (VERSION_1, and x86 legacy). */
static void hdr_put16(uint8_t *p, size_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

/* Deliver the coalesced frame @q holds, if any; false: no room yet. */
static bool virtio_net_rsc_flush(VirtIONetQueue *q)
{
    uint8_t hdr[VIRTIO_NET_HDR_MRG_LEN] = { 0 };
    NetCoalesceFrame f;
    struct iovec iov;

    if (!net_coalesce_finish(&q->rsc, &f)) {
        return true;
    }
    if (f.gso_size) {
        hdr[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        hdr[1] = f.ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
        hdr_put16(hdr + 2, f.hdr_len);
        hdr_put16(hdr + 4, f.gso_size);
        hdr_put16(hdr + 6, f.csum_start);
        hdr_put16(hdr + 8, f.csum_offset);
    } else {
        hdr[0] = VIRTIO_NET_HDR_F_DATA_VALID;   /* checked when held */
    }
    iov.iov_base = q->rsc.buf;
    iov.iov_len = f.len;
    if (!virtio_net_rx_write(q, hdr, &iov, 1, f.len)) {
        return false;
    }
    net_coalesce_reset(&q->rsc);
    return true;
}

/* After the backend's burst: hand the held segments to the guest. */
static gboolean virtio_net_rsc_bh(gpointer opaque)
{
    VirtIONetQueue *q = opaque;

    q->rsc_bh = 0;
    if (virtio_net_rsc_flush(q)) {
        qemu_flush_queued_packets(q->nc);
    }
    return G_SOURCE_REMOVE;
}

/* Drop what is held (reset, unrealize). */
static void virtio_net_rsc_stop(VirtIONetQueue *q)
{
    if (q->rsc_bh) {
        g_source_remove(q->rsc_bh);
        q->rsc_bh = 0;
    }
    net_coalesce_reset(&q->rsc);
}

/* Whether the driver takes GSO frames that coalesced segments make. */
static bool virtio_net_rsc_on(VirtIONet *n)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(n);

    return virtio_vdev_has_feature(vdev, VIRTIO_NET_F_GUEST_TSO4) ||
           virtio_vdev_has_feature(vdev, VIRTIO_NET_F_GUEST_TSO6);
}

/*
 * A frame the driver's GSO features allow to coalesce: HELD (delivered
 * later with the segments that follow it), or NOT (deliver it now).
 * -1: the held frame must go first and there is no room for it.
 */
static int virtio_net_rsc_add(VirtIONetQueue *q, const uint8_t *frame,
                              size_t size)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(q->n);
    bool v6 = size >= 14 && net_lduw_be(frame + 12) == 0x86dd;
    NetCoalesceResult r = NET_COALESCE_NOT;

    if (virtio_vdev_has_feature(vdev, v6 ? VIRTIO_NET_F_GUEST_TSO6
                                         : VIRTIO_NET_F_GUEST_TSO4)) {
        r = net_coalesce_add(&q->rsc, frame, size);
        if (r == NET_COALESCE_FLUSH_FIRST) {
            if (!virtio_net_rsc_flush(q)) {
                return -1;
            }
            r = net_coalesce_add(&q->rsc, frame, size);
        }
    }
    if (r == NET_COALESCE_HELD) {
        if (!q->rsc_bh) {
            q->rsc_bh = g_idle_add(virtio_net_rsc_bh, q);
        }
        return r;
    }
    return virtio_net_rsc_flush(q) ? NET_COALESCE_NOT : -1;
}

static ssize_t virtio_net_receive_iov(NetClientState *nc,
                                      const struct iovec *iov, int iovcnt)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    VirtIONetQueue *q = virtio_net_get_subqueue(nc);
    VirtIODevice *vdev = VIRTIO_DEVICE(n);
    size_t size = net_iov_size(iov, iovcnt);
    uint8_t hdr[VIRTIO_NET_HDR_MRG_LEN] = { 0 };
    uint8_t dst[6];

    if (!virtio_net_can_receive(nc)) {
        return 0;
    }
    if (size < 14 || net_iov_to_buf(iov, iovcnt, 0, dst, 6) != 6 ||
        !virtio_net_accept(n, dst)) {
        return size;                 /* filtered: consumed */
    }
    if (virtio_net_rsc_on(n)) {
        int r = iovcnt == 1 ? virtio_net_rsc_add(q, iov[0].iov_base, size)
                            : (virtio_net_rsc_flush(q) ? NET_COALESCE_NOT
                                                       : -1);

        if (r != NET_COALESCE_NOT) {
            return r < 0 ? 0 : size;
        }
    }
    if (virtio_vdev_has_feature(vdev, VIRTIO_NET_F_GUEST_CSUM) &&
        iovcnt == 1 && (net_rx_checksum_valid(iov[0].iov_base, size) &
                        NET_RX_L4_OK)) {
        hdr[0] = VIRTIO_NET_HDR_F_DATA_VALID;
    }
    return virtio_net_rx_write(q, hdr, iov, iovcnt, size) ? size : 0;
}

static void virtio_net_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq);

/* The control queue: the last one with VIRTIO_NET_F_MQ, else 2 (5.1.2). */
static VirtQueue *virtio_net_ctrl_vq(VirtIONet *n)
{
    return n->multiqueue ? n->ctrl_vq : virtio_get_queue(VIRTIO_DEVICE(n), 2);
}

static void virtio_net_handle_rx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = VIRTIO_NET(vdev);
    VirtIONetQueue *q = &n->vqs[virtio_queue_get_index(vq) / 2];

    /* receiveq2's slot, with several pairs but no VIRTIO_NET_F_MQ */
    if (vq == virtio_net_ctrl_vq(n)) {
        virtio_net_handle_ctrl(vdev, vq);
        return;
    }
    if (!virtio_net_queue_active(q)) {
        return;
    }
    /* New buffers: deliver what waited for them. */
    virtio_queue_set_notification(vq, 0);
    if (virtio_net_rsc_flush(q)) {
        qemu_flush_queued_packets(q->nc);
    }
}

/* ---- transmit ---- */

static void virtio_net_flush_tx(VirtIONetQueue *q);

/*
 * The transmit interrupt waits TX_NOTIFY_DELAY_NS: Linux's receive poll
 * frees sent buffers too (and moves used_event past them), so when the
 * ACKs of what was sent arrive meanwhile, the guest takes one interrupt
 * for both directions instead of two.  virtio_notify() still honours the
 * driver's used_event when the timer fires.
 */
#define TX_NOTIFY_DELAY_NS (200 * 1000)

static void virtio_net_tx_notify(void *opaque)
{
    VirtIONetQueue *q = opaque;

    virtio_notify(VIRTIO_DEVICE(q->n), q->tx_vq);
}
static gboolean virtio_net_tx_bh(gpointer opaque);

static void virtio_net_tx_complete(NetClientState *nc, ssize_t len)
{
    VirtIONetQueue *q = virtio_net_get_subqueue(nc);

    q->tx_waiting = false;
    if (!q->tx_bh) {
        q->tx_bh = g_idle_add(virtio_net_tx_bh, q);
    }
}

static void tx_segment_out(void *opaque, uint8_t *frame, size_t len)
{
    VirtIONetQueue *q = opaque;

    if (!qemu_send_packet_async(q->nc, frame, len, virtio_net_tx_complete)) {
        q->tx_waiting = true;
    }
}

/*
 * A frame whose header asks for a checksum or segmentation: copied out
 * of the guest's buffers, completed, sent (segments one by one).
 */
static void virtio_net_tx_offload(VirtIONetQueue *q, const uint8_t *hdr,
                                  const struct iovec *sg, unsigned cnt)
{
    VirtIONet *n = q->n;
    VirtIODevice *vdev = VIRTIO_DEVICE(n);
    size_t len = net_iov_size(sg, cnt);
    uint8_t gso = hdr[1] & ~VIRTIO_NET_HDR_GSO_ECN;
    size_t gso_size = hdr[4] | hdr[5] << 8;
    size_t start = hdr[6] | hdr[7] << 8, off = hdr[8] | hdr[9] << 8;
    uint8_t *buf = n->tx_buf;

    if (len > NET_MAX_FRAME) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-net: %zu-byte frame "
                      "dropped\n", len);
        return;
    }
    net_iov_to_buf(sg, cnt, 0, buf, len);
    if (gso == VIRTIO_NET_HDR_GSO_NONE) {
        if (hdr[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
            net_checksum_insert(buf, len, start + off, start, len);
        }
        tx_segment_out(q, buf, len);
        return;
    }
    if ((gso == VIRTIO_NET_HDR_GSO_TCPV4 &&
         virtio_vdev_has_feature(vdev, VIRTIO_NET_F_HOST_TSO4)) ||
        (gso == VIRTIO_NET_HDR_GSO_TCPV6 &&
         virtio_vdev_has_feature(vdev, VIRTIO_NET_F_HOST_TSO6))) {
        size_t l3 = len >= 18 && net_lduw_be(buf + 12) == 0x8100 ? 18 : 14;
        NetTso t = {
            .l3 = l3, .l4 = start, .mss = gso_size,
            .ipv4 = gso == VIRTIO_NET_HDR_GSO_TCPV4, .tcp = true,
            .ip_csum = gso == VIRTIO_NET_HDR_GSO_TCPV4, .l4_csum = true,
        };

        t.hdr_len = start + 12 < len ? start + (buf[start + 12] >> 4) * 4
                                     : len + 1;
        if (net_tso_valid(&t, len)) {
            net_tso_send(buf, len, &t, qemu_peer_takes_tso_frames(q->nc),
                         tx_segment_out, q);
            return;
        }
    }
    qemu_log_mask(LOG_GUEST_ERROR, "virtio-net: bad or unnegotiated GSO "
                  "frame (type %u, csum_start %zu) dropped\n", hdr[1], start);
}

static void virtio_net_flush_tx(VirtIONetQueue *q)
{
    VirtIONet *n = q->n;
    VirtIODevice *vdev = VIRTIO_DEVICE(n);
    NetClientState *nc = q->nc;
    bool pushed = false;

    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) || q->tx_waiting ||
        !virtio_net_queue_active(q)) {
        return;
    }
    /*
     * slirp answers each segment at once (an ACK into a receive queue):
     * one receive interrupt after the burst, not one per ACK while the
     * guest is still draining the last.
     */
    n->tx_flushing = true;
    for (int burst = 0; burst < TX_BURST; burst++) {
        VirtQueueElement *e = virtqueue_pop(q->tx_vq, sizeof(*e));
        struct iovec sg[VIRTQUEUE_MAX_SIZE];
        uint8_t hdr[VIRTIO_NET_HDR_MRG_LEN] = { 0 };
        unsigned cnt = 0;
        size_t skip = n->hdr_len;

        if (!e) {
            break;
        }
        iov_to_buf(e->out_sg, e->out_num, 0, hdr, n->hdr_len);
        /* Drop the virtio net header from the front of the chain. */
        for (unsigned i = 0; i < e->out_num; i++) {
            size_t l = e->out_sg[i].iov_len;

            if (skip >= l) {
                skip -= l;
                continue;
            }
            sg[cnt].iov_base = (uint8_t *)e->out_sg[i].iov_base + skip;
            sg[cnt++].iov_len = l - skip;
            skip = 0;
        }
        if (skip) {
            virtio_error(vdev, "virtio-net header incorrect");
            g_free(e);
            break;
        }
        if ((hdr[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
            hdr[1] != VIRTIO_NET_HDR_GSO_NONE) {
            virtio_net_tx_offload(q, hdr, sg, cnt);
        } else if (!qemu_sendv_packet_async(nc, sg, cnt,
                                            virtio_net_tx_complete)) {
            q->tx_waiting = true;    /* queued at a busy peer */
        }
        /* Sent or copied into the peer's queue: the buffers are free. */
        virtqueue_push(q->tx_vq, e, 0);
        g_free(e);
        pushed = true;
        if (q->tx_waiting) {
            break;                   /* resume from the sent callback */
        }
    }
    n->tx_flushing = false;
    for (unsigned i = 0; i < n->max_queue_pairs; i++) {
        if (n->vqs[i].rx_notify_held) {
            virtio_net_rx_notify(&n->vqs[i]);
        }
    }
    if (pushed && !timer_pending(q->tx_notify_timer)) {
        timer_mod_ns(q->tx_notify_timer,
                     qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + TX_NOTIFY_DELAY_NS);
    }
}

/*
 * Transmit from the main loop, as QEMU's tx=bh: the kick only schedules
 * the flush and turns further kicks off, so the guest queues a batch
 * while the previous one is sent (and the vCPU returns at once).
 */
static gboolean virtio_net_tx_bh(gpointer opaque)
{
    VirtIONetQueue *q = opaque;

    q->tx_bh = 0;
    if (!virtio_net_queue_active(q)) {
        return G_SOURCE_REMOVE;      /* VQ_PAIRS_SET restarts it */
    }
    virtio_net_flush_tx(q);
    if (q->tx_waiting) {
        return G_SOURCE_REMOVE;      /* the sent callback resumes */
    }
    virtio_queue_set_notification(q->tx_vq, 1);
    /* Chains added before notifications came back on. */
    if (!virtio_queue_empty(q->tx_vq)) {
        virtio_queue_set_notification(q->tx_vq, 0);
        q->tx_bh = g_idle_add(virtio_net_tx_bh, q);
    }
    return G_SOURCE_REMOVE;
}

static void virtio_net_handle_tx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = VIRTIO_NET(vdev);
    VirtIONetQueue *q = &n->vqs[virtio_queue_get_index(vq) / 2];

    if (!q->tx_bh && virtio_net_queue_active(q)) {
        virtio_queue_set_notification(vq, 0);
        q->tx_bh = g_idle_add(virtio_net_tx_bh, q);
    }
}

/* ---- queue pairs ---- */

static void virtio_net_tx_stop(VirtIONetQueue *q)
{
    if (q->tx_bh) {
        g_source_remove(q->tx_bh);
        q->tx_bh = 0;
    }
}

/*
 * Pairs below curr_queue_pairs take traffic; the backend's queues of the
 * others are detached (tap: TUNSETQUEUE), so the host steers nothing to
 * them, as QEMU's peer_detach.
 */
static void virtio_net_set_queue_pairs(VirtIONet *n)
{
    for (unsigned i = 0; i < n->max_queue_pairs; i++) {
        NetClientState *peer = n->vqs[i].nc->peer;
        bool on = i < n->curr_queue_pairs;

        if (peer && peer->info->set_queue_enabled) {
            peer->info->set_queue_enabled(peer, on);
        }
        if (!on) {
            virtio_net_tx_stop(&n->vqs[i]);
        }
    }
}

/* Deliver what waited for the guest and send what it queued, per pair. */
static void virtio_net_start_queues(VirtIONet *n)
{
    for (unsigned i = 0; i < n->curr_queue_pairs; i++) {
        qemu_flush_queued_packets(n->vqs[i].nc);
        virtio_net_flush_tx(&n->vqs[i]);
    }
}

/* ---- control queue ---- */

static uint8_t ctrl_rx(VirtIONet *n, uint8_t cmd, const uint8_t *data,
                       size_t len)
{
    bool on;
    bool *flags[] = {
        [VIRTIO_NET_CTRL_RX_PROMISC] = &n->promisc,
        [VIRTIO_NET_CTRL_RX_ALLMULTI] = &n->allmulti,
        [VIRTIO_NET_CTRL_RX_ALLUNI] = &n->alluni,
        [VIRTIO_NET_CTRL_RX_NOMULTI] = &n->nomulti,
        [VIRTIO_NET_CTRL_RX_NOUNI] = &n->nouni,
        [VIRTIO_NET_CTRL_RX_NOBCAST] = &n->nobcast,
    };

    if (len < 1 || cmd >= ARRAY_SIZE(flags)) {
        return VIRTIO_NET_ERR;
    }
    on = data[0];
    *flags[cmd] = on;
    virtio_net_filter_changed(n);
    return VIRTIO_NET_OK;
}

/* One MAC table of MAC_TABLE_SET: le32 entries then the addresses. */
static bool read_mac_table(VirtIONet *n, const uint8_t **p, size_t *left,
                           bool multi)
{
    uint32_t entries;

    if (*left < 4) {
        return false;
    }
    entries = (*p)[0] | (*p)[1] << 8 | (*p)[2] << 16 | (uint32_t)(*p)[3] << 24;
    *p += 4;
    *left -= 4;
    if (entries > *left / 6) {
        return false;
    }
    if (n->mac_table.in_use + entries <= MAC_TABLE_ENTRIES) {
        memcpy(n->mac_table.macs[n->mac_table.in_use], *p, entries * 6);
        n->mac_table.in_use += entries;
    } else if (multi) {
        n->mac_table.multi_overflow = true;
    } else {
        n->mac_table.uni_overflow = true;
    }
    *p += entries * 6;
    *left -= entries * 6;
    return true;
}

static uint8_t ctrl_mac(VirtIONet *n, uint8_t cmd, const uint8_t *data,
                        size_t len)
{
    if (cmd == VIRTIO_NET_CTRL_MAC_ADDR_SET) {
        if (len != 6) {
            return VIRTIO_NET_ERR;
        }
        memcpy(n->mac, data, 6);
        qemu_format_nic_info_str(qemu_get_queue(n->nic), n->mac);
        virtio_net_filter_changed(n);
        return VIRTIO_NET_OK;
    }
    if (cmd == VIRTIO_NET_CTRL_MAC_TABLE_SET) {
        memset(&n->mac_table, 0, sizeof(n->mac_table));
        if (!read_mac_table(n, &data, &len, false)) {
            return VIRTIO_NET_ERR;
        }
        n->mac_table.first_multi = n->mac_table.in_use;
        if (!read_mac_table(n, &data, &len, true) || len) {
            return VIRTIO_NET_ERR;
        }
        virtio_net_filter_changed(n);
        return VIRTIO_NET_OK;
    }
    return VIRTIO_NET_ERR;
}

/* VQ_PAIRS_SET (5.1.6.5.5): le16 virtqueue_pairs, at most the maximum. */
static uint8_t ctrl_mq(VirtIONet *n, uint8_t cmd, const uint8_t *data,
                       size_t len)
{
    unsigned pairs;

    if (cmd != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET || len < 2 ||
        !n->multiqueue) {
        return VIRTIO_NET_ERR;
    }
    pairs = data[0] | data[1] << 8;
    if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN ||
        pairs > VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX ||
        pairs > n->max_queue_pairs) {
        qemu_log_mask(LOG_GUEST_ERROR, "virtio-net: %u queue pairs asked, "
                      "%u exist\n", pairs, n->max_queue_pairs);
        return VIRTIO_NET_ERR;
    }
    n->curr_queue_pairs = pairs;
    virtio_net_set_queue_pairs(n);
    virtio_net_start_queues(n);
    return VIRTIO_NET_OK;
}

static void virtio_net_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = VIRTIO_NET(vdev);
    VirtQueueElement *e;

    if (vq != virtio_net_ctrl_vq(n)) {
        return;     /* the last queue, without VIRTIO_NET_F_MQ: unused */
    }
    while ((e = virtqueue_pop(vq, sizeof(*e)))) {
        size_t len = iov_size(e->out_sg, e->out_num);
        g_autofree uint8_t *buf = NULL;
        uint8_t status = VIRTIO_NET_ERR;

        if (len < 2 || len > 4096 || iov_size(e->in_sg, e->in_num) < 1) {
            virtio_error(vdev, "virtio-net ctrl missing headers");
            g_free(e);
            break;
        }
        buf = g_malloc(len);
        iov_to_buf(e->out_sg, e->out_num, 0, buf, len);
        if (buf[0] == VIRTIO_NET_CTRL_RX) {
            status = ctrl_rx(n, buf[1], buf + 2, len - 2);
        } else if (buf[0] == VIRTIO_NET_CTRL_MAC) {
            status = ctrl_mac(n, buf[1], buf + 2, len - 2);
        } else if (buf[0] == VIRTIO_NET_CTRL_MQ) {
            status = ctrl_mq(n, buf[1], buf + 2, len - 2);
        }
        iov_from_buf(e->in_sg, e->in_num, 0, &status, 1);
        virtqueue_push(vq, e, 1);
        g_free(e);
        virtio_notify(vdev, vq);
    }
}

/* ---- query-rx-filter ---- */

static char *mac_str(const uint8_t *m)
{
    return g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x",
                           m[0], m[1], m[2], m[3], m[4], m[5]);
}

static strList *mac_list(VirtIONet *n, int from, int to)
{
    strList *head = NULL;

    /* QEMU lists them newest first. */
    for (int i = from; i < to; i++) {
        strList *e = g_new0(strList, 1);

        e->value = mac_str(n->mac_table.macs[i]);
        e->next = head;
        head = e;
    }
    return head;
}

static RxFilterInfo *virtio_net_query_rx_filter(NetClientState *nc)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    RxFilterInfo *info = g_new0(RxFilterInfo, 1);

    info->name = g_strdup(nc->name);
    info->promiscuous = n->promisc;
    info->unicast = n->nouni ? RX_STATE_NONE
                    : n->alluni ? RX_STATE_ALL : RX_STATE_NORMAL;
    info->multicast = n->nomulti ? RX_STATE_NONE
                      : n->allmulti ? RX_STATE_ALL : RX_STATE_NORMAL;
    /* As QEMU 7.2 reports it (the field carries nobcast). */
    info->broadcast_allowed = n->nobcast;
    info->multicast_overflow = n->mac_table.multi_overflow;
    info->unicast_overflow = n->mac_table.uni_overflow;
    info->main_mac = mac_str(n->mac);
    info->unicast_table = mac_list(n, 0, n->mac_table.first_multi);
    info->multicast_table = mac_list(n, n->mac_table.first_multi,
                                     n->mac_table.in_use);
    /* No VLAN filtering: every VLAN passes, listed as QEMU does. */
    info->vlan = RX_STATE_ALL;
    for (int v = 0; v < 4096; v++) {
        intList *e = g_new0(intList, 1);

        e->value = v;
        e->next = info->vlan_table;
        info->vlan_table = e;
    }
    nc->rxfilter_notify_enabled = true;
    return info;
}

/* ---- device ---- */

static uint64_t virtio_net_get_features(VirtIODevice *vdev, uint64_t f,
                                        Error **errp)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    virtio_add_feature(&f, VIRTIO_NET_F_MAC);
    virtio_add_feature(&f, VIRTIO_NET_F_STATUS);
    if (n->csum_prop) {
        virtio_add_feature(&f, VIRTIO_NET_F_CSUM);
        /* Segmentation needs the checksum offload (5.1.3.1). */
        if (n->host_tso4_prop) {
            virtio_add_feature(&f, VIRTIO_NET_F_HOST_TSO4);
        }
        if (n->host_tso6_prop) {
            virtio_add_feature(&f, VIRTIO_NET_F_HOST_TSO6);
        }
    }
    if (n->guest_csum_prop) {
        virtio_add_feature(&f, VIRTIO_NET_F_GUEST_CSUM);
        /* Receive GSO needs the checksum feature too (5.1.3.1). */
        if (n->guest_tso4_prop) {
            virtio_add_feature(&f, VIRTIO_NET_F_GUEST_TSO4);
        }
        if (n->guest_tso6_prop) {
            virtio_add_feature(&f, VIRTIO_NET_F_GUEST_TSO6);
        }
    }
    virtio_add_feature(&f, VIRTIO_NET_F_CTRL_VQ);
    virtio_add_feature(&f, VIRTIO_NET_F_CTRL_RX);
    virtio_add_feature(&f, VIRTIO_NET_F_CTRL_MAC_ADDR);
    if (n->mrg_rxbuf_prop) {
        virtio_add_feature(&f, VIRTIO_NET_F_MRG_RXBUF);
    }
    /* Offered with one pair too (max_virtqueue_pairs 1), as QEMU does. */
    if (n->mq_prop) {
        virtio_add_feature(&f, VIRTIO_NET_F_MQ);
    }
    return f;
}

static void virtio_net_set_features(VirtIODevice *vdev, uint64_t val)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    n->hdr_len = (virtio_has_feature(val, VIRTIO_NET_F_MRG_RXBUF) ||
                  virtio_has_feature(val, VIRTIO_F_VERSION_1))
                 ? VIRTIO_NET_HDR_MRG_LEN : VIRTIO_NET_HDR_LEN;
    n->multiqueue = virtio_has_feature(val, VIRTIO_NET_F_MQ);
    if (!n->multiqueue && n->curr_queue_pairs != 1) {
        n->curr_queue_pairs = 1;
        virtio_net_set_queue_pairs(n);
    }
}

static void virtio_net_set_status(VirtIODevice *vdev, uint8_t val)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    if (val & VIRTIO_CONFIG_S_DRIVER_OK) {
        virtio_net_start_queues(n);
    }
}

static void virtio_net_reset(VirtIODevice *vdev)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    /* QEMU's power-on rx mode: promiscuous until the driver says. */
    n->promisc = true;
    n->allmulti = n->alluni = n->nomulti = n->nouni = n->nobcast = false;
    memset(&n->mac_table, 0, sizeof(n->mac_table));
    memcpy(n->mac, n->conf.macaddr.a, 6);
    n->hdr_len = VIRTIO_NET_HDR_LEN;
    n->tx_flushing = false;
    n->multiqueue = false;
    n->curr_queue_pairs = 1;
    for (unsigned i = 0; i < n->max_queue_pairs; i++) {
        VirtIONetQueue *q = &n->vqs[i];

        q->tx_waiting = q->rx_notify_held = false;
        q->rx_wanted = q->rx_window_long = false;
        virtio_net_tx_stop(q);
        timer_del(q->tx_notify_timer);
        timer_del(q->rx_window_timer);
        virtio_net_rsc_stop(q);
        virtio_queue_set_notification(q->tx_vq, 1);
        qemu_purge_queued_packets(q->nc);
    }
    if (n->nic) {
        qemu_format_nic_info_str(qemu_get_queue(n->nic), n->mac);
        virtio_net_set_queue_pairs(n);
    }
}

static const NetClientInfo virtio_net_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .receive_iov = virtio_net_receive_iov,
    .can_receive = virtio_net_can_receive,
    .link_status_changed = virtio_net_set_link_status,
    .query_rx_filter = virtio_net_query_rx_filter,
};

static void virtio_net_realize(DeviceState *dev, Error **errp)
{
    VirtIONet *n = VIRTIO_NET(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    DeviceState *proxy = virtio_net_proxy(n);
    const char *model = object_get_typename(OBJECT(proxy));

    if (!qemu_nic_conf_resolve(&n->conf, model, errp)) {
        return;
    }
    n->max_queue_pairs = MAX(n->conf.queues, 1);
    if (n->max_queue_pairs * 2 + 1 > VIRTIO_QUEUE_MAX) {
        error_setg(errp, "Invalid number of queue pairs (= %u), must be a "
                   "positive integer less than %d.", n->max_queue_pairs,
                   (VIRTIO_QUEUE_MAX - 1) / 2);
        g_clear_pointer(&n->conf.peers, g_free);
        n->conf.queues = 0;
        return;
    }
    vdev->name = "virtio-net";
    virtio_init(vdev, VIRTIO_ID_NET, VIRTIO_NET_CONFIG_SIZE);
    n->nic = qemu_new_nic(&virtio_net_info, &n->conf, model, proxy->id, n);
    n->vqs = g_new0(VirtIONetQueue, n->max_queue_pairs);
    for (unsigned i = 0; i < n->max_queue_pairs; i++) {
        VirtIONetQueue *q = &n->vqs[i];

        q->n = n;
        q->nc = qemu_get_subqueue(n->nic, i);
        q->rx_vq = virtio_add_queue(vdev, VIRTIO_NET_QUEUE_SIZE,
                                    virtio_net_handle_rx);
        q->tx_vq = virtio_add_queue(vdev, VIRTIO_NET_QUEUE_SIZE,
                                    virtio_net_handle_tx);
        q->tx_notify_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                          virtio_net_tx_notify, q);
        q->rx_window_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                          virtio_net_rx_window_end, q);
        net_coalesce_init(&q->rsc);
    }
    n->ctrl_vq = virtio_add_queue(vdev, 64, virtio_net_handle_ctrl);
    n->tx_buf = g_malloc(NET_MAX_FRAME);
    n->status = qemu_get_queue(n->nic)->link_down ? 0 : VIRTIO_NET_S_LINK_UP;
    virtio_net_reset(vdev);
}

static void virtio_net_unrealize(DeviceState *dev)
{
    VirtIONet *n = VIRTIO_NET(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    for (unsigned i = 0; i < n->max_queue_pairs; i++) {
        virtio_net_tx_stop(&n->vqs[i]);
        timer_free(n->vqs[i].tx_notify_timer);
        timer_free(n->vqs[i].rx_window_timer);
        virtio_net_rsc_stop(&n->vqs[i]);
        net_coalesce_cleanup(&n->vqs[i].rsc);
    }
    qemu_del_nic(n->nic);
    n->nic = NULL;
    g_free(n->tx_buf);
    n->tx_buf = NULL;
    for (int i = n->max_queue_pairs * 2; i >= 0; i--) {
        virtio_del_queue(vdev, i);
    }
    g_clear_pointer(&n->vqs, g_free);
    n->max_queue_pairs = 0;
    virtio_cleanup(vdev);
}

static const Property virtio_net_properties[] = {
    DEFINE_NIC_PROPERTIES(VirtIONet, conf),
    DEFINE_PROP_BOOL("mrg_rxbuf", VirtIONet, mrg_rxbuf_prop, true),
    DEFINE_PROP_BOOL("csum", VirtIONet, csum_prop, true),
    DEFINE_PROP_BOOL("host_tso4", VirtIONet, host_tso4_prop, true),
    DEFINE_PROP_BOOL("host_tso6", VirtIONet, host_tso6_prop, true),
    DEFINE_PROP_BOOL("guest_csum", VirtIONet, guest_csum_prop, true),
    DEFINE_PROP_BOOL("guest_tso4", VirtIONet, guest_tso4_prop, true),
    DEFINE_PROP_BOOL("guest_tso6", VirtIONet, guest_tso6_prop, true),
    DEFINE_PROP_BOOL("mq", VirtIONet, mq_prop, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_net_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    vdc->realize = virtio_net_realize;
    vdc->unrealize = virtio_net_unrealize;
    vdc->get_features = virtio_net_get_features;
    vdc->set_features = virtio_net_set_features;
    vdc->get_config = virtio_net_get_config;
    vdc->set_config = virtio_net_set_config;
    vdc->set_status = virtio_net_set_status;
    vdc->reset = virtio_net_reset;
    set_bit_category(dc, DEVICE_CATEGORY_NETWORK);
    device_class_set_props(dc, virtio_net_properties);
}

static const TypeInfo virtio_net_type_info = {
    .name = TYPE_VIRTIO_NET,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIONet),
    .class_init = virtio_net_class_init,
};

static void virtio_net_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->class_id = 0x0200;           /* Ethernet controller */
    set_bit_category(dc, DEVICE_CATEGORY_NETWORK);
}

static void virtio_net_pci_realize(VirtIOPCIProxy *proxy, Error **errp)
{
    VirtIONet *n = VIRTIO_NET(proxy->vdev);
    int queues = n->conf.netdev_id ?
        qemu_find_net_clients_except(n->conf.netdev_id, NULL,
                                     NET_CLIENT_DRIVER_NIC, 0) : 0;

    /* QEMU 7.2's default: rx and tx of each pair, control and config. */
    if (proxy->nvectors == VIRTIO_PCI_NVECTORS_UNSPECIFIED) {
        proxy->nvectors = 2 * MIN(MAX(queues, 1), NET_MAX_QUEUES) + 2;
    }
}

static const VirtioPCIDeviceTypeInfo virtio_net_pci_info = {
    .generic_name = "virtio-net-pci",
    .vdev_type = TYPE_VIRTIO_NET,
    .class_init = virtio_net_pci_class_init,
    .realize = virtio_net_pci_realize,
};

static void virtio_net_register_types(void)
{
    type_register_static(&virtio_net_type_info);
    virtio_pci_types_register(&virtio_net_pci_info);
}

type_init(virtio_net_register_types)
