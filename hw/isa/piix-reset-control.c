/*
 * "piix-reset-control": the PIIX3 Reset Control Register at port 0xcf9
 * (Intel 82371SB datasheet, section 4.1.17; also the FADT's RESET_REG).
 * Bit 1 selects a hard reset, bit 2 going from 0 to 1 starts it; both kinds
 * reset the whole machine here.  The register takes byte accesses only
 * (a PCI host bridge at 0xcf8 would own the 32-bit accesses).
 */
#include "qemu/osdep.h"
#include "hw/isa/isa.h"
#include "hw/isa/piix.h"
#include "system/runstate.h"

#define TYPE_PIIX_RESET_CONTROL "piix-reset-control"
#define RCR_PORT        0xcf9
#define RCR_SYS_RST     0x02
#define RCR_RST_CPU     0x04

OBJECT_DECLARE_SIMPLE_TYPE(PIIXResetControlState, PIIX_RESET_CONTROL)

struct PIIXResetControlState {
    ISADevice parent_obj;
    MemoryRegion io;
    uint8_t rcr;
};

static uint64_t rcr_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIXResetControlState *s = opaque;

    return s->rcr;
}

static void rcr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PIIXResetControlState *s = opaque;

    if ((val & RCR_RST_CPU) && !(s->rcr & RCR_RST_CPU)) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
    s->rcr = val & RCR_SYS_RST;     /* RST_CPU reads back as 0 */
}

static const MemoryRegionOps rcr_ops = {
    .read = rcr_read,
    .write = rcr_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void rcr_reset(DeviceState *dev)
{
    PIIX_RESET_CONTROL(dev)->rcr = 0;
}

static void rcr_realize(DeviceState *dev, Error **errp)
{
    PIIXResetControlState *s = PIIX_RESET_CONTROL(dev);

    memory_region_init_io(&s->io, OBJECT(dev), &rcr_ops, s,
                          "piix-reset-control", 1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, RCR_PORT);
}

MemoryRegion *piix_reset_control_region(DeviceState *dev)
{
    return &PIIX_RESET_CONTROL(dev)->io;
}

static void rcr_unrealize(DeviceState *dev)
{
    memory_region_destroy(&PIIX_RESET_CONTROL(dev)->io);
}

static void rcr_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = rcr_realize;
    dc->unrealize = rcr_unrealize;
    dc->reset = rcr_reset;
    dc->bus_type = TYPE_ISA_BUS;
    /* Part of the chipset; the pc machine creates it. */
    dc->user_creatable = false;
}

static const TypeInfo rcr_info = {
    .name = TYPE_PIIX_RESET_CONTROL,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(PIIXResetControlState),
    .class_init = rcr_class_init,
};

static void rcr_register_types(void)
{
    type_register_static(&rcr_info);
}

type_init(rcr_register_types)
