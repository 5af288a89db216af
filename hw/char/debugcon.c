/*
 * "isa-debugcon": Bochs/QEMU debug console port (0xe9 by default).  Bytes
 * written go to the chardev; reads return the "readback" value, which lets
 * firmware detect the port (SeaBIOS and OVMF probe for 0xe9).
 */
#include "qemu/osdep.h"
#include "hw/isa/isa.h"
#include "chardev/char.h"

#define TYPE_ISA_DEBUGCON_DEVICE "isa-debugcon"

OBJECT_DECLARE_SIMPLE_TYPE(ISADebugconState, ISA_DEBUGCON_DEVICE)

struct ISADebugconState {
    ISADevice parent_obj;
    uint32_t iobase;
    uint32_t readback;
    CharFrontend chr;
    MemoryRegion io;
};

static void debugcon_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    ISADebugconState *s = opaque;
    uint8_t ch = val;

    if (s->chr.chr) {
        chr_fe_write_all(&s->chr, &ch, 1);
    }
}

static uint64_t debugcon_read(void *opaque, hwaddr addr, unsigned size)
{
    ISADebugconState *s = opaque;

    return s->readback;
}

static const MemoryRegionOps debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 1,
    },
};

static void debugcon_realize(DeviceState *dev, Error **errp)
{
    ISADebugconState *s = ISA_DEBUGCON_DEVICE(dev);

    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-debugcon: iobase 0x%x out of range", s->iobase);
        return;
    }
    memory_region_init_io(&s->io, OBJECT(dev), &debugcon_ops, s, "debugcon",
                          1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
}

static void debugcon_unrealize(DeviceState *dev)
{
    memory_region_destroy(&ISA_DEBUGCON_DEVICE(dev)->io);
}

static const Property debugcon_properties[] = {
    DEFINE_PROP_UINT32("iobase", ISADebugconState, iobase, 0xe9),
    DEFINE_PROP_CHR("chardev", ISADebugconState, chr),
    DEFINE_PROP_UINT32("readback", ISADebugconState, readback, 0xe9),
    DEFINE_PROP_END_OF_LIST(),
};

static void debugcon_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = debugcon_realize;
    dc->unrealize = debugcon_unrealize;
    dc->bus_type = TYPE_ISA_BUS;
    set_bit_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, debugcon_properties);
}

static const TypeInfo debugcon_info = {
    .name = TYPE_ISA_DEBUGCON_DEVICE,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(ISADebugconState),
    .class_init = debugcon_class_init,
};

static void debugcon_register_types(void)
{
    type_register_static(&debugcon_info);
}

type_init(debugcon_register_types)
