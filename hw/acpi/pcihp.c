/*
 * ACPI PCI hotplug as QEMU's PIIX4 PM offers it (QEMU's public interface
 * description docs/specs/acpi_pci_hotplug.rst; ACPI 6.4 sections 5.6.4
 * GPE, 5.6.6 device object notifications, 6.3.3 _EJx).  I/O 0xae00:
 * PCIU (slots with a new device, cleared on read), PCID (slots to eject),
 * B0EJ (write: eject), PCIRMV (hotpluggable slots), BNUM (bus selector,
 * only bus 0 exists), PIDX (acpi-index, always 0).  GPE0 at 0xafe0: status
 * (write 1 to clear) and enable bytes; bit 1 is the hotplug event.
 * Not modelled: bridges (bus numbers other than 0), acpi-index values.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "hw/acpi/pcihp.h"

#define PCIHP_PCIU      0x00
#define PCIHP_PCID      0x04
#define PCIHP_B0EJ      0x08
#define PCIHP_PCIRMV    0x0c
#define PCIHP_BNUM      0x10
#define PCIHP_PIDX      0x14

/* ACPI 6.4 table 5.181: Notify values */
#define ACPI_NOTIFY_DEVICE_CHECK    1
#define ACPI_NOTIFY_EJECT_REQUEST   3

struct AcpiPciHpState {
    PCIBus *bus;
    MemoryRegion io_hp;
    MemoryRegion io_gpe;
    void (*sci_update)(void *);
    void *opaque;
    uint32_t up;            /* PCIU */
    uint32_t down;          /* PCID */
    uint32_t bnum;
    uint8_t gpe_sts[ACPI_GPE0_LEN / 2];
    uint8_t gpe_en[ACPI_GPE0_LEN / 2];
};

uint32_t acpi_pcihp_hotplug_slots(PCIBus *bus)
{
    uint32_t slots = 0;

    for (int slot = 0; slot < PCI_SLOT_MAX; slot++) {
        bool ok = true;

        for (int fn = 0; fn < PCI_FUNC_MAX; fn++) {
            PCIDevice *d = bus->devices[PCI_DEVFN(slot, fn)];

            if (d && !qdev_is_hotpluggable(DEVICE(d))) {
                ok = false;
            }
        }
        if (ok) {
            slots |= 1u << slot;
        }
    }
    return slots;
}

static void pcihp_raise(AcpiPciHpState *s)
{
    s->gpe_sts[0] |= 1u << ACPI_PCIHP_GPE_BIT;
    s->sci_update(s->opaque);
}

bool acpi_pcihp_sci_level(AcpiPciHpState *s)
{
    for (unsigned i = 0; i < sizeof(s->gpe_sts); i++) {
        if (s->gpe_sts[i] & s->gpe_en[i]) {
            return true;
        }
    }
    return false;
}

/* The guest ejected @slots: every hotpluggable function there goes. */
static void pcihp_eject(AcpiPciHpState *s, uint32_t slots)
{
    for (int slot = 0; slot < PCI_SLOT_MAX; slot++) {
        if (!(slots & (1u << slot))) {
            continue;
        }
        s->down &= ~(1u << slot);
        for (int fn = 0; fn < PCI_FUNC_MAX; fn++) {
            PCIDevice *d = s->bus->devices[PCI_DEVFN(slot, fn)];

            if (d && qdev_is_hotpluggable(DEVICE(d))) {
                DEVICE(d)->pending_deleted_event = false;
                qdev_unplug_complete(DEVICE(d));
            }
        }
    }
}

static uint64_t pcihp_read(void *opaque, hwaddr addr, unsigned size)
{
    AcpiPciHpState *s = opaque;
    uint32_t val = 0;

    if (s->bnum != 0 && addr != PCIHP_BNUM) {
        return 0;               /* no such bus: nothing to report */
    }
    switch (addr) {
    case PCIHP_PCIU:
        val = s->up;
        s->up = 0;              /* as QEMU's non-legacy mode */
        break;
    case PCIHP_PCID:
        val = s->down;
        break;
    case PCIHP_PCIRMV:
        val = acpi_pcihp_hotplug_slots(s->bus);
        break;
    case PCIHP_BNUM:
        val = s->bnum;
        break;
    default:                    /* B0EJ and PIDX read 0 */
        break;
    }
    return val;
}

