/*
 * The virtio device base ("virtio-device") and the virtio bus between a
 * device and its transport proxy (virtio 1.2 sections 2.1 status, 2.2
 * feature bits, 2.5 configuration space, 3.1 initialization, 2.4 reset).
 * The ring itself is in virtqueue.c.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-bus.h"
#include "virtio-internal.h"

/* ---- queues ---- */

VirtQueue *virtio_add_queue(VirtIODevice *vdev, int queue_size,
                            VirtIOHandleOutput handle_output)
{
    int i;

    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        if (vdev->vq[i].num_max == 0) {
            break;
        }
    }
    if (i == VIRTIO_QUEUE_MAX || queue_size <= 0 ||
        queue_size > VIRTQUEUE_MAX_SIZE ||
        (queue_size & (queue_size - 1))) {
        return NULL;
    }
    vdev->vq[i].num_max = queue_size;
    vdev->vq[i].handle_output = handle_output;
    virtqueue_reset(&vdev->vq[i]);
    return &vdev->vq[i];
}

void virtio_del_queue(VirtIODevice *vdev, int n)
{
    if (n >= 0 && n < VIRTIO_QUEUE_MAX) {
        virtqueue_reset(&vdev->vq[n]);
        vdev->vq[n].num_max = 0;
        vdev->vq[n].num = 0;
        vdev->vq[n].handle_output = NULL;
    }
}

VirtQueue *virtio_get_queue(VirtIODevice *vdev, int n)
{
    return &vdev->vq[n];
}

int virtio_get_num_queues(VirtIODevice *vdev)
{
    int i;

    for (i = 0; i < VIRTIO_QUEUE_MAX && vdev->vq[i].num_max; i++) {
    }
    return i;
}

int virtio_queue_get_index(VirtQueue *vq)
{
    return vq->index;
}

/* A valid queue the device created, or NULL (logged). */
static VirtQueue *vq_of(VirtIODevice *vdev, int n)
{
    if (n < 0 || n >= VIRTIO_QUEUE_MAX || !vdev->vq[n].num_max) {
        return NULL;
    }
    return &vdev->vq[n];
}

void virtio_queue_set_num(VirtIODevice *vdev, int n, int num)
{
    VirtQueue *vq = vq_of(vdev, n);

    /* 4.1.4.3.2: a power of two no larger than the device's maximum */
    if (vq && num > 0 && num <= (int)vq->num_max && !(num & (num - 1))) {
        vq->num = num;
    } else if (vq) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: bad size %d for queue %d\n",
                      vdev->name, num, n);
    }
}

int virtio_queue_get_num(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? vq->num : 0;
}

int virtio_queue_get_max_num(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? vq->num_max : 0;
}

void virtio_queue_set_rings(VirtIODevice *vdev, int n, hwaddr desc,
                            hwaddr avail, hwaddr used)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (vq) {
        vq->desc = desc;
        vq->avail = avail;
        vq->used = used;
    }
}

void virtio_queue_get_rings(VirtIODevice *vdev, int n, hwaddr *desc,
                            hwaddr *avail, hwaddr *used)
{
    VirtQueue *vq = vq_of(vdev, n);

    *desc = vq ? vq->desc : 0;
    *avail = vq ? vq->avail : 0;
    *used = vq ? vq->used : 0;
}

/* Legacy layout (4.1.5.1.4.1 / virtio 0.9.5 2.3): 4 KiB-aligned used ring. */
#define VIRTIO_LEGACY_ALIGN 4096

void virtio_queue_set_addr_legacy(VirtIODevice *vdev, int n, hwaddr addr)
{
    VirtQueue *vq = vq_of(vdev, n);
    hwaddr avail, used;

    if (!vq) {
        return;
    }
    if (!addr) {
        virtqueue_reset(vq);
        return;
    }
    avail = addr + vq->num * VRING_DESC_SIZE;
    used = QEMU_ALIGN_UP(avail + 4 + 2 * vq->num + 2, VIRTIO_LEGACY_ALIGN);
    virtio_queue_set_rings(vdev, n, addr, avail, used);
    vq->enabled = true;
}

hwaddr virtio_queue_get_addr_legacy(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? vq->desc : 0;
}

