/*
 * PCI through configuration mechanism #1 at 0xcf8/0xcfc as a guest drives
 * it: the i440FX and PIIX3 identities, master aborts on empty slots, BAR
 * sizing with all-ones, BAR mapping under the command register (32-bit,
 * I/O and 64-bit BARs), read-only and write-1-to-clear bits, INTx routed
 * by the PIIX3 PIRQ registers to the i8259, capabilities, MSI and MSI-X
 * (masking, pending bits) and bus-master DMA.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/pci/pci.h"
#include "hw/pci-host/i440fx.h"
#include "hw/isa/piix.h"
#include "hw/intc/i8259.h"

#define CFG_ENABLE      0x80000000u
#define TESTDEV_SLOT    3
#define MSIDEV_SLOT     4
#define TESTDEV_DEVFN   PCI_DEVFN(TESTDEV_SLOT, 0)
#define MSIDEV_DEVFN    PCI_DEVFN(MSIDEV_SLOT, 0)
#define RAM_SIZE        (16 * MiB)

static PCIBus *bus;
static MemoryRegion ram;

/* ---- a device with MSI, MSI-X and a 64-bit BAR, only for this test ---- */

#define TYPE_TEST_MSI_DEV "test-msi-dev"

typedef struct TestMSIDev {
    PCIDevice parent_obj;
    MemoryRegion bar64;
} TestMSIDev;

static uint64_t bar64_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0x5a5a5a5a;
}

static void bar64_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
}

static const MemoryRegionOps bar64_ops = {
    .read = bar64_read,
    .write = bar64_write,
};

static void test_msi_dev_realize(PCIDevice *d, Error **errp)
{
    TestMSIDev *s = (TestMSIDev *)d;

    d->config[PCI_INTERRUPT_PIN] = 2;   /* INTB# */
    if (msi_init(d, 0, 4, true, true, errp) < 0 ||
        msix_init_exclusive_bar(d, 4, 2, errp) < 0) {
        return;
    }
    memory_region_init_io(&s->bar64, OBJECT(d), &bar64_ops, s, "bar64",
                          16 * KiB);
    pci_register_bar(d, 4, PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH, &s->bar64);
}

static void test_msi_dev_class_init(ObjectClass *klass, void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(klass);

    pc->realize = test_msi_dev_realize;
    pc->vendor_id = 0x1234;
    pc->device_id = 0x5678;
    pc->class_id = PCI_CLASS_OTHERS;
}

static const TypeInfo test_msi_dev_info = {
    .name = TYPE_TEST_MSI_DEV,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(TestMSIDev),
    .class_init = test_msi_dev_class_init,
};

/* ---- helpers ---- */

static uint64_t msi_addr;
static uint32_t msi_data;
static int msi_count;

static void record_msi(uint64_t addr, uint32_t data)
{
    msi_addr = addr;
    msi_data = data;
    msi_count++;
}

static uint32_t cfg_rd(uint8_t devfn, uint8_t reg, int len)
{
    cpu_outl(0xcf8, CFG_ENABLE | devfn << 8 | (reg & 0xfc));
    switch (len) {
    case 1:
        return cpu_inb(0xcfc + (reg & 3));
    case 2:
        return cpu_inw(0xcfc + (reg & 2));
    default:
        return cpu_inl(0xcfc);
    }
}

static void cfg_wr(uint8_t devfn, uint8_t reg, uint32_t val, int len)
{
    cpu_outl(0xcf8, CFG_ENABLE | devfn << 8 | (reg & 0xfc));
    switch (len) {
    case 1:
        cpu_outb(0xcfc + (reg & 3), val);
        break;
    case 2:
        cpu_outw(0xcfc + (reg & 2), val);
        break;
    default:
        cpu_outl(0xcfc, val);
        break;
    }
}

static uint32_t mem_rd(hwaddr addr)
{
    uint64_t v = 0;

    address_space_ld(&address_space_memory, addr, 4, &v);
    return v;
}

