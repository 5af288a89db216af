/*
 * virtio PCI transport (virtio 1.2 section 4.1).  Modern interface: vendor
 * capabilities (4.1.4) pointing into BAR4 (64-bit, prefetchable, 16 KiB:
 * common configuration at 0, ISR at 0x1000, device configuration at
 * 0x2000, notifications at 0x3000 with notify_off_multiplier 4), QEMU's
 * layout.  Legacy interface (4.1.5.1.3 / virtio 0.9.5): registers in the
 * I/O BAR0, the device configuration after them.  MSI-X in BAR1 when
 * "vectors" is non-zero, otherwise INTx driven by the ISR queue bit.
 * Not modelled: the PCI configuration access capability, ioeventfd,
 * packed rings, per-queue reset.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/virtio/virtio-pci.h"

/* Modern capability types (4.1.4) */
#define VIRTIO_PCI_CAP_COMMON_CFG   1
#define VIRTIO_PCI_CAP_NOTIFY_CFG   2
#define VIRTIO_PCI_CAP_ISR_CFG      3
#define VIRTIO_PCI_CAP_DEVICE_CFG   4
#define VIRTIO_PCI_CAP_LEN          16
#define VIRTIO_PCI_NOTIFY_CAP_LEN   20

#define VIRTIO_PCI_MODERN_BAR       4
#define VIRTIO_PCI_MSIX_BAR         1
#define VIRTIO_PCI_LEGACY_BAR       0
#define VIRTIO_PCI_REGION_SIZE      0x1000
#define VIRTIO_PCI_COMMON_OFF       0x0000
#define VIRTIO_PCI_ISR_OFF          0x1000
#define VIRTIO_PCI_DEVICE_OFF       0x2000
#define VIRTIO_PCI_NOTIFY_OFF       0x3000
#define VIRTIO_PCI_NOTIFY_MULT      4
#define VIRTIO_PCI_NVECTORS_DEFAULT 2

/* Common configuration structure (4.1.4.3) */
#define VIRTIO_PCI_COMMON_DFSELECT      0x00
#define VIRTIO_PCI_COMMON_DF            0x04
#define VIRTIO_PCI_COMMON_GFSELECT      0x08
#define VIRTIO_PCI_COMMON_GF            0x0c
#define VIRTIO_PCI_COMMON_MSIX          0x10
#define VIRTIO_PCI_COMMON_NUMQ          0x12
#define VIRTIO_PCI_COMMON_STATUS        0x14
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15
#define VIRTIO_PCI_COMMON_Q_SELECT      0x16
#define VIRTIO_PCI_COMMON_Q_SIZE        0x18
#define VIRTIO_PCI_COMMON_Q_MSIX        0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE      0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF        0x1e
#define VIRTIO_PCI_COMMON_Q_DESCLO      0x20
#define VIRTIO_PCI_COMMON_Q_DESCHI      0x24
#define VIRTIO_PCI_COMMON_Q_AVAILLO     0x28
#define VIRTIO_PCI_COMMON_Q_AVAILHI     0x2c
#define VIRTIO_PCI_COMMON_Q_USEDLO      0x30
#define VIRTIO_PCI_COMMON_Q_USEDHI      0x34

/* Legacy registers (4.1.4.8) */
#define VIRTIO_PCI_HOST_FEATURES        0
#define VIRTIO_PCI_GUEST_FEATURES       4
#define VIRTIO_PCI_QUEUE_PFN            8
#define VIRTIO_PCI_QUEUE_NUM            12
#define VIRTIO_PCI_QUEUE_SEL            14
#define VIRTIO_PCI_QUEUE_NOTIFY         16
#define VIRTIO_PCI_STATUS               18
#define VIRTIO_PCI_ISR                  19
#define VIRTIO_MSI_CONFIG_VECTOR        20
#define VIRTIO_MSI_QUEUE_VECTOR         22
#define VIRTIO_PCI_QUEUE_ADDR_SHIFT     12
/* The device configuration follows 20 bytes of registers, 24 with MSI-X */
#define VIRTIO_PCI_CONFIG_OFF(msix)     ((msix) ? 24 : 20)

