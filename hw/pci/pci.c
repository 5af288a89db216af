/*
 * The PCI bus ("PCI") and the abstract PCI function ("pci-device"), after
 * the PCI Local Bus Specification 3.0: type 0 configuration header with
 * per-bit write masks (chapter 6.1-6.2), BAR sizing and placement (6.2.5),
 * INTx# pins routed by the host (2.2.6) with a per-line assertion count so
 * shared lines behave as wired-OR, capability lists (6.7).  Not modelled:
 * bridges and secondary buses, extended (PCIe) configuration space,
 * expansion ROM contents, hotplug.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"

/* The first root bus: the machine's "pci.0", for -device without bus=. */
static PCIBus *default_pci_bus;

/* Command bits the guest may change (QEMU's choice of wmask). */
#define PCI_COMMAND_WMASK (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
                           PCI_COMMAND_MASTER | PCI_COMMAND_SPECIAL | \
                           PCI_COMMAND_INVALIDATE | PCI_COMMAND_PARITY | \
                           PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)
/* Status bits that are write-one-to-clear (error reporting). */
#define PCI_STATUS_W1C (PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
                        PCI_STATUS_REC_TARGET_ABORT | \
                        PCI_STATUS_REC_MASTER_ABORT | \
                        PCI_STATUS_SIG_SYSTEM_ERROR | \
                        PCI_STATUS_DETECTED_PARITY)

/* ---- bus ---- */

PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io)
{
    PCIBus *bus = PCI_BUS(qbus_new(TYPE_PCI_BUS, parent, name));

    bus->address_space_mem = mem;
    bus->address_space_io = io;
    if (!default_pci_bus) {
        default_pci_bus = bus;
    }
    return bus;
}

void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, pci_map_irq_fn map_irq,
                  void *opaque, int nirq)
{
    bus->set_irq = set_irq;
    bus->map_irq = map_irq;
    bus->irq_opaque = opaque;
    bus->nirq = nirq;
    g_free(bus->irq_count);
    bus->irq_count = g_new0(int, nirq);
}

PCIBus *pci_bus_get_default(void)
{
    return default_pci_bus;
}

int pci_bus_get_irq_level(PCIBus *bus, int line)
{
    return line >= 0 && line < bus->nirq && bus->irq_count[line] != 0;
}

PCIDevice *pci_find_device(PCIBus *bus, int bus_num, uint8_t devfn)
{
    return bus && bus_num == 0 ? bus->devices[devfn] : NULL;
}

static char *pci_bus_get_dev_path(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);

    return g_strdup_printf("0000:00:%02x.%x", PCI_SLOT(d->devfn),
                           PCI_FUNC(d->devfn));
}

/* QEMU's pcibus_dev_print: class, address, ids, then each BAR. */
static void pci_bus_print_dev(DeviceState *dev, GString *out, int indent)
{
    PCIDevice *d = PCI_DEVICE(dev);
    uint16_t class = pci_get_word(d->config + PCI_CLASS_DEVICE);
    const char *desc = pci_class_description(class);
    g_autofree char *ctxt = desc ? g_strdup(desc)
                                 : g_strdup_printf("Class %04x", class);

    g_string_append_printf(out, "%*sclass %s, addr %02x:%02x.%x, "
                           "pci id %04x:%04x (sub %04x:%04x)\n", indent, "",
                           ctxt, 0, PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
                           pci_get_word(d->config + PCI_VENDOR_ID),
                           pci_get_word(d->config + PCI_DEVICE_ID),
                           pci_get_word(d->config + PCI_SUBSYSTEM_VENDOR_ID),
                           pci_get_word(d->config + PCI_SUBSYSTEM_ID));
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];

        if (r->size) {
            g_string_append_printf(out, "%*sbar %d: %s at 0x%" PRIx64
                                   " [0x%" PRIx64 "]\n", indent, "", i,
                                   r->type & PCI_BASE_ADDRESS_SPACE_IO ?
                                   "i/o" : "mem", r->addr,
                                   r->addr + r->size - 1);
        }
    }
}

static void pci_bus_finalize(Object *obj)
{
    PCIBus *bus = PCI_BUS(obj);

    if (default_pci_bus == bus) {
        default_pci_bus = NULL;
    }
    g_free(bus->irq_count);
    bus->irq_count = NULL;
}

