/*
 * Memory API: regions (RAM, ROM, MMIO/port I/O, containers, aliases) with
 * priorities, rendered into a flat view per address space.  Two address
 * spaces exist: system memory and I/O ports.  Both accelerators dispatch
 * guest accesses through these functions; listeners learn of flat-view
 * changes (KVM slots, software TLB flush).
 *
 * Accesses that hit no region: reads return all-ones, writes are dropped,
 * both logged under -d unimp (LOG_UNIMP).
 */
#ifndef EXEC_MEMORY_H
#define EXEC_MEMORY_H

#include "qemu/osdep.h"
#include "qom/object.h"

#define TYPE_MEMORY_REGION "memory-region"

typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;
typedef struct MemoryListener MemoryListener;

typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,        /* device returned an error */
    MEMTX_DECODE_ERROR = 2, /* nothing at that address */
} MemTxResult;

typedef struct MemoryRegionOps {
    /* @size is 1, 2, 4 or 8 bytes; @addr is relative to the region start. */
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    /* What the guest may do; an access outside this is ignored (reads: all-ones) and logged as a guest error. */
    struct {
        unsigned min_access_size;   /* 0 means 1 */
        unsigned max_access_size;   /* 0 means 4 */
        bool unaligned;
    } valid;
    /*
     * What the callbacks implement; wider or narrower guest accesses are
     * split or combined (little-endian) by the core.
     */
    struct {
        unsigned min_access_size;   /* 0 means 1 */
        unsigned max_access_size;   /* 0 means 4 */
    } impl;
} MemoryRegionOps;

struct MemoryRegion {
    Object parent_obj;
    char *name;
    uint64_t size;              /* UINT64_MAX means the whole 2^64 space */
    bool ram;                   /* backed by host memory at ram_ptr */
    bool readonly;              /* ROM: writes dropped */
    bool enabled;
    bool is_container;
    uint8_t *ram_ptr;           /* host pointer for RAM/ROM regions */
    bool owns_ram;              /* ram_ptr allocated by the region */
    const MemoryRegionOps *ops;
    void *opaque;
    Object *owner;
    MemoryRegion *container;    /* parent container, NULL if not mapped */
    hwaddr addr;                /* offset in container */
    int priority;
    MemoryRegion *alias;
    hwaddr alias_offset;
    GPtrArray *subregions;      /* MemoryRegion *, sorted by priority desc */
    /* Dirty page tracking (TCG code invalidation, display); NULL when off. */
    unsigned long *dirty_bitmap;
};

/* One piece of a flat view: [addr, addr+size) maps to @mr at @offset_in_region. */
typedef struct FlatRange {
    hwaddr addr;
    uint64_t size;
    MemoryRegion *mr;           /* a terminal region (RAM, ROM or I/O) */
    hwaddr offset_in_region;
    bool readonly;
} FlatRange;

struct FlatView {
    unsigned ref;
    FlatRange *ranges;          /* sorted by addr, non-overlapping */
    unsigned nr;
};

/* What a listener is told about: one flat range. */
typedef struct MemoryRegionSection {
    MemoryRegion *mr;
    AddressSpace *as;
    hwaddr offset_within_region;
    hwaddr offset_within_address_space;
    uint64_t size;
    bool readonly;
} MemoryRegionSection;

struct MemoryListener {
    /* Called with the flat view diff after each transaction commit. */
    void (*begin)(MemoryListener *l);
    void (*region_add)(MemoryListener *l, MemoryRegionSection *section);
    void (*region_del)(MemoryListener *l, MemoryRegionSection *section);
    void (*commit)(MemoryListener *l);
    /*
     * Optional: a device wrote guest RAM [addr, addr + len) behind the
     * CPU's back (DMA through a mapped pointer or address_space_write),
     * e.g. so a translator can drop code translated from it.  Called
     * from any thread, with the BQL held.
     */
    void (*dma_write)(MemoryListener *l, hwaddr addr, hwaddr len);
    const char *name;
    AddressSpace *as;           /* set on registration */
};

struct AddressSpace {
    char *name;
    MemoryRegion *root;
    FlatView *current_map;      /* read with address_space_get_flatview() */
    GPtrArray *listeners;
};