/* Transitional PCI device IDs (4.1.2.1), by virtio device ID */
static uint16_t virtio_pci_transitional_id(uint16_t virtio_id)
{
    switch (virtio_id) {
    case 1: return 0x1000;      /* network */
    case 2: return 0x1001;      /* block */
    case 5: return 0x1002;      /* balloon */
    case 3: return 0x1003;      /* console */
    case 8: return 0x1004;      /* SCSI */
    case 4: return 0x1005;      /* entropy */
    case 9: return 0x1009;      /* 9P */
    default: return 0;
    }
}

static VirtIODevice *proxy_vdev(VirtIOPCIProxy *proxy)
{
    return proxy->vdev && DEVICE(proxy->vdev)->realized ? proxy->vdev : NULL;
}

/* ---- interrupts ---- */

static void virtio_pci_notify(void *opaque, uint16_t vector)
{
    VirtIOPCIProxy *proxy = opaque;
    PCIDevice *d = &proxy->pci_dev;

    if (msix_enabled(d)) {
        if (vector != VIRTIO_NO_VECTOR) {
            msix_notify(d, vector);
        }
    } else {
        pci_set_irq(d, proxy->vdev->isr & (VIRTIO_ISR_QUEUE |
                                           VIRTIO_ISR_CONFIG) ? 1 : 0);
    }
}

static uint16_t virtio_pci_check_vector(VirtIOPCIProxy *proxy, uint16_t v)
{
    /* 4.1.5.1.2: an unusable vector reads back as NO_VECTOR */
    return v < msix_nr_vectors(&proxy->pci_dev) ? v : VIRTIO_NO_VECTOR;
}

/* ---- device status and reset ---- */

static void virtio_pci_reset_queues(VirtIOPCIProxy *proxy)
{
    VirtIODevice *vdev = proxy->vdev;

    proxy->dfselect = proxy->gfselect = 0;
    proxy->guest_features[0] = proxy->guest_features[1] = 0;
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        memset(&proxy->vqs[i], 0, sizeof(proxy->vqs[i]));
        proxy->vqs[i].num = vdev ? virtio_queue_get_max_num(vdev, i) : 0;
    }
}

static void virtio_pci_set_status(VirtIOPCIProxy *proxy, uint8_t val)
{
    VirtIODevice *vdev = proxy->vdev;

    if (val == 0) {
        virtio_reset(vdev);
        virtio_pci_reset_queues(proxy);
        pci_set_irq(&proxy->pci_dev, 0);
        return;
    }
    virtio_set_status(vdev, val);
}

static void virtio_pci_reset(DeviceState *dev)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(dev);

    virtio_pci_reset_queues(proxy);
    pci_set_irq(&proxy->pci_dev, 0);
}

/* ---- modern: common configuration ---- */

