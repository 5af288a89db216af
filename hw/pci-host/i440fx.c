/*
 * Intel 82441FX (i440FX) PCI and memory controller, as QEMU's pc machine
 * exposes it: configuration mechanism #1 (PCI Local Bus 3.0 section
 * 3.2.2.3.2; CONFIG_ADDRESS at 0xcf8 takes dword accesses only,
 * CONFIG_DATA at 0xcfc-0xcff any width), the root bus "pci.0", and the
 * host-bridge function 8086:1237 at 00:00.0.  The PAM registers (82441FX
 * datasheet section 3.2.18) map RAM over the BIOS areas as firmware
 * shadows itself (hw/pci-host/pam.c); SMRAM is plain storage (no SMM).
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci-host/i440fx.h"

#define I440FX_PAM      0x59    /* PAM0..PAM6 */
#define I440FX_SMRAM    0x72

/* ---- configuration mechanism #1 ---- */

static uint64_t conf_addr_read(void *opaque, hwaddr addr, unsigned size)
{
    I440FXState *s = opaque;
    uint64_t v = 0;

    if (size == 4 && addr == 0) {
        return s->config_reg;
    }
    if (s->cf9_passthrough && addr == 1 && size == 1) {
        memory_region_dispatch_read(s->cf9_passthrough, 0, &v, 1);
        return v;
    }
    return (1ULL << (8 * size)) - 1;
}

static void conf_addr_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    I440FXState *s = opaque;

    if (size == 4 && addr == 0) {
        /* bits 1:0 are reserved and read back as 0 */
        s->config_reg = val & ~3u;
    } else if (s->cf9_passthrough && addr == 1 && size == 1) {
        memory_region_dispatch_write(s->cf9_passthrough, 0, val, 1);
    }
}

static const MemoryRegionOps conf_addr_ops = {
    .read = conf_addr_read,
    .write = conf_addr_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t conf_data_read(void *opaque, hwaddr addr, unsigned size)
{
    I440FXState *s = opaque;

    if (!(s->config_reg & PCI_HOST_CONFIG_ENABLE) || addr + size > 4) {
        return (size == 4) ? 0xffffffffu : (1u << (8 * size)) - 1;
    }
    return pci_host_config_read(s->bus, (s->config_reg & 0x00ffffff) | addr,
                                size);
}

static void conf_data_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    I440FXState *s = opaque;

    if (!(s->config_reg & PCI_HOST_CONFIG_ENABLE) || addr + size > 4) {
        return;
    }
    pci_host_config_write(s->bus, (s->config_reg & 0x00ffffff) | addr, val,
                          size);
}

static const MemoryRegionOps conf_data_ops = {
    .read = conf_data_read,
    .write = conf_data_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- the host bridge device ---- */

static void i440fx_pcihost_realize(DeviceState *dev, Error **errp)
{
    I440FXState *s = I440FX_PCI_HOST_BRIDGE(dev);

    memory_region_init_io(&s->conf_mem, OBJECT(s), &conf_addr_ops, s,
                          "pci-conf-idx", 4);
    memory_region_init_io(&s->data_mem, OBJECT(s), &conf_data_ops, s,
                          "pci-conf-data", 4);
}

/* Every function's PCI registers after the functions' own resets. */
static void i440fx_pcihost_reset(DeviceState *dev)
{
    I440FXState *s = I440FX_PCI_HOST_BRIDGE(dev);

    s->config_reg = 0;
    if (s->bus) {
        pci_bus_reset(s->bus);
    }
    if (s->pam_regs) {
        pam_update(&s->pam, s->pam_regs);
    }
}

static const Property i440fx_pcihost_properties[] = {
    DEFINE_PROP_SIZE("pci-hole64-size", I440FXState, pci_hole64_size,
                     2 * GiB),
    DEFINE_PROP_END_OF_LIST(),
};

static void i440fx_pcihost_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = i440fx_pcihost_realize;
    dc->reset = i440fx_pcihost_reset;
    dc->user_creatable = false;
    dc->desc = "i440FX PCI host bridge";
    set_bit_category(dc, DEVICE_CATEGORY_BRIDGE);
    device_class_set_props(dc, i440fx_pcihost_properties);
}

