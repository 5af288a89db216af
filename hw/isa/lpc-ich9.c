/*
 * Intel ICH9 LPC interface bridge, function 0 of device 31 (ICH9
 * datasheet chapter 13.1): 8086:2918, the PCI-to-ISA bridge of the q35
 * machine.  PIRQ[A-D]_ROUT (0x60-0x63) and PIRQ[E-H]_ROUT (0x68-0x6b)
 * route the eight PCI interrupt lines to 8259 inputs (bit 7 disables the
 * route, bits 3:0 name the IRQ; 0-2, 8 and 13 are reserved); in APIC mode
 * PIRQ A-H are IOAPIC inputs 16-23 regardless (datasheet 5.9).  PCI
 * devices map to PIRQs as QEMU's q35 (ich9_pirq_of).  PMBASE (0x40) and
 * ACPI_CNTL (0x44, bit 7) place and enable the ACPI PM block
 * (hw/acpi/ich9.c); the SCI is IRQ 9.  Other registers are storage; the
 * chipset configuration registers behind RCBA are not modelled.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/isa/ich9.h"

#define PIRQ_DISABLE        0x80
#define PIRQ_RESERVED       ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 8) | \
                             (1u << 13))
#define PCI_DEVICE_ID_INTEL_ICH9_8  0x2918
/* first slot whose INTA-D go to PIRQ A-D (the chipset devices 25-31) */
#define ICH9_FIRST_CHIPSET_SLOT     25

int ich9_pirq_of(int slot, int pin)
{
    if (slot >= ICH9_FIRST_CHIPSET_SLOT) {
        return pin & 3;
    }
    return 4 + ((slot + pin) & 3);
}

static int ich9_map_irq(PCIDevice *d, int pin)
{
    return ich9_pirq_of(PCI_SLOT(d->devfn), pin);
}

static uint8_t *pirq_reg(ICH9LPCState *s, int pirq)
{
    uint8_t *c = PCI_DEVICE(s)->config;

    return pirq < 4 ? c + ICH9_LPC_PIRQA_ROUT + pirq
                    : c + ICH9_LPC_PIRQE_ROUT + pirq - 4;
}

static int pirq_target(ICH9LPCState *s, int pirq)
{
    uint8_t r = *pirq_reg(s, pirq);

    if ((r & PIRQ_DISABLE) || (PIRQ_RESERVED & (1u << (r & 0xf)))) {
        return -1;
    }
    return r & 0xf;
}

/* The 8259 side: OR of the PIRQs routed to each ISA IRQ. */
static void update_pic(ICH9LPCState *s)
{
    uint16_t levels = 0;
    uint16_t changed;

    for (int p = 0; p < ICH9_NUM_PIRQS; p++) {
        int irq = pirq_target(s, p);

        if (irq >= 0 && s->pirq_level[p]) {
            levels |= 1u << irq;
        }
    }
    changed = levels ^ s->pic_levels;
    s->pic_levels = levels;
    for (int irq = 0; changed && irq < ISA_NUM_IRQS; irq++) {
        if ((changed & (1u << irq)) && s->isa_bus->irqs[irq]) {
            irq_set(s->isa_bus->irqs[irq], (levels >> irq) & 1);
        }
    }
}

static void ich9_set_irq(void *opaque, int pirq, int level)
{
    ICH9LPCState *s = opaque;

    s->pirq_level[pirq] = level;
    if (s->gsi[pirq]) {
        irq_set(s->gsi[pirq], level);
    }
    update_pic(s);
}

static bool range_hits(uint32_t addr, int len, uint32_t reg, int size)
{
    return addr < reg + size && addr + len > reg;
}

static void ich9_update_pm_base(ICH9LPCState *s)
{
    uint8_t *c = PCI_DEVICE(s)->config;

    if (s->wired) {
        ich9_pm_iospace_update(&s->pm,
                               pci_get_long(c + ICH9_LPC_PMBASE) & 0xff80,
                               c[ICH9_LPC_ACPI_CNTL] & ICH9_LPC_ACPI_CNTL_EN);
    }
}

