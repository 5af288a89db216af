/*
 * Split virtqueues (virtio 1.2 section 2.7): the device side of the
 * descriptor table, available ring and used ring in guest memory, with
 * indirect descriptors (2.7.5.3) and VIRTIO_F_EVENT_IDX notification
 * suppression (2.7.7, 2.7.10).  Everything the driver wrote is checked:
 * ring indices against the queue size, chains against a bound on their
 * length, buffers against guest RAM (a failure marks the device broken,
 * as QEMU's virtio_error() does).  Rings are accessed through the system
 * address space; buffers are mapped into host pointers.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "virtio-internal.h"

/* Ring field offsets */
#define VRING_AVAIL_FLAGS   0
#define VRING_AVAIL_IDX     2
#define VRING_AVAIL_RING    4
#define VRING_USED_FLAGS    0
#define VRING_USED_IDX      2
#define VRING_USED_RING     4

static uint64_t ldn(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

#define ldq_le_p(p)  ldn((p), 8)
#define ldl_le_p(p)  ((uint32_t)ldn((p), 4))
#define lduw_le_p(p) ((uint16_t)ldn((p), 2))

static void stl_le_p(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

/* Full barrier: with KVM the driver runs concurrently on vCPU threads. */
static inline void virtio_mb(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static uint16_t ld16(hwaddr addr)
{
    uint64_t v = 0;

    address_space_ld(&address_space_memory, addr, 2, &v);
    return v;
}

static void st16(hwaddr addr, uint16_t v)
{
    address_space_st(&address_space_memory, addr, 2, v);
}

static uint16_t vring_avail_idx(VirtQueue *vq)
{
    return ld16(vq->avail + VRING_AVAIL_IDX);
}

static uint16_t vring_avail_flags(VirtQueue *vq)
{
    return ld16(vq->avail + VRING_AVAIL_FLAGS);
}

static uint16_t vring_avail_ring(VirtQueue *vq, unsigned i)
{
    return ld16(vq->avail + VRING_AVAIL_RING + 2 * i);
}

/* used_event lives after the available ring (EVENT_IDX) */
static uint16_t vring_used_event(VirtQueue *vq)
{
    return ld16(vq->avail + VRING_AVAIL_RING + 2 * vq->num);
}

/* avail_event lives after the used ring (EVENT_IDX) */
static void vring_set_avail_event(VirtQueue *vq, uint16_t val)
{
    st16(vq->used + VRING_USED_RING + VRING_USED_ELEM_SIZE * vq->num, val);
}

static void vring_used_flags_set(VirtQueue *vq, uint16_t mask, bool on)
{
    uint16_t f = ld16(vq->used + VRING_USED_FLAGS);

    st16(vq->used + VRING_USED_FLAGS, on ? f | mask : f & ~mask);
}

void virtqueue_reset(VirtQueue *vq)
{
    vq->desc = vq->avail = vq->used = 0;
    vq->num = vq->num_max;
    vq->enabled = false;
    vq->last_avail_idx = 0;
    vq->used_idx = 0;
    vq->signalled_used = 0;
    vq->signalled_used_valid = false;
    vq->notification = true;
    vq->inuse = 0;
    vq->vector = VIRTIO_NO_VECTOR;
}

bool virtio_queue_ready(VirtQueue *vq)
{
    return vq->desc != 0 && vq->num != 0;
}

bool virtio_queue_empty(VirtQueue *vq)
{
    if (!virtio_queue_ready(vq) || vq->vdev->broken) {
        return true;
    }
    return vring_avail_idx(vq) == vq->last_avail_idx;
}

void virtio_queue_set_notification(VirtQueue *vq, int enable)
{
    vq->notification = enable;
    if (!virtio_queue_ready(vq)) {
        return;
    }
    if (virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        vring_set_avail_event(vq, vring_avail_idx(vq));
    } else {
        vring_used_flags_set(vq, VRING_USED_F_NO_NOTIFY, !enable);
    }
    if (enable) {
        /* Expose the flag before re-checking the ring (caller's loop) */
        virtio_mb();
    }
}

/* ---- descriptors ---- */

typedef struct VRingDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VRingDesc;

static bool vring_read_desc(VirtIODevice *vdev, hwaddr table, unsigned i,
                            VRingDesc *d)
{
    uint8_t b[VRING_DESC_SIZE];

    if (address_space_read(&address_space_memory, table + i * VRING_DESC_SIZE,
                           b, sizeof(b)) != MEMTX_OK) {
        virtio_error(vdev, "Cannot read descriptor %u", i);
        return false;
    }
    d->addr = ldq_le_p(b);
    d->len = ldl_le_p(b + 8);
    d->flags = lduw_le_p(b + 12);
    d->next = lduw_le_p(b + 14);
    return true;
}

typedef struct ChainBuild {
    unsigned out_num, in_num;
    hwaddr addr[VIRTQUEUE_MAX_SIZE];
    struct iovec iov[VIRTQUEUE_MAX_SIZE];
} ChainBuild;

/*
 * Map one descriptor's buffer, possibly as several iovecs when it spans
 * RAM regions.  Device-writable buffers must follow all readable ones.
 */
static bool chain_map_desc(VirtIODevice *vdev, ChainBuild *c,
                           const VRingDesc *d)
{
    bool is_write = d->flags & VRING_DESC_F_WRITE;
    hwaddr addr = d->addr;
    uint64_t left = d->len;

    if (!is_write && c->in_num) {
        virtio_error(vdev, "Incorrect order for descriptors");
        return false;
    }
    if (addr + left < addr) {
        virtio_error(vdev, "Descriptor buffer wraps around");
        return false;
    }
    while (left) {
        unsigned n = c->out_num + c->in_num;
        hwaddr len = left;
        void *p;

        if (n >= VIRTQUEUE_MAX_SIZE) {
            virtio_error(vdev, "virtio: too many write descriptors in "
                         "indirect table");
            return false;
        }
        p = address_space_map_ram(&address_space_memory, addr, &len,
                                  is_write);
        if (!p || !len) {
            virtio_error(vdev, "virtio: bogus descriptor or out of "
                         "resources");
            return false;
        }
        c->iov[n].iov_base = p;
        c->iov[n].iov_len = len;
        c->addr[n] = addr;
        if (is_write) {
            c->in_num++;
        } else {
            c->out_num++;
        }
        addr += len;
        left -= len;
    }
    return true;
}

/* Walk the chain from @head; false (device broken) on any driver error. */
static bool vring_walk_chain(VirtQueue *vq, unsigned head, ChainBuild *c,
                             unsigned *ndescs)
{
    VirtIODevice *vdev = vq->vdev;
    hwaddr table = vq->desc;
    unsigned max = vq->num, i = head, seen = 0;
    bool indirect = false;
    VRingDesc d;

    if (!vring_read_desc(vdev, table, i, &d)) {
        return false;
    }
    if (d.flags & VRING_DESC_F_INDIRECT) {
        if (!virtio_vdev_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC)) {
            virtio_error(vdev, "Indirect descriptors not negotiated");
            return false;
        }
        if (d.len == 0 || d.len % VRING_DESC_SIZE ||
            d.len / VRING_DESC_SIZE > VIRTQUEUE_MAX_SIZE) {
            virtio_error(vdev, "Invalid size for indirect buffer table");
            return false;
        }
        /* The indirect table replaces the chain (2.7.5.3.1) */
        table = d.addr;
        max = d.len / VRING_DESC_SIZE;
        i = 0;
        indirect = true;
        if (!vring_read_desc(vdev, table, i, &d)) {
            return false;
        }
    }
    for (;;) {
        if (++seen > max) {
            virtio_error(vdev, "Looped descriptor");
            return false;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            virtio_error(vdev, indirect ? "Nested indirect descriptor"
                                        : "Indirect descriptor in a chain");
            return false;
        }
        if (!chain_map_desc(vdev, c, &d)) {
            return false;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            break;
        }
        i = d.next;
        if (i >= max) {
            virtio_error(vdev, "Desc next is %u", i);
            return false;
        }
        if (!vring_read_desc(vdev, table, i, &d)) {
            return false;
        }
    }
    *ndescs = seen;
    return true;
}

void *virtqueue_pop(VirtQueue *vq, size_t sz)
{
    VirtIODevice *vdev = vq->vdev;
    g_autofree ChainBuild *c = NULL;
    VirtQueueElement *elem;
    uint16_t avail_idx;
    unsigned head, ndescs = 0, n;
    size_t off_addr, off_iov;

    if (vdev->broken || !virtio_queue_ready(vq)) {
        return NULL;
    }
    avail_idx = vring_avail_idx(vq);
    if (avail_idx == vq->last_avail_idx) {
        return NULL;
    }
    if ((uint16_t)(avail_idx - vq->last_avail_idx) > vq->num) {
        virtio_error(vdev, "Guest moved used index from %u to %u",
                     vq->last_avail_idx, avail_idx);
        return NULL;
    }
    /* Read the ring entry only after seeing the index (2.7.13.3) */
    virtio_mb();
    head = vring_avail_ring(vq, vq->last_avail_idx % vq->num);
    if (head >= vq->num) {
        virtio_error(vdev, "Guest says index %u is available", head);
        return NULL;
    }
    c = g_new(ChainBuild, 1);
    c->out_num = c->in_num = 0;
    if (!vring_walk_chain(vq, head, c, &ndescs)) {
        return NULL;
    }
    vq->last_avail_idx++;
    if (virtio_vdev_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX) &&
        vq->notification) {
        vring_set_avail_event(vq, vq->last_avail_idx);
    }

    /* One block: the caller's struct, then addresses, then iovecs */
    n = c->out_num + c->in_num;
    sz = MAX(sz, sizeof(VirtQueueElement));
    off_addr = QEMU_ALIGN_UP(sz, __alignof__(hwaddr));
    off_iov = QEMU_ALIGN_UP(off_addr + n * sizeof(hwaddr),
                            __alignof__(struct iovec));
    elem = g_malloc0(off_iov + n * sizeof(struct iovec));
    elem->index = head;
    elem->ndescs = ndescs;
    elem->out_num = c->out_num;
    elem->in_num = c->in_num;
    elem->out_addr = (hwaddr *)((char *)elem + off_addr);
    elem->in_addr = elem->out_addr + c->out_num;
    elem->out_sg = (struct iovec *)((char *)elem + off_iov);
    elem->in_sg = elem->out_sg + c->out_num;
    memcpy(elem->out_addr, c->addr, n * sizeof(hwaddr));
    memcpy(elem->out_sg, c->iov, n * sizeof(struct iovec));
    vq->inuse++;
    return elem;
}

void virtqueue_unpop(VirtQueue *vq, const VirtQueueElement *elem,
                     unsigned int len)
{
    vq->last_avail_idx--;
    vq->inuse--;
}

void virtqueue_fill(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len, unsigned int idx)
{
    uint8_t e[VRING_USED_ELEM_SIZE];
    unsigned slot;

    if (vq->vdev->broken || !virtio_queue_ready(vq)) {
        return;
    }
    slot = (vq->used_idx + idx) % vq->num;
    stl_le_p(e, elem->index);
    stl_le_p(e + 4, len);
    address_space_write(&address_space_memory,
                        vq->used + VRING_USED_RING + slot * sizeof(e), e,
                        sizeof(e));
}

void virtqueue_flush(VirtQueue *vq, unsigned int count)
{
    uint16_t old, new;

    if (vq->vdev->broken || !virtio_queue_ready(vq)) {
        vq->inuse -= MIN(count, vq->inuse);
        return;
    }
    /* The used elements must be visible before the index (2.7.8.2) */
    virtio_mb();
    old = vq->used_idx;
    new = old + count;
    st16(vq->used + VRING_USED_IDX, new);
    vq->used_idx = new;
    vq->inuse -= MIN(count, vq->inuse);
    /* The signalled index is stale if it now lies in the skipped window */
    if ((uint16_t)(new - vq->signalled_used) < (uint16_t)(new - old)) {
        vq->signalled_used_valid = false;
    }
}

void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len)
{
    virtqueue_fill(vq, elem, len, 0);
    virtqueue_flush(vq, 1);
}