static void pcihp_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    AcpiPciHpState *s = opaque;

    switch (addr) {
    case PCIHP_B0EJ:
        if (s->bnum == 0) {
            pcihp_eject(s, val);
        }
        break;
    case PCIHP_BNUM:
        s->bnum = val;
        break;
    case PCIHP_PIDX:
        break;                  /* selects a device; its index reads 0 */
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "acpi-pci-hotplug: write to "
                      "read-only register 0x%" HWADDR_PRIx "\n", addr);
        break;
    }
}

static const MemoryRegionOps pcihp_ops = {
    .read = pcihp_read,
    .write = pcihp_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* GPE0: bytes 0-1 status (write 1 to clear), bytes 2-3 enable. */
static uint64_t gpe_read(void *opaque, hwaddr addr, unsigned size)
{
    AcpiPciHpState *s = opaque;
    unsigned half = sizeof(s->gpe_sts);

    return addr < half ? s->gpe_sts[addr] : s->gpe_en[addr - half];
}

static void gpe_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    AcpiPciHpState *s = opaque;
    unsigned half = sizeof(s->gpe_sts);

    if (addr < half) {
        s->gpe_sts[addr] &= ~val;
    } else {
        s->gpe_en[addr - half] = val;
    }
    s->sci_update(s->opaque);
}

static const MemoryRegionOps gpe_ops = {
    .read = gpe_read,
    .write = gpe_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- the bus's hotplug handler ---- */

static void pcihp_plug(void *opaque, DeviceState *dev, Error **errp)
{
    AcpiPciHpState *s = opaque;
    PCIDevice *d = PCI_DEVICE(dev);

    /* Functions other than 0 appear with function 0 (QEMU's rule). */
    if (PCI_FUNC(d->devfn) == 0) {
        s->up |= 1u << PCI_SLOT(d->devfn);
        pcihp_raise(s);
    }
}

static void pcihp_unplug_request(void *opaque, DeviceState *dev,
                                 Error **errp)
{
    AcpiPciHpState *s = opaque;
    PCIDevice *d = PCI_DEVICE(dev);

    /* Until the virtual clock moves on, a repeat is refused. */
    dev->pending_deleted_event = true;
    dev->pending_deleted_expires_ms =
        qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) / 1000000 + 1;
    s->down |= 1u << PCI_SLOT(d->devfn);
    pcihp_raise(s);
}

static const HotplugOps pcihp_hotplug_ops = {
    .plug = pcihp_plug,
    .unplug_request = pcihp_unplug_request,
};

AcpiPciHpState *acpi_pcihp_new(Object *owner, PCIBus *bus, MemoryRegion *io,
                               void (*sci_update)(void *), void *opaque)
{
    AcpiPciHpState *s = g_new0(AcpiPciHpState, 1);

    s->bus = bus;
    s->sci_update = sci_update;
    s->opaque = opaque;
    memory_region_init_io(&s->io_hp, owner, &pcihp_ops, s,
                          "acpi-pci-hotplug", ACPI_PCIHP_SIZE);
    memory_region_init_io(&s->io_gpe, owner, &gpe_ops, s, "acpi-gpe0",
                          ACPI_GPE0_LEN);
    memory_region_add_subregion(io, ACPI_PCIHP_ADDR, &s->io_hp);
    memory_region_add_subregion(io, ACPI_GPE0_ADDR, &s->io_gpe);
    qbus_set_hotplug_handler(BUS(bus), &pcihp_hotplug_ops, s);
    return s;
}

void acpi_pcihp_free(AcpiPciHpState *s)
{
    if (!s) {
        return;
    }
    if (BUS(s->bus)->hotplug_opaque == s) {
        qbus_set_hotplug_handler(BUS(s->bus), NULL, NULL);
    }
    memory_region_destroy(&s->io_hp);
    memory_region_destroy(&s->io_gpe);
    g_free(s);
}

void acpi_pcihp_reset(AcpiPciHpState *s)
{
    /* A device the guest was asked to release goes with the reset. */
    pcihp_eject(s, s->down);
    s->up = 0;
    s->bnum = 0;
    memset(s->gpe_en, 0, sizeof(s->gpe_en));
    memset(s->gpe_sts, 0, sizeof(s->gpe_sts));
}
