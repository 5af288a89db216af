/*
 * "pc-testdev": QEMU's ISA test device, which guest test suites (such as
 * kvm-unit-tests) expect at fixed places:
 *   0xe0-0xe3      a 32-bit scratch register, each byte lane addressable
 *   0xe4           write a guest-physical address: its page of RAM is
 *                  made inaccessible and accessible again, so KVM drops
 *                  its mapping and the next access faults it back in
 *   0x2000-0x2017  a byte written to 0x2000+n drives ISA IRQ line n
 *   0xff000000     64 KiB of scratch MMIO (any size, any alignment)
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include <sys/mman.h>
#include "hw/isa/isa.h"
#include "exec/memory.h"

#define TYPE_PC_TESTDEV "pc-testdev"
#define PC_TESTDEV_IOPORT       0xe0
#define PC_TESTDEV_FLUSH_PAGE   0xe4
#define PC_TESTDEV_IRQ          0x2000
#define PC_TESTDEV_IRQ_LINES    24
#define PC_TESTDEV_IOMEM        0xff000000
#define PC_TESTDEV_IOMEM_LEN    0x10000

OBJECT_DECLARE_SIMPLE_TYPE(PCTestdevState, PC_TESTDEV)

struct PCTestdevState {
    ISADevice parent_obj;
    MemoryRegion ioport, flush, irq, iomem;
    uint32_t ioport_data;
    uint8_t iomem_buf[PC_TESTDEV_IOMEM_LEN];
};

/* ---- scratch register: byte lanes of one 32-bit value ---- */

static uint32_t lane_mask(hwaddr addr, unsigned size)
{
    return (uint32_t)(0xffffffffull >> (32 - 8 * size)) << ((addr & 3) * 8);
}

static uint64_t ioport_read(void *opaque, hwaddr addr, unsigned size)
{
    PCTestdevState *s = opaque;

    return (s->ioport_data & lane_mask(addr, size)) >> ((addr & 3) * 8);
}

static void ioport_write(void *opaque, hwaddr addr, uint64_t val,
                         unsigned size)
{
    PCTestdevState *s = opaque;
    uint32_t mask = lane_mask(addr, size);

    s->ioport_data = (s->ioport_data & ~mask) |
                     (((uint32_t)val << ((addr & 3) * 8)) & mask);
}

static const MemoryRegionOps ioport_ops = {
    .read = ioport_read,
    .write = ioport_write,
    .valid = { .min_access_size = 1, .max_access_size = 4,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- page flush ---- */

static uint64_t flush_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void flush_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    hwaddr len = 4096;
    uint8_t *p = address_space_map_ram(&address_space_memory, val & ~0xfffull,
                                       &len, false);

    if (!p || len < 4096 || ((uintptr_t)p & 0xfff)) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "pc-testdev: flush-page 0x%" PRIx64 " is not RAM\n",
                      val);
        return;
    }
    mprotect(p, 4096, PROT_NONE);
    mprotect(p, 4096, PROT_READ | PROT_WRITE);
}

static const MemoryRegionOps flush_ops = {
    .read = flush_read,
    .write = flush_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* ---- IRQ lines ---- */

static uint64_t irq_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void irq_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCTestdevState *s = opaque;

    /* The block is 24 bytes wide (IOAPIC pins); the ISA bus has 16 lines. */
    if (addr >= ISA_NUM_IRQS) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "pc-testdev: no ISA IRQ line %u\n", (unsigned)addr);
        return;
    }
    irq_set(isa_get_irq(ISA_DEVICE(s), addr), !!val);
}

static const MemoryRegionOps irq_ops = {
    .read = irq_read,
    .write = irq_write,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* ---- scratch MMIO ---- */

static uint64_t iomem_read(void *opaque, hwaddr addr, unsigned size)
{
    PCTestdevState *s = opaque;
    uint64_t v = 0;

    if (addr + size > PC_TESTDEV_IOMEM_LEN) {
        return ~0ull;
    }
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)s->iomem_buf[addr + i] << (8 * i);
    }
    return v;
}

static void iomem_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
    PCTestdevState *s = opaque;

    if (addr + size > PC_TESTDEV_IOMEM_LEN) {
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        s->iomem_buf[addr + i] = val >> (8 * i);
    }
}

static const MemoryRegionOps iomem_ops = {
    .read = iomem_read,
    .write = iomem_write,
    .valid = { .min_access_size = 1, .max_access_size = 8,
               .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- device ---- */

static void pc_testdev_realize(DeviceState *dev, Error **errp)
{
    PCTestdevState *s = PC_TESTDEV(dev);
    ISADevice *isa = ISA_DEVICE(dev);

    memory_region_init_io(&s->ioport, OBJECT(s), &ioport_ops, s,
                          "pc-testdev-ioport", 4);
    memory_region_init_io(&s->flush, OBJECT(s), &flush_ops, s,
                          "pc-testdev-flush-page", 4);
    memory_region_init_io(&s->irq, OBJECT(s), &irq_ops, s,
                          "pc-testdev-irq-line", PC_TESTDEV_IRQ_LINES);
    memory_region_init_io(&s->iomem, OBJECT(s), &iomem_ops, s,
                          "pc-testdev-iomem", PC_TESTDEV_IOMEM_LEN);
    isa_register_ioport(isa, &s->ioport, PC_TESTDEV_IOPORT);
    isa_register_ioport(isa, &s->flush, PC_TESTDEV_FLUSH_PAGE);
    isa_register_ioport(isa, &s->irq, PC_TESTDEV_IRQ);
    memory_region_add_subregion(get_system_memory(), PC_TESTDEV_IOMEM,
                                &s->iomem);
}

static void pc_testdev_unrealize(DeviceState *dev)
{
    PCTestdevState *s = PC_TESTDEV(dev);

    memory_region_del_subregion(get_system_memory(), &s->iomem);
    memory_region_destroy(&s->iomem);
    memory_region_destroy(&s->irq);
    memory_region_destroy(&s->flush);
    memory_region_destroy(&s->ioport);
}

static void pc_testdev_reset(DeviceState *dev)
{
    PCTestdevState *s = PC_TESTDEV(dev);

    s->ioport_data = 0;
    memset(s->iomem_buf, 0, sizeof(s->iomem_buf));
}

static void pc_testdev_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = pc_testdev_realize;
    dc->unrealize = pc_testdev_unrealize;
    dc->reset = pc_testdev_reset;
    dc->bus_type = TYPE_ISA_BUS;
    set_bit_category(dc, DEVICE_CATEGORY_MISC);
}

static const TypeInfo pc_testdev_info = {
    .name = TYPE_PC_TESTDEV,
    .parent = TYPE_ISA_DEVICE,
    .instance_size = sizeof(PCTestdevState),
    .class_init = pc_testdev_class_init,
};

static void pc_testdev_register_types(void)
{
    type_register_static(&pc_testdev_info);
}

type_init(pc_testdev_register_types)