/* ---- the 00:00.0 function ---- */

static void i440fx_realize(PCIDevice *d, Error **errp)
{
    /* PAM and SMRAM are read/write storage; the rest of 0x40+ reads 0 */
    memset(d->wmask + PCI_CONFIG_HEADER_SIZE, 0,
           PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
    memset(d->wmask + I440FX_PAM, 0xff, PAM_REGS);
    d->wmask[I440FX_SMRAM] = 0xff;
    d->config[I440FX_SMRAM] = 0x02;     /* datasheet default */
}

static void i440fx_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                                int len)
{
    I440FXState *s = I440FX_PCI_HOST_BRIDGE(BUS(d->bus)->parent);

    pci_default_write_config(d, addr, val, len);
    if (addr < I440FX_PAM + PAM_REGS && addr + len > I440FX_PAM) {
        pam_update(&s->pam, s->pam_regs);
    }
}

static void i440fx_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = i440fx_realize;
    pc->config_write = i440fx_config_write;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_82441;
    pc->revision = 0x02;
    pc->class_id = PCI_CLASS_BRIDGE_HOST;
    dc->desc = "Host bridge";
    /* part of the board: not creatable with -device */
    dc->user_creatable = false;
    set_bit_category(dc, DEVICE_CATEGORY_BRIDGE);
}

static const TypeInfo i440fx_types[] = {
    {
        .name = TYPE_I440FX_PCI_HOST_BRIDGE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(I440FXState),
        .class_init = i440fx_pcihost_class_init,
    },
    {
        .name = TYPE_I440FX_PCI_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_init = i440fx_class_init,
    },
};

static void i440fx_register_types(void)
{
    type_register_static_array(i440fx_types, ARRAY_SIZE(i440fx_types));
}

type_init(i440fx_register_types)

PCIBus *i440fx_init(MemoryRegion *sysmem, MemoryRegion *io, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_I440FX_PCI_HOST_BRIDGE);
    I440FXState *s = I440FX_PCI_HOST_BRIDGE(dev);
    PCIDevice *host_fn;

    memory_region_init(&s->pci_mem, OBJECT(s), "pci", UINT64_MAX);
    memory_region_add_subregion_overlap(sysmem, 0, &s->pci_mem, -1);
    s->bus = pci_root_bus_new(dev, "pci.0", &s->pci_mem, io);
    if (!qdev_realize_and_unref(dev, NULL, errp)) {
        return NULL;
    }
    /* above the reset control register at 0xcf9: see cf9_passthrough */
    memory_region_add_subregion_overlap(io, PCI_HOST_CONFIG_ADDR,
                                        &s->conf_mem, 1);
    memory_region_add_subregion(io, PCI_HOST_CONFIG_DATA, &s->data_mem);
    host_fn = pci_create_simple(s->bus, 0, TYPE_I440FX_PCI_DEVICE, errp);
    if (!host_fn) {
        return NULL;
    }
    s->pam_regs = host_fn->config + I440FX_PAM;
    return s->bus;
}

void i440fx_pam_init(PCIBus *bus, MemoryRegion *sysmem, MemoryRegion *ram)
{
    I440FXState *s = I440FX_PCI_HOST_BRIDGE(BUS(bus)->parent);

    pam_init(&s->pam, OBJECT(s), sysmem, ram);
    pam_update(&s->pam, s->pam_regs);
}

void i440fx_set_cf9_passthrough(PCIBus *bus, MemoryRegion *rcr)
{
    I440FX_PCI_HOST_BRIDGE(BUS(bus)->parent)->cf9_passthrough = rcr;
}
