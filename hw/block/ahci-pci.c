/*
 * The ICH9's SATA controller in AHCI mode as a PCI function, QEMU's
 * "ich9-ahci" (8086:2922, class 01.06.01): the HBA registers at ABAR
 * (BAR5, 4 KiB memory), the AHCI index/data pair in BAR4 (I/O, INDEX at
 * 0x10, DATA at 0x14: ICH9 datasheet 14.5), the SATA capability (0xa8)
 * and MSI (0x80), INTx on pin A; six ports, each an IDE bus "<id>.N"
 * with one unit.  Not modelled: the legacy IDE mode and its BARs.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/block/ahci.h"
#include "hw/block/ide-dev.h"
#include "block/blockdev.h"

#define PCI_DEVICE_ID_INTEL_ICH9_AHCI 0x2922
#define PCI_CLASS_STORAGE_SATA 0x0106
#define AHCI_PROG_IF 0x01
#define ICH9_MSI_CAP 0x80
#define ICH9_SATA_CAP 0xa8
#define PCI_CAP_ID_SATA 0x12
#define IDP_INDEX 0x10
#define IDP_DATA 0x14

OBJECT_DECLARE_SIMPLE_TYPE(AHCIPCIState, ICH9_AHCI)

struct AHCIPCIState {
    PCIDevice parent_obj;
    AHCIState hba;
    MemoryRegion abar;
    MemoryRegion idp;
    char *bus_prefix;           /* set by ich9_ahci_init; NULL: "<id>.N" */
};

static uint64_t ahci_abar_read(void *opaque, hwaddr addr, unsigned size)
{
    AHCIPCIState *s = opaque;

    return ahci_hba_read(&s->hba, addr);
}

static void ahci_abar_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    AHCIPCIState *s = opaque;

    ahci_hba_write(&s->hba, addr, val);
}

/* Registers are dwords; AHCI 1.3.1 section 3 allows no smaller access. */
static const MemoryRegionOps ahci_abar_ops = {
    .read = ahci_abar_read,
    .write = ahci_abar_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static uint64_t ahci_idp_read(void *opaque, hwaddr addr, unsigned size)
{
    AHCIPCIState *s = opaque;

    if (addr == IDP_INDEX) {
        return s->hba.idp_index;
    }
    if (addr == IDP_DATA) {
        return ahci_hba_read(&s->hba, s->hba.idp_index);
    }
    return 0;
}

static void ahci_idp_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    AHCIPCIState *s = opaque;

    if (addr == IDP_INDEX) {
        s->hba.idp_index = val & (AHCI_ABAR_SIZE - 4);
    } else if (addr == IDP_DATA) {
        ahci_hba_write(&s->hba, s->hba.idp_index, val);
    }
}

static const MemoryRegionOps ahci_idp_ops = {
    .read = ahci_idp_read,
    .write = ahci_idp_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void ahci_pci_reset(DeviceState *dev)
{
    AHCIPCIState *s = ICH9_AHCI(dev);

    msi_reset(PCI_DEVICE(s));
    ahci_hba_reset(&s->hba);
}

static void ahci_pci_realize(PCIDevice *d, Error **errp)
{
    AHCIPCIState *s = ICH9_AHCI(d);

    d->config[PCI_INTERRUPT_PIN] = 1;
    d->config[PCI_CACHE_LINE_SIZE] = 0x08;
    /* SATA capability: revision 1.0; the index/data pair is in BAR4
     * (BARLOC 8: config dword 0x20 / 4) at offset 0x10 (BAROFST 4). */
    if (pci_add_capability(d, PCI_CAP_ID_SATA, ICH9_SATA_CAP, 8, errp) < 0) {
        return;
    }
    pci_set_word(d->config + ICH9_SATA_CAP + 2, 0x0010);
    pci_set_long(d->config + ICH9_SATA_CAP + 4, (IDP_INDEX / 4) << 4 | 8);
    if (msi_init(d, ICH9_MSI_CAP, 1, true, false, errp) < 0) {
        return;
    }
    memory_region_init_io(&s->abar, OBJECT(s), &ahci_abar_ops, s, "ahci",
                          AHCI_ABAR_SIZE);
    memory_region_init_io(&s->idp, OBJECT(s), &ahci_idp_ops, s, "ahci-idp",
                          AHCI_IDP_SIZE);
    pci_register_bar(d, 4, PCI_BASE_ADDRESS_SPACE_IO, &s->idp);
    pci_register_bar(d, 5, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->abar);
    ahci_hba_init(&s->hba, d);
    for (int i = 0; i < AHCI_NUM_PORTS; i++) {
        AHCIPort *p = &s->hba.port[i];
        g_autofree char *name = s->bus_prefix
            ? g_strdup_printf("%s.%d", s->bus_prefix, i) : NULL;
        p->qbus = ide_qbus_new_full(DEVICE(s), &p->ide, name, 1);
    }
}

static void ahci_pci_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = ahci_pci_realize;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_ICH9_AHCI;
    pc->class_id = PCI_CLASS_STORAGE_SATA;
    pc->class_prog = AHCI_PROG_IF;
    pc->revision = 0x02;
    dc->reset = ahci_pci_reset;
    set_bit_category(dc, DEVICE_CATEGORY_STORAGE);
}

static const TypeInfo ahci_pci_info = {
    .name = TYPE_ICH9_AHCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(AHCIPCIState),
    .class_init = ahci_pci_class_init,
};

static void ahci_pci_register_types(void)
{
    type_register_static(&ahci_pci_info);
}

type_init(ahci_pci_register_types)

PCIDevice *ich9_ahci_init(PCIBus *bus, int devfn, const char *bus_prefix,
                          Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_ICH9_AHCI);
    AHCIPCIState *s = ICH9_AHCI(dev);

    s->bus_prefix = g_strdup(bus_prefix);
    PCI_DEVICE(dev)->devfn = devfn;
    if (!qdev_realize_and_unref(dev, BUS(bus), errp)) {
        object_unparent(OBJECT(dev));
        return NULL;
    }
    /* if=ide index N goes to port N, one unit per bus as in QEMU's q35 */
    for (GList *l = drive_list(); l; l = l->next) {
        DriveInfo *di = l->data;
        int port = di->bus * drive_ide_units_per_bus() + di->unit;
        if (di->type != IF_IDE) {
            continue;
        }
        if (port >= AHCI_NUM_PORTS) {
            error_setg(errp, "machine type does not support "
                       "if=ide,bus=%d,unit=%d", di->bus, di->unit);
            return NULL;
        }
        if (!ide_create_drive(s->hba.port[port].qbus, di, errp)) {
            return NULL;
        }
    }
    return PCI_DEVICE(dev);
}
