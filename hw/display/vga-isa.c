/*
 * "isa-vga": the standard VGA on the ISA bus, QEMU's -vga std for machines
 * without PCI.  Legacy ports and window as every VGA; the VBE linear
 * framebuffer is the whole VRAM at 0xe0000000 (Bochs' fixed LFB address).
 */
#include "qemu/osdep.h"
#include "hw/isa/isa.h"
#include "hw/display/vga.h"

#define TYPE_ISA_VGA "isa-vga"

OBJECT_DECLARE_SIMPLE_TYPE(ISAVGAState, ISA_VGA)

struct ISAVGAState {
    ISADevice parent_obj;
    VGACommonState vga;
};

static void vga_isa_reset(DeviceState *dev)
{
    vga_common_reset(&ISA_VGA(dev)->vga);
}

static void vga_isa_realize(DeviceState *dev, Error **errp)
{
    ISAVGAState *d = ISA_VGA(dev);
    VGACommonState *s = &d->vga;
    ISABus *bus = ISA_BUS(dev->parent_bus);

    if (!vga_common_init(s, OBJECT(dev), errp)) {
        return;
    }
    vga_init_legacy(s, get_system_memory(), bus->address_space_io);
    memory_region_add_subregion(get_system_memory(),
                                VBE_DISPI_LFB_PHYSICAL_ADDRESS, &s->vram);
}

static void vga_isa_unrealize(DeviceState *dev)
{
    vga_common_exit(&ISA_VGA(dev)->vga);
}

static const Property vga_isa_properties[] = {
    DEFINE_PROP_UINT32("vgamem_mb", ISAVGAState, vga.vram_size_mb, 8),
    DEFINE_PROP_END_OF_LIST(),
};

static void vga_isa_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = vga_isa_realize;
    dc->unrealize = vga_isa_unrealize;
    dc->reset = vga_isa_reset;
    dc->bus_type = TYPE_ISA_BUS;
    set_bit_category(dc, DEVICE_CATEGORY_DISPLAY);
    device_class_set_props(dc, vga_isa_properties);
}

static const TypeInfo vga_isa_info = {
    .name = TYPE_ISA_VGA,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(ISAVGAState),
    .class_init = vga_isa_class_init,
};

static void vga_isa_register_types(void)
{
    type_register_static(&vga_isa_info);
}

type_init(vga_isa_register_types)