static uint64_t virtio_pci_common_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = proxy_vdev(proxy);
    VirtIOPCIQueue *q;

    if (!vdev) {
        return 0;
    }
    q = &proxy->vqs[vdev->queue_sel];
    switch (addr) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        return proxy->dfselect;
    case VIRTIO_PCI_COMMON_DF:
        return proxy->dfselect <= 1 ?
               (uint32_t)(vdev->host_features >> (32 * proxy->dfselect)) : 0;
    case VIRTIO_PCI_COMMON_GFSELECT:
        return proxy->gfselect;
    case VIRTIO_PCI_COMMON_GF:
        return proxy->gfselect <= 1 ?
               proxy->guest_features[proxy->gfselect] : 0;
    case VIRTIO_PCI_COMMON_MSIX:
        return vdev->config_vector;
    case VIRTIO_PCI_COMMON_NUMQ:
        return virtio_get_num_queues(vdev);
    case VIRTIO_PCI_COMMON_STATUS:
        return vdev->status;
    case VIRTIO_PCI_COMMON_CFGGENERATION:
        return vdev->generation & 0xff;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        return vdev->queue_sel;
    case VIRTIO_PCI_COMMON_Q_SIZE:
        return q->num;
    case VIRTIO_PCI_COMMON_Q_MSIX:
        return virtio_queue_vector(vdev, vdev->queue_sel);
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        return q->enabled;
    case VIRTIO_PCI_COMMON_Q_NOFF:
        return vdev->queue_sel;     /* queue index times the multiplier */
    case VIRTIO_PCI_COMMON_Q_DESCLO:
        return q->desc[0];
    case VIRTIO_PCI_COMMON_Q_DESCHI:
        return q->desc[1];
    case VIRTIO_PCI_COMMON_Q_AVAILLO:
        return q->avail[0];
    case VIRTIO_PCI_COMMON_Q_AVAILHI:
        return q->avail[1];
    case VIRTIO_PCI_COMMON_Q_USEDLO:
        return q->used[0];
    case VIRTIO_PCI_COMMON_Q_USEDHI:
        return q->used[1];
    default:
        return 0;
    }
}

static void virtio_pci_common_write(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = proxy_vdev(proxy);
    VirtIOPCIQueue *q;
    int sel;

    if (!vdev) {
        return;
    }
    sel = vdev->queue_sel;
    q = &proxy->vqs[sel];
    switch (addr) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        proxy->dfselect = val;
        break;
    case VIRTIO_PCI_COMMON_GFSELECT:
        proxy->gfselect = val;
        break;
    case VIRTIO_PCI_COMMON_GF:
        if (proxy->gfselect <= 1) {
            proxy->guest_features[proxy->gfselect] = val;
            virtio_set_features(vdev,
                                (uint64_t)proxy->guest_features[1] << 32 |
                                proxy->guest_features[0]);
        }
        break;
    case VIRTIO_PCI_COMMON_MSIX:
        vdev->config_vector = virtio_pci_check_vector(proxy, val);
        break;
    case VIRTIO_PCI_COMMON_STATUS:
        virtio_pci_set_status(proxy, val & 0xff);
        break;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        if (val < VIRTIO_QUEUE_MAX) {
            vdev->queue_sel = val;
        }
        break;
    case VIRTIO_PCI_COMMON_Q_SIZE:
        q->num = val;
        break;
    case VIRTIO_PCI_COMMON_Q_MSIX:
        virtio_queue_set_vector(vdev, sel, virtio_pci_check_vector(proxy,
                                                                   val));
        break;
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        /* 4.1.4.3.2: only 1 may be written; the ring is then live */
        if (val == 1 && virtio_queue_get_max_num(vdev, sel)) {
            virtio_queue_set_num(vdev, sel, q->num);
            virtio_queue_set_rings(vdev, sel,
                                   (uint64_t)q->desc[1] << 32 | q->desc[0],
                                   (uint64_t)q->avail[1] << 32 | q->avail[0],
                                   (uint64_t)q->used[1] << 32 | q->used[0]);
            virtio_queue_set_enabled(vdev, sel, true);
            q->enabled = true;
        } else {
            qemu_log_mask(LOG_GUEST_ERROR, "%s: queue_enable %" PRIu64
                          " for queue %d\n", vdev->name, val, sel);
        }
        break;
    case VIRTIO_PCI_COMMON_Q_DESCLO:
        q->desc[0] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_DESCHI:
        q->desc[1] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_AVAILLO:
        q->avail[0] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_AVAILHI:
        q->avail[1] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_USEDLO:
        q->used[0] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_USEDHI:
        q->used[1] = val;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: write to common config 0x%"
                      HWADDR_PRIx "\n", vdev->name, addr);
        break;
    }
}