/* 2.7.10: interrupt if the driver's used_event lies in (old, new] */
static bool vring_need_event(uint16_t event, uint16_t new, uint16_t old)
{
    return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

bool virtqueue_should_notify(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;
    uint16_t old, new;
    bool valid;

    if (!virtio_queue_ready(vq)) {
        return false;
    }
    virtio_mb();
    if (virtio_vdev_has_feature(vdev, VIRTIO_F_NOTIFY_ON_EMPTY) &&
        !vq->inuse && virtio_queue_empty(vq)) {
        return true;
    }
    if (!virtio_vdev_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX)) {
        return !(vring_avail_flags(vq) & VRING_AVAIL_F_NO_INTERRUPT);
    }
    valid = vq->signalled_used_valid;
    vq->signalled_used_valid = true;
    old = vq->signalled_used;
    new = vq->signalled_used = vq->used_idx;
    return !valid || vring_need_event(vring_used_event(vq), new, old);
}

void virtqueue_get_avail_bytes(VirtQueue *vq, unsigned int *in_bytes,
                               unsigned int *out_bytes, unsigned max_in,
                               unsigned max_out)
{
    uint16_t saved = vq->last_avail_idx;
    unsigned in = 0, out = 0;
    VirtQueueElement *elem;

    /* Peek by popping and rewinding: simple and bounded by the ring. */
    while ((in < max_in || out < max_out) &&
           (elem = virtqueue_pop(vq, sizeof(*elem)))) {
        in += iov_size(elem->in_sg, elem->in_num);
        out += iov_size(elem->out_sg, elem->out_num);
        vq->inuse--;
        g_free(elem);
    }
    vq->last_avail_idx = saved;
    if (in_bytes) {
        *in_bytes = MIN(in, max_in);
    }
    if (out_bytes) {
        *out_bytes = MIN(out, max_out);
    }
}