static void mem_wr(hwaddr addr, uint32_t val)
{
    address_space_st(&address_space_memory, addr, 4, val);
}

/* The master and slave 8259 IRR (OCW3 "read IRR"). */
static uint16_t pic_irr(void)
{
    cpu_outb(0x20, 0x0a);
    cpu_outb(0xa0, 0x0a);
    return cpu_inb(0x20) | cpu_inb(0xa0) << 8;
}

/* ---- tests ---- */

static void test_identity(void)
{
    g_assert_cmphex(cfg_rd(0, PCI_VENDOR_ID, 4), ==, 0x12378086);
    g_assert_cmphex(cfg_rd(PCI_DEVFN(1, 0), PCI_VENDOR_ID, 4), ==,
                    0x70008086);
    g_assert_cmphex(cfg_rd(0, PCI_CLASS_DEVICE, 2), ==, 0x0600);
    g_assert_cmphex(cfg_rd(PCI_DEVFN(1, 0), PCI_CLASS_DEVICE, 2), ==, 0x0601);
    /* byte and word accesses at 0xcfd-0xcff */
    g_assert_cmphex(cfg_rd(0, PCI_DEVICE_ID + 1, 1), ==, 0x12);
    g_assert_cmphex(cfg_rd(0, PCI_DEVICE_ID, 2), ==, 0x1237);
    g_assert_cmphex(cfg_rd(PCI_DEVFN(1, 0), PCI_HEADER_TYPE, 1), ==, 0x80);
    g_assert_cmphex(cfg_rd(0, PCI_SUBSYSTEM_VENDOR_ID, 4), ==, 0x11001af4);
    /* master abort: empty slot, other function, other bus */
    g_assert_cmphex(cfg_rd(PCI_DEVFN(0x1f, 0), 0, 4), ==, 0xffffffff);
    g_assert_cmphex(cfg_rd(PCI_DEVFN(0, 1), 0, 2), ==, 0xffff);
    cpu_outl(0xcf8, CFG_ENABLE | 1 << 16);
    g_assert_cmphex(cpu_inl(0xcfc), ==, 0xffffffff);
    /* CONFIG_ADDRESS reads back (bits 1:0 reserved); without the enable bit no cycle */
    cpu_outl(0xcf8, 0x80000803);
    g_assert_cmphex(cpu_inl(0xcf8), ==, 0x80000800);
    cpu_outl(0xcf8, 0x00000000);
    g_assert_cmphex(cpu_inl(0xcfc), ==, 0xffffffff);
    /* read-only fields stay */
    cfg_wr(0, PCI_VENDOR_ID, 0, 4);
    g_assert_cmphex(cfg_rd(0, PCI_VENDOR_ID, 4), ==, 0x12378086);
}