static const MemoryRegionOps virtio_pci_common_ops = {
    .read = virtio_pci_common_read,
    .write = virtio_pci_common_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- modern: ISR, device configuration, notifications ---- */

static uint64_t virtio_pci_isr_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = proxy_vdev(proxy);
    uint8_t isr;

    if (!vdev || addr) {
        return 0;
    }
    /* 4.1.4.5: reading clears the ISR and deasserts INTx */
    isr = virtio_isr_read_and_clear(vdev);
    pci_set_irq(&proxy->pci_dev, 0);
    return isr;
}

static void virtio_pci_isr_write(void *opaque, hwaddr addr, uint64_t val,
                                 unsigned size)
{
}

static const MemoryRegionOps virtio_pci_isr_ops = {
    .read = virtio_pci_isr_read,
    .write = virtio_pci_isr_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t virtio_pci_device_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = proxy_vdev(proxy);

    return vdev ? virtio_config_read(vdev, addr, size) : 0;
}

static void virtio_pci_device_write(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = proxy_vdev(proxy);

    if (vdev) {
        virtio_config_write(vdev, addr, val, size);
    }
}

static const MemoryRegionOps virtio_pci_device_ops = {
    .read = virtio_pci_device_read,
    .write = virtio_pci_device_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t virtio_pci_notify_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    return 0;
}

static void virtio_pci_notify_write(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = proxy_vdev(proxy);
    unsigned queue = addr / VIRTIO_PCI_NOTIFY_MULT;

    if (vdev && queue < VIRTIO_QUEUE_MAX) {
        virtio_queue_notify(vdev, queue);
    }
}

static const MemoryRegionOps virtio_pci_notify_ops = {
    .read = virtio_pci_notify_read,
    .write = virtio_pci_notify_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- legacy I/O BAR ---- */

static uint64_t virtio_pci_legacy_read(void *opaque, hwaddr addr,
                                       unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    VirtIODevice *vdev = proxy_vdev(proxy);
    unsigned cfg = VIRTIO_PCI_CONFIG_OFF(msix_enabled(&proxy->pci_dev));

    if (!vdev) {
        return 0;
    }
    if (addr >= cfg) {
        return virtio_config_read(vdev, addr - cfg, size);
    }
    switch (addr) {
    case VIRTIO_PCI_HOST_FEATURES:
        return (uint32_t)vdev->host_features;
    case VIRTIO_PCI_GUEST_FEATURES:
        return (uint32_t)vdev->guest_features;
    case VIRTIO_PCI_QUEUE_PFN:
        return virtio_queue_get_addr_legacy(vdev, vdev->queue_sel) >>
               VIRTIO_PCI_QUEUE_ADDR_SHIFT;
    case VIRTIO_PCI_QUEUE_NUM:
        return virtio_queue_get_num(vdev, vdev->queue_sel);
    case VIRTIO_PCI_QUEUE_SEL:
        return vdev->queue_sel;
    case VIRTIO_PCI_STATUS:
        return vdev->status;
    case VIRTIO_PCI_ISR:
        return virtio_pci_isr_read(proxy, 0, 1);
    case VIRTIO_MSI_CONFIG_VECTOR:
        return vdev->config_vector;
    case VIRTIO_MSI_QUEUE_VECTOR:
        return virtio_queue_vector(vdev, vdev->queue_sel);
    default:
        return 0;
    }
}

static void virtio_pci_legacy_write(void *opaque, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    VirtIOPCIProxy *proxy = opaque;
    PCIDevice *d = &proxy->pci_dev;
    VirtIODevice *vdev = proxy_vdev(proxy);
    unsigned cfg = VIRTIO_PCI_CONFIG_OFF(msix_enabled(d));

    if (!vdev) {
        return;
    }
    if (addr >= cfg) {
        virtio_config_write(vdev, addr - cfg, val, size);
        return;
    }
    switch (addr) {
    case VIRTIO_PCI_GUEST_FEATURES:
        virtio_set_features(vdev, (uint32_t)val);
        break;
    case VIRTIO_PCI_QUEUE_PFN:
        if (val == 0) {
            virtio_pci_set_status(proxy, 0);
        } else {
            virtio_queue_set_addr_legacy(vdev, vdev->queue_sel,
                                         (hwaddr)val <<
                                         VIRTIO_PCI_QUEUE_ADDR_SHIFT);
        }
        break;
    case VIRTIO_PCI_QUEUE_SEL:
        if (val < VIRTIO_QUEUE_MAX) {
            vdev->queue_sel = val;
        }
        break;
    case VIRTIO_PCI_QUEUE_NOTIFY:
        if (val < VIRTIO_QUEUE_MAX) {
            virtio_queue_notify(vdev, val);
        }
        break;
    case VIRTIO_PCI_STATUS:
        virtio_pci_set_status(proxy, val & 0xff);
        /* Old legacy drivers never set bus master (QEMU does this too) */
        if ((val & VIRTIO_CONFIG_S_DRIVER_OK) && !pci_bus_master_enabled(d)) {
            pci_default_write_config(d, PCI_COMMAND,
                                     pci_get_word(d->config + PCI_COMMAND) |
                                     PCI_COMMAND_MASTER, 2);
        }
        break;
    case VIRTIO_MSI_CONFIG_VECTOR:
        vdev->config_vector = virtio_pci_check_vector(proxy, val);
        break;
    case VIRTIO_MSI_QUEUE_VECTOR:
        virtio_queue_set_vector(vdev, vdev->queue_sel,
                                virtio_pci_check_vector(proxy, val));
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "%s: legacy write to 0x%" HWADDR_PRIx
                      "\n", vdev->name, addr);
        break;
    }
}

