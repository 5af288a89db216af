/*
 * Intel 82371SB (PIIX3) function 0, the PCI-to-ISA bridge 8086:7000 at
 * 00:01.0 (82371SB datasheet section 2.2).  PIRQRC[A:D] (0x60-0x63) route
 * the PCI interrupt lines to ISA IRQs: bit 7 disables the route, bits 3:0
 * name the IRQ (0-2, 8 and 13 are reserved).  Several PIRQs may share an
 * IRQ; the ISA line is the OR of them.  The other registers (0x4c-0xff)
 * are storage.  The ISA bus "isa.0" is this device's child bus.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/isa/piix.h"

#define PIIX_IORT           0x4c
#define PIIX_XBCS           0x4e
#define PIIX_TOM            0x69
#define PIIX_MBIRQ0         0x70
#define PIIX_MBDMA          0x76
#define PIIX_SMICNTL        0xa0

/* ISA IRQs a PIRQ cannot be routed to. */
#define PIIX_PIRQ_RESERVED  ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 8) | \
                             (1u << 13))

int piix3_pirq_of(int slot, int pin)
{
    return (slot - 1 + pin) & 3;
}

static int piix3_map_irq(PCIDevice *d, int pin)
{
    return piix3_pirq_of(PCI_SLOT(d->devfn), pin);
}

/* The ISA IRQ PIRQ @pirq is routed to, or -1. */
static int piix3_pirq_target(PIIX3State *s, int pirq)
{
    uint8_t r = PCI_DEVICE(s)->config[PIIX_PIRQCA + pirq];

    if ((r & PIIX_PIRQ_DISABLE) || (PIIX_PIRQ_RESERVED & (1u << (r & 0xf)))) {
        return -1;
    }
    return r & 0xf;
}

/* Recompute every ISA line the router drives; change only what moved. */
static void piix3_update_irqs(PIIX3State *s)
{
    uint16_t levels = 0;
    uint16_t changed;

    for (int p = 0; p < PIIX_NUM_PIRQS; p++) {
        int irq = piix3_pirq_target(s, p);

        if (irq >= 0 && s->pirq_level[p]) {
            levels |= 1u << irq;
        }
    }
    changed = levels ^ s->pic_levels;
    s->pic_levels = levels;
    for (int irq = 0; changed && irq < ISA_NUM_IRQS; irq++) {
        if ((changed & (1u << irq)) && s->isa_bus) {
            irq_set(s->isa_bus->irqs[irq], (levels >> irq) & 1);
        }
    }
}

static void piix3_set_irq(void *opaque, int pirq, int level)
{
    PIIX3State *s = opaque;

    s->pirq_level[pirq] = level;
    piix3_update_irqs(s);
}

static void piix3_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                               int len)
{
    pci_default_write_config(d, addr, val, len);
    if (addr < PIIX_PIRQCA + PIIX_NUM_PIRQS && addr + len > PIIX_PIRQCA) {
        piix3_update_irqs(PIIX3_DEVICE(d));
    }
}

void piix3_set_pirq_routing(PIIX3State *s, const uint8_t irqs[4])
{
    memcpy(PCI_DEVICE(s)->config + PIIX_PIRQCA, irqs, PIIX_NUM_PIRQS);
    piix3_update_irqs(s);
}

/* Datasheet defaults (section 2.2) */
static void piix3_reset(DeviceState *dev)
{
    PIIX3State *s = PIIX3_DEVICE(dev);
    uint8_t *c = PCI_DEVICE(dev)->config;

    c[PIIX_IORT] = 0x4d;
    c[PIIX_XBCS] = 0x03;
    c[PIIX_XBCS + 1] = 0x00;
    memset(c + PIIX_PIRQCA, PIIX_PIRQ_DISABLE, PIIX_NUM_PIRQS);
    c[PIIX_TOM] = 0x02;
    c[PIIX_MBIRQ0] = 0x80;
    c[PIIX_MBIRQ0 + 1] = 0x80;
    c[PIIX_MBDMA] = 0x0c;
    c[PIIX_MBDMA + 1] = 0x0c;
    c[PIIX_SMICNTL] = 0x08;
    piix3_update_irqs(s);
}

static void piix3_realize(PCIDevice *d, Error **errp)
{
    /* The PCI side of the ISA bridge has no BARs and no interrupt pin. */
    d->config[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTI_FUNCTION;
}

static void piix3_instance_init(Object *obj)
{
    /* QEMU's PIIX3 is multi-function (IDE, USB, ACPI are its siblings). */
    PCI_DEVICE(obj)->multifunction = true;
}

static void piix3_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = piix3_realize;
    pc->config_write = piix3_write_config;
    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_82371SB_0;
    pc->class_id = PCI_CLASS_BRIDGE_ISA;
    dc->reset = piix3_reset;
    dc->desc = "ISA bridge";
    dc->user_creatable = false;
    set_bit_category(dc, DEVICE_CATEGORY_BRIDGE);
}

static const TypeInfo piix3_info = {
    .name = TYPE_PIIX3_DEVICE,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PIIX3State),
    .instance_init = piix3_instance_init,
    .class_init = piix3_class_init,
};

static void piix3_register_types(void)
{
    type_register_static(&piix3_info);
}

type_init(piix3_register_types)

PIIX3State *piix3_init(PCIBus *bus, MemoryRegion *io, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_PIIX3_DEVICE);
    PIIX3State *s = PIIX3_DEVICE(dev);

    PCI_DEVICE(dev)->devfn = PCI_DEVFN(1, 0);
    /* The bus exists before realize so ISA devices can be added at once. */
    s->isa_bus = isa_bus_new(dev, io);
    if (!qdev_realize_and_unref(dev, BUS(bus), errp)) {
        return NULL;
    }
    pci_bus_irqs(bus, piix3_set_irq, piix3_map_irq, s, PIIX_NUM_PIRQS);
    return s;
}