/* ---- iovec helpers ---- */

size_t iov_size(const struct iovec *iov, unsigned int iov_cnt)
{
    size_t n = 0;

    for (unsigned i = 0; i < iov_cnt; i++) {
        n += iov[i].iov_len;
    }
    return n;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int iov_cnt,
                  size_t offset, void *buf, size_t bytes)
{
    size_t done = 0;

    for (unsigned i = 0; i < iov_cnt && done < bytes; i++) {
        size_t len = iov[i].iov_len;

        if (offset >= len) {
            offset -= len;
            continue;
        }
        len = MIN(len - offset, bytes - done);
        memcpy((char *)buf + done, (char *)iov[i].iov_base + offset, len);
        done += len;
        offset = 0;
    }
    return done;
}

size_t iov_from_buf(const struct iovec *iov, unsigned int iov_cnt,
                    size_t offset, const void *buf, size_t bytes)
{
    size_t done = 0;

    for (unsigned i = 0; i < iov_cnt && done < bytes; i++) {
        size_t len = iov[i].iov_len;

        if (offset >= len) {
            offset -= len;
            continue;
        }
        len = MIN(len - offset, bytes - done);
        memcpy((char *)iov[i].iov_base + offset, (const char *)buf + done,
               len);
        done += len;
        offset = 0;
    }
    return done;
}
