/*
 * PIIX3 IDE function (Intel 82371SB, 8086:7010 at 00:01.1): two IDE
 * channels at the legacy ports (0x1f0/0x3f6 on ISA IRQ 14, 0x170/0x376
 * on IRQ 15) in compatibility mode, and the bus-master DMA engine in
 * BAR4 (82371SB datasheet section 2.7: BMICx command, BMISx status,
 * BMIDTPx descriptor table pointer; PRD entries of address, byte count
 * and end-of-table bit).  Not modelled: native-mode BARs, timings.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/isa/isa.h"
#include "hw/block/ide.h"
#include "hw/block/ide-dev.h"
#include "hw/block/piix-ide.h"
#include "block/blockdev.h"

#define TYPE_PIIX3_IDE "piix3-ide"
#define PCI_DEVICE_ID_INTEL_82371SB_1 0x7010

OBJECT_DECLARE_SIMPLE_TYPE(PIIXIDEState, PIIX3_IDE)

/* Bus-master registers, per channel */
#define BM_CMD_START   0x01
#define BM_CMD_READ    0x08      /* 1: device to memory */
#define BM_STATUS_DMAING 0x01
#define BM_STATUS_ERROR  0x02
#define BM_STATUS_INT    0x04
#define BM_PRD_EOT     0x80000000u

typedef struct BMDMAState {
    struct PIIXIDEState *dev;
    IDEBus bus;
    uint8_t cmd;
    uint8_t status;
    uint32_t prd_addr;
    /* walk of the current PRD table */
    uint32_t cur_prd;            /* next entry to load */
    uint32_t cur_addr;           /* guest address in the current entry */
    uint32_t cur_left;           /* bytes left in the current entry */
    bool eot;                    /* the current entry is the last */
    IRQLine *irq_in;             /* the IDE bus's line, into us */
    MemoryRegion cmd_io;         /* 0x1f0-0x1f7 / 0x170-0x177 */
    MemoryRegion ctrl_io;        /* 0x3f6 / 0x376 */
} BMDMAState;

struct PIIXIDEState {
    PCIDevice parent_obj;
    BMDMAState bm[2];
    BusState *qbus[2];           /* ide.0, ide.1: the drive devices */
    MemoryRegion bmdma_io;
};

/* The IDE line passes through: raising it also flags the BM status. */
static void piix_ide_irq(void *opaque, int n, int level)
{
    BMDMAState *bm = opaque;
    ISABus *isa = isa_bus_get_default();
    if (level) {
        bm->status |= BM_STATUS_INT;
    }
    /* Looked up late: the machine wires the ISA lines after creating us. */
    irq_set(isa ? isa->irqs[14 + n] : NULL, level);
}

static int piix_bmdma_rw(void *opaque, uint8_t *buf, int len, bool to_guest)
{
    BMDMAState *bm = opaque;
    PCIDevice *pci = PCI_DEVICE(bm->dev);
    int done = 0;

    while (done < len) {
        if (!bm->cur_left) {
            if (bm->eot) {
                break;
            }
            uint8_t prd[8];
            if (pci_dma_read(pci, bm->cur_prd, prd, 8) != MEMTX_OK) {
                break;
            }
            bm->cur_prd += 8;
            bm->cur_addr = prd[0] | (prd[1] << 8) | (prd[2] << 16) |
                           ((uint32_t)prd[3] << 24);
            uint32_t count = prd[4] | (prd[5] << 8);
            bm->cur_left = count ? count : 0x10000;
            bm->eot = prd[7] & 0x80;
        }
        uint32_t n = MIN((uint32_t)(len - done), bm->cur_left);
        MemTxResult r = to_guest
            ? pci_dma_write(pci, bm->cur_addr, buf + done, n)
            : pci_dma_read(pci, bm->cur_addr, buf + done, n);
        if (r != MEMTX_OK) {
            qemu_log_mask(LOG_GUEST_ERROR, "piix-ide: DMA to bad address "
                          "0x%x\n", bm->cur_addr);
            break;
        }
        bm->cur_addr += n;
        bm->cur_left -= n;
        done += n;
    }
    return done;
}

