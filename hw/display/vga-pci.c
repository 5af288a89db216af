/*
 * "VGA": QEMU's -vga std, the standard VGA as PCI device 1234:1111 (class
 * 0300).  BAR 0: the VRAM as a prefetchable linear framebuffer; BAR 2: 4
 * KiB of MMIO for drivers that avoid port I/O (Linux's bochs-drm): the
 * VGA ports 0x3c0-0x3df at 0x400, the Bochs VBE registers at 0x500 (index
 * * 2, 16-bit), QEMU's extended registers at 0x600 and an EDID block at
 * 0 (edid=on).  The legacy ports and window are decoded as on every VGA.
 * Not modelled: the option ROM.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/display/vga.h"
#include "hw/display/edid.h"

#define TYPE_PCI_VGA "VGA"

#define PCI_VGA_EDID_OFFSET     0x000
#define PCI_VGA_EDID_SIZE       0x400
#define PCI_VGA_IOPORT_OFFSET   0x400
#define PCI_VGA_IOPORT_SIZE     0x20
#define PCI_VGA_BOCHS_OFFSET    0x500
#define PCI_VGA_BOCHS_SIZE      (VBE_DISPI_INDEX_NB * 2)
#define PCI_VGA_QEXT_OFFSET     0x600
#define PCI_VGA_QEXT_SIZE       8
#define PCI_VGA_MMIO_SIZE       0x1000
/* QEMU's extended registers: region size, then the framebuffer byte order */
#define PCI_VGA_QEXT_REG_SIZE       0
#define PCI_VGA_QEXT_REG_BYTEORDER  4
#define PCI_VGA_QEXT_LITTLE_ENDIAN  0x1e1e1e1e

OBJECT_DECLARE_SIMPLE_TYPE(PCIVGAState, PCI_VGA)

struct PCIVGAState {
    PCIDevice parent_obj;
    VGACommonState vga;
    MemoryRegion mmio;
    MemoryRegion mrs[3];        /* ioports, bochs dispi, qemu ext */
    MemoryRegion edid_mr;
    uint8_t edid_blob[EDID_BLOCK_SIZE];
    bool mmio_bar;              /* property "mmio" */
    bool qext;                  /* property "qemu-extended-regs" */
    bool edid;                  /* EDID at BAR 2 offset 0 for bochs-drm */
    /* accepted for QEMU's command lines and `info qtree` */
    bool global_vmstate;
    uint32_t xres, yres, xmax, ymax, refresh_rate;
};

static uint64_t pci_vga_ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    VGACommonState *s = opaque;
    uint64_t val = 0;

    /* 16-bit accesses are two byte ports, low byte first */
    for (unsigned i = 0; i < size; i++) {
        val |= (uint64_t)vga_ioport_read(s, 0x3c0 + addr + i) << (8 * i);
    }
    return val;
}

static void pci_vga_ioport_write(void *opaque, hwaddr addr, uint64_t val,
                                 unsigned size)
{
    VGACommonState *s = opaque;

    for (unsigned i = 0; i < size; i++) {
        vga_ioport_write(s, 0x3c0 + addr + i, (val >> (8 * i)) & 0xff);
    }
}

static const MemoryRegionOps pci_vga_ioport_ops = {
    .read = pci_vga_ioport_read,
    .write = pci_vga_ioport_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 2 },
};

static uint64_t pci_vga_bochs_read(void *opaque, hwaddr addr, unsigned size)
{
    VGACommonState *s = opaque;

    vbe_ioport_write_index(s, addr >> 1);
    return vbe_ioport_read_data(s);
}

static void pci_vga_bochs_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    VGACommonState *s = opaque;

    vbe_ioport_write_index(s, addr >> 1);
    vbe_ioport_write_data(s, val);
}

static const MemoryRegionOps pci_vga_bochs_ops = {
    .read = pci_vga_bochs_read,
    .write = pci_vga_bochs_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 2, .max_access_size = 2 },
};

static uint64_t pci_vga_qext_read(void *opaque, hwaddr addr, unsigned size)
{
    switch (addr) {
    case PCI_VGA_QEXT_REG_SIZE:
        return PCI_VGA_QEXT_SIZE;
    case PCI_VGA_QEXT_REG_BYTEORDER:
        return PCI_VGA_QEXT_LITTLE_ENDIAN;
    default:
        return 0;
    }
}

static void pci_vga_qext_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    /* only little-endian framebuffers: a request for big-endian is ignored */
}

static const MemoryRegionOps pci_vga_qext_ops = {
    .read = pci_vga_qext_read,
    .write = pci_vga_qext_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static uint64_t pci_vga_edid_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIVGAState *p = opaque;
    uint64_t val = 0;

    for (unsigned i = 0; i < size; i++) {
        if (addr + i < EDID_BLOCK_SIZE) {
            val |= (uint64_t)p->edid_blob[addr + i] << (8 * i);
        }
    }
    return val;
}

