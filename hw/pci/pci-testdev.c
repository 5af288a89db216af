/*
 * "pci-testdev" (1b36:0005), QEMU's device for testing PCI from a guest:
 * BAR0 is 4 KiB of memory-space registers, BAR1 256 bytes of I/O space.
 * kemu's version is simpler than QEMU's ioeventfd test protocol: both
 * BARs are scratch storage that reads back what was written (so a guest
 * or a test can prove BAR placement and decoding).  As in QEMU it has no
 * interrupt pin and class code 0x00ff.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"

#define TYPE_PCI_TESTDEV        "pci-testdev"
#define PCI_TESTDEV_MMIO_SIZE   4096
#define PCI_TESTDEV_PIO_SIZE    256
#define PCI_CLASS_TESTDEV       0x00ff  /* QEMU's PCI_CLASS_OTHERS */

OBJECT_DECLARE_SIMPLE_TYPE(PCITestDevState, PCI_TESTDEV)

struct PCITestDevState {
    PCIDevice parent_obj;
    MemoryRegion mmio;
    MemoryRegion portio;
    uint8_t mmio_data[PCI_TESTDEV_MMIO_SIZE];
    uint8_t pio_data[PCI_TESTDEV_PIO_SIZE];
};

static uint64_t testdev_load(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void testdev_store(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        p[i] = v >> (8 * i);
    }
}

/* Both BARs are scratch storage: the opaque is the region's buffer. */
static uint64_t testdev_scratch_read(void *opaque, hwaddr addr, unsigned size)
{
    return testdev_load((uint8_t *)opaque + addr, size);
}

static void testdev_scratch_write(void *opaque, hwaddr addr, uint64_t val,
                                  unsigned size)
{
    testdev_store((uint8_t *)opaque + addr, size, val);
}

static const MemoryRegionOps testdev_scratch_ops = {
    .read = testdev_scratch_read,
    .write = testdev_scratch_write,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void testdev_reset(DeviceState *dev)
{
    PCITestDevState *s = PCI_TESTDEV(dev);

    memset(s->mmio_data, 0, sizeof(s->mmio_data));
    memset(s->pio_data, 0, sizeof(s->pio_data));
}

static void testdev_realize(PCIDevice *d, Error **errp)
{
    PCITestDevState *s = PCI_TESTDEV(d);

    memory_region_init_io(&s->mmio, OBJECT(s), &testdev_scratch_ops,
                          s->mmio_data,
                          "pci-testdev-mmio", PCI_TESTDEV_MMIO_SIZE);
    memory_region_init_io(&s->portio, OBJECT(s), &testdev_scratch_ops,
                          s->pio_data,
                          "pci-testdev-portio", PCI_TESTDEV_PIO_SIZE);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, &s->mmio);
    pci_register_bar(d, 1, PCI_BASE_ADDRESS_SPACE_IO, &s->portio);
}

static void testdev_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = testdev_realize;
    pc->vendor_id = PCI_VENDOR_ID_REDHAT;
    pc->device_id = PCI_DEVICE_ID_REDHAT_TEST;
    pc->class_id = PCI_CLASS_TESTDEV;
    dc->desc = "PCI Test Device";
    dc->reset = testdev_reset;
    set_bit_category(dc, DEVICE_CATEGORY_MISC);
}

static const TypeInfo testdev_info = {
    .name = TYPE_PCI_TESTDEV,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PCITestDevState),
    .class_init = testdev_class_init,
};

static void testdev_register_types(void)
{
    type_register_static(&testdev_info);
}

type_init(testdev_register_types)
