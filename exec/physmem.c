/*
 * Guest-physical accesses: dispatch to I/O callbacks applying the
 * guest-visible (.valid) and implemented (.impl) access sizes, byte-granular
 * reads and writes across flat ranges, port I/O helpers, and the two system
 * address spaces.  Values are little-endian as on x86.  Nothing mapped:
 * reads return all-ones, writes are dropped (logged with -d unimp).
 */
#include "qemu/osdep.h"
#include "exec/memory.h"
#include "qemu/log.h"
#include "memory-internal.h"

#define DIRTY_PAGE_BITS 12      /* dirty_bitmap granule: 4 KiB */

AddressSpace address_space_memory;
AddressSpace address_space_io;
static MemoryRegion system_memory;
static MemoryRegion system_io;
static bool memory_system_ready;

/* ---- little-endian helpers ---- */

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

static uint64_t ldn_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (i * 8);
    }
    return v;
}

static void stn_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++) {
        p[i] = v >> (i * 8);
    }
}

static bool is_access_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/* ---- unassigned I/O space (the "io" root, as in QEMU) ---- */

static uint64_t unassigned_io_read(void *opaque, hwaddr addr, unsigned size)
{
    qemu_log_mask(LOG_UNIMP, "unassigned I/O port read 0x%04" HWADDR_PRIx
                  " (size %u)\n", addr, size);
    return UINT64_MAX;
}

static void unassigned_io_write(void *opaque, hwaddr addr, uint64_t data,
                                unsigned size)
{
    qemu_log_mask(LOG_UNIMP, "unassigned I/O port write 0x%04" HWADDR_PRIx
                  " = 0x%" PRIx64 " (size %u)\n", addr, data, size);
}

const MemoryRegionOps unassigned_io_ops = {
    .read = unassigned_io_read,
    .write = unassigned_io_write,
    .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- RAM ---- */

static void ram_mark_dirty(MemoryRegion *mr, hwaddr offset, hwaddr len)
{
    const unsigned bits = sizeof(unsigned long) * 8;

    if (!mr->dirty_bitmap || len == 0) {
        return;
    }
    for (hwaddr page = offset >> DIRTY_PAGE_BITS;
         page <= (offset + len - 1) >> DIRTY_PAGE_BITS; page++) {
        mr->dirty_bitmap[page / bits] |= 1UL << (page % bits);
    }
}

static bool ram_in_bounds(MemoryRegion *mr, hwaddr offset, hwaddr len)
{
    return mr->ram_ptr && offset <= mr->size && len <= mr->size - offset;
}

/* ---- I/O dispatch ---- */

static bool access_valid(MemoryRegion *mr, hwaddr addr, unsigned size,
                         bool is_write)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned vmin = ops->valid.min_access_size ? ops->valid.min_access_size
                                               : 1;
    unsigned vmax = ops->valid.max_access_size ? ops->valid.max_access_size
                                               : 4;

    if (!ops->valid.unaligned && (addr & (size - 1))) {
        qemu_log_mask(LOG_GUEST_ERROR, "Invalid %s at addr 0x%" PRIX64
                      ", size %u, region '%s', reason: unaligned\n",
                      is_write ? "write" : "read", addr, size,
                      memory_region_name(mr));
        return false;
    }
    if (size < vmin || size > vmax) {
        qemu_log_mask(LOG_GUEST_ERROR, "Invalid %s at addr 0x%" PRIX64
                      ", size %u, region '%s', reason: invalid size "
                      "(min:%u max:%u)\n",
                      is_write ? "write" : "read", addr, size,
                      memory_region_name(mr), vmin, vmax);
        return false;
    }
    return true;
}

/* The callback access size: @size clamped to what the device implements. */
static unsigned impl_access_size(const MemoryRegionOps *ops, unsigned size)
{
    unsigned imin = ops->impl.min_access_size ? ops->impl.min_access_size : 1;
    unsigned imax = ops->impl.max_access_size ? ops->impl.max_access_size : 4;

    return MAX(MIN(size, imax), imin);
}