void virtio_queue_set_enabled(VirtIODevice *vdev, int n, bool enabled)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (vq) {
        vq->enabled = enabled;
    }
}

bool virtio_queue_enabled(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq && vq->enabled;
}

void virtio_queue_set_vector(VirtIODevice *vdev, int n, uint16_t vector)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (vq) {
        vq->vector = vector;
    }
}

uint16_t virtio_queue_vector(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? vq->vector : VIRTIO_NO_VECTOR;
}

void virtio_queue_notify(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (!vq) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: notify of queue %d\n",
                      vdev->name, n);
        return;
    }
    if (vdev->broken || !virtio_queue_ready(vq) || !vq->handle_output) {
        return;
    }
    vq->handle_output(vdev, vq);
}

/* ---- interrupts ---- */

static void virtio_transport_notify(VirtIODevice *vdev, uint16_t vector)
{
    if (vdev->transport.notify) {
        vdev->transport.notify(vdev->transport.opaque, vector);
    }
}

void virtio_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    if (!virtqueue_should_notify(vq)) {
        return;
    }
    vdev->isr |= VIRTIO_ISR_QUEUE;
    virtio_transport_notify(vdev, vq->vector);
}

void virtio_notify_config(VirtIODevice *vdev)
{
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    vdev->isr |= VIRTIO_ISR_CONFIG;
    vdev->generation++;
    virtio_transport_notify(vdev, vdev->config_vector);
}

uint8_t virtio_isr_read_and_clear(VirtIODevice *vdev)
{
    uint8_t isr = vdev->isr;

    vdev->isr = 0;
    return isr;
}

void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qemu_log_mask(LOG_GUEST_ERROR, "%s: %s\n", vdev->name, msg);
    vdev->broken = true;
    /* 2.1.2: a modern driver learns it must reset the device */
    if (virtio_vdev_has_feature(vdev, VIRTIO_F_VERSION_1)) {
        vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
        virtio_notify_config(vdev);
    }
}

/* ---- features, status, reset ---- */

int virtio_set_features(VirtIODevice *vdev, uint64_t val)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    /* 3.1.1: features cannot change after FEATURES_OK */
    if (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) {
        return -EINVAL;
    }
    if (val & ~vdev->host_features) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: driver accepted features 0x%"
                      PRIx64 " that were not offered\n", vdev->name,
                      val & ~vdev->host_features);
        val &= vdev->host_features;
        vdev->guest_features = val;
        if (vdc->set_features) {
            vdc->set_features(vdev, val);
        }
        return -EINVAL;
    }
    vdev->guest_features = val;
    if (vdc->set_features) {
        vdc->set_features(vdev, val);
    }
    return 0;
}

int virtio_set_status(VirtIODevice *vdev, uint8_t val)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    /* A modern driver must negotiate VERSION_1 before FEATURES_OK */
    if ((val & VIRTIO_CONFIG_S_FEATURES_OK) &&
        !(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) &&
        vdev->transport.modern &&
        !virtio_vdev_has_feature(vdev, VIRTIO_F_VERSION_1)) {
        val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
    }
    vdev->status = val;
    if (vdc->set_status) {
        vdc->set_status(vdev, val);
    }
    return 0;
}

void virtio_reset(VirtIODevice *vdev)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (vdc->reset) {
        vdc->reset(vdev);
    }
    vdev->status = 0;
    vdev->isr = 0;
    vdev->broken = false;
    vdev->queue_sel = 0;
    vdev->guest_features = 0;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        if (vdev->vq[i].num_max) {
            virtqueue_reset(&vdev->vq[i]);
        }
    }
}

/* ---- configuration space ---- */

uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t addr, unsigned size)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);
    uint32_t val = 0;

    if (addr + size > vdev->config_len || size > 4) {
        return (uint32_t)-1;
    }
    if (vdc->get_config) {
        vdc->get_config(vdev, vdev->config);
    }
    for (unsigned i = 0; i < size; i++) {
        val |= (uint32_t)vdev->config[addr + i] << (8 * i);
    }
    return val;
}

void virtio_config_write(VirtIODevice *vdev, uint32_t addr, uint32_t val,
                         unsigned size)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (addr + size > vdev->config_len || size > 4) {
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        vdev->config[addr + i] = val >> (8 * i);
    }
    if (vdc->set_config) {
        vdc->set_config(vdev, vdev->config);
    }
}

