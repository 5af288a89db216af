/*
 * virtio devices, transport-independent (virtio 1.2 specification): the
 * device status and feature negotiation (sections 2.1-2.2), the device
 * configuration space (2.5), and split virtqueues (2.7) with indirect
 * descriptors and VIRTIO_F_EVENT_IDX.  A device ("virtio-blk-device")
 * sits on the virtio bus of its transport proxy ("virtio-blk-pci",
 * hw/virtio/virtio-pci.c), QEMU's arrangement.
 *
 * Device side, in QEMU's names:
 *   vq = virtio_add_queue(vdev, 256, handle_output);       (realize)
 *   handle_output(vdev, vq):
 *     while ((elem = virtqueue_pop(vq, sizeof(*elem)))) {
 *         ... read elem->out_sg[], write elem->in_sg[] ...
 *         virtqueue_push(vq, elem, bytes_written_to_in_sg);
 *         g_free(elem);
 *     }
 *     virtio_notify(vdev, vq);
 * All of it runs under the BQL (vCPU notify writes and main-loop
 * completions alike).
 */
#ifndef HW_VIRTIO_VIRTIO_H
#define HW_VIRTIO_VIRTIO_H

#include "qemu/osdep.h"
#include <sys/uio.h>
#include "hw/qdev-core.h"
#include "exec/memory.h"

#define TYPE_VIRTIO_DEVICE  "virtio-device"
#define TYPE_VIRTIO_BUS     "virtio-bus"

/* Device status (2.1) */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE     1
#define VIRTIO_CONFIG_S_DRIVER          2
#define VIRTIO_CONFIG_S_DRIVER_OK       4
#define VIRTIO_CONFIG_S_FEATURES_OK     8
#define VIRTIO_CONFIG_S_NEEDS_RESET     0x40
#define VIRTIO_CONFIG_S_FAILED          0x80

/* Reserved feature bits (6) */
#define VIRTIO_F_NOTIFY_ON_EMPTY        24
#define VIRTIO_F_ANY_LAYOUT             27
#define VIRTIO_RING_F_INDIRECT_DESC     28
#define VIRTIO_RING_F_EVENT_IDX         29
#define VIRTIO_F_BAD_FEATURE            30
#define VIRTIO_F_VERSION_1              32
#define VIRTIO_F_ACCESS_PLATFORM        33

/* Device IDs (5) */
#define VIRTIO_ID_NET           1
#define VIRTIO_ID_BLOCK         2
#define VIRTIO_ID_CONSOLE       3
#define VIRTIO_ID_RNG           4

#define VIRTIO_QUEUE_MAX        1024
#define VIRTQUEUE_MAX_SIZE      1024
#define VIRTIO_NO_VECTOR        0xffff

/* Split ring layout (2.7.5-2.7.8) */
#define VRING_DESC_F_NEXT       1
#define VRING_DESC_F_WRITE      2
#define VRING_DESC_F_INDIRECT   4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY  1
#define VRING_DESC_SIZE         16
#define VRING_USED_ELEM_SIZE    8

/* ISR bits (4.1.4.5) */
#define VIRTIO_ISR_QUEUE        1
#define VIRTIO_ISR_CONFIG       2

typedef struct VirtQueue VirtQueue;
typedef struct VirtIODevice VirtIODevice;

OBJECT_DECLARE_TYPE(VirtIODevice, VirtioDeviceClass, VIRTIO_DEVICE)

/*
 * One request: the buffers of a descriptor chain, mapped into host memory.
 * out_sg are the device-readable buffers, in_sg the device-writable ones.
 * Allocated by virtqueue_pop() as one block; free with g_free().
 */
typedef struct VirtQueueElement {
    unsigned int index;     /* head descriptor, for virtqueue_push() */
    unsigned int len;
    unsigned int ndescs;
    unsigned int out_num;
    unsigned int in_num;
    hwaddr *in_addr;
    hwaddr *out_addr;
    struct iovec *in_sg;
    struct iovec *out_sg;
} VirtQueueElement;

typedef void (*VirtIOHandleOutput)(VirtIODevice *vdev, VirtQueue *vq);