/* The PRD table from its start, mapped into guest RAM (IDEDMAOps.map). */
static int piix_bmdma_map(void *opaque, int len, bool to_guest,
                          struct iovec *iov, uint64_t *addr, int max)
{
    BMDMAState *bm = opaque;
    PCIDevice *pci = PCI_DEVICE(bm->dev);
    uint32_t prd = bm->prd_addr;
    bool eot = false;
    int n = 0;

    if (!pci_bus_master_enabled(pci)) {
        return -1;
    }
    /* Every entry adds an element: @max bounds the walk. */
    while (len > 0 && !eot) {
        uint8_t e[8];
        if (pci_dma_read(pci, prd, e, 8) != MEMTX_OK) {
            return -1;
        }
        prd += 8;
        hwaddr a = e[0] | (e[1] << 8) | (e[2] << 16) |
                   ((uint32_t)e[3] << 24);
        uint32_t count = e[4] | (e[5] << 8);
        count = MIN(count ? count : 0x10000, (uint32_t)len);
        eot = e[7] & 0x80;
        len -= count;
        n = ide_dma_map_range(a, count, to_guest, iov, addr, n, max);
        if (n < 0) {
            return -1;
        }
    }
    return len ? -1 : n;
}

static void piix_bmdma_done(void *opaque, bool error)
{
    BMDMAState *bm = opaque;
    bm->status &= ~BM_STATUS_DMAING;
    if (error) {
        bm->status |= BM_STATUS_ERROR;
    }
}

static const IDEDMAOps piix_dma_ops = {
    .rw = piix_bmdma_rw,
    .done = piix_bmdma_done,
    .map = piix_bmdma_map,
    .unmap = ide_dma_unmap_ram,
};

static void piix_bmdma_cmd_write(BMDMAState *bm, uint8_t val)
{
    bool was = bm->cmd & BM_CMD_START;
    bm->cmd = val & (BM_CMD_START | BM_CMD_READ);
    if (!(val & BM_CMD_START)) {
        bm->status &= ~BM_STATUS_DMAING;
        return;
    }
    if (!was) {
        bm->status |= BM_STATUS_DMAING;
        bm->cur_prd = bm->prd_addr;
        bm->cur_left = 0;
        bm->eot = false;
        ide_dma_run(&bm->bus);
    }
}

static uint64_t piix_bmdma_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIXIDEState *s = opaque;
    BMDMAState *bm = &s->bm[addr >> 3];
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned reg = (addr + i) & 7;
        uint8_t b;
        switch (reg) {
        case 0: b = bm->cmd; break;
        case 2: b = bm->status; break;
        case 4: case 5: case 6: case 7:
            b = bm->prd_addr >> (8 * (reg - 4));
            break;
        default: b = 0; break;
        }
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

static void piix_bmdma_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    PIIXIDEState *s = opaque;
    BMDMAState *bm = &s->bm[addr >> 3];
    for (unsigned i = 0; i < size; i++) {
        unsigned reg = (addr + i) & 7;
        uint8_t b = val >> (8 * i);
        switch (reg) {
        case 0:
            piix_bmdma_cmd_write(bm, b);
            break;
        case 2:
            /* bits 5-6 are storage; error and interrupt are write-1-clear */
            bm->status = (b & 0x60) | (bm->status & BM_STATUS_DMAING) |
                         (bm->status & ~b & (BM_STATUS_ERROR |
                                             BM_STATUS_INT));
            break;
        case 4: case 5: case 6: case 7: {
            int sh = 8 * (reg - 4);
            bm->prd_addr = (bm->prd_addr & ~(0xffu << sh)) |
                           ((uint32_t)b << sh);
            bm->prd_addr &= ~3u;
            break;
        }
        }
    }
}

static const MemoryRegionOps piix_bmdma_ops = {
    .read = piix_bmdma_read,
    .write = piix_bmdma_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t piix_cmd_read(void *opaque, hwaddr addr, unsigned size)
{
    BMDMAState *bm = opaque;
    if (addr == 0 && size > 1) {
        return ide_data_read(&bm->bus, size);
    }
    return ide_ioport_read(&bm->bus, addr);
}

static void piix_cmd_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    BMDMAState *bm = opaque;
    if (addr == 0 && size > 1) {
        ide_data_write(&bm->bus, val, size);
    } else {
        ide_ioport_write(&bm->bus, addr, val);
    }
}

