/*
 * query-pci: the functions of each PCI bus with their identity, class,
 * interrupt and BARs, in QEMU 7.2's shapes (qapi/pci.json).  Bridges are
 * not modelled, so there is one bus and no pci_bridge member.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands.h"
#include "hw/pci/pci.h"

/* QEMU's class descriptions (pci_class_descriptions), by class code. */
static const struct {
    uint16_t class;
    const char *desc;
} pci_class_desc[] = {
    { 0x0001, "VGA controller" },
    { 0x0100, "SCSI controller" },
    { 0x0101, "IDE controller" },
    { 0x0102, "Floppy controller" },
    { 0x0103, "IPI controller" },
    { 0x0104, "RAID controller" },
    { 0x0106, "SATA controller" },
    { 0x0107, "SAS controller" },
    { 0x0180, "Storage controller" },
    { 0x0200, "Ethernet controller" },
    { 0x0201, "Token Ring controller" },
    { 0x0202, "FDDI controller" },
    { 0x0203, "ATM controller" },
    { 0x0280, "Network controller" },
    { 0x0300, "VGA controller" },
    { 0x0301, "XGA controller" },
    { 0x0302, "3D controller" },
    { 0x0380, "Display controller" },
    { 0x0400, "Video controller" },
    { 0x0401, "Audio controller" },
    { 0x0402, "Phone" },
    { 0x0403, "Audio controller" },
    { 0x0480, "Multimedia controller" },
    { 0x0500, "RAM controller" },
    { 0x0501, "Flash controller" },
    { 0x0580, "Memory controller" },
    { 0x0600, "Host bridge" },
    { 0x0601, "ISA bridge" },
    { 0x0602, "EISA bridge" },
    { 0x0603, "MC bridge" },
    { 0x0604, "PCI bridge" },
    { 0x0605, "PCMCIA bridge" },
    { 0x0606, "NUBUS bridge" },
    { 0x0607, "CARDBUS bridge" },
    { 0x0608, "RACEWAY bridge" },
    { 0x0680, "Bridge" },
    { 0x0700, "Serial port" },
    { 0x0701, "Parallel port" },
    { 0x0800, "Interrupt controller" },
    { 0x0801, "DMA controller" },
    { 0x0802, "Timer" },
    { 0x0803, "RTC" },
    { 0x0900, "Keyboard" },
    { 0x0901, "Pen" },
    { 0x0902, "Mouse" },
    { 0x0A00, "Dock station" },
    { 0x0B00, "i386 cpu" },
    { 0x0c00, "Fireware contorller" },
    { 0x0c01, "Access bus controller" },
    { 0x0c02, "SSA controller" },
    { 0x0c03, "USB controller" },
    { 0x0c04, "Fibre channel controller" },
    { 0x0c05, "SMBus" },
};

const char *pci_class_description(uint16_t class)
{
    for (size_t i = 0; i < ARRAY_SIZE(pci_class_desc); i++) {
        if (pci_class_desc[i].class == class) {
            return pci_class_desc[i].desc;
        }
    }
    return NULL;
}

static PciMemoryRegionList *pci_regions(PCIDevice *d)
{
    PciMemoryRegionList *head = NULL, **tail = &head;

    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];
        PciMemoryRegion *m;

        if (!r->size) {
            continue;
        }
        m = g_new0(PciMemoryRegion, 1);
        m->bar = i;
        m->address = (int64_t)r->addr;
        m->size = r->size;
        if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
            m->type = g_strdup("io");
        } else {
            m->type = g_strdup("memory");
            m->has_prefetch = m->has_mem_type_64 = true;
            m->prefetch = r->type & PCI_BASE_ADDRESS_MEM_PREFETCH;
            m->mem_type_64 = r->type & PCI_BASE_ADDRESS_MEM_TYPE_64;
        }
        *tail = g_new0(PciMemoryRegionList, 1);
        (*tail)->value = m;
        tail = &(*tail)->next;
    }
    return head;
}

static PciDeviceInfo *pci_device_info(PCIDevice *d)
{
    PciDeviceInfo *info = g_new0(PciDeviceInfo, 1);
    const uint8_t *c = d->config;
    uint16_t class = pci_get_word(c + PCI_CLASS_DEVICE);
    const char *desc = pci_class_description(class);

    info->bus = 0;
    info->slot = PCI_SLOT(d->devfn);
    info->function = PCI_FUNC(d->devfn);
    info->class_info = g_new0(PciDeviceClass, 1);
    info->class_info->class = class;
    if (desc) {
        info->class_info->has_desc = true;
        info->class_info->desc = g_strdup(desc);
    }
    info->id = g_new0(PciDeviceId, 1);
    info->id->vendor = pci_get_word(c + PCI_VENDOR_ID);
    info->id->device = pci_get_word(c + PCI_DEVICE_ID);
    info->id->has_subsystem = info->id->has_subsystem_vendor = true;
    info->id->subsystem = pci_get_word(c + PCI_SUBSYSTEM_ID);
    info->id->subsystem_vendor = pci_get_word(c + PCI_SUBSYSTEM_VENDOR_ID);
    info->irq_pin = c[PCI_INTERRUPT_PIN];
    if (info->irq_pin) {
        info->has_irq = true;
        info->irq = c[PCI_INTERRUPT_LINE];
    }
    info->qdev_id = g_strdup(DEVICE(d)->id ? DEVICE(d)->id : "");
    info->regions = pci_regions(d);
    return info;
}

PciInfoList *qmp_query_pci(Error **errp)
{
    PCIBus *bus = pci_bus_get_default();
    PciInfoList *list;
    PciDeviceInfoList **tail;

    if (!bus) {
        return NULL;
    }
    list = g_new0(PciInfoList, 1);
    list->value = g_new0(PciInfo, 1);
    list->value->bus = 0;
    tail = &list->value->devices;
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (bus->devices[devfn]) {
            *tail = g_new0(PciDeviceInfoList, 1);
            (*tail)->value = pci_device_info(bus->devices[devfn]);
            tail = &(*tail)->next;
        }
    }
    return list;
}