static const MemoryRegionOps virtio_pci_legacy_ops = {
    .read = virtio_pci_legacy_read,
    .write = virtio_pci_legacy_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- plugging the device: IDs, BARs, capabilities ---- */

static bool virtio_pci_add_cap(PCIDevice *d, uint8_t type, uint32_t offset,
                               uint32_t length, Error **errp)
{
    uint8_t len = type == VIRTIO_PCI_CAP_NOTIFY_CFG ?
                  VIRTIO_PCI_NOTIFY_CAP_LEN : VIRTIO_PCI_CAP_LEN;
    int off = pci_add_capability(d, PCI_CAP_ID_VNDR, 0, len, errp);
    uint8_t *c;

    if (off < 0) {
        return false;
    }
    c = d->config + off;
    c[2] = len;                             /* cap_len */
    c[3] = type;                            /* cfg_type */
    c[4] = VIRTIO_PCI_MODERN_BAR;           /* bar */
    pci_set_long(c + 8, offset);
    pci_set_long(c + 12, length);
    if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
        pci_set_long(c + 16, VIRTIO_PCI_NOTIFY_MULT);
    }
    return true;
}

static void virtio_pci_init_modern(VirtIOPCIProxy *proxy)
{
    Object *owner = OBJECT(proxy);

    memory_region_init(&proxy->modern_bar, owner, "virtio-pci",
                       4 * VIRTIO_PCI_REGION_SIZE);
    memory_region_init_io(&proxy->common, owner, &virtio_pci_common_ops,
                          proxy, "virtio-pci-common",
                          VIRTIO_PCI_REGION_SIZE);
    memory_region_init_io(&proxy->isr, owner, &virtio_pci_isr_ops, proxy,
                          "virtio-pci-isr", VIRTIO_PCI_REGION_SIZE);
    memory_region_init_io(&proxy->device, owner, &virtio_pci_device_ops,
                          proxy, "virtio-pci-device", VIRTIO_PCI_REGION_SIZE);
    memory_region_init_io(&proxy->notify, owner, &virtio_pci_notify_ops,
                          proxy, "virtio-pci-notify", VIRTIO_PCI_REGION_SIZE);
    memory_region_add_subregion(&proxy->modern_bar, VIRTIO_PCI_COMMON_OFF,
                                &proxy->common);
    memory_region_add_subregion(&proxy->modern_bar, VIRTIO_PCI_ISR_OFF,
                                &proxy->isr);
    memory_region_add_subregion(&proxy->modern_bar, VIRTIO_PCI_DEVICE_OFF,
                                &proxy->device);
    memory_region_add_subregion(&proxy->modern_bar, VIRTIO_PCI_NOTIFY_OFF,
                                &proxy->notify);
}

