/*
 * Port 0x61 ("isa-pcspk"): the PC/AT system control port B.  Bit 0 gates
 * PIT channel 2, bit 1 enables the speaker, bit 4 toggles with the DRAM
 * refresh cycle (15 us), bit 5 reads channel 2's OUT (Linux's PIT TSC
 * calibration polls it).  Not modelled: sound output, NMI status bits 6/7.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/timer/i8254.h"

/* Refresh request period of the PC/AT: the PIT channel 1 default, ~15 us. */
#define PCSPK_REFRESH_NS 15085

OBJECT_DECLARE_SIMPLE_TYPE(PCSpkState, PCSPK)

struct PCSpkState {
    ISADevice parent_obj;
    MemoryRegion io;
    uint32_t iobase;
    DeviceState *pit;       /* link "pit"; NULL: gate/OUT read as 0 */
    uint8_t data_on;        /* bit 1 */
    uint8_t gate;           /* bit 0 */
};

static uint64_t pcspk_ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    PCSpkState *s = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int out = s->pit ? pit_get_out(s->pit, 2) : 0;
    int refresh = (now / PCSPK_REFRESH_NS) & 1;

    return (out << 5) | (refresh << 4) | (s->data_on << 1) | s->gate;
}

static void pcspk_ioport_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    PCSpkState *s = opaque;

    s->gate = val & 1;
    s->data_on = (val >> 1) & 1;
    if (s->pit) {
        pit_set_gate(s->pit, 2, s->gate);
    }
}

static const MemoryRegionOps pcspk_ops = {
    .read = pcspk_ioport_read,
    .write = pcspk_ioport_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void pcspk_reset(DeviceState *dev)
{
    PCSpkState *s = PCSPK(dev);

    s->gate = 0;
    s->data_on = 0;
}

static void pcspk_realize(DeviceState *dev, Error **errp)
{
    PCSpkState *s = PCSPK(dev);

    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-pcspk: invalid iobase");
        return;
    }
    memory_region_init_io(&s->io, OBJECT(s), &pcspk_ops, s, "pcspk", 1);
    isa_register_ioport(ISA_DEVICE(dev), &s->io, s->iobase);
}

static void pcspk_unrealize(DeviceState *dev)
{
    memory_region_destroy(&PCSPK(dev)->io);
}

DeviceState *pcspk_init(ISABus *bus, DeviceState *pit, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_PCSPK);

    PCSPK(dev)->pit = pit;
    if (!qdev_realize_and_unref(dev, BUS(bus), errp)) {
        return NULL;
    }
    return dev;
}

static const Property pcspk_properties[] = {
    DEFINE_PROP_UINT32("iobase", PCSpkState, iobase, 0x61),
    DEFINE_PROP_END_OF_LIST(),
};

static void pcspk_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = pcspk_realize;
    dc->unrealize = pcspk_unrealize;
    dc->reset = pcspk_reset;
    dc->bus_type = TYPE_ISA_BUS;
    dc->user_creatable = false;
    device_class_set_props(dc, pcspk_properties);
}

static const TypeInfo pcspk_type_info = {
    .name = TYPE_PCSPK,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(PCSpkState),
    .class_init = pcspk_class_init,
};

static void pcspk_register_types(void)
{
    type_register_static(&pcspk_type_info);
}

type_init(pcspk_register_types)
