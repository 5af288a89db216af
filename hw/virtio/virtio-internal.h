/*
 * Inside the virtio core: the split-virtqueue state shared by virtio.c
 * (device life cycle, transport accessors) and virtqueue.c (the ring).
 */
#ifndef HW_VIRTIO_VIRTIO_INTERNAL_H
#define HW_VIRTIO_VIRTIO_INTERNAL_H

#include "hw/virtio/virtio.h"

struct VirtQueue {
    VirtIODevice *vdev;
    int index;
    unsigned int num;           /* current size (driver may shrink it) */
    unsigned int num_max;       /* size given to virtio_add_queue, 0: unused */
    hwaddr desc, avail, used;   /* guest-physical ring addresses, 0: unset */
    bool enabled;               /* modern queue_enable */
    uint16_t last_avail_idx;    /* next avail entry to pop */
    uint16_t used_idx;          /* next used entry to fill */
    uint16_t signalled_used;    /* used_idx at the last interrupt */
    bool signalled_used_valid;
    bool notification;          /* the driver should kick us */
    unsigned int inuse;         /* popped, not yet pushed */
    uint16_t vector;
    VirtIOHandleOutput handle_output;
};

/* Whether virtio_notify() should interrupt the driver for @vq. */
bool virtqueue_should_notify(VirtQueue *vq);
/* Forget the ring (device reset). */
void virtqueue_reset(VirtQueue *vq);

#endif