static void pci_vga_edid_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    /* read-only */
}

static const MemoryRegionOps pci_vga_edid_ops = {
    .read = pci_vga_edid_read,
    .write = pci_vga_edid_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void pci_vga_reset(DeviceState *dev)
{
    vga_common_reset(&PCI_VGA(dev)->vga);
}

static void pci_vga_realize(PCIDevice *d, Error **errp)
{
    PCIVGAState *p = PCI_VGA(d);
    VGACommonState *s = &p->vga;

    if (!vga_common_init(s, OBJECT(d), errp)) {
        return;
    }
    vga_init_legacy(s, get_system_memory(), get_system_io());
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_MEM_PREFETCH, &s->vram);

    memory_region_init(&p->mmio, OBJECT(d), "vga.mmio", PCI_VGA_MMIO_SIZE);
    memory_region_init_io(&p->mrs[0], OBJECT(d), &pci_vga_ioport_ops, s,
                          "vga ioports remapped", PCI_VGA_IOPORT_SIZE);
    memory_region_init_io(&p->mrs[1], OBJECT(d), &pci_vga_bochs_ops, s,
                          "bochs dispi interface", PCI_VGA_BOCHS_SIZE);
    memory_region_init_io(&p->mrs[2], OBJECT(d), &pci_vga_qext_ops, s,
                          "qemu extended regs", PCI_VGA_QEXT_SIZE);
    memory_region_add_subregion(&p->mmio, PCI_VGA_IOPORT_OFFSET, &p->mrs[0]);
    memory_region_add_subregion(&p->mmio, PCI_VGA_BOCHS_OFFSET, &p->mrs[1]);
    if (p->qext) {
        memory_region_add_subregion(&p->mmio, PCI_VGA_QEXT_OFFSET,
                                    &p->mrs[2]);
    }
    memory_region_init_io(&p->edid_mr, OBJECT(d), &pci_vga_edid_ops, p,
                          "edid", PCI_VGA_EDID_SIZE);
    if (p->edid) {
        edid_generate(p->edid_blob, p->xres ? p->xres : 1280,
                      p->yres ? p->yres : 800);
        memory_region_add_subregion(&p->mmio, PCI_VGA_EDID_OFFSET,
                                    &p->edid_mr);
    }
    if (p->mmio_bar) {
        pci_register_bar(d, 2, PCI_BASE_ADDRESS_SPACE_MEMORY, &p->mmio);
    }
}

static void pci_vga_exit(PCIDevice *d)
{
    PCIVGAState *p = PCI_VGA(d);

    for (int i = 0; i < 3; i++) {
        if (i < 2 || p->qext) {
            memory_region_del_subregion(&p->mmio, &p->mrs[i]);
        }
        memory_region_destroy(&p->mrs[i]);
    }
    if (p->edid) {
        memory_region_del_subregion(&p->mmio, &p->edid_mr);
    }
    memory_region_destroy(&p->edid_mr);
    memory_region_destroy(&p->mmio);
    vga_common_exit(&p->vga);
}

static const Property pci_vga_properties[] = {
    DEFINE_PROP_UINT32("vgamem_mb", PCIVGAState, vga.vram_size_mb, 16),
    DEFINE_PROP_BOOL("mmio", PCIVGAState, mmio_bar, true),
    DEFINE_PROP_BOOL("qemu-extended-regs", PCIVGAState, qext, true),
    DEFINE_PROP_BOOL("edid", PCIVGAState, edid, true),
    DEFINE_PROP_UINT32("xres", PCIVGAState, xres, 1280),
    DEFINE_PROP_UINT32("yres", PCIVGAState, yres, 800),
    DEFINE_PROP_UINT32("xmax", PCIVGAState, xmax, 0),
    DEFINE_PROP_UINT32("ymax", PCIVGAState, ymax, 0),
    DEFINE_PROP_UINT32("refresh_rate", PCIVGAState, refresh_rate, 0),
    DEFINE_PROP_BOOL("global-vmstate", PCIVGAState, global_vmstate, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void pci_vga_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = pci_vga_realize;
    k->exit = pci_vga_exit;
    k->vendor_id = 0x1234;              /* QEMU's "Bochs" display */
    k->device_id = 0x1111;
    k->revision = 2;
    k->class_id = PCI_CLASS_DISPLAY_VGA;
    dc->reset = pci_vga_reset;
    set_bit_category(dc, DEVICE_CATEGORY_DISPLAY);
    device_class_set_props(dc, pci_vga_properties);
}

static const TypeInfo pci_vga_info = {
    .name = TYPE_PCI_VGA,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PCIVGAState),
    .class_init = pci_vga_class_init,
};

static void pci_vga_register_types(void)
{
    type_register_static(&pci_vga_info);
}

type_init(pci_vga_register_types)