static void pci_bus_class_init(ObjectClass *klass, void *data)
{
    BusClass *bc = BUS_CLASS(klass);

    bc->get_dev_path = pci_bus_get_dev_path;
    bc->print_dev = pci_bus_print_dev;
}

/* ---- INTx ---- */

static int pci_intx_pin(PCIDevice *d)
{
    return d->config[PCI_INTERRUPT_PIN] - 1;
}

/* Bring the bus line in step with the device's level and INTX_DISABLE. */
static void pci_update_intx(PCIDevice *d)
{
    PCIBus *bus = d->bus;
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    bool want = d->irq_state && !(cmd & PCI_COMMAND_INTX_DISABLE);
    int pin = pci_intx_pin(d);
    int line;

    if (want == d->intx_on_bus || !bus || !bus->map_irq ||
        pin < 0 || pin >= PCI_NUM_PINS) {
        return;
    }
    line = bus->map_irq(d, pin);
    if (line < 0 || line >= bus->nirq) {
        return;
    }
    d->intx_on_bus = want;
    bus->irq_count[line] += want ? 1 : -1;
    bus->set_irq(bus->irq_opaque, line, bus->irq_count[line] != 0);
}

void pci_set_irq(PCIDevice *d, int level)
{
    uint16_t status = pci_get_word(d->config + PCI_STATUS);

    level = !!level;
    d->irq_state = level;
    /* Interrupt Status reflects the device, whatever INTX_DISABLE says. */
    status = level ? status | PCI_STATUS_INTERRUPT
                   : status & ~PCI_STATUS_INTERRUPT;
    pci_set_word(d->config + PCI_STATUS, status);
    pci_update_intx(d);
}

/* ---- BARs ---- */

static int pci_bar_offset(int bar)
{
    return bar == PCI_ROM_SLOT ? PCI_ROM_ADDRESS
                               : PCI_BASE_ADDRESS_0 + bar * 4;
}

void pci_register_bar(PCIDevice *d, int bar, uint8_t type, MemoryRegion *mr)
{
    PCIIORegion *r;
    uint64_t size = memory_region_size(mr);
    uint64_t wmask;
    int off;

    g_assert(bar >= 0 && bar < PCI_NUM_REGIONS);
    g_assert(size && !(size & (size - 1)));
    r = &d->io_regions[bar];
    r->addr = PCI_BAR_UNMAPPED;
    r->size = size;
    r->type = type;
    r->memory = mr;
    r->address_space = (type & PCI_BASE_ADDRESS_SPACE_IO) ?
                       d->bus->address_space_io : d->bus->address_space_mem;
    off = pci_bar_offset(bar);
    wmask = ~(size - 1);
    if (bar == PCI_ROM_SLOT) {
        wmask |= PCI_ROM_ADDRESS_ENABLE;
        type = 0;
    }
    pci_set_long(d->config + off, type);
    if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        pci_set_quad(d->wmask + off, wmask);
        pci_set_quad(d->config + off, type);
    } else {
        /* I/O BARs decode 16 bits of address, but keep all writable bits */
        pci_set_long(d->wmask + off, wmask & 0xffffffff);
    }
}

pcibus_t pci_get_bar_addr(PCIDevice *d, int bar)
{
    return bar >= 0 && bar < PCI_NUM_REGIONS ? d->io_regions[bar].addr
                                             : PCI_BAR_UNMAPPED;
}