static bool virtio_pci_device_plugged(DeviceState *dev, Error **errp)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(dev);
    PCIDevice *d = &proxy->pci_dev;
    VirtIODevice *vdev = proxy->vdev;
    bool legacy = proxy->disable_legacy != ON_OFF_AUTO_ON;
    bool modern = !proxy->disable_modern;
    uint8_t *c = d->config;

    if (!legacy && !modern) {
        error_setg(errp, "device cannot work as neither modern nor legacy "
                   "mode is enabled");
        return false;
    }
    proxy->legacy = legacy;
    /* As QEMU, show what "auto" became (conventional PCI: legacy on) */
    proxy->disable_legacy = legacy ? ON_OFF_AUTO_OFF : ON_OFF_AUTO_ON;
    vdev->transport = (VirtIOTransport) {
        .notify = virtio_pci_notify,
        .opaque = proxy,
        .modern = modern,
    };
    if (!modern) {
        virtio_clear_feature(&vdev->host_features, VIRTIO_F_VERSION_1);
    }
    /*
     * Legacy drivers that ack everything they see are caught by a bit no
     * device implements (virtio 0.9.5 "BAD_FEATURE"); QEMU offers it too.
     */
    if (legacy) {
        virtio_add_feature(&vdev->host_features, VIRTIO_F_BAD_FEATURE);
    }
    /* 4.1.2: transitional devices keep the 0x1000 IDs, revision 0 */
    pci_set_word(c + PCI_VENDOR_ID, PCI_VENDOR_ID_REDHAT_QUMRANET);
    if (legacy && virtio_pci_transitional_id(vdev->device_id)) {
        pci_set_word(c + PCI_DEVICE_ID,
                     virtio_pci_transitional_id(vdev->device_id));
        c[PCI_REVISION_ID] = 0;
    } else {
        pci_set_word(c + PCI_DEVICE_ID, 0x1040 + vdev->device_id);
        c[PCI_REVISION_ID] = 1;
    }
    pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID, PCI_VENDOR_ID_REDHAT_QUMRANET);
    pci_set_word(c + PCI_SUBSYSTEM_ID, vdev->device_id);
    c[PCI_INTERRUPT_PIN] = 1;

    if (proxy->nvectors == VIRTIO_PCI_NVECTORS_UNSPECIFIED) {
        proxy->nvectors = VIRTIO_PCI_NVECTORS_DEFAULT;
    }
    if (proxy->nvectors > PCI_MSIX_FLAGS_QSIZE + 1) {
        error_setg(errp, "unable to init msix vectors to %" PRIu32,
                   proxy->nvectors);
        return false;
    }
    if (proxy->nvectors &&
        msix_init_exclusive_bar(d, proxy->nvectors, VIRTIO_PCI_MSIX_BAR,
                                errp) < 0) {
        return false;
    }
    if (modern) {
        virtio_pci_init_modern(proxy);
        if (!virtio_pci_add_cap(d, VIRTIO_PCI_CAP_COMMON_CFG,
                                VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_REGION_SIZE,
                                errp) ||
            !virtio_pci_add_cap(d, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_OFF,
                                VIRTIO_PCI_REGION_SIZE, errp) ||
            !virtio_pci_add_cap(d, VIRTIO_PCI_CAP_DEVICE_CFG,
                                VIRTIO_PCI_DEVICE_OFF, VIRTIO_PCI_REGION_SIZE,
                                errp) ||
            !virtio_pci_add_cap(d, VIRTIO_PCI_CAP_NOTIFY_CFG,
                                VIRTIO_PCI_NOTIFY_OFF, VIRTIO_PCI_REGION_SIZE,
                                errp)) {
            return false;
        }
        pci_register_bar(d, VIRTIO_PCI_MODERN_BAR,
                         PCI_BASE_ADDRESS_SPACE_MEMORY |
                         PCI_BASE_ADDRESS_MEM_TYPE_64 |
                         PCI_BASE_ADDRESS_MEM_PREFETCH, &proxy->modern_bar);
    }
    if (legacy) {
        uint64_t size = VIRTIO_PCI_CONFIG_OFF(true) + vdev->config_len;
        uint64_t bar = 32;

        while (bar < size) {
            bar <<= 1;
        }
        memory_region_init_io(&proxy->legacy_io, OBJECT(proxy),
                              &virtio_pci_legacy_ops, proxy, "virtio-pci",
                              bar);
        pci_register_bar(d, VIRTIO_PCI_LEGACY_BAR, PCI_BASE_ADDRESS_SPACE_IO,
                         &proxy->legacy_io);
    }
    virtio_pci_reset_queues(proxy);
    return true;
}

