/*
 * virtio entropy device (virtio 1.2 section 5.4): one request queue; the
 * driver posts device-writable buffers and the device fills them with
 * random bytes from the host (getrandom(2), as QEMU's default rng-random
 * backend reading /dev/urandom).  "virtio-rng-device" on the virtio bus,
 * "virtio-rng-pci" as the PCI proxy.  max-bytes/period rate limiting is
 * accepted but not enforced.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include <sys/random.h>
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-pci.h"

#define TYPE_VIRTIO_RNG     "virtio-rng-device"
#define VIRTIO_RNG_QUEUE    8

typedef struct VirtIORNG {
    VirtIODevice parent_obj;
    VirtQueue *vq;
    uint64_t max_bytes;
    uint32_t period_ms;
} VirtIORNG;

#define VIRTIO_RNG(obj) OBJECT_CHECK(VirtIORNG, (obj), TYPE_VIRTIO_RNG)

static void virtio_rng_fill(const struct iovec *iov, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        size_t done = 0;

        while (done < iov[i].iov_len) {
            ssize_t r = getrandom((char *)iov[i].iov_base + done,
                                  iov[i].iov_len - done, 0);

            if (r <= 0) {
                if (r < 0 && errno == EINTR) {
                    continue;
                }
                return;
            }
            done += r;
        }
    }
}

static void virtio_rng_handle_request(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtQueueElement *elem;
    bool pushed = false;

    while ((elem = virtqueue_pop(vq, sizeof(*elem)))) {
        size_t len = iov_size(elem->in_sg, elem->in_num);

        virtio_rng_fill(elem->in_sg, elem->in_num);
        virtqueue_push(vq, elem, len);
        g_free(elem);
        pushed = true;
    }
    if (pushed) {
        virtio_notify(vdev, vq);
    }
}

static uint64_t virtio_rng_get_features(VirtIODevice *vdev, uint64_t f,
                                        Error **errp)
{
    return f;
}

static void virtio_rng_realize(DeviceState *dev, Error **errp)
{
    VirtIORNG *s = VIRTIO_RNG(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    if (s->period_ms == 0) {
        error_setg(errp, "'period' parameter expects a positive integer");
        return;
    }
    vdev->name = "virtio-rng";
    virtio_init(vdev, VIRTIO_ID_RNG, 0);
    s->vq = virtio_add_queue(vdev, VIRTIO_RNG_QUEUE,
                             virtio_rng_handle_request);
}

static void virtio_rng_unrealize(DeviceState *dev)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    virtio_del_queue(vdev, 0);
    virtio_cleanup(vdev);
}

static const Property virtio_rng_properties[] = {
    DEFINE_PROP_UINT64("max-bytes", VirtIORNG, max_bytes, INT64_MAX),
    DEFINE_PROP_UINT32("period", VirtIORNG, period_ms, 1 << 16),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_rng_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    vdc->realize = virtio_rng_realize;
    vdc->unrealize = virtio_rng_unrealize;
    vdc->get_features = virtio_rng_get_features;
    set_bit_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, virtio_rng_properties);
}

static const TypeInfo virtio_rng_info = {
    .name = TYPE_VIRTIO_RNG,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIORNG),
    .class_init = virtio_rng_class_init,
};

/* ---- virtio-rng-pci ---- */

static void virtio_rng_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->class_id = 0x00ff;      /* QEMU's PCI_CLASS_OTHERS */
    dc->desc = NULL;
    set_bit_category(dc, DEVICE_CATEGORY_MISC);
}

static const VirtioPCIDeviceTypeInfo virtio_rng_pci_info = {
    .generic_name = "virtio-rng-pci",
    .vdev_type = TYPE_VIRTIO_RNG,
    .class_init = virtio_rng_pci_class_init,
};

static void virtio_rng_register_types(void)
{
    type_register_static(&virtio_rng_info);
    virtio_pci_types_register(&virtio_rng_pci_info);
}

type_init(virtio_rng_register_types)