/* Where BAR @bar should be mapped now, or PCI_BAR_UNMAPPED. */
static pcibus_t pci_bar_address(PCIDevice *d, int bar)
{
    PCIIORegion *r = &d->io_regions[bar];
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    int off = pci_bar_offset(bar);
    pcibus_t addr, last;

    if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = pci_get_long(d->config + off) & ~(r->size - 1) &
               PCI_BASE_ADDRESS_IO_MASK;
        last = addr + r->size - 1;
        /* Addresses above 64 KiB do not decode on x86 */
        if (addr == 0 || last > 0xffff || last < addr) {
            return PCI_BAR_UNMAPPED;
        }
        return addr;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    if (bar == PCI_ROM_SLOT) {
        uint32_t v = pci_get_long(d->config + off);

        if (!(v & PCI_ROM_ADDRESS_ENABLE)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = v & ~(r->size - 1) & ~0x7ffULL;
    } else if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        addr = pci_get_quad(d->config + off) & ~(r->size - 1) &
               PCI_BASE_ADDRESS_MEM_MASK;
    } else {
        addr = pci_get_long(d->config + off) & ~(r->size - 1) &
               PCI_BASE_ADDRESS_MEM_MASK & 0xffffffff;
    }
    last = addr + r->size - 1;
    /* 0 means unassigned; a BAR must not wrap (e.g. while being sized) */
    if (addr == 0 || last < addr || last == PCI_BAR_UNMAPPED ||
        (!(r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) && last > UINT32_MAX)) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

static void pci_update_mappings(PCIDevice *d)
{
    memory_region_transaction_begin();
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];
        pcibus_t addr;

        if (!r->size) {
            continue;
        }
        /* The second half of a 64-bit BAR is never a region of its own. */
        addr = pci_bar_address(d, i);
        if (addr == r->addr) {
            continue;
        }
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
        }
        r->addr = addr;
        if (addr != PCI_BAR_UNMAPPED) {
            /* Above the machine's other PCI-space regions (QEMU's 1) */
            memory_region_add_subregion_overlap(r->address_space, addr,
                                                r->memory, 1);
        }
    }
    memory_region_transaction_commit();
}

static void pci_unmap_all(PCIDevice *d)
{
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];

        if (r->size && r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->address_space, r->memory);
            r->addr = PCI_BAR_UNMAPPED;
        }
    }
}

/* ---- configuration space ---- */

uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, int len)
{
    uint32_t val = 0;

    if (addr + len > PCI_CONFIG_SPACE_SIZE) {
        return ~0u;
    }
    for (int i = 0; i < len; i++) {
        val |= (uint32_t)d->config[addr + i] << (8 * i);
    }
    return val;
}

static bool ranges_overlap(uint32_t a, int alen, uint32_t b, int blen)
{
    return a < b + blen && b < a + alen;
}

void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                              int len)
{
    uint16_t old_cmd = pci_get_word(d->config + PCI_COMMAND);

    if (addr + len > PCI_CONFIG_SPACE_SIZE) {
        return;
    }
    for (int i = 0; i < len; i++) {
        uint8_t wm = d->wmask[addr + i];
        uint8_t w1c = d->w1cmask[addr + i];
        uint8_t b = val >> (8 * i);

        d->config[addr + i] = (d->config[addr + i] & ~wm) | (b & wm);
        d->config[addr + i] &= ~(b & w1c);
    }
    if (ranges_overlap(addr, len, PCI_BASE_ADDRESS_0, 24) ||
        ranges_overlap(addr, len, PCI_ROM_ADDRESS, 4) ||
        ranges_overlap(addr, len, PCI_COMMAND, 2)) {
        pci_update_mappings(d);
    }
    if ((old_cmd ^ pci_get_word(d->config + PCI_COMMAND)) &
        PCI_COMMAND_INTX_DISABLE) {
        pci_update_intx(d);
    }
    if (d->msi_cap) {
        msi_write_config(d, addr, val, len);
    }
    if (d->msix_cap) {
        msix_write_config(d, addr, val, len);
    }
}

static uint32_t pci_config_read(PCIDevice *d, uint32_t addr, int len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);

    return pc->config_read ? pc->config_read(d, addr, len)
                           : pci_default_read_config(d, addr, len);
}

static void pci_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                             int len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);

    if (pc->config_write) {
        pc->config_write(d, addr, val, len);
    } else {
        pci_default_write_config(d, addr, val, len);
    }
}

/* @addr: bus << 16 | devfn << 8 | register, as in CONFIG_ADDRESS. */
uint32_t pci_host_config_read(PCIBus *bus, uint32_t addr, int len)
{
    PCIDevice *d = pci_find_device(bus, (addr >> 16) & 0xff,
                                   (addr >> 8) & 0xff);
    uint32_t reg = addr & 0xff;

    /* No device: master abort, all-ones (how software probes slots) */
    if (!d || reg + len > PCI_CONFIG_SPACE_SIZE) {
        return len == 4 ? ~0u : (1u << (8 * len)) - 1;
    }
    return pci_config_read(d, reg, len);
}