typedef struct VirtioDeviceClass {
    DeviceClass parent;
    /* Called by the device's DeviceClass realize/unrealize (see below). */
    void (*realize)(DeviceState *dev, Error **errp);
    void (*unrealize)(DeviceState *dev);
    /* Features the device offers, given the transport's @features. */
    uint64_t (*get_features)(VirtIODevice *vdev, uint64_t features,
                             Error **errp);
    /* The driver acknowledged @val (a subset of host_features). */
    void (*set_features)(VirtIODevice *vdev, uint64_t val);
    /* Fill vdev->config before the driver reads it. */
    void (*get_config)(VirtIODevice *vdev, uint8_t *config);
    /* The driver wrote vdev->config. */
    void (*set_config)(VirtIODevice *vdev, const uint8_t *config);
    /* Device reset (status 0): back to the power-on state. */
    void (*reset)(VirtIODevice *vdev);
    /* The driver changed the device status (after the core stored it). */
    void (*set_status)(VirtIODevice *vdev, uint8_t val);
} VirtioDeviceClass;

/* How the device reaches its transport (set by virtio-pci when plugged). */
typedef struct VirtIOTransport {
    /* Raise the interrupt for @vector (VIRTIO_NO_VECTOR: INTx/ISR only). */
    void (*notify)(void *opaque, uint16_t vector);
    void *opaque;
    /* The transport offers the virtio 1.x interface (VERSION_1). */
    bool modern;
} VirtIOTransport;

struct VirtIODevice {
    DeviceState parent_obj;
    const char *name;           /* "virtio-blk" */
    uint16_t device_id;         /* VIRTIO_ID_* */
    uint8_t status;
    uint8_t isr;
    uint16_t queue_sel;
    uint64_t host_features;     /* offered */
    uint64_t guest_features;    /* acknowledged by the driver */
    size_t config_len;
    uint8_t *config;
    uint16_t config_vector;
    uint32_t generation;
    VirtQueue *vq;              /* VIRTIO_QUEUE_MAX */
    bool broken;                /* a driver error: stop processing */
    VirtIOTransport transport;
    /* Feature properties every device has (QEMU's DEFINE_VIRTIO_COMMON_FEATURES) */
    bool indirect_desc, event_idx, notify_on_empty, any_layout;
};

/* ---- device life cycle (from the device's realize/unrealize) ---- */

/*
 * virtio_init - set the identity and config size; called first in the
 * device's realize.  @config_size bytes of vdev->config are allocated.
 */
void virtio_init(VirtIODevice *vdev, uint16_t device_id, size_t config_size);
void virtio_cleanup(VirtIODevice *vdev);
/*
 * virtio_add_queue - queue number n (in call order) of up to @queue_size
 * entries (a power of two <= VIRTQUEUE_MAX_SIZE); @handle_output runs
 * when the driver notifies it.  NULL if there are too many queues.
 */
VirtQueue *virtio_add_queue(VirtIODevice *vdev, int queue_size,
                            VirtIOHandleOutput handle_output);
void virtio_del_queue(VirtIODevice *vdev, int n);
VirtQueue *virtio_get_queue(VirtIODevice *vdev, int n);
int virtio_get_num_queues(VirtIODevice *vdev);
int virtio_queue_get_index(VirtQueue *vq);

/* ---- features ---- */

static inline bool virtio_has_feature(uint64_t features, unsigned int fbit)
{
    return fbit < 64 && (features & (1ULL << fbit));
}
static inline void virtio_add_feature(uint64_t *features, unsigned int fbit)
{
    *features |= 1ULL << fbit;
}
static inline void virtio_clear_feature(uint64_t *features, unsigned int fbit)
{
    *features &= ~(1ULL << fbit);
}
static inline bool virtio_vdev_has_feature(const VirtIODevice *vdev,
                                           unsigned int fbit)
{
    return virtio_has_feature(vdev->guest_features, fbit);
}
static inline bool virtio_host_has_feature(const VirtIODevice *vdev,
                                           unsigned int fbit)
{
    return virtio_has_feature(vdev->host_features, fbit);
}
/* Driver acknowledges @val; -EINVAL (and nothing kept) if not offered. */
int virtio_set_features(VirtIODevice *vdev, uint64_t val);