static void virtio_pci_device_unplugged(DeviceState *dev)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(dev);

    proxy->vdev->transport = (VirtIOTransport) { 0 };
}

/* ---- the proxy ---- */

static void virtio_pci_realize(PCIDevice *d, Error **errp)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(d);
    VirtioPCIClass *k = VIRTIO_PCI_GET_CLASS(d);
    Error *err = NULL;

    if (!proxy->vdev) {
        error_setg(errp, "%s has no virtio device",
                   object_get_typename(OBJECT(d)));
        return;
    }
    if (k->realize) {
        k->realize(proxy, &err);
        if (err) {
            error_propagate(errp, err);
            return;
        }
    }
    /* Realizing the device plugs it: virtio_pci_device_plugged() */
    qdev_realize(DEVICE(proxy->vdev), BUS(proxy->bus), errp);
}

static void virtio_pci_exit(PCIDevice *d)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(d);

    if (proxy->vdev) {
        qdev_unrealize(DEVICE(proxy->vdev));
    }
}

static void virtio_pci_instance_init(Object *obj)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(obj);

    proxy->bus = VIRTIO_BUS(qbus_new(TYPE_VIRTIO_PCI_BUS, DEVICE(obj),
                                     "virtio-bus"));
}

static const Property virtio_pci_properties[] = {
    {
        .name = "disable-legacy", .kind = PROP_KIND_ON_OFF_AUTO,
        .offset = offsetof(VirtIOPCIProxy, disable_legacy),
        .set_default = true, .defval.i = ON_OFF_AUTO_AUTO,
        .description = "on/off/auto",
    },
    DEFINE_PROP_BOOL("disable-modern", VirtIOPCIProxy, disable_modern, false),
    /* QEMU's DEV_NVECTORS_UNSPECIFIED: the device's default, here 2 */
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       VIRTIO_PCI_NVECTORS_UNSPECIFIED),
    DEFINE_PROP_END_OF_LIST(),
};

static void virtio_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = virtio_pci_realize;
    pc->exit = virtio_pci_exit;
    pc->vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
    pc->class_id = PCI_CLASS_OTHERS;
    dc->reset = virtio_pci_reset;
    device_class_set_props(dc, virtio_pci_properties);
}

static void virtio_pci_bus_class_init(ObjectClass *klass, void *data)
{
    VirtioBusClass *k = VIRTIO_BUS_CLASS(klass);

    k->device_plugged = virtio_pci_device_plugged;
    k->device_unplugged = virtio_pci_device_unplugged;
}

