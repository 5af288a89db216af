/*
 * virtio-blk (virtio 1.2 section 5.2): one request queue over a block
 * backend given by the "drive" property; "serial" for GET_ID.  Requests
 * run in the block worker pool (hw/block/virtio-blk-req.c) and complete
 * with the BQL held.  Features: SEG_MAX, GEOMETRY, BLK_SIZE, FLUSH,
 * TOPOLOGY, CONFIG_WCE, DISCARD, WRITE_ZEROES, RO for read-only drives.
 * Not modelled: multiqueue, SCSI passthrough, zoned devices.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/block/virtio-blk-req.h"
#include "block/blockdev.h"

#define TYPE_VIRTIO_BLK "virtio-blk-device"
#define VIRTIO_BLK(obj) OBJECT_CHECK(VirtIOBlock, (obj), TYPE_VIRTIO_BLK)

#define VIRTIO_BLK_F_SEG_MAX      2
#define VIRTIO_BLK_F_GEOMETRY     4
#define VIRTIO_BLK_F_RO           5
#define VIRTIO_BLK_F_BLK_SIZE     6
#define VIRTIO_BLK_F_FLUSH        9
#define VIRTIO_BLK_F_TOPOLOGY     10
#define VIRTIO_BLK_F_CONFIG_WCE   11
#define VIRTIO_BLK_F_DISCARD      13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_QUEUE_SIZE 256
#define VIRTIO_BLK_CONFIG_SIZE 60

typedef struct VirtIOBlock {
    VirtIODevice parent_obj;
    VirtQueue *vq;
    char *drive;             /* property: drive id or node name */
    char *serial;            /* property */
    BlockBackend *blk;
    DriveInfo *dinfo;
    bool own_blk;            /* we made the backend (a -blockdev node) */
    uint8_t wce;             /* writeback cache enabled (config) */
    uint32_t generation;     /* bumped at reset: stale completions drop */
} VirtIOBlock;

typedef struct VirtIOBlkInflight {
    VirtIOBlkReq req;
    VirtQueueElement *elem;
    VirtIOBlock *s;
    uint32_t generation;
} VirtIOBlkInflight;

static void st_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        p[i] = v >> (8 * i);
    }
}

static void virtio_blk_req_complete(VirtIOBlkReq *req, uint8_t status,
                                    uint32_t in_len)
{
    VirtIOBlkInflight *f = req->opaque;
    VirtIOBlock *s = f->s;
    if (f->generation == s->generation) {
        virtqueue_push(s->vq, f->elem, in_len);
        virtio_notify(VIRTIO_DEVICE(s), s->vq);
    }
    g_free(f->elem);
    g_free(f);
}

static void virtio_blk_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq, sizeof(*elem)))) {
        VirtIOBlkInflight *f = g_new0(VirtIOBlkInflight, 1);
        f->elem = elem;
        f->s = s;
        f->generation = s->generation;
        f->req = (VirtIOBlkReq) {
            .blk = s->blk,
            .serial = s->serial,
            .read_only = blk_is_read_only(s->blk),
            .out = elem->out_sg,
            .out_num = elem->out_num,
            .in = elem->in_sg,
            .in_num = elem->in_num,
            .complete = virtio_blk_req_complete,
            .opaque = f,
            .dinfo = s->dinfo,
        };
        virtio_blk_handle_request(&f->req);
    }
}

static void virtio_blk_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    int64_t len = blk_getlength(s->blk);
    uint64_t sectors = len > 0 ? len / 512 : 0;
    uint64_t cyls = MIN(MAX(sectors / (16 * 63), 1), 16383);

    memset(config, 0, VIRTIO_BLK_CONFIG_SIZE);
    st_le(config + 0, sectors, 8);                          /* capacity */
    st_le(config + 12, VIRTIO_BLK_QUEUE_SIZE - 2, 4);       /* seg_max */
    st_le(config + 16, cyls, 2);                            /* geometry */
    config[18] = 16;
    config[19] = 63;
    st_le(config + 20, 512, 4);                             /* blk_size */
    st_le(config + 26, 1, 2);                               /* min_io_size */
    config[32] = s->wce;                                    /* writeback */
    st_le(config + 34, 1, 2);                               /* num_queues */
    st_le(config + 36, VIRTIO_BLK_MAX_DISCARD_SECTORS, 4);
    st_le(config + 40, VIRTIO_BLK_MAX_DISCARD_SEG, 4);
    st_le(config + 44, 1, 4);                    /* discard alignment */
    st_le(config + 48, VIRTIO_BLK_MAX_DISCARD_SECTORS, 4);
    st_le(config + 52, 1, 4);                    /* max_write_zeroes_seg */
    config[56] = 1;                              /* write_zeroes_may_unmap */
}