/* ---- status, reset, interrupts ---- */

int virtio_set_status(VirtIODevice *vdev, uint8_t val);
void virtio_reset(VirtIODevice *vdev);
/* The driver misused the device: log, set NEEDS_RESET, stop the queues. */
void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Used-buffer notification for @vq, unless the driver suppressed it. */
void virtio_notify(VirtIODevice *vdev, VirtQueue *vq);
/* Configuration change notification. */
void virtio_notify_config(VirtIODevice *vdev);
/* Read and clear the ISR (transport). */
uint8_t virtio_isr_read_and_clear(VirtIODevice *vdev);

/* ---- virtqueues ---- */

/*
 * virtqueue_pop - the next available chain, or NULL if none (or the
 * driver broke the ring: then virtio_error() was called).  @sz is the
 * size of the caller's struct, which starts with a VirtQueueElement.
 * Buffers are checked against guest RAM; chains are bounded by the ring
 * (or indirect table) size.
 */
void *virtqueue_pop(VirtQueue *vq, size_t sz);
/* Return @elem to the used ring with @len bytes written, and publish. */
void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len);
/* Batched form: fill at offset @idx, then flush @count entries. */
void virtqueue_fill(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len, unsigned int idx);
void virtqueue_flush(VirtQueue *vq, unsigned int count);
/* Put @elem back to be popped again (e.g. no room in the backend). */
void virtqueue_unpop(VirtQueue *vq, const VirtQueueElement *elem,
                     unsigned int len);
bool virtio_queue_empty(VirtQueue *vq);
bool virtio_queue_ready(VirtQueue *vq);
/* Ask the driver for (or tell it to skip) available-buffer notifications. */
void virtio_queue_set_notification(VirtQueue *vq, int enable);
void virtqueue_get_avail_bytes(VirtQueue *vq, unsigned int *in_bytes,
                               unsigned int *out_bytes, unsigned max_in,
                               unsigned max_out);

/* Copy between an iovec array and a buffer, from byte @offset. */
size_t iov_to_buf(const struct iovec *iov, unsigned int iov_cnt,
                  size_t offset, void *buf, size_t bytes);
size_t iov_from_buf(const struct iovec *iov, unsigned int iov_cnt,
                    size_t offset, const void *buf, size_t bytes);
size_t iov_size(const struct iovec *iov, unsigned int iov_cnt);

/* ---- transport side (virtio-pci) ---- */

void virtio_queue_set_num(VirtIODevice *vdev, int n, int num);
int virtio_queue_get_num(VirtIODevice *vdev, int n);
int virtio_queue_get_max_num(VirtIODevice *vdev, int n);
/* Modern: the three ring addresses; legacy: one page frame, 4 KiB aligned. */
void virtio_queue_set_rings(VirtIODevice *vdev, int n, hwaddr desc,
                            hwaddr avail, hwaddr used);
void virtio_queue_get_rings(VirtIODevice *vdev, int n, hwaddr *desc,
                            hwaddr *avail, hwaddr *used);
void virtio_queue_set_addr_legacy(VirtIODevice *vdev, int n, hwaddr addr);
hwaddr virtio_queue_get_addr_legacy(VirtIODevice *vdev, int n);
void virtio_queue_set_enabled(VirtIODevice *vdev, int n, bool enabled);
bool virtio_queue_enabled(VirtIODevice *vdev, int n);
void virtio_queue_set_vector(VirtIODevice *vdev, int n, uint16_t vector);
uint16_t virtio_queue_vector(VirtIODevice *vdev, int n);
/* The driver kicked queue @n. */
void virtio_queue_notify(VirtIODevice *vdev, int n);

/* Device configuration space access, little-endian, bounds-checked. */
uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t addr, unsigned size);
void virtio_config_write(VirtIODevice *vdev, uint32_t addr, uint32_t val,
                         unsigned size);

#endif
