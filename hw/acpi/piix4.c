/*
 * "PIIX4_PM": the ACPI fixed hardware of the PIIX4 power-management
 * function (ACPI 6.4 section 4.8: PM1 event and control blocks, 24-bit PM
 * timer at 3.579545 MHz) at QEMU's pm_io_base 0x600, plus the APM control
 * port 0xb2 that the FADT names as SMI_CMD to switch ACPI mode; PCI
 * function 8086:7113 (82371AB datasheet section 7) whose PMBA/PMREGMISC
 * read as firmware leaves them (0x601, enabled) but do not move the
 * block.  SLP_TYP 0 + SLP_EN is soft-off (S5), as in QEMU; the other sleep
 * states and the SMBus are not modelled; GPE0 and PCI hotplug live in
 * hw/acpi/pcihp.c.  QEMU's properties
 * disable_s3, disable_s4 and s4_val exist (libvirt passes
 * -global PIIX4_PM.disable_s3=1 and disable_s4=1); since the DSDT declares
 * neither _S3 nor _S4, they default to 1 here and 0 is refused.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/acpi/piix4.h"
#include "hw/acpi/acpi-pm1.h"
#include "hw/acpi/pcihp.h"

#define PIIX4_PMBA      0x40    /* PM base address (config space) */
#define PIIX4_PMREGMISC 0x80    /* bit 0: PM I/O space enable */

OBJECT_DECLARE_SIMPLE_TYPE(PIIX4PMState, PIIX4_PM)

struct PIIX4PMState {
    PCIDevice parent_obj;
    AcpiPm1 pm1;        /* PM1 blocks, PM timer, APM ports, power button */
    IRQLine *sci;
    uint8_t disable_s3, disable_s4, s4_val;    /* QEMU's properties */
    AcpiPciHpState *pcihp;      /* GPE0 + PCI hotplug (hw/acpi/pcihp.c) */
};

/* The SCI: an enabled PM1 event, or the hotplug GPE. */
static void piix4_pm_sci_update(void *opaque)
{
    PIIX4PMState *s = opaque;

    irq_set(s->sci, acpi_pm1_sci_event(&s->pm1) ||
                    (s->pcihp && acpi_pcihp_sci_level(s->pcihp)));
}

void piix4_pm_power_button(DeviceState *dev)
{
    acpi_pm1_power_button(&PIIX4_PM(dev)->pm1);
}

/* ---- device ---- */

static void piix4_pm_reset(DeviceState *dev)
{
    PIIX4PMState *s = PIIX4_PM(dev);

    acpi_pm1_reset(&s->pm1);
    if (s->pcihp) {
        acpi_pcihp_reset(s->pcihp);
    }
    acpi_pm1_update(&s->pm1);
}

static void piix4_pm_realize(PCIDevice *d, Error **errp)
{
    PIIX4PMState *s = PIIX4_PM(d);
    DeviceState *dev = DEVICE(d);
    MemoryRegion *io = d->bus->address_space_io;

    if (!s->disable_s3 || !s->disable_s4) {
        error_setg(errp, "PIIX4_PM: sleep states S3 and S4 are not "
                   "supported (disable_s3 and disable_s4 must be 1)");
        return;
    }
    /* INTA# in config space, but the SCI is wired to IRQ 9 (as in QEMU) */
    d->config[PCI_INTERRUPT_PIN] = 1;
    pci_set_long(d->config + PIIX4_PMBA, PIIX4_PM_BASE | 1);
    d->config[PIIX4_PMREGMISC] = 1;
    memset(d->wmask + PCI_CONFIG_HEADER_SIZE, 0,
           PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
    acpi_pm1_init(&s->pm1, OBJECT(dev), io, "PIIX4_PM", ACPI_ENABLE_CMD,
                  ACPI_DISABLE_CMD, piix4_pm_sci_update, s);
    acpi_pm1_map(&s->pm1, io, PIIX4_PM_BASE);
    s->pcihp = acpi_pcihp_new(OBJECT(dev), d->bus, io, piix4_pm_sci_update, s);
}

static void piix4_pm_exit(PCIDevice *d)
{
    PIIX4PMState *s = PIIX4_PM(d);

    acpi_pm1_fini(&s->pm1);
    acpi_pcihp_free(s->pcihp);
    s->pcihp = NULL;
}

DeviceState *piix4_pm_init(PCIBus *bus, int devfn, IRQLine *sci,
                           Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_PIIX4_PM);

    PCI_DEVICE(dev)->devfn = devfn;
    PIIX4_PM(dev)->sci = sci;
    if (!qdev_realize_and_unref(dev, BUS(bus), errp)) {
        object_unparent(OBJECT(dev));
        return NULL;
    }
    return dev;
}

static const Property piix4_pm_properties[] = {
    DEFINE_PROP_UINT8("disable_s3", PIIX4PMState, disable_s3, 1),
    DEFINE_PROP_UINT8("disable_s4", PIIX4PMState, disable_s4, 1),
    DEFINE_PROP_UINT8("s4_val", PIIX4PMState, s4_val, 2),
    DEFINE_PROP_END_OF_LIST(),
};

static void piix4_pm_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    dc->desc = "PM";
    pc->realize = piix4_pm_realize;
    pc->exit = piix4_pm_exit;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_82371AB_3;
    pc->revision = 0x03;
    pc->class_id = PCI_CLASS_BRIDGE_OTHER;
    dc->reset = piix4_pm_reset;
    /* Part of the chipset; the pc machine creates it. */
    dc->user_creatable = false;
    device_class_set_props(dc, piix4_pm_properties);
}

static const TypeInfo piix4_pm_info = {
    .name = TYPE_PIIX4_PM,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PIIX4PMState),
    .class_init = piix4_pm_class_init,
};

static void piix4_pm_register_types(void)
{
    type_register_static(&piix4_pm_info);
}

type_init(piix4_pm_register_types)