/* block_resize: the capacity is read from the backend; tell the driver. */
static void virtio_blk_resize(void *opaque)
{
    virtio_notify_config(VIRTIO_DEVICE(opaque));
}

static void virtio_blk_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    /* Only "writeback" is writable; kemu keeps flushing on guest flushes. */
    s->wce = config[32] ? 1 : 0;
}

static uint64_t virtio_blk_get_features(VirtIODevice *vdev, uint64_t f,
                                        Error **errp)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    static const int bits[] = {
        VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_GEOMETRY, VIRTIO_BLK_F_BLK_SIZE,
        VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_TOPOLOGY, VIRTIO_BLK_F_CONFIG_WCE,
        VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES,
    };
    for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
        virtio_add_feature(&f, bits[i]);
    }
    if (blk_is_read_only(s->blk)) {
        virtio_add_feature(&f, VIRTIO_BLK_F_RO);
    }
    return f;
}

static void virtio_blk_reset(VirtIODevice *vdev)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    /* In-flight requests finish in the backend but are not pushed. */
    s->generation++;
    s->wce = 1;
}

static void virtio_blk_realize(DeviceState *dev, Error **errp)
{
    VirtIOBlock *s = VIRTIO_BLK(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    if (!s->drive) {
        error_setg(errp, "drive property not set");
        return;
    }
    s->blk = blockdev_get_backend(s->drive, &s->dinfo);
    if (!s->blk) {
        error_setg(errp, "Property 'virtio-blk-device.drive' can't find value "
                   "'%s'", s->drive);
        return;
    }
    if (s->dinfo) {
        if (s->dinfo->claimed) {
            error_setg(errp, "Drive '%s' is already in use by another device",
                       s->drive);
            s->blk = NULL;
            return;
        }
        s->dinfo->claimed = true;
        g_free(s->dinfo->qdev);
        s->dinfo->qdev = object_get_canonical_path(OBJECT(dev));
        if (!s->serial && s->dinfo->serial) {
            s->serial = g_strdup(s->dinfo->serial);
        }
    } else {
        s->own_blk = true;
    }
    blk_set_resize_cb(s->blk, virtio_blk_resize, s);
    s->wce = 1;
    vdev->name = "virtio-blk";
    virtio_init(vdev, VIRTIO_ID_BLOCK, VIRTIO_BLK_CONFIG_SIZE);
    s->vq = virtio_add_queue(vdev, VIRTIO_BLK_QUEUE_SIZE,
                             virtio_blk_handle_output);
}

static void virtio_blk_unrealize(DeviceState *dev)
{
    VirtIOBlock *s = VIRTIO_BLK(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    virtio_del_queue(vdev, 0);
    virtio_cleanup(vdev);
    if (s->blk) {
        blk_drain(s->blk);
        blk_flush(s->blk);
        blk_set_resize_cb(s->blk, NULL, NULL);
    }
    if (s->dinfo) {
        /* As QEMU: a -drive / drive_add drive goes away with its device. */
        s->dinfo->claimed = false;
        g_free(s->dinfo->qdev);
        s->dinfo->qdev = NULL;
        drive_del(s->dinfo);
        s->dinfo = NULL;
    } else if (s->own_blk) {
        blk_unref(s->blk);
    }
    s->blk = NULL;
}

static const Property virtio_blk_properties[] = {
    DEFINE_PROP_STRING("drive", VirtIOBlock, drive),
    DEFINE_PROP_STRING("serial", VirtIOBlock, serial),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_blk_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    vdc->realize = virtio_blk_realize;
    vdc->unrealize = virtio_blk_unrealize;
    vdc->get_features = virtio_blk_get_features;
    vdc->get_config = virtio_blk_get_config;
    vdc->set_config = virtio_blk_set_config;
    vdc->reset = virtio_blk_reset;
    set_bit_category(dc, DEVICE_CATEGORY_STORAGE);
    device_class_set_props(dc, virtio_blk_properties);
}

static const TypeInfo virtio_blk_info = {
    .name = TYPE_VIRTIO_BLK,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIOBlock),
    .class_init = virtio_blk_class_init,
};

static void virtio_blk_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->class_id = 0x0100;      /* QEMU's PCI_CLASS_STORAGE_SCSI */
    set_bit_category(dc, DEVICE_CATEGORY_STORAGE);
}

static const VirtioPCIDeviceTypeInfo virtio_blk_pci_info = {
    .generic_name = "virtio-blk-pci",
    .vdev_type = TYPE_VIRTIO_BLK,
    .class_init = virtio_blk_pci_class_init,
};

static void virtio_blk_register_types(void)
{
    type_register_static(&virtio_blk_info);
    virtio_pci_types_register(&virtio_blk_pci_info);
}

type_init(virtio_blk_register_types)