/* Follow aliases down to the region that holds the data or callbacks. */
static MemoryRegion *resolve_alias(MemoryRegion *mr, hwaddr *addr)
{
    while (mr->alias) {
        *addr += mr->alias_offset;
        mr = mr->alias;
    }
    return mr;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *data, unsigned size)
{
    unsigned asz;
    uint64_t amask, v = 0;

    mr = resolve_alias(mr, &addr);
    if (!is_access_size(size)) {
        qemu_log_mask(LOG_GUEST_ERROR, "Invalid read at addr 0x%" PRIX64
                      ", size %u, region '%s', reason: invalid size\n",
                      addr, size, memory_region_name(mr));
        *data = UINT64_MAX;
        return MEMTX_DECODE_ERROR;
    }
    if (mr->ram) {
        if (!ram_in_bounds(mr, addr, size)) {
            *data = size_mask(size);
            return MEMTX_DECODE_ERROR;
        }
        *data = ldn_le(mr->ram_ptr + addr, size);
        return MEMTX_OK;
    }
    if (!mr->ops || !mr->ops->read) {
        qemu_log_mask(LOG_UNIMP, "unassigned read at 0x%" HWADDR_PRIx
                      " (size %u) in '%s'\n", addr, size,
                      memory_region_name(mr));
        *data = size_mask(size);
        return mr->ops ? MEMTX_OK : MEMTX_DECODE_ERROR;
    }
    if (!access_valid(mr, addr, size, false)) {
        *data = size_mask(size);
        return MEMTX_DECODE_ERROR;
    }
    /* Wider than implemented: several pieces, lowest address first. */
    asz = impl_access_size(mr->ops, size);
    amask = size_mask(asz);
    for (unsigned i = 0; i < size; i += asz) {
        uint64_t piece = mr->ops->read(mr->opaque, addr + i, asz);

        v |= (piece & amask) << (i * 8);
    }
    *data = v & size_mask(size);
    return MEMTX_OK;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t data, unsigned size)
{
    unsigned asz;
    uint64_t amask;

    mr = resolve_alias(mr, &addr);
    if (!is_access_size(size)) {
        qemu_log_mask(LOG_GUEST_ERROR, "Invalid write at addr 0x%" PRIX64
                      ", size %u, region '%s', reason: invalid size\n",
                      addr, size, memory_region_name(mr));
        return MEMTX_DECODE_ERROR;
    }
    if (mr->ram) {
        if (!ram_in_bounds(mr, addr, size)) {
            return MEMTX_DECODE_ERROR;
        }
        if (!mr->readonly) {
            stn_le(mr->ram_ptr + addr, size, data);
            ram_mark_dirty(mr, addr, size);
        }
        return MEMTX_OK;
    }
    if (!mr->ops || !mr->ops->write) {
        qemu_log_mask(LOG_UNIMP, "unassigned write at 0x%" HWADDR_PRIx
                      " (size %u) in '%s'\n", addr, size,
                      memory_region_name(mr));
        return mr->ops ? MEMTX_OK : MEMTX_DECODE_ERROR;
    }
    if (!access_valid(mr, addr, size, true)) {
        return MEMTX_DECODE_ERROR;
    }
    /* Narrower than implemented: one wider access with the upper bytes 0. */
    asz = impl_access_size(mr->ops, size);
    amask = size_mask(asz);
    data &= size_mask(size);
    for (unsigned i = 0; i < size; i += asz) {
        mr->ops->write(mr->opaque, addr + i, (data >> (i * 8)) & amask, asz);
    }
    return MEMTX_OK;
}

/*
 * Largest access the guest may make at @addr for the next @len bytes of an
 * I/O region: at most valid.max, naturally aligned unless the device
 * accepts unaligned accesses, a power of two.
 */
static unsigned io_access_size(MemoryRegion *mr, hwaddr addr, hwaddr len)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned max = ops && ops->valid.max_access_size
                   ? ops->valid.max_access_size : 4;
    unsigned l;

    if (!ops || !ops->valid.unaligned) {
        hwaddr align = addr & -addr;

        if (align != 0 && align < max) {
            max = align;
        }
    }
    l = len < max ? len : max;
    while (l & (l - 1)) {
        l &= l - 1;             /* round down to a power of two */
    }
    return l ? l : 1;
}

/* ---- address-space accesses ---- */

static void log_unassigned(AddressSpace *as, hwaddr addr, hwaddr len,
                           bool is_write)
{
    qemu_log_mask(LOG_UNIMP, "unassigned %s of %" PRIu64 " byte(s) at 0x%"
                  HWADDR_PRIx " in address space '%s'\n",
                  is_write ? "write" : "read", len, addr, as->name);
}

