/*
 * "isa-debug-exit": a port (0x501 by default) that ends the emulator, for
 * test guests.  Writing V exits the process with status (V << 1) | 1, so
 * a guest can never produce status 0 by accident (QEMU's convention).
 */
#include "qemu/osdep.h"
#include "hw/isa/isa.h"
#include "system/runstate.h"

#define TYPE_ISA_DEBUG_EXIT_DEVICE "isa-debug-exit"

OBJECT_DECLARE_SIMPLE_TYPE(ISADebugExitState, ISA_DEBUG_EXIT_DEVICE)

struct ISADebugExitState {
    ISADevice parent_obj;
    uint32_t iobase;
    uint32_t iosize;
    MemoryRegion io;
};

static uint64_t debug_exit_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void debug_exit_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    qemu_system_exit_request((int)((val << 1) | 1));
}

static const MemoryRegionOps debug_exit_ops = {
    .read = debug_exit_read,
    .write = debug_exit_write,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
};

static void debug_exit_realize(DeviceState *dev, Error **errp)
{
    ISADebugExitState *s = ISA_DEBUG_EXIT_DEVICE(dev);

    if (s->iobase > 0xffff || s->iosize == 0 ||
        s->iosize > 0x10000 - s->iobase) {
        error_setg(errp, "isa-debug-exit: port range 0x%x+0x%x out of range",
                   s->iobase, s->iosize);
        return;
    }
    memory_region_init_io(&s->io, OBJECT(dev), &debug_exit_ops, s,
                          TYPE_ISA_DEBUG_EXIT_DEVICE, s->iosize);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
}

static void debug_exit_unrealize(DeviceState *dev)
{
    memory_region_destroy(&ISA_DEBUG_EXIT_DEVICE(dev)->io);
}

static const Property debug_exit_properties[] = {
    DEFINE_PROP_UINT32("iobase", ISADebugExitState, iobase, 0x501),
    DEFINE_PROP_UINT32("iosize", ISADebugExitState, iosize, 0x02),
    DEFINE_PROP_END_OF_LIST(),
};

static void debug_exit_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = debug_exit_realize;
    dc->unrealize = debug_exit_unrealize;
    dc->bus_type = TYPE_ISA_BUS;
    set_bit_category(dc, DEVICE_CATEGORY_MISC);
    device_class_set_props(dc, debug_exit_properties);
}

static const TypeInfo debug_exit_info = {
    .name = TYPE_ISA_DEBUG_EXIT_DEVICE,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(ISADebugExitState),
    .class_init = debug_exit_class_init,
};

static void debug_exit_register_types(void)
{
    type_register_static(&debug_exit_info);
}

type_init(debug_exit_register_types)