/* ---- concrete types: the backend child and forwarded properties ---- */

static char *virtio_pci_fwd_get(Object *obj, ObjectProperty *prop,
                                Error **errp)
{
    return object_property_get_str(OBJECT(VIRTIO_PCI(obj)->vdev), prop->name,
                                   errp);
}

static bool virtio_pci_fwd_set(Object *obj, ObjectProperty *prop,
                               const char *value, Error **errp)
{
    return object_property_set_str(OBJECT(VIRTIO_PCI(obj)->vdev), prop->name,
                                   value, errp);
}

typedef struct FwdCtx {
    ObjectClass *proxy_class;
} FwdCtx;

static void virtio_pci_fwd_one(ObjectProperty *p, void *opaque)
{
    FwdCtx *ctx = opaque;
    ObjectProperty *np;

    /* The device's own qdev properties; the proxy's win on a clash */
    if (!p->set || !strcmp(p->name, "realized") ||
        object_class_property_find(ctx->proxy_class, p->name)) {
        return;
    }
    np = object_class_property_add(ctx->proxy_class, p->name, p->type,
                                   virtio_pci_fwd_get, virtio_pci_fwd_set,
                                   NULL);
    if (p->description) {
        np->description = g_strdup(p->description);
    }
    if (p->defval) {
        np->defval = g_strdup(p->defval);
    }
}

static void virtio_pci_concrete_class_init(ObjectClass *klass, void *data)
{
    const VirtioPCIDeviceTypeInfo *t = data;
    FwdCtx ctx = { .proxy_class = klass };

    VIRTIO_PCI_CLASS(klass)->vdev_type = t->vdev_type;
    VIRTIO_PCI_CLASS(klass)->instance_init = t->instance_init;
    VIRTIO_PCI_CLASS(klass)->realize = t->realize;
    if (t->class_init) {
        t->class_init(klass, NULL);
    }
    object_class_property_foreach(object_class_by_name(t->vdev_type),
                                  virtio_pci_fwd_one, &ctx);
}

static void virtio_pci_concrete_instance_init(Object *obj)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(obj);
    VirtioPCIClass *k = VIRTIO_PCI_GET_CLASS(obj);

    proxy->vdev = VIRTIO_DEVICE(object_new(k->vdev_type));
    object_property_add_child(obj, "virtio-backend", OBJECT(proxy->vdev),
                              &error_abort);
    object_unref(proxy->vdev);      /* the child property holds it */
    if (k->instance_init) {
        k->instance_init(obj);
    }
}

void virtio_pci_types_register(const VirtioPCIDeviceTypeInfo *t)
{
    TypeInfo info = {
        .name = t->generic_name,
        .parent = TYPE_VIRTIO_PCI,
        .instance_size = t->instance_size ? t->instance_size
                                          : sizeof(VirtIOPCIProxy),
        .instance_init = virtio_pci_concrete_instance_init,
        .class_init = virtio_pci_concrete_class_init,
        .class_data = (void *)t,
    };

    type_register_static(&info);     /* the TypeInfo is copied */
}

static const TypeInfo virtio_pci_types[] = {
    {
        .name = TYPE_VIRTIO_PCI,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(VirtIOPCIProxy),
        .instance_init = virtio_pci_instance_init,
        .abstract = true,
        .class_size = sizeof(VirtioPCIClass),
        .class_init = virtio_pci_class_init,
    },
    {
        .name = TYPE_VIRTIO_PCI_BUS,
        .parent = TYPE_VIRTIO_BUS,
        .instance_size = sizeof(VirtioBusState),
        .class_size = sizeof(VirtioBusClass),
        .class_init = virtio_pci_bus_class_init,
    },
};

static void virtio_pci_register_types(void)
{
    type_register_static_array(virtio_pci_types, ARRAY_SIZE(virtio_pci_types));
}

type_init(virtio_pci_register_types)
