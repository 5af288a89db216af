/*
 * BARs placed as firmware would, for boots that run none (-kernel).
 *
 * QEMU always runs SeaBIOS, which assigns every BAR of the root bus
 * before the kernel starts, and Linux keeps what it finds.  This does
 * what SeaBIOS 1.16 (QEMU 7.2's bios-256k.bin, src/fw/pciinit.c) does on
 * the pc machine, so the guest and `info pci` see QEMU's addresses:
 *  - every BAR and expansion ROM of the bus, in bus order, goes to one of
 *    three regions: I/O, memory, prefetchable memory (ROMs are memory);
 *    memory BARs take at least 4 KiB;
 *  - in each region, entries are sorted by size, largest first, equal
 *    sizes in bus order, and laid out upwards from the region's base;
 *  - I/O starts at 0xc000; the memory region with the larger alignment
 *    ends at 0xfec00000 (below the IOAPIC), the other one ends below it;
 *    a region must not start below 0xe0000000;
 *  - ROM BARs get an address but stay disabled;
 *  - then COMMAND gets I/O, memory and SERR enabled.
 * QEMU's VGA, e1000 and virtio-net have option ROMs that kemu's models do
 * not register; their space is reserved anyway so that the other BARs land
 * where they do under QEMU.  When a region does not fit, its BARs stay
 * unassigned (SeaBIOS would move 64-bit BARs above 4 GiB): the guest
 * assigns them.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci-firmware-bars.h"

#define IO_BASE         0xc000
#define IO_BASE_LOW     0x1000
#define IO_END_LOW      0xa000      /* 0xa000-0xffff: hotplug, PM, PCI */
#define MEM_START       0xe0000000ULL
#define MEM_END         0xfec00000ULL
#define MEM_MIN_SIZE    0x1000

enum { REGION_IO, REGION_MEM, REGION_PREFMEM, REGION_COUNT };

typedef struct BarEntry {
    PCIDevice *dev;
    int bar;                /* 0-5 or PCI_ROM_SLOT */
    uint64_t size;
    bool is64;
    struct BarEntry *next;
} BarEntry;

typedef struct Region {
    BarEntry *list;         /* sorted, largest first */
    uint64_t sum, align, base;
} Region;

/* Option ROM of QEMU 7.2's model of @d (romfile), when kemu has none. */
static uint64_t qemu_rom_size(PCIDevice *d)
{
    static const struct {
        uint16_t vendor, device;
        uint64_t size;
    } roms[] = {
        { 0x1234, 0x1111, 64 * KiB },   /* VGA: vgabios-stdvga.bin */
        { 0x8086, 0x100e, 256 * KiB },  /* e1000: efi-e1000.rom */
        { 0x1af4, 0x1000, 256 * KiB },  /* virtio-net: efi-virtio.rom */
        { 0x1af4, 0x1041, 256 * KiB },
    };
    uint16_t vendor = pci_get_word(d->config + PCI_VENDOR_ID);
    uint16_t device = pci_get_word(d->config + PCI_DEVICE_ID);

    for (size_t i = 0; i < ARRAY_SIZE(roms); i++) {
        if (roms[i].vendor == vendor && roms[i].device == device) {
            return roms[i].size;
        }
    }
    return 0;
}

/* Insert before the first smaller entry: sorted, stable for equal sizes. */
static void region_add(Region *r, PCIDevice *d, int bar, uint64_t size,
                       bool is64)
{
    BarEntry *e = g_new0(BarEntry, 1);
    BarEntry **p = &r->list;

    e->dev = d;
    e->bar = bar;
    e->size = size;
    e->is64 = is64;
    while (*p && (*p)->size >= size) {
        p = &(*p)->next;
    }
    e->next = *p;
    *p = e;
    r->sum += size;
    r->align = MAX(r->align, size);
}