void pci_host_config_write(PCIBus *bus, uint32_t addr, uint32_t val, int len)
{
    PCIDevice *d = pci_find_device(bus, (addr >> 16) & 0xff,
                                   (addr >> 8) & 0xff);
    uint32_t reg = addr & 0xff;

    if (!d || reg + len > PCI_CONFIG_SPACE_SIZE) {
        return;
    }
    pci_config_write(d, reg, val, len);
}

/* ---- capabilities ---- */

uint8_t pci_find_capability(PCIDevice *d, uint8_t id)
{
    uint8_t next = d->config[PCI_CAPABILITY_LIST];

    /* bounded: at most 48 dword-aligned capabilities fit */
    for (int n = 0; next && n < 48; n++) {
        if (d->config[next + PCI_CAP_LIST_ID] == id) {
            return next;
        }
        next = d->config[next + PCI_CAP_LIST_NEXT];
    }
    return 0;
}

static uint8_t pci_find_space(PCIDevice *d, uint8_t size)
{
    int run = 0;

    for (int off = PCI_CONFIG_HEADER_SIZE; off < PCI_CONFIG_SPACE_SIZE;
         off++) {
        if (d->used[off]) {
            run = 0;
            continue;
        }
        if (run == 0 && (off & 3)) {
            continue;
        }
        if (++run == size) {
            return off - size + 1;
        }
    }
    return 0;
}

int pci_add_capability(PCIDevice *d, uint8_t id, uint8_t offset, uint8_t size,
                       Error **errp)
{
    if (!offset) {
        offset = pci_find_space(d, size);
        if (!offset) {
            error_setg(errp, "no space for capability 0x%x", id);
            return -1;
        }
    } else {
        if (offset < PCI_CONFIG_HEADER_SIZE ||
            offset + size > PCI_CONFIG_SPACE_SIZE) {
            error_setg(errp, "capability 0x%x at 0x%x is out of range", id,
                       offset);
            return -1;
        }
        for (int i = offset; i < offset + size; i++) {
            if (d->used[i]) {
                error_setg(errp, "%s:%02x.%x Attempt to add PCI capability "
                           "%x at offset %x overlaps existing capability",
                           object_get_typename(OBJECT(d)), PCI_SLOT(d->devfn),
                           PCI_FUNC(d->devfn), id, offset);
                return -1;
            }
        }
    }
    d->config[offset + PCI_CAP_LIST_ID] = id;
    d->config[offset + PCI_CAP_LIST_NEXT] = d->config[PCI_CAPABILITY_LIST];
    d->config[PCI_CAPABILITY_LIST] = offset;
    pci_set_word(d->config + PCI_STATUS,
                 pci_get_word(d->config + PCI_STATUS) | PCI_STATUS_CAP_LIST);
    memset(d->used + offset, 0xff, size);
    /* The guest may not rewrite the list, only the capability's fields */
    memset(d->wmask + offset, 0, size);
    memset(d->w1cmask + offset, 0, size);
    return offset;
}

/* ---- DMA and MSI delivery ---- */

bool pci_bus_master_enabled(PCIDevice *d)
{
    return pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_MASTER;
}

MemTxResult pci_dma_rw(PCIDevice *d, uint64_t addr, void *buf, uint64_t len,
                       bool is_write)
{
    if (!pci_bus_master_enabled(d)) {
        qemu_log_mask(LOG_GUEST_ERROR, "%s: DMA with bus mastering off\n",
                      object_get_typename(OBJECT(d)));
        if (!is_write) {
            memset(buf, 0xff, len);
        }
        return MEMTX_ERROR;
    }
    return address_space_rw(&address_space_memory, addr, buf, len, is_write);
}

void pci_msi_send(PCIDevice *d, uint64_t addr, uint32_t data)
{
    /* An MSI is a posted memory write: it needs bus mastering too. */
    if (!pci_bus_master_enabled(d)) {
        return;
    }
    if (d->bus && d->bus->msi_trigger) {
        d->bus->msi_trigger(addr, data);
    } else {
        address_space_st(&address_space_memory, addr, 4, data);
    }
}

