/*
 * Port 0x80, the POST-code / I/O-delay port.  Nothing decodes it on a PC
 * without a POST card; QEMU maps a sink so that delays cost no log noise.
 * Writes are dropped, reads return all-ones.
 */
#include "qemu/osdep.h"
#include "hw/misc/ioport80.h"

static uint64_t ioport80_read(void *opaque, hwaddr addr, unsigned size)
{
    return UINT64_MAX;
}

static void ioport80_write(void *opaque, hwaddr addr, uint64_t data,
                           unsigned size)
{
}

static const MemoryRegionOps ioport80_ops = {
    .read = ioport80_read,
    .write = ioport80_write,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 4,
    },
};

void isa_create_port80(ISABus *bus)
{
    /* Owned by no device: it lives until the process exits. */
    MemoryRegion *mr = g_new0(MemoryRegion, 1);
    MemoryRegion *io = bus && bus->address_space_io ?
                       bus->address_space_io : get_system_io();

    memory_region_init_io(mr, NULL, &ioport80_ops, NULL, "ioport80", 1);
    memory_region_add_subregion(io, 0x80, mr);
}