/* ---- regions ---- */

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size);
void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);
/* Zero-filled, page-aligned host memory (mmap'ed, so KVM can map it). */
bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp);
/* Like RAM but guest writes are dropped; the host fills it via the pointer. */
bool memory_region_init_rom(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp);
/* RAM backed by caller memory (not freed by the region). */
void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr);
void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);
/* Unmap from its container and free RAM it owns; the struct stays. */
void memory_region_destroy(MemoryRegion *mr);

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion);
void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority);
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);

uint64_t memory_region_size(MemoryRegion *mr);
const char *memory_region_name(const MemoryRegion *mr);
bool memory_region_is_ram(MemoryRegion *mr);
/* Host pointer of a RAM/ROM region (following aliases), or NULL. */
void *memory_region_get_ram_ptr(MemoryRegion *mr);

/*
 * Dispatch one access to an I/O region (@addr relative to the region),
 * applying .valid and .impl (split/combine).  Used by the address-space
 * path and by accelerators that already hold a FlatRange.
 */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *data, unsigned size);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t data, unsigned size);

/*
 * Group several map changes so the flat views are rebuilt once, at the
 * outermost commit; nesting is allowed.  Every add/del/set_* above opens
 * its own transaction when called outside one.
 */
void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* ---- address spaces ---- */

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name);
void address_space_destroy(AddressSpace *as);

/* Current flat view with a reference held; release with flatview_unref(). */
FlatView *address_space_get_flatview(AddressSpace *as);
void flatview_ref(FlatView *fv);
void flatview_unref(FlatView *fv);
/* The range containing @addr, or NULL (binary search). */
const FlatRange *flatview_lookup(const FlatView *fv, hwaddr addr);

/* Byte-granular accesses, crossing regions as needed. */
MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf,
                             hwaddr len, bool is_write);
MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                const void *buf, hwaddr len);
/* Loaders: writes even into ROM. */
MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr,
                                    const void *buf, hwaddr len);
/* One naturally sized access (1/2/4/8 bytes), little-endian value. */
MemTxResult address_space_ld(AddressSpace *as, hwaddr addr, unsigned size,
                             uint64_t *val);
MemTxResult address_space_st(AddressSpace *as, hwaddr addr, unsigned size,
                             uint64_t val);

/*
 * Host pointer for guest-physical [@addr, @addr + *@plen) if it is RAM
 * (for writes: writable RAM), shortening *@plen to the contiguous part;
 * NULL if not RAM.
 */
void *address_space_map_ram(AddressSpace *as, hwaddr addr, hwaddr *plen,
                            bool is_write);

/* The RAM flat range around @addr (see physmem.c), or NULL. */
void *address_space_ram_range(AddressSpace *as, hwaddr addr, hwaddr *start,
                              hwaddr *len, bool is_write);

void memory_listener_register(MemoryListener *listener, AddressSpace *as);
/* Tell @as's listeners that a device wrote RAM there (see dma_write). */
void address_space_notify_dma_write(AddressSpace *as, hwaddr addr,
                                    hwaddr len);
void memory_listener_unregister(MemoryListener *listener);

/*
 * The two system address spaces and their roots ("system", 2^64 bytes;
 * "io", 64 KiB).  Created by memory_system_init() in start-up; global
 * because every accelerator and the machine address them (DESIGN.md,
 * globals).
 */
extern AddressSpace address_space_memory;
extern AddressSpace address_space_io;
MemoryRegion *get_system_memory(void);
MemoryRegion *get_system_io(void);
void memory_system_init(void);

/* Port I/O helpers for accelerators and tests. */
uint32_t cpu_inb(uint16_t port);
uint32_t cpu_inw(uint16_t port);
uint32_t cpu_inl(uint16_t port);
void cpu_outb(uint16_t port, uint8_t val);
void cpu_outw(uint16_t port, uint16_t val);
void cpu_outl(uint16_t port, uint32_t val);

/* `info mtree` text (QEMU's format) appended to @out. */
void mtree_info(GString *out, bool flatview);

#endif