/* Bytes from @addr up to the next mapped range (or @len). */
static hwaddr unassigned_span(const FlatView *fv, hwaddr addr, hwaddr len)
{
    for (unsigned i = 0; i < fv->nr; i++) {
        if (fv->ranges[i].addr > addr) {
            return MIN(len, fv->ranges[i].addr - addr);
        }
    }
    return len;
}

static MemTxResult flatview_access(AddressSpace *as, FlatView *fv,
                                   hwaddr addr, uint8_t *buf, hwaddr len,
                                   bool is_write, bool rom_loader)
{
    MemTxResult res = MEMTX_OK;

    while (len > 0) {
        const FlatRange *fr = flatview_lookup(fv, addr);
        hwaddr l;

        if (!fr) {
            l = unassigned_span(fv, addr, len);
            if (!is_write) {
                memset(buf, 0xff, l);
            }
            log_unassigned(as, addr, l, is_write);
            res |= MEMTX_DECODE_ERROR;
        } else {
            MemoryRegion *mr = fr->mr;
            hwaddr off = fr->offset_in_region + (addr - fr->addr);

            l = MIN(len, flatrange_remaining(fr, addr));
            if (mr->ram) {
                if (!ram_in_bounds(mr, off, l)) {
                    res |= MEMTX_DECODE_ERROR;
                } else if (!is_write) {
                    memcpy(buf, mr->ram_ptr + off, l);
                } else if (!fr->readonly || rom_loader) {
                    memcpy(mr->ram_ptr + off, buf, l);
                    ram_mark_dirty(mr, off, l);
                }
                /* else: a guest write to ROM is dropped silently */
            } else if (!rom_loader) {
                unsigned sz = io_access_size(mr, off, l);
                uint64_t v;

                l = sz;
                if (is_write) {
                    res |= memory_region_dispatch_write(mr, off,
                                                        ldn_le(buf, sz), sz);
                } else {
                    res |= memory_region_dispatch_read(mr, off, &v, sz);
                    stn_le(buf, sz, v);
                }
            }
            /* a loader skips I/O regions */
        }
        if (addr + l < addr) {
            break;              /* wrapped past the top of the space */
        }
        addr += l;
        buf += l;
        len -= l;
    }
    return res;
}

static MemTxResult address_space_access(AddressSpace *as, hwaddr addr,
                                        void *buf, hwaddr len, bool is_write,
                                        bool rom_loader)
{
    FlatView *fv = address_space_get_flatview(as);
    MemTxResult res = flatview_access(as, fv, addr, buf, len, is_write,
                                      rom_loader);

    flatview_unref(fv);
    return res;
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf,
                             hwaddr len, bool is_write)
{
    return address_space_access(as, addr, buf, len, is_write, false);
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len)
{
    return address_space_access(as, addr, buf, len, false, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr,
                                const void *buf, hwaddr len)
{
    return address_space_access(as, addr, (void *)buf, len, true, false);
}

MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr,
                                    const void *buf, hwaddr len)
{
    return address_space_access(as, addr, (void *)buf, len, true, true);
}

/*
 * The range holding all of [addr, addr + size) when one access can go
 * straight to it, else NULL (crossing ranges, or wider than the device
 * accepts: then the byte path splits it like address_space_rw).
 */
static const FlatRange *single_access_range(const FlatView *fv, hwaddr addr,
                                            unsigned size)
{
    const FlatRange *fr = flatview_lookup(fv, addr);
    const MemoryRegionOps *ops;

    if (!fr || flatrange_remaining(fr, addr) < size) {
        return NULL;
    }
    ops = fr->mr->ops;
    if (!fr->mr->ram && ops &&
        size > (ops->valid.max_access_size ? ops->valid.max_access_size : 4)) {
        return NULL;
    }
    return fr;
}

MemTxResult address_space_ld(AddressSpace *as, hwaddr addr, unsigned size,
                             uint64_t *val)
{
    FlatView *fv;
    const FlatRange *fr;
    MemTxResult res;
    uint8_t buf[8];

    if (!is_access_size(size)) {
        *val = UINT64_MAX;
        return MEMTX_ERROR;
    }
    fv = address_space_get_flatview(as);
    fr = single_access_range(fv, addr, size);
    if (fr) {
        res = memory_region_dispatch_read(fr->mr, fr->offset_in_region +
                                          (addr - fr->addr), val, size);
    } else {
        res = flatview_access(as, fv, addr, buf, size, false, false);
        *val = ldn_le(buf, size);
    }
    flatview_unref(fv);
    *val &= size_mask(size);
    return res;
}