/* ---- device life cycle ---- */

void virtio_init(VirtIODevice *vdev, uint16_t device_id, size_t config_size)
{
    vdev->device_id = device_id;
    vdev->config_len = config_size;
    g_free(vdev->config);
    vdev->config = config_size ? g_malloc0(config_size) : NULL;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    if (!vdev->name) {
        vdev->name = object_get_typename(OBJECT(vdev));
    }
}

void virtio_cleanup(VirtIODevice *vdev)
{
    g_clear_pointer(&vdev->config, g_free);
    vdev->config_len = 0;
}

static void virtio_device_realize(DeviceState *dev, Error **errp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(dev);
    Error *err = NULL;
    uint64_t features = 0;

    if (vdc->realize) {
        vdc->realize(dev, &err);
        if (err) {
            error_propagate(errp, err);
            return;
        }
    }
    /* What every split-ring device offers, as QEMU's common features */
    if (vdev->indirect_desc) {
        virtio_add_feature(&features, VIRTIO_RING_F_INDIRECT_DESC);
    }
    if (vdev->event_idx) {
        virtio_add_feature(&features, VIRTIO_RING_F_EVENT_IDX);
    }
    if (vdev->notify_on_empty) {
        virtio_add_feature(&features, VIRTIO_F_NOTIFY_ON_EMPTY);
    }
    if (vdev->any_layout) {
        virtio_add_feature(&features, VIRTIO_F_ANY_LAYOUT);
    }
    virtio_add_feature(&features, VIRTIO_F_VERSION_1);
    if (vdc->get_features) {
        features = vdc->get_features(vdev, features, &err);
        if (err) {
            error_propagate(errp, err);
            if (vdc->unrealize) {
                vdc->unrealize(dev);
            }
            return;
        }
    }
    vdev->host_features = features;
    if (!virtio_bus_device_plugged(vdev, &err)) {
        error_propagate(errp, err);
        if (vdc->unrealize) {
            vdc->unrealize(dev);
        }
    }
}

static void virtio_device_unrealize(DeviceState *dev)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(dev);

    virtio_bus_device_unplugged(vdev);
    if (vdc->unrealize) {
        vdc->unrealize(dev);
    }
}

static void virtio_device_reset(DeviceState *dev)
{
    virtio_reset(VIRTIO_DEVICE(dev));
}

static void virtio_device_instance_init(Object *obj)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(obj);

    vdev->vq = g_new0(VirtQueue, VIRTIO_QUEUE_MAX);
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        vdev->vq[i].vdev = vdev;
        vdev->vq[i].index = i;
        vdev->vq[i].vector = VIRTIO_NO_VECTOR;
    }
    vdev->config_vector = VIRTIO_NO_VECTOR;
}

static void virtio_device_finalize(Object *obj)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(obj);

    g_free(vdev->vq);
    g_free(vdev->config);
}

/* QEMU's DEFINE_VIRTIO_COMMON_FEATURES, as every virtio device has them */
static const Property virtio_device_properties[] = {
    DEFINE_PROP_BOOL("indirect_desc", VirtIODevice, indirect_desc, true),
    DEFINE_PROP_BOOL("event_idx", VirtIODevice, event_idx, true),
    DEFINE_PROP_BOOL("notify_on_empty", VirtIODevice, notify_on_empty, true),
    DEFINE_PROP_BOOL("any_layout", VirtIODevice, any_layout, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = virtio_device_realize;
    dc->unrealize = virtio_device_unrealize;
    dc->reset = virtio_device_reset;
    dc->bus_type = TYPE_VIRTIO_BUS;
    /* created by its -pci proxy, not on its own */
    dc->user_creatable = false;
    device_class_set_props(dc, virtio_device_properties);
}

static const TypeInfo virtio_types[] = {
    {
        .name = TYPE_VIRTIO_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(VirtIODevice),
        .instance_init = virtio_device_instance_init,
        .instance_finalize = virtio_device_finalize,
        .abstract = true,
        .class_size = sizeof(VirtioDeviceClass),
        .class_init = virtio_device_class_init,
    },
};

static void virtio_register_types(void)
{
    type_register_static_array(virtio_types, ARRAY_SIZE(virtio_types));
}

type_init(virtio_register_types)