static void test_bar_sizing_and_mapping(void)
{
    uint8_t df = TESTDEV_DEVFN;

    g_assert_cmphex(cfg_rd(df, PCI_VENDOR_ID, 4), ==, 0x00051b36);
    g_assert_cmphex(cfg_rd(df, PCI_BASE_ADDRESS_0, 4), ==, 0);
    g_assert_cmphex(cfg_rd(df, PCI_BASE_ADDRESS_0 + 4, 4), ==, 1);
    cfg_wr(df, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    cfg_wr(df, PCI_BASE_ADDRESS_0 + 4, 0xffffffff, 4);
    cfg_wr(df, PCI_BASE_ADDRESS_0 + 8, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(df, PCI_BASE_ADDRESS_0, 4), ==, 0xfffff000);
    g_assert_cmphex(cfg_rd(df, PCI_BASE_ADDRESS_0 + 4, 4), ==, 0xffffff01);
    g_assert_cmphex(cfg_rd(df, PCI_BASE_ADDRESS_0 + 8, 4), ==, 0);

    cfg_wr(df, PCI_BASE_ADDRESS_0, 0xfe000000, 4);
    cfg_wr(df, PCI_BASE_ADDRESS_0 + 4, 0xc000, 4);
    g_assert_cmphex(cfg_rd(df, PCI_BASE_ADDRESS_0 + 4, 4), ==, 0xc001);
    /* decoding off: nothing there */
    mem_wr(0xfe000010, 0x12345678);
    g_assert_cmphex(mem_rd(0xfe000010), ==, 0xffffffff);
    g_assert_cmpuint(pci_get_bar_addr(bus->devices[df], 0), ==,
                     PCI_BAR_UNMAPPED);
    cfg_wr(df, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(pci_get_bar_addr(bus->devices[df], 0), ==, 0xfe000000);
    mem_wr(0xfe000010, 0x12345678);
    g_assert_cmphex(mem_rd(0xfe000010), ==, 0x12345678);
    cpu_outw(0xc004, 0xbeef);
    g_assert_cmphex(cpu_inw(0xc004), ==, 0xbeef);
    /* moving the BAR moves the registers */
    cfg_wr(df, PCI_BASE_ADDRESS_0, 0xfd000000, 4);
    g_assert_cmphex(mem_rd(0xfd000010), ==, 0x12345678);
    g_assert_cmphex(mem_rd(0xfe000010), ==, 0xffffffff);
    /* memory decoding off again: unmapped, I/O still there */
    cfg_wr(df, PCI_COMMAND, PCI_COMMAND_IO, 2);
    g_assert_cmphex(mem_rd(0xfd000010), ==, 0xffffffff);
    g_assert_cmphex(cpu_inw(0xc004), ==, 0xbeef);
    cfg_wr(df, PCI_COMMAND, 0, 2);
    g_assert_cmphex(cpu_inw(0xc004), ==, 0xffff);
    /* a BAR over RAM does not hide RAM (the PCI space is below it) */
    cfg_wr(df, PCI_BASE_ADDRESS_0, 0x00100000, 4);
    cfg_wr(df, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    mem_wr(0x00100010, 0xcafe);
    g_assert_cmphex(((uint32_t *)memory_region_get_ram_ptr(&ram))[0x100010 / 4],
                    ==, 0xcafe);
    cfg_wr(df, PCI_COMMAND, 0, 2);
}

static void test_bar64(void)
{
    uint8_t df = MSIDEV_DEVFN;
    uint8_t bar4 = PCI_BASE_ADDRESS_0 + 16;

    g_assert_cmphex(cfg_rd(df, bar4, 4), ==, 0x0c);
    cfg_wr(df, bar4, 0xffffffff, 4);
    cfg_wr(df, bar4 + 4, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(df, bar4, 4), ==, 0xffffc00c);
    g_assert_cmphex(cfg_rd(df, bar4 + 4, 4), ==, 0xffffffff);
    cfg_wr(df, bar4, 0, 4);
    cfg_wr(df, bar4 + 4, 0x2, 4);
    cfg_wr(df, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    g_assert_cmphex(pci_get_bar_addr(bus->devices[df], 4), ==,
                    0x200000000ULL);
    g_assert_cmphex(mem_rd(0x200000010ULL), ==, 0x5a5a5a5a);
    cfg_wr(df, PCI_COMMAND, 0, 2);
    g_assert_cmphex(mem_rd(0x200000010ULL), ==, 0xffffffff);
}

static void test_status_and_command(void)
{
    PCIDevice *d = bus->devices[TESTDEV_DEVFN];
    uint16_t st;

    /* reserved command bits do not stick */
    cfg_wr(TESTDEV_DEVFN, PCI_COMMAND, 0xffff, 2);
    g_assert_cmphex(cfg_rd(TESTDEV_DEVFN, PCI_COMMAND, 2), ==, 0x055f);
    cfg_wr(TESTDEV_DEVFN, PCI_COMMAND, 0, 2);
    /* error bits are write-1-to-clear; other status bits are read-only */
    pci_set_word(d->config + PCI_STATUS, pci_get_word(d->config + PCI_STATUS) |
                 PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_SIG_SYSTEM_ERROR);
    cfg_wr(TESTDEV_DEVFN, PCI_STATUS, PCI_STATUS_REC_MASTER_ABORT |
           PCI_STATUS_DEVSEL_MEDIUM, 2);
    st = cfg_rd(TESTDEV_DEVFN, PCI_STATUS, 2);
    g_assert_cmphex(st & PCI_STATUS_REC_MASTER_ABORT, ==, 0);
    g_assert_cmphex(st & PCI_STATUS_SIG_SYSTEM_ERROR, !=, 0);
    g_assert_cmphex(st & PCI_STATUS_DEVSEL_MEDIUM, !=, 0);
    cfg_wr(TESTDEV_DEVFN, PCI_STATUS, 0xffff, 2);
    g_assert_cmphex(cfg_rd(TESTDEV_DEVFN, PCI_STATUS, 2), ==,
                    PCI_STATUS_DEVSEL_MEDIUM);
    /* interrupt line is storage, pin is read-only */
    cfg_wr(TESTDEV_DEVFN, PCI_INTERRUPT_LINE, 0x020b, 2);
    g_assert_cmphex(cfg_rd(TESTDEV_DEVFN, PCI_INTERRUPT_LINE, 2), ==,
                    0x000b);
}

static void test_intx_pirq(void)
{
    uint8_t df = MSIDEV_DEVFN;
    PCIDevice *d = bus->devices[df];
    uint8_t isa = PCI_DEVFN(1, 0);
    /* slot 4 INTB# is PIRQA */
    uint8_t pirq = PIIX_PIRQCA + piix3_pirq_of(MSIDEV_SLOT, 1);

    g_assert_cmpint(pirq, ==, 0x60);
    g_assert_cmphex(cfg_rd(df, PCI_INTERRUPT_PIN, 1), ==, 2);
    g_assert_cmphex(cfg_rd(TESTDEV_DEVFN, PCI_INTERRUPT_PIN, 1), ==, 0);
    g_assert_cmphex(cfg_rd(isa, pirq, 1), ==, 0x80);
    /* ELCR: IRQ 11 level-triggered, as for PCI */
    cpu_outb(0x4d1, 1 << 3);

    /* route disabled: the PIC sees nothing */
    pci_irq_assert(d);
    g_assert_cmphex(pic_irr() & (1 << 11), ==, 0);
    g_assert_cmphex(cfg_rd(df, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, !=, 0);
    /* routing it to IRQ 11 delivers the asserted level */
    cfg_wr(isa, pirq, 11, 1);
    g_assert_cmphex(pic_irr() & (1 << 11), !=, 0);
    /* INTX_DISABLE drops the line; the status bit still shows it */
    cfg_wr(df, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    g_assert_cmphex(pic_irr() & (1 << 11), ==, 0);
    g_assert_cmphex(cfg_rd(df, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, !=, 0);
    cfg_wr(df, PCI_COMMAND, 0, 2);
    g_assert_cmphex(pic_irr() & (1 << 11), !=, 0);
    g_assert_cmpint(pci_bus_get_irq_level(bus, 0), ==, 1);
    /* deassert */
    pci_irq_deassert(d);
    g_assert_cmphex(pic_irr() & (1 << 11), ==, 0);
    g_assert_cmpint(pci_bus_get_irq_level(bus, 0), ==, 0);
    g_assert_cmphex(cfg_rd(df, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, ==, 0);
    /* moving the route while asserted moves the level */
    pci_irq_assert(d);
    cpu_outb(0x4d1, (1 << 3) | (1 << 2));
    cfg_wr(isa, pirq, 10, 1);
    g_assert_cmphex(pic_irr() & (3 << 10), ==, 1 << 10);
    pci_irq_deassert(d);
    g_assert_cmphex(pic_irr() & (3 << 10), ==, 0);
    cfg_wr(isa, pirq, 0x80, 1);
}

static void test_capabilities(void)
{
    PCIDevice *d = bus->devices[MSIDEV_DEVFN];
    uint8_t p;
    Error *err = NULL;

    g_assert_cmphex(cfg_rd(MSIDEV_DEVFN, PCI_STATUS, 2) &
                    PCI_STATUS_CAP_LIST, !=, 0);
    /* the list: MSI-X (added last) first, then MSI */
    p = cfg_rd(MSIDEV_DEVFN, PCI_CAPABILITY_LIST, 1);
    g_assert_cmphex(cfg_rd(MSIDEV_DEVFN, p, 1), ==, PCI_CAP_ID_MSIX);
    p = cfg_rd(MSIDEV_DEVFN, p + 1, 1);
    g_assert_cmphex(cfg_rd(MSIDEV_DEVFN, p, 1), ==, PCI_CAP_ID_MSI);
    g_assert_cmphex(cfg_rd(MSIDEV_DEVFN, p + 1, 1), ==, 0);
    g_assert_cmpint(pci_find_capability(d, PCI_CAP_ID_MSI), ==, p);
    g_assert_cmpint(pci_find_capability(d, PCI_CAP_ID_PM), ==, 0);
    /* the guest cannot rewrite the list */
    cfg_wr(MSIDEV_DEVFN, p + 1, 0x44, 1);
    g_assert_cmphex(cfg_rd(MSIDEV_DEVFN, p + 1, 1), ==, 0);
    /* overlapping capabilities are refused */
    g_assert_cmpint(pci_add_capability(d, PCI_CAP_ID_VNDR, p, 4, &err), <, 0);
    g_assert_nonnull(err);
    error_free(err);
}

static void test_msi(void)
{
    uint8_t df = MSIDEV_DEVFN;
    PCIDevice *d = bus->devices[df];
    uint8_t c = pci_find_capability(d, PCI_CAP_ID_MSI);
    uint16_t flags = cfg_rd(df, c + PCI_MSI_FLAGS, 2);

    g_assert_cmphex(flags, ==, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT |
                    (2 << 1));
    msi_count = 0;
    msi_notify(d, 0);
    g_assert_cmpint(msi_count, ==, 0);              /* not enabled */
    cfg_wr(df, c + PCI_MSI_ADDRESS_LO, 0xfee01003, 4);
    g_assert_cmphex(cfg_rd(df, c + PCI_MSI_ADDRESS_LO, 4), ==, 0xfee01000);
    cfg_wr(df, c + PCI_MSI_ADDRESS_HI, 0, 4);
    cfg_wr(df, c + PCI_MSI_DATA_64, 0x4030, 2);
    /* four vectors enabled (QSIZE 2) */
    cfg_wr(df, c + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | (2 << 4), 2);
    g_assert_true(msi_enabled(d));
    /* no bus mastering: the write is not posted */
    msi_notify(d, 1);
    g_assert_cmpint(msi_count, ==, 0);
    cfg_wr(df, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    msi_notify(d, 1);
    g_assert_cmpint(msi_count, ==, 1);
    g_assert_cmphex(msi_addr, ==, 0xfee01000);
    g_assert_cmphex(msi_data, ==, 0x4031);
    /* masked vector 2: pending, sent at unmask */
    cfg_wr(df, c + PCI_MSI_MASK_64, 1 << 2, 4);
    msi_notify(d, 2);
    g_assert_cmpint(msi_count, ==, 1);
    g_assert_cmphex(cfg_rd(df, c + PCI_MSI_PENDING_64, 4), ==, 1 << 2);
    cfg_wr(df, c + PCI_MSI_MASK_64, 0, 4);
    g_assert_cmpint(msi_count, ==, 2);
    g_assert_cmphex(msi_data, ==, 0x4032);
    g_assert_cmphex(cfg_rd(df, c + PCI_MSI_PENDING_64, 4), ==, 0);
    /* the pending bits are read-only */
    cfg_wr(df, c + PCI_MSI_PENDING_64, 0xf, 4);
    g_assert_cmphex(cfg_rd(df, c + PCI_MSI_PENDING_64, 4), ==, 0);
    cfg_wr(df, c + PCI_MSI_FLAGS, 0, 2);
    cfg_wr(df, PCI_COMMAND, 0, 2);
}

static void test_msix(void)
{
    uint8_t df = MSIDEV_DEVFN;
    PCIDevice *d = bus->devices[df];
    uint8_t c = pci_find_capability(d, PCI_CAP_ID_MSIX);
    hwaddr base = 0xfe100000;

    g_assert_cmphex(cfg_rd(df, c + PCI_MSIX_FLAGS, 2), ==, 3);
    g_assert_cmphex(cfg_rd(df, c + PCI_MSIX_TABLE, 4), ==, 2);
    g_assert_cmphex(cfg_rd(df, c + PCI_MSIX_PBA, 4), ==, 0x800 | 2);
    cfg_wr(df, PCI_BASE_ADDRESS_0 + 8, 0xffffffff, 4);
    g_assert_cmphex(cfg_rd(df, PCI_BASE_ADDRESS_0 + 8, 4), ==, 0xfffff000);
    cfg_wr(df, PCI_BASE_ADDRESS_0 + 8, base, 4);
    cfg_wr(df, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    /* entries start masked */
    g_assert_cmphex(mem_rd(base + 16 + PCI_MSIX_ENTRY_VECTOR_CTRL), ==, 1);
    mem_wr(base + 16 + PCI_MSIX_ENTRY_LOWER_ADDR, 0xfee00000);
    mem_wr(base + 16 + PCI_MSIX_ENTRY_UPPER_ADDR, 0);
    mem_wr(base + 16 + PCI_MSIX_ENTRY_DATA, 0x41);
    msi_count = 0;
    msix_notify(d, 1);
    g_assert_cmpint(msi_count, ==, 0);              /* MSI-X disabled */
    /* enabled with the function masked: pending */
    cfg_wr(df, c + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE |
           PCI_MSIX_FLAGS_MASKALL, 2);
    g_assert_true(msix_enabled(d));
    mem_wr(base + 16 + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
    msix_notify(d, 1);
    g_assert_cmpint(msi_count, ==, 0);
    g_assert_cmphex(mem_rd(base + 0x800), ==, 1 << 1);
    /* clearing the function mask sends it */
    cfg_wr(df, c + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
    g_assert_cmpint(msi_count, ==, 1);
    g_assert_cmphex(msi_addr, ==, 0xfee00000);
    g_assert_cmphex(msi_data, ==, 0x41);
    g_assert_cmphex(mem_rd(base + 0x800), ==, 0);
    /* entry mask: pending until the entry is unmasked */
    mem_wr(base + 16 + PCI_MSIX_ENTRY_VECTOR_CTRL, 1);
    msix_notify(d, 1);
    g_assert_cmpint(msi_count, ==, 1);
    g_assert_true(msix_is_masked(d, 1));
    mem_wr(base + 16 + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
    g_assert_cmpint(msi_count, ==, 2);
    /* unmasked: straight through; out-of-range vectors ignored */
    msix_notify(d, 1);
    msix_notify(d, 4);
    g_assert_cmpint(msi_count, ==, 3);
    cfg_wr(df, c + PCI_MSIX_FLAGS, 0, 2);
    cfg_wr(df, PCI_COMMAND, 0, 2);
}

static void test_dma(void)
{
    PCIDevice *d = bus->devices[TESTDEV_DEVFN];
    uint8_t *host = memory_region_get_ram_ptr(&ram);
    uint8_t buf[4] = { 1, 2, 3, 4 };

    memset(host + 0x2000, 0, 4);
    g_assert_cmpint(pci_dma_write(d, 0x2000, buf, 4), !=, MEMTX_OK);
    g_assert_cmpint(host[0x2000], ==, 0);
    cfg_wr(TESTDEV_DEVFN, PCI_COMMAND, PCI_COMMAND_MASTER, 2);
    g_assert_cmpint(pci_dma_write(d, 0x2000, buf, 4), ==, MEMTX_OK);
    g_assert_cmpmem(host + 0x2000, 4, buf, 4);
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(pci_dma_read(d, 0x2001, buf, 2), ==, MEMTX_OK);
    g_assert_cmpint(buf[0], ==, 2);
    g_assert_cmpint(buf[1], ==, 3);
    cfg_wr(TESTDEV_DEVFN, PCI_COMMAND, 0, 2);
}

static void test_reset(void)
{
    uint8_t df = TESTDEV_DEVFN;

    cfg_wr(df, PCI_BASE_ADDRESS_0, 0xfe000000, 4);
    cfg_wr(df, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    cfg_wr(PCI_DEVFN(1, 0), 0x60, 0x0a, 1);
    g_assert_cmphex(mem_rd(0xfe000000 + 0x20), ==, 0);
    qdev_reset_all_devices();
    g_assert_cmphex(cfg_rd(df, PCI_COMMAND, 2), ==, 0);
    g_assert_cmphex(cfg_rd(df, PCI_BASE_ADDRESS_0, 4), ==, 0);
    g_assert_cmphex(mem_rd(0xfe000000 + 0x20), ==, 0xffffffff);
    g_assert_cmphex(cfg_rd(PCI_DEVFN(1, 0), 0x60, 1), ==, 0x80);
    g_assert_cmphex(cfg_rd(0, PCI_VENDOR_ID, 4), ==, 0x12378086);
}

static void test_devfn_errors(void)
{
    Error *err = NULL;

    g_assert_null(pci_create_simple(bus, TESTDEV_DEVFN, "pci-testdev", &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "PCI: slot 3 function 0 not available for pci-testdev, "
                    "in use by pci-testdev,id=");
    error_free(err);
}

static void intr_handler(void *opaque, int n, int level)
{
}

int main(int argc, char **argv)
{
    PIIX3State *piix3;
    IRQLine **pic;

    g_test_init(&argc, &argv, NULL);
    memory_system_init();
    bql_lock();
    type_register_static(&test_msi_dev_info);
    g_assert_true(memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE,
                                         &error_abort));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    bus = i440fx_init(get_system_memory(), get_system_io(), &error_abort);
    g_assert_nonnull(bus);
    bus->msi_trigger = record_msi;
    piix3 = piix3_init(bus, get_system_io(), &error_abort);
    g_assert_nonnull(piix3);
    pic = i8259_init(piix3->isa_bus, irq_line_new(intr_handler, NULL, 0),
                     &error_abort);
    isa_bus_set_irqs(piix3->isa_bus, pic);
    g_assert_nonnull(pci_create_simple(bus, TESTDEV_DEVFN, "pci-testdev",
                                       &error_abort));
    g_assert_nonnull(pci_create_simple(bus, MSIDEV_DEVFN, TYPE_TEST_MSI_DEV,
                                       &error_abort));

    g_test_add_func("/pci/identity", test_identity);
    g_test_add_func("/pci/bar-sizing-mapping", test_bar_sizing_and_mapping);
    g_test_add_func("/pci/bar64", test_bar64);
    g_test_add_func("/pci/status-command", test_status_and_command);
    g_test_add_func("/pci/intx-pirq", test_intx_pirq);
    g_test_add_func("/pci/capabilities", test_capabilities);
    g_test_add_func("/pci/msi", test_msi);
    g_test_add_func("/pci/msix", test_msix);
    g_test_add_func("/pci/dma", test_dma);
    g_test_add_func("/pci/devfn-errors", test_devfn_errors);
    g_test_add_func("/pci/reset", test_reset);
    return g_test_run();
}