MemTxResult address_space_st(AddressSpace *as, hwaddr addr, unsigned size,
                             uint64_t val)
{
    FlatView *fv;
    const FlatRange *fr;
    MemTxResult res;
    uint8_t buf[8];

    if (!is_access_size(size)) {
        return MEMTX_ERROR;
    }
    fv = address_space_get_flatview(as);
    fr = single_access_range(fv, addr, size);
    if (fr && !(fr->mr->ram && fr->readonly)) {
        res = memory_region_dispatch_write(fr->mr, fr->offset_in_region +
                                           (addr - fr->addr), val, size);
    } else {
        /* Includes ROM through a read-only alias: dropped by the byte path. */
        stn_le(buf, size, val);
        res = flatview_access(as, fv, addr, buf, size, true, false);
    }
    flatview_unref(fv);
    return res;
}

void *address_space_map_ram(AddressSpace *as, hwaddr addr, hwaddr *plen,
                            bool is_write)
{
    FlatView *fv = address_space_get_flatview(as);
    const FlatRange *fr = flatview_lookup(fv, addr);
    void *ptr = NULL;

    if (fr && fr->mr->ram && fr->mr->ram_ptr &&
        !(is_write && fr->readonly)) {
        hwaddr off = fr->offset_in_region + (addr - fr->addr);
        hwaddr rem = flatrange_remaining(fr, addr);

        if (off < fr->mr->size) {
            rem = MIN(rem, fr->mr->size - off);
            if (*plen > rem) {
                *plen = rem;
            }
            ptr = fr->mr->ram_ptr + off;
            if (is_write) {
                ram_mark_dirty(fr->mr, off, *plen);
            }
        }
    }
    if (!ptr) {
        *plen = 0;
    }
    flatview_unref(fv);
    return ptr;
}

/*
 * The whole RAM flat range holding @addr: host pointer of its first byte,
 * *@start and *@len its guest-physical extent; NULL when @addr is not RAM,
 * and for writes when the RAM is read-only or dirty-logged (those writes
 * must mark pages as they map them: address_space_map_ram).
 */
void *address_space_ram_range(AddressSpace *as, hwaddr addr, hwaddr *start,
                              hwaddr *len, bool is_write)
{
    FlatView *fv = address_space_get_flatview(as);
    const FlatRange *fr = flatview_lookup(fv, addr);
    void *ptr = NULL;

    if (fr && fr->mr->ram && fr->mr->ram_ptr &&
        !(is_write && (fr->readonly || fr->mr->dirty_bitmap)) &&
        fr->offset_in_region < fr->mr->size) {
        *start = fr->addr;
        *len = MIN(fr->size, fr->mr->size - fr->offset_in_region);
        ptr = fr->mr->ram_ptr + fr->offset_in_region;
    }
    flatview_unref(fv);
    return ptr;
}

/* ---- system address spaces and port I/O ---- */

MemoryRegion *get_system_memory(void)
{
    return &system_memory;
}

MemoryRegion *get_system_io(void)
{
    return &system_io;
}

void memory_system_init(void)
{
    if (memory_system_ready) {
        return;
    }
    memory_system_ready = true;
    memory_region_init(&system_memory, NULL, "system", UINT64_MAX);
    /* Like QEMU, "io" is itself an I/O region answering unclaimed ports. */
    memory_region_init_io(&system_io, NULL, &unassigned_io_ops, NULL, "io",
                          64 * KiB);
    address_space_init(&address_space_memory, &system_memory, "memory");
    address_space_init(&address_space_io, &system_io, "I/O");
}

static uint32_t cpu_in(uint16_t port, unsigned size)
{
    uint64_t v;

    address_space_ld(&address_space_io, port, size, &v);
    return (uint32_t)v;
}

static void cpu_out(uint16_t port, unsigned size, uint32_t val)
{
    address_space_st(&address_space_io, port, size, val);
}

uint32_t cpu_inb(uint16_t port)
{
    return cpu_in(port, 1);
}

uint32_t cpu_inw(uint16_t port)
{
    return cpu_in(port, 2);
}

uint32_t cpu_inl(uint16_t port)
{
    return cpu_in(port, 4);
}

void cpu_outb(uint16_t port, uint8_t val)
{
    cpu_out(port, 1, val);
}

void cpu_outw(uint16_t port, uint16_t val)
{
    cpu_out(port, 2, val);
}

void cpu_outl(uint16_t port, uint32_t val)
{
    cpu_out(port, 4, val);
}