static void ich9_lpc_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                                  int len)
{
    ICH9LPCState *s = ICH9_LPC_DEVICE(d);

    pci_default_write_config(d, addr, val, len);
    if (range_hits(addr, len, ICH9_LPC_PIRQA_ROUT, 4) ||
        range_hits(addr, len, ICH9_LPC_PIRQE_ROUT, 4)) {
        update_pic(s);
    }
    if (range_hits(addr, len, ICH9_LPC_PMBASE, 4) ||
        range_hits(addr, len, ICH9_LPC_ACPI_CNTL, 1)) {
        ich9_update_pm_base(s);
    }
}

void ich9_lpc_firmware_setup(ICH9LPCState *s,
                             const uint8_t irqs[ICH9_NUM_PIRQS])
{
    uint8_t *c = PCI_DEVICE(s)->config;

    for (int p = 0; p < ICH9_NUM_PIRQS; p++) {
        *pirq_reg(s, p) = irqs[p];
    }
    pci_set_long(c + ICH9_LPC_PMBASE, ICH9_PMBASE_DEFAULT | 1);
    c[ICH9_LPC_ACPI_CNTL] = ICH9_LPC_ACPI_CNTL_EN;
    update_pic(s);
    ich9_update_pm_base(s);
}

/* Datasheet defaults (section 13.1): routes disabled, PM block off. */
static void ich9_lpc_reset(DeviceState *dev)
{
    ICH9LPCState *s = ICH9_LPC_DEVICE(dev);
    uint8_t *c = PCI_DEVICE(dev)->config;

    for (int p = 0; p < ICH9_NUM_PIRQS; p++) {
        *pirq_reg(s, p) = PIRQ_DISABLE;
    }
    pci_set_long(c + ICH9_LPC_PMBASE, 1);   /* bit 0: I/O space indicator */
    c[ICH9_LPC_ACPI_CNTL] = 0;
    if (s->wired) {
        ich9_pm_reset(&s->pm);
    }
    update_pic(s);
}

static void ich9_lpc_realize(PCIDevice *d, Error **errp)
{
    d->config[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTI_FUNCTION;
    /* PMBASE bits 15:7 are the base; bit 0 reads 1 */
    pci_set_long(d->wmask + ICH9_LPC_PMBASE, 0xff80);
}

static void ich9_lpc_exit(PCIDevice *d)
{
    ICH9LPCState *s = ICH9_LPC_DEVICE(d);

    if (s->wired) {
        ich9_pm_fini(&s->pm);
    }
}

static void ich9_lpc_instance_init(Object *obj)
{
    PCI_DEVICE(obj)->multifunction = true;
}

static void ich9_lpc_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = ich9_lpc_realize;
    pc->exit = ich9_lpc_exit;
    pc->config_write = ich9_lpc_write_config;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_ICH9_8;
    pc->revision = 0x02;
    pc->class_id = PCI_CLASS_BRIDGE_ISA;
    dc->reset = ich9_lpc_reset;
    dc->desc = "ICH9 LPC bridge";
    dc->user_creatable = false;
    set_bit_category(dc, DEVICE_CATEGORY_BRIDGE);
}

static const TypeInfo ich9_lpc_info = {
    .name = TYPE_ICH9_LPC_DEVICE,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(ICH9LPCState),
    .instance_init = ich9_lpc_instance_init,
    .class_init = ich9_lpc_class_init,
};

static void ich9_lpc_register_types(void)
{
    type_register_static(&ich9_lpc_info);
}

type_init(ich9_lpc_register_types)

ICH9LPCState *ich9_lpc_init(PCIBus *bus, MemoryRegion *io, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_ICH9_LPC_DEVICE);
    ICH9LPCState *s = ICH9_LPC_DEVICE(dev);

    PCI_DEVICE(dev)->devfn = ICH9_LPC_DEVFN;
    s->isa_bus = isa_bus_new(dev, io);
    if (!qdev_realize_and_unref(dev, BUS(bus), errp)) {
        return NULL;
    }
    pci_bus_irqs(bus, ich9_set_irq, ich9_map_irq, s, ICH9_NUM_PIRQS);
    return s;
}

void ich9_lpc_wire(ICH9LPCState *s, IRQLine *sci,
                   IRQLine *const gsi[ICH9_NUM_PIRQS])
{
    PCIDevice *d = PCI_DEVICE(s);

    memcpy(s->gsi, gsi, sizeof(s->gsi));
    ich9_pm_init(&s->pm, OBJECT(s), d->bus->address_space_io, sci);
    s->wired = true;
}
