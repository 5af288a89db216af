/*
 * PCI devices and the PCI bus (PCI Local Bus Specification 3.0): a
 * 256-byte configuration space per function with write masks, BARs that
 * the guest places and that are mapped while decoding is enabled, INTx
 * lines routed by the bus (the host's PIRQ router), capabilities, and DMA
 * through the system address space.  QEMU's names (TYPE_PCI_DEVICE,
 * PCIDeviceClass, pci_register_bar, ...).
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include "qemu/osdep.h"
#include "hw/qdev-core.h"
#include "hw/irq.h"
#include "exec/memory.h"
#include "hw/pci/pci_regs.h"

#define TYPE_PCI_DEVICE "pci-device"
#define TYPE_PCI_BUS    "PCI"

typedef struct PCIBus PCIBus;
typedef uint64_t pcibus_t;

#define PCI_BAR_UNMAPPED        (~(pcibus_t)0)
#define PCI_DEVFN(slot, func)   ((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 0x07)
#define PCI_SLOT_MAX            32
#define PCI_FUNC_MAX            8
#define PCI_DEVFN_MAX           256

OBJECT_DECLARE_TYPE(PCIDevice, PCIDeviceClass, PCI_DEVICE)
OBJECT_DECLARE_SIMPLE_TYPE(PCIBus, PCI_BUS)

/* One BAR (or the ROM) as registered by the device and placed by the guest. */
typedef struct PCIIORegion {
    pcibus_t addr;          /* where it is mapped, PCI_BAR_UNMAPPED if not */
    pcibus_t size;          /* 0: not registered */
    uint8_t type;           /* PCI_BASE_ADDRESS_SPACE_IO / MEM_TYPE_64 / PREFETCH */
    MemoryRegion *memory;
    MemoryRegion *address_space;    /* the bus's I/O or memory container */
} PCIIORegion;

struct PCIDeviceClass {
    DeviceClass parent_class;
    void (*realize)(PCIDevice *dev, Error **errp);
    void (*exit)(PCIDevice *dev);
    /* Optional; the defaults are pci_default_read/write_config(). */
    uint32_t (*config_read)(PCIDevice *dev, uint32_t addr, int len);
    void (*config_write)(PCIDevice *dev, uint32_t addr, uint32_t val,
                         int len);
    uint16_t vendor_id;
    uint16_t device_id;
    uint16_t subsystem_vendor_id;   /* 0: QEMU's 1af4 */
    uint16_t subsystem_id;          /* 0: QEMU's 1100 */
    uint8_t revision;
    uint16_t class_id;
    uint8_t class_prog;             /* programming interface byte */
};

struct PCIDevice {
    DeviceState qdev;
    uint8_t *config;        /* PCI_CONFIG_SPACE_SIZE bytes, little-endian */
    uint8_t *wmask;         /* bits the guest may write */
    uint8_t *w1cmask;       /* bits a guest 1 clears (status) */
    uint8_t *used;          /* bytes owned by capabilities */
    int32_t devfn;          /* property "addr"; -1 until placed */
    bool multifunction;     /* property "multifunction" */
    char *romfile;          /* property "romfile" (ignored) */
    PCIBus *bus;
    PCIIORegion io_regions[PCI_NUM_REGIONS];
    int irq_state;          /* INTx level as the device drives it */
    bool intx_on_bus;       /* counted in bus->irq_count (not disabled) */

    /* MSI (hw/pci/msi.c): capability offset, 0 if none */
    uint8_t msi_cap;
    /* MSI-X (hw/pci/msix.c) */
    uint8_t msix_cap;
    uint16_t msix_entries_nr;
    uint8_t *msix_table;    /* msix_entries_nr * 16 bytes */
    uint8_t *msix_pba;      /* one pending bit per vector */
    bool msix_function_masked;
    MemoryRegion msix_exclusive_bar;
    MemoryRegion msix_table_mmio;
    MemoryRegion msix_pba_mmio;
};

/*
 * The bus.  The host bridge that creates it sets map_irq (device pin to
 * one of the bus's nirq lines) and set_irq (drive that line); the bus
 * counts how many devices assert each line, so shared lines are ORed.
 */