static const MemoryRegionOps piix_cmd_ops = {
    .read = piix_cmd_read,
    .write = piix_cmd_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t piix_ctrl_read(void *opaque, hwaddr addr, unsigned size)
{
    BMDMAState *bm = opaque;
    return ide_status_read(&bm->bus);
}

static void piix_ctrl_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    BMDMAState *bm = opaque;
    ide_ctrl_write(&bm->bus, val);
}

static const MemoryRegionOps piix_ctrl_ops = {
    .read = piix_ctrl_read,
    .write = piix_ctrl_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void piix_ide_reset(DeviceState *dev)
{
    PIIXIDEState *s = PIIX3_IDE(dev);
    for (int i = 0; i < 2; i++) {
        BMDMAState *bm = &s->bm[i];
        bm->cmd = 0;
        bm->status = 0x60;       /* both drives DMA capable */
        bm->prd_addr = 0;
        ide_bus_reset(&bm->bus);
    }
}

static void piix_ide_realize(PCIDevice *d, Error **errp)
{
    PIIXIDEState *s = PIIX3_IDE(d);
    static const uint16_t cmd_base[2] = { 0x1f0, 0x170 };
    static const uint16_t ctrl_base[2] = { 0x3f6, 0x376 };

    d->config[PCI_INTERRUPT_PIN] = 0;
    /* IDE decode enable for both channels (IDETIM bit 15). */
    d->config[0x41] = 0x80;
    d->config[0x43] = 0x80;
    memory_region_init_io(&s->bmdma_io, OBJECT(s), &piix_bmdma_ops, s,
                          "piix-bmdma-container", 16);
    pci_register_bar(d, 4, PCI_BASE_ADDRESS_SPACE_IO, &s->bmdma_io);
    for (int i = 0; i < 2; i++) {
        BMDMAState *bm = &s->bm[i];
        bm->dev = s;
        bm->irq_in = irq_line_new(piix_ide_irq, bm, i);
        ide_bus_init(&bm->bus, bm->irq_in);
        ide_bus_set_dma(&bm->bus, &piix_dma_ops, bm);
        memory_region_init_io(&bm->cmd_io, OBJECT(s), &piix_cmd_ops, bm,
                              "ide", 8);
        memory_region_add_subregion(get_system_io(), cmd_base[i],
                                    &bm->cmd_io);
        memory_region_init_io(&bm->ctrl_io, OBJECT(s), &piix_ctrl_ops, bm,
                              "ide", 1);
        memory_region_add_subregion(get_system_io(), ctrl_base[i],
                                    &bm->ctrl_io);
        s->qbus[i] = ide_qbus_new(DEVICE(s), &bm->bus);
    }
}

static void piix_ide_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = piix_ide_realize;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_82371SB_1;
    pc->class_id = PCI_CLASS_STORAGE_IDE;
    pc->class_prog = 0x80;        /* legacy mode, bus master */
    dc->reset = piix_ide_reset;
    dc->desc = "PIIX3 IDE controller";
    set_bit_category(dc, DEVICE_CATEGORY_STORAGE);
}

static const TypeInfo piix_ide_info = {
    .name = TYPE_PIIX3_IDE,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PIIXIDEState),
    .class_init = piix_ide_class_init,
};

static void piix_ide_register_types(void)
{
    type_register_static(&piix_ide_info);
}

type_init(piix_ide_register_types)

PCIDevice *piix3_ide_init(PCIBus *bus, Error **errp)
{
    PCIDevice *d = pci_create_simple(bus, PCI_DEVFN(1, 1), TYPE_PIIX3_IDE,
                                     errp);
    PIIXIDEState *s = d ? PIIX3_IDE(d) : NULL;

    /* The if=ide drives, each as QEMU's pc makes them: an IDE device. */
    for (int i = 0; s && i < 2; i++) {
        for (int unit = 0; unit < 2; unit++) {
            DriveInfo *di = drive_get(IF_IDE, i, unit);
            if (di && !ide_create_drive(s->qbus[i], di, errp)) {
                return NULL;
            }
        }
    }
    return d;
}
