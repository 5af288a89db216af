/*
 * Intel Q35 (82Q35/G33 MCH) host bridge as QEMU's q35 machine exposes it.
 * "q35-pcihost" inherits the i440FX host's configuration mechanism #1
 * (first 256 bytes of every function) and adds the PCI Express enhanced
 * configuration access mechanism (PCIe Base 4.0 section 7.2.2): a memory
 * window where address bits 27:20 select the bus, 19:15 the device, 14:12
 * the function and 11:0 the register, so every function has 4 KiB of
 * configuration space.  Functions here have no extended capabilities,
 * which PCIe requires to read as a zero header at 0x100 (section 7.6.3),
 * so 0x100-0xfff read as zero and ignore writes.  The "mch" function
 * (8086:29c0) holds PCIEXBAR (Q35 datasheet 5.1.12: bit 0 enable, bits
 * 2:1 length, 00 = 256 buses), which maps the window, the PAM registers
 * at 0x90 (shadow RAM, hw/pci-host/pam.c, as on the i440FX) and SMRAM as
 * plain storage (no SMM).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci-host/q35.h"

#define MCH_PAM0            0x90    /* PAM0..PAM6 */
#define MCH_SMRAM           0x9d
#define MCH_ESMRAMC         0x9e
#define MCH_PCIEXBAR_LENGTH (3ULL << 1)
/* base bits 35:28 for the 256-bus window, length, enable */
#define MCH_PCIEXBAR_WMASK  (0xff0000000ULL | MCH_PCIEXBAR_LENGTH | \
                             MCH_PCIEXBAR_EN)
#define PCIE_CONFIG_SPACE_SIZE 0x1000

/* ---- ECAM window ---- */

static PCIDevice *mmcfg_target(Q35PCIHost *s, hwaddr addr, uint32_t *cf8)
{
    PCIBus *bus = s->parent_obj.bus;
    int bus_num = (addr >> 20) & 0xff;
    int devfn = (addr >> 12) & 0xff;

    *cf8 = (bus_num << 16) | (devfn << 8) | (addr & 0xff);
    return pci_find_device(bus, bus_num, devfn);
}

static uint64_t mmcfg_read(void *opaque, hwaddr addr, unsigned size)
{
    Q35PCIHost *s = opaque;
    uint32_t cf8;
    PCIDevice *d = mmcfg_target(s, addr, &cf8);
    unsigned reg = addr & (PCIE_CONFIG_SPACE_SIZE - 1);

    if (!d) {
        return (1ULL << (8 * size)) - 1;
    }
    if (reg + size > PCI_CONFIG_SPACE_SIZE) {
        return 0;           /* no extended capabilities */
    }
    return pci_host_config_read(s->parent_obj.bus, cf8, size);
}

static void mmcfg_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    Q35PCIHost *s = opaque;
    uint32_t cf8;
    PCIDevice *d = mmcfg_target(s, addr, &cf8);
    unsigned reg = addr & (PCIE_CONFIG_SPACE_SIZE - 1);

    if (!d) {
        return;
    }
    if (reg + size > PCI_CONFIG_SPACE_SIZE) {
        qemu_log_mask(LOG_GUEST_ERROR, "q35: ECAM write to reserved "
                      "extended config space %02x.%x+0x%x\n",
                      PCI_SLOT(d->devfn), PCI_FUNC(d->devfn), reg);
        return;
    }
    pci_host_config_write(s->parent_obj.bus, cf8, val, size);
}

static const MemoryRegionOps mmcfg_ops = {
    .read = mmcfg_read,
    .write = mmcfg_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* Map or unmap the window as PCIEXBAR says (256-bus length only). */
static void q35_host_update_mmcfg(Q35PCIHost *s, uint64_t pciexbar)
{
    MemoryRegion *sysmem = get_system_memory();
    uint64_t length = pciexbar & MCH_PCIEXBAR_LENGTH;

    if (s->mmcfg_mapped) {
        memory_region_del_subregion(sysmem, &s->mmcfg);
        s->mmcfg_mapped = false;
    }
    if (!(pciexbar & MCH_PCIEXBAR_EN)) {
        return;
    }
    if (length != 0) {
        /* 128 and 64 buses (lengths 01, 10) are not modelled */
        qemu_log_mask(LOG_GUEST_ERROR | LOG_UNIMP,
                      "q35: PCIEXBAR length %u not supported\n",
                      (unsigned)(length >> 1));
        return;
    }
    memory_region_add_subregion_overlap(sysmem, pciexbar & 0xff0000000ULL,
                                        &s->mmcfg, 1);
    s->mmcfg_mapped = true;
}

/* ---- the host bridge device ---- */

static void q35_host_realize(DeviceState *dev, Error **errp)
{
    Q35PCIHost *s = Q35_HOST_DEVICE(dev);
    DeviceClass *parent = DEVICE_CLASS(
        object_class_by_name(TYPE_I440FX_PCI_HOST_BRIDGE));

    parent->realize(dev, errp);
    memory_region_init_io(&s->mmcfg, OBJECT(s), &mmcfg_ops, s,
                          "pcie-mmcfg-mmio", MCH_PCIEXBAR_SIZE);
}

/* QEMU's q35 reserves 32 GiB of 64-bit PCI space (i440FX: 2 GiB). */
static void q35_host_instance_init(Object *obj)
{
    I440FX_PCI_HOST_BRIDGE(obj)->pci_hole64_size = Q35_PCI_HOLE64_SIZE;
}

static void q35_host_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = q35_host_realize;
    dc->desc = NULL;
}