typedef int (*pci_map_irq_fn)(PCIDevice *dev, int pin);
typedef void (*pci_set_irq_fn)(void *opaque, int line, int level);
/* Deliver an MSI message (address, data): the machine's choice of path. */
typedef void (*pci_msi_trigger_fn)(uint64_t addr, uint32_t data);

struct PCIBus {
    BusState qbus;
    PCIDevice *devices[PCI_DEVFN_MAX];
    MemoryRegion *address_space_mem;    /* where memory BARs are mapped */
    MemoryRegion *address_space_io;     /* where I/O BARs are mapped */
    pci_map_irq_fn map_irq;
    pci_set_irq_fn set_irq;
    void *irq_opaque;
    int nirq;
    int *irq_count;
    pci_msi_trigger_fn msi_trigger;
};

/* ---- bus ---- */

/* Create the root bus @name provided by the host bridge @parent. */
PCIBus *pci_root_bus_new(DeviceState *parent, const char *name,
                         MemoryRegion *mem, MemoryRegion *io);
void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, pci_map_irq_fn map_irq,
                  void *opaque, int nirq);
/* The first PCI bus (the pc machine's "pci.0"), or NULL. */
PCIBus *pci_bus_get_default(void);
/* Current level of bus line @line (number of devices asserting it > 0). */
int pci_bus_get_irq_level(PCIBus *bus, int line);
PCIDevice *pci_find_device(PCIBus *bus, int bus_num, uint8_t devfn);
/*
 * Power-on state of every function's PCI registers (command, BARs, INTx,
 * MSI/MSI-X), after the devices' own reset; the host bridge calls it.
 */
void pci_bus_reset(PCIBus *bus);

/* Configuration cycles from the host bridge (config mechanism #1). */
uint32_t pci_host_config_read(PCIBus *bus, uint32_t addr, int len);
void pci_host_config_write(PCIBus *bus, uint32_t addr, uint32_t val, int len);

/* QEMU's name of class code @class ("Ethernet controller"), or NULL. */
const char *pci_class_description(uint16_t class);

/* ---- device ---- */

/*
 * Create and realize a PCI device on @bus at @devfn (-1: first free slot).
 * Returns NULL with @errp set on failure.
 */
PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const char *type,
                             Error **errp);

uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, int len);
void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val,
                              int len);

/**
 * pci_register_bar - declare BAR @bar (0-5, or PCI_ROM_SLOT) of @d
 * @type: PCI_BASE_ADDRESS_SPACE_IO, or SPACE_MEMORY ORed with MEM_TYPE_64
 *        and/or MEM_PREFETCH
 * @mr: its region; the size must be a power of two
 * The guest sizes it by writing all-ones; it is mapped at the programmed
 * address while the command register enables I/O or memory decoding.
 * Call from realize.
 */
void pci_register_bar(PCIDevice *d, int bar, uint8_t type, MemoryRegion *mr);
/* Where BAR @bar is mapped now, PCI_BAR_UNMAPPED if it is not. */
pcibus_t pci_get_bar_addr(PCIDevice *d, int bar);

/* INTx on the pin in config[PCI_INTERRUPT_PIN] (honours INTX_DISABLE). */
void pci_set_irq(PCIDevice *d, int level);
static inline void pci_irq_assert(PCIDevice *d) { pci_set_irq(d, 1); }
static inline void pci_irq_deassert(PCIDevice *d) { pci_set_irq(d, 0); }
static inline void pci_irq_pulse(PCIDevice *d)
{
    pci_set_irq(d, 1);
    pci_set_irq(d, 0);
}

/**
 * pci_add_capability - link a capability into the list
 * @offset: where it goes (0: the first free dword-aligned gap after 0x40)
 * Returns the offset, or -1 with @errp set when it overlaps another one.
 */
int pci_add_capability(PCIDevice *d, uint8_t id, uint8_t offset, uint8_t size,
                       Error **errp);
/* Offset of capability @id, 0 if absent. */
uint8_t pci_find_capability(PCIDevice *d, uint8_t id);