/* ---- device life cycle ---- */

static int pci_find_free_devfn(PCIBus *bus)
{
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn += PCI_FUNC_MAX) {
        if (!bus->devices[devfn]) {
            return devfn;
        }
    }
    return -1;
}

/* Power-on values of the header; BARs keep their type bits. */
static void pci_do_device_reset(PCIDevice *d)
{
    pci_set_irq(d, 0);
    pci_set_word(d->config + PCI_COMMAND,
                 pci_get_word(d->config + PCI_COMMAND) &
                 ~pci_get_word(d->wmask + PCI_COMMAND));
    pci_set_word(d->config + PCI_STATUS,
                 pci_get_word(d->config + PCI_STATUS) & ~PCI_STATUS_W1C);
    d->config[PCI_CACHE_LINE_SIZE] = 0;
    d->config[PCI_LATENCY_TIMER] = 0;
    d->config[PCI_INTERRUPT_LINE] = 0;
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &d->io_regions[i];
        int off = pci_bar_offset(i);

        if (!r->size) {
            continue;
        }
        if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            pci_set_quad(d->config + off, r->type);
        } else {
            pci_set_long(d->config + off, i == PCI_ROM_SLOT ? 0 : r->type);
        }
    }
    pci_update_mappings(d);
    if (d->msi_cap) {
        msi_reset(d);
    }
    if (d->msix_cap) {
        msix_reset(d);
    }
}

void pci_bus_reset(PCIBus *bus)
{
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (bus->devices[devfn]) {
            pci_do_device_reset(bus->devices[devfn]);
        }
    }
}