/* ---- the 00:00.0 function ---- */

static void mch_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                             int len)
{
    I440FXState *host = I440FX_PCI_HOST_BRIDGE(BUS(d->bus)->parent);

    pci_default_write_config(d, addr, val, len);
    if (addr < MCH_PAM0 + PAM_REGS && addr + len > MCH_PAM0) {
        pam_update(&host->pam, host->pam_regs);
    }
    if (addr < MCH_PCIEXBAR + 8 && addr + len > MCH_PCIEXBAR) {
        q35_host_update_mmcfg(Q35_HOST_DEVICE(BUS(d->bus)->parent),
                              pci_get_quad(d->config + MCH_PCIEXBAR));
    }
}

static void mch_realize(PCIDevice *d, Error **errp)
{
    memset(d->wmask + PCI_CONFIG_HEADER_SIZE, 0,
           PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
    pci_set_quad(d->wmask + MCH_PCIEXBAR, MCH_PCIEXBAR_WMASK);
    memset(d->wmask + MCH_PAM0, 0xff, PAM_REGS);
    d->wmask[MCH_SMRAM] = 0xff;
    d->wmask[MCH_ESMRAMC] = 0xff;
}

/* Datasheet defaults: window off until firmware enables it. */
static void mch_reset(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);

    pci_set_quad(d->config + MCH_PCIEXBAR, 0);
    memset(d->config + MCH_PAM0, 0, PAM_REGS);
    d->config[MCH_SMRAM] = 0x02;
    d->config[MCH_ESMRAMC] = 0x38;
    if (d->bus) {
        q35_host_update_mmcfg(Q35_HOST_DEVICE(BUS(d->bus)->parent), 0);
    }
}

static void mch_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = mch_realize;
    pc->config_write = mch_write_config;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_Q35_MCH;
    pc->class_id = PCI_CLASS_BRIDGE_HOST;
    dc->reset = mch_reset;
    dc->desc = "Host bridge";
    dc->user_creatable = false;
    set_bit_category(dc, DEVICE_CATEGORY_BRIDGE);
}

static const TypeInfo q35_types[] = {
    {
        .name = TYPE_Q35_HOST_DEVICE,
        .parent = TYPE_I440FX_PCI_HOST_BRIDGE,
        .instance_size = sizeof(Q35PCIHost),
        .instance_init = q35_host_instance_init,
        .class_init = q35_host_class_init,
    },
    {
        .name = TYPE_MCH_PCI_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_init = mch_class_init,
    },
};

static void q35_register_types(void)
{
    type_register_static_array(q35_types, ARRAY_SIZE(q35_types));
}

type_init(q35_register_types)

PCIBus *q35_host_init(MemoryRegion *sysmem, MemoryRegion *io, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_Q35_HOST_DEVICE);
    I440FXState *s = I440FX_PCI_HOST_BRIDGE(dev);
    PCIDevice *mch;

    memory_region_init(&s->pci_mem, OBJECT(s), "pci", UINT64_MAX);
    memory_region_add_subregion_overlap(sysmem, 0, &s->pci_mem, -1);
    s->bus = pci_root_bus_new(dev, "pcie.0", &s->pci_mem, io);
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    memory_region_add_subregion_overlap(io, PCI_HOST_CONFIG_ADDR,
                                        &s->conf_mem, 1);
    memory_region_add_subregion(io, PCI_HOST_CONFIG_DATA, &s->data_mem);
    mch = pci_create_simple(s->bus, 0, TYPE_MCH_PCI_DEVICE, errp);
    if (!mch) {
        return NULL;
    }
    s->pam_regs = mch->config + MCH_PAM0;
    return s->bus;
}

void q35_host_set_pciexbar(PCIBus *bus, uint64_t base)
{
    PCIDevice *mch = bus->devices[0];

    pci_set_quad(mch->config + MCH_PCIEXBAR, base | MCH_PCIEXBAR_EN);
    q35_host_update_mmcfg(Q35_HOST_DEVICE(BUS(bus)->parent),
                          base | MCH_PCIEXBAR_EN);
}