/*
 * DMA by the device (bus master): through the system address space, so
 * writes into guest code invalidate translated blocks.  Returns
 * MEMTX_ERROR without touching memory while bus mastering is disabled.
 */
MemTxResult pci_dma_rw(PCIDevice *d, uint64_t addr, void *buf, uint64_t len,
                       bool is_write);
static inline MemTxResult pci_dma_read(PCIDevice *d, uint64_t addr, void *buf,
                                       uint64_t len)
{
    return pci_dma_rw(d, addr, buf, len, false);
}
static inline MemTxResult pci_dma_write(PCIDevice *d, uint64_t addr,
                                        const void *buf, uint64_t len)
{
    return pci_dma_rw(d, addr, (void *)buf, len, true);
}
bool pci_bus_master_enabled(PCIDevice *d);

/* Little-endian config accessors. */
static inline void pci_set_byte(uint8_t *c, uint8_t v) { c[0] = v; }
static inline uint8_t pci_get_byte(const uint8_t *c) { return c[0]; }
static inline void pci_set_word(uint8_t *c, uint16_t v)
{
    c[0] = v;
    c[1] = v >> 8;
}
static inline uint16_t pci_get_word(const uint8_t *c)
{
    return c[0] | (uint16_t)c[1] << 8;
}
static inline void pci_set_long(uint8_t *c, uint32_t v)
{
    pci_set_word(c, v);
    pci_set_word(c + 2, v >> 16);
}
static inline uint32_t pci_get_long(const uint8_t *c)
{
    return pci_get_word(c) | (uint32_t)pci_get_word(c + 2) << 16;
}
static inline void pci_set_quad(uint8_t *c, uint64_t v)
{
    pci_set_long(c, v);
    pci_set_long(c + 4, v >> 32);
}
static inline uint64_t pci_get_quad(const uint8_t *c)
{
    return pci_get_long(c) | (uint64_t)pci_get_long(c + 4) << 32;
}

/* ---- MSI (hw/pci/msi.c) ---- */

/**
 * msi_init - add an MSI capability
 * @offset: 0 for the first free place
 * @nr_vectors: 1, 2, 4, ... 32
 * Returns the capability offset or a negative value with @errp set.
 */
int msi_init(PCIDevice *d, uint8_t offset, unsigned nr_vectors, bool msi64bit,
             bool per_vector_mask, Error **errp);
void msi_uninit(PCIDevice *d);
bool msi_enabled(const PCIDevice *d);
unsigned msi_nr_vectors_allocated(const PCIDevice *d);
/* Send vector @vector (masked vectors become pending). */
void msi_notify(PCIDevice *d, unsigned vector);
/* Called by pci_default_write_config for writes inside the capability. */
void msi_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len);
void msi_reset(PCIDevice *d);

/* ---- MSI-X (hw/pci/msix.c) ---- */

/*
 * msix_init_exclusive_bar - @nentries vectors with the table at offset 0
 * and the PBA in the second half of a new memory BAR @bar_nr of their own.
 */
int msix_init_exclusive_bar(PCIDevice *d, unsigned short nentries,
                            uint8_t bar_nr, Error **errp);
/* Table and PBA inside existing BARs (e.g. a virtio-pci memory BAR). */
int msix_init(PCIDevice *d, unsigned short nentries,
              MemoryRegion *table_bar, uint8_t table_bar_nr,
              unsigned table_offset, MemoryRegion *pba_bar,
              uint8_t pba_bar_nr, unsigned pba_offset, uint8_t cap_pos,
              Error **errp);
void msix_uninit(PCIDevice *d);
bool msix_enabled(const PCIDevice *d);
unsigned msix_nr_vectors(const PCIDevice *d);
bool msix_is_masked(PCIDevice *d, unsigned vector);
void msix_notify(PCIDevice *d, unsigned vector);
void msix_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len);
void msix_reset(PCIDevice *d);

/* Deliver an MSI message through the bus's path (used by msi.c/msix.c). */
void pci_msi_send(PCIDevice *d, uint64_t addr, uint32_t data);

#endif