static void pci_init_header(PCIDevice *d, PCIDeviceClass *pc)
{
    uint8_t *c = d->config;

    pci_set_word(c + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(c + PCI_DEVICE_ID, pc->device_id);
    c[PCI_REVISION_ID] = pc->revision;
    c[PCI_CLASS_PROG] = pc->class_prog;
    pci_set_word(c + PCI_CLASS_DEVICE, pc->class_id);
    pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID, pc->subsystem_vendor_id ?
                 pc->subsystem_vendor_id : PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
    pci_set_word(c + PCI_SUBSYSTEM_ID, pc->subsystem_id ?
                 pc->subsystem_id : PCI_SUBDEVICE_ID_QEMU);
    c[PCI_HEADER_TYPE] = d->multifunction ? PCI_HEADER_TYPE_MULTI_FUNCTION
                                          : PCI_HEADER_TYPE_NORMAL;
    /* A PCI 3.0 device at 33 MHz: medium DEVSEL timing */
    pci_set_word(c + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM);

    pci_set_word(d->wmask + PCI_COMMAND, PCI_COMMAND_WMASK);
    pci_set_word(d->w1cmask + PCI_STATUS, PCI_STATUS_W1C);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    memset(d->used, 0xff, PCI_CONFIG_HEADER_SIZE);
    /* Device-specific registers after the header: writable by default */
    memset(d->wmask + PCI_CONFIG_HEADER_SIZE, 0xff,
           PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
}

static void pci_qdev_realize(DeviceState *dev, Error **errp)
{
    PCIDevice *d = PCI_DEVICE(dev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);
    BusState *qbus = dev->parent_bus;
    PCIBus *bus;
    Error *err = NULL;
    int devfn = d->devfn;

    bus = qbus ? (PCIBus *)object_dynamic_cast(OBJECT(qbus), TYPE_PCI_BUS)
               : NULL;
    if (!bus) {
        error_setg(errp, "No 'PCI' bus found for device '%s'",
                   object_get_typename(OBJECT(dev)));
        return;
    }
    if (devfn < 0) {
        devfn = pci_find_free_devfn(bus);
        if (devfn < 0) {
            error_setg(errp, "PCI: no slot/function available for %s, all "
                       "in use or reserved", object_get_typename(OBJECT(d)));
            return;
        }
    } else if (devfn >= PCI_DEVFN_MAX || bus->devices[devfn]) {
        PCIDevice *other = devfn < PCI_DEVFN_MAX ? bus->devices[devfn] : NULL;

        error_setg(errp, "PCI: slot %d function %d not available for %s, in "
                   "use by %s,id=%s", PCI_SLOT(devfn), PCI_FUNC(devfn),
                   object_get_typename(OBJECT(d)),
                   other ? object_get_typename(OBJECT(other)) : "",
                   other && DEVICE(other)->id ? DEVICE(other)->id : "");
        return;
    }
    d->devfn = devfn;
    d->bus = bus;
    memset(d->config, 0, PCI_CONFIG_SPACE_SIZE);
    memset(d->wmask, 0, PCI_CONFIG_SPACE_SIZE);
    memset(d->w1cmask, 0, PCI_CONFIG_SPACE_SIZE);
    memset(d->used, 0, PCI_CONFIG_SPACE_SIZE);
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        d->io_regions[i].addr = PCI_BAR_UNMAPPED;
        d->io_regions[i].size = 0;
    }
    pci_init_header(d, pc);
    bus->devices[devfn] = d;
    if (pc->realize) {
        pc->realize(d, &err);
        if (err) {
            error_propagate(errp, err);
            pci_unmap_all(d);
            bus->devices[devfn] = NULL;
            d->bus = NULL;
            return;
        }
    }
    /* A function >0 makes function 0 of its slot multi-function. */
    if (PCI_FUNC(devfn) && bus->devices[devfn & ~7]) {
        bus->devices[devfn & ~7]->config[PCI_HEADER_TYPE] |=
            PCI_HEADER_TYPE_MULTI_FUNCTION;
    }
}

static void pci_qdev_unrealize(DeviceState *dev)
{
    PCIDevice *d = PCI_DEVICE(dev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(d);

    if (!d->bus) {
        return;
    }
    pci_set_irq(d, 0);
    if (pc->exit) {
        pc->exit(d);
    }
    pci_unmap_all(d);
    if (d->msix_cap) {
        msix_uninit(d);
    }
    if (d->msi_cap) {
        msi_uninit(d);
    }
    d->bus->devices[d->devfn] = NULL;
    d->bus = NULL;
}

static void pci_device_instance_init(Object *obj)
{
    PCIDevice *d = PCI_DEVICE(obj);

    d->config = g_malloc0(PCI_CONFIG_SPACE_SIZE);
    d->wmask = g_malloc0(PCI_CONFIG_SPACE_SIZE);
    d->w1cmask = g_malloc0(PCI_CONFIG_SPACE_SIZE);
    d->used = g_malloc0(PCI_CONFIG_SPACE_SIZE);
}

static void pci_device_finalize(Object *obj)
{
    PCIDevice *d = PCI_DEVICE(obj);

    g_free(d->config);
    g_free(d->wmask);
    g_free(d->w1cmask);
    g_free(d->used);
    g_free(d->msix_table);
    g_free(d->msix_pba);
}

PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *type,
                             Error **errp)
{
    DeviceState *dev = qdev_new(type);

    PCI_DEVICE(dev)->devfn = devfn;
    if (!qdev_realize_and_unref(dev, BUS(bus), errp)) {
        object_unparent(OBJECT(dev));
        return NULL;
    }
    return PCI_DEVICE(dev);
}

static const Property pci_device_properties[] = {
    DEFINE_PROP_PCI_DEVFN("addr", PCIDevice, devfn, -1),
    DEFINE_PROP_STRING("romfile", PCIDevice, romfile),
    DEFINE_PROP_BOOL("multifunction", PCIDevice, multifunction, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void pci_device_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = pci_qdev_realize;
    dc->unrealize = pci_qdev_unrealize;
    dc->bus_type = TYPE_PCI_BUS;
    device_class_set_props(dc, pci_device_properties);
}

static const TypeInfo pci_types[] = {
    {
        .name = TYPE_PCI_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(PCIBus),
        .instance_finalize = pci_bus_finalize,
        .class_init = pci_bus_class_init,
    },
    {
        .name = TYPE_PCI_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .instance_init = pci_device_instance_init,
        .instance_finalize = pci_device_finalize,
        .abstract = true,
        .class_size = sizeof(PCIDeviceClass),
        .class_init = pci_device_class_init,
    },
};

static void pci_register_types(void)
{
    type_register_static_array(pci_types, ARRAY_SIZE(pci_types));
}

type_init(pci_register_types)