static void collect(PCIBus *bus, Region *r)
{
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = bus->devices[devfn];
        if (!d) {
            continue;
        }
        for (int i = 0; i < PCI_NUM_REGIONS; i++) {
            PCIIORegion *io = &d->io_regions[i];
            uint64_t size = io->size;
            int kind;

            if (i == PCI_ROM_SLOT && !size) {
                size = qemu_rom_size(d);
            }
            if (!size) {
                continue;
            }
            if (i != PCI_ROM_SLOT && (io->type & PCI_BASE_ADDRESS_SPACE_IO)) {
                kind = REGION_IO;
            } else {
                kind = i != PCI_ROM_SLOT &&
                       (io->type & PCI_BASE_ADDRESS_MEM_PREFETCH)
                       ? REGION_PREFMEM : REGION_MEM;
                size = MAX(size, MEM_MIN_SIZE);
            }
            region_add(&r[kind], d, i, size, i != PCI_ROM_SLOT &&
                       (io->type & PCI_BASE_ADDRESS_MEM_TYPE_64));
        }
    }
}

/* Bases of the three regions; false for one that does not fit. */
static bool place_io(Region *io)
{
    if (io->sum < 0x10000 - IO_BASE) {
        io->base = IO_BASE;
    } else if (io->sum < IO_END_LOW - IO_BASE_LOW) {
        io->base = IO_BASE_LOW;
    } else {
        return false;
    }
    return true;
}

static bool place_mem(Region *r)
{
    Region *end = &r[REGION_PREFMEM], *start = &r[REGION_MEM];

    if (start->align < end->align) {
        /* the larger alignment goes at the top: less padding */
        end = &r[REGION_MEM];
        start = &r[REGION_PREFMEM];
    }
    end->base = QEMU_ALIGN_DOWN(MEM_END - end->sum, MAX(end->align, 1));
    start->base = QEMU_ALIGN_DOWN(end->base - start->sum,
                                  MAX(start->align, 1));
    return start->base >= MEM_START && start->base <= MEM_END;
}

static void write_bars(PCIBus *bus, Region *r)
{
    for (BarEntry *e = r->list; e; e = e->next) {
        int devfn = e->dev->devfn;
        int off = e->bar == PCI_ROM_SLOT ? PCI_ROM_ADDRESS
                                         : PCI_BASE_ADDRESS_0 + e->bar * 4;
        uint64_t addr = r->base;

        r->base += e->size;
        if (e->bar == PCI_ROM_SLOT && !e->dev->io_regions[e->bar].size) {
            continue;       /* a ROM kemu's model does not have */
        }
        pci_host_config_write(bus, devfn << 8 | off, (uint32_t)addr, 4);
        if (e->is64) {
            pci_host_config_write(bus, devfn << 8 | (off + 4), addr >> 32, 4);
        }
    }
}

static void free_region(Region *r)
{
    while (r->list) {
        BarEntry *e = r->list;
        r->list = e->next;
        g_free(e);
    }
}

void pci_bus_firmware_assign_bars(PCIBus *bus)
{
    Region r[REGION_COUNT] = { 0 };
    bool mem_ok;

    collect(bus, r);
    if (place_io(&r[REGION_IO])) {
        write_bars(bus, &r[REGION_IO]);
    } else {
        qemu_log_mask(LOG_UNIMP, "pci: %" PRIu64 " bytes of I/O BARs do not "
                      "fit: left to the guest\n", r[REGION_IO].sum);
    }
    mem_ok = place_mem(r);
    if (mem_ok) {
        write_bars(bus, &r[REGION_MEM]);
        write_bars(bus, &r[REGION_PREFMEM]);
    } else {
        qemu_log_mask(LOG_UNIMP, "pci: memory BARs do not fit below 4 GiB: "
                      "left to the guest\n");
    }
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *d = bus->devices[devfn];
        if (d) {
            uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
            cmd |= PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_SERR;
            pci_host_config_write(bus, devfn << 8 | PCI_COMMAND, cmd, 2);
        }
    }
    for (int i = 0; i < REGION_COUNT; i++) {
        free_region(&r[i]);
    }
}
