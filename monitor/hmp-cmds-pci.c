/*
 * info pci: QEMU 7.2's text over query-pci (hmp_info_pci there).
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "hmp-internal.h"

static void hmp_info_pci_device(Monitor *mon, const PciDeviceInfo *dev)
{
    monitor_printf(mon, "  Bus %2" PRId64 ", ", dev->bus);
    monitor_printf(mon, "device %3" PRId64 ", function %" PRId64 ":\n",
                   dev->slot, dev->function);
    monitor_printf(mon, "    ");
    if (dev->class_info->has_desc) {
        monitor_printf(mon, "%s", dev->class_info->desc);
    } else {
        monitor_printf(mon, "Class %04" PRId64, dev->class_info->class);
    }
    monitor_printf(mon, ": PCI device %04" PRIx64 ":%04" PRIx64 "\n",
                   dev->id->vendor, dev->id->device);
    if (dev->id->has_subsystem_vendor && dev->id->has_subsystem) {
        monitor_printf(mon, "      PCI subsystem %04" PRIx64 ":%04" PRIx64
                       "\n", dev->id->subsystem_vendor, dev->id->subsystem);
    }
    if (dev->has_irq) {
        monitor_printf(mon, "      IRQ %" PRId64 ", pin %c\n", dev->irq,
                       (char)('A' + dev->irq_pin - 1));
    }
    for (PciMemoryRegionList *r = dev->regions; r; r = r->next) {
        const PciMemoryRegion *m = r->value;
        uint64_t addr = m->address, size = m->size;

        monitor_printf(mon, "      BAR%" PRId64 ": ", m->bar);
        if (!strcmp(m->type, "io")) {
            monitor_printf(mon, "I/O at 0x%04" PRIx64 " [0x%04" PRIx64
                           "].\n", addr, addr + size - 1);
        } else {
            monitor_printf(mon, "%d bit%s memory at 0x%08" PRIx64
                           " [0x%08" PRIx64 "].\n",
                           m->mem_type_64 ? 64 : 32,
                           m->prefetch ? " prefetchable" : "", addr,
                           addr + size - 1);
        }
    }
    monitor_printf(mon, "      id \"%s\"\n", dev->qdev_id);
}

void hmp_info_pci(Monitor *mon, const HMPArgs *args)
{
    PciInfoList *info = qmp_query_pci(NULL);

    for (PciInfoList *b = info; b; b = b->next) {
        for (PciDeviceInfoList *d = b->value->devices; d; d = d->next) {
            hmp_info_pci_device(mon, d->value);
        }
    }
    qapi_free_PciInfoList(info);
}
