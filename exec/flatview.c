/*
 * Flat views: the region tree of an address space rendered into a sorted
 * array of non-overlapping ranges, each naming a terminal region (RAM, ROM
 * or I/O) and the offset into it.  Views are immutable and refcounted, so a
 * vCPU can keep using one while the next is being installed.
 */
#include "qemu/osdep.h"
#include "exec/memory.h"
#include "qemu/error-report.h"
#include "memory-internal.h"

/*
 * Rendering works on signed 128-bit numbers: region ends reach 2^64 and an
 * alias may shift its target's base below zero.
 */
typedef __int128 i128;

#define I128_2POW64 ((i128)1 << 64)
/* Aliases of aliases deeper than this are a loop (programming error). */
#define RENDER_MAX_DEPTH 64

typedef struct Piece {
    i128 start, end;            /* [start, end) in the address space */
    MemoryRegion *mr;
    i128 offset;                /* offset of @start inside @mr */
    bool readonly;
} Piece;

static GMutex current_map_lock;   /* guards AddressSpace.current_map swaps */

static i128 region_size(const MemoryRegion *mr)
{
    return mr->size == UINT64_MAX ? I128_2POW64 : (i128)mr->size;
}

static bool region_is_terminal(const MemoryRegion *mr)
{
    return !mr->is_container && !mr->alias;
}

/*
 * Fill the parts of [start, end) not yet covered by @pieces (sorted,
 * disjoint) with @mr, whose offset 0 sits at @base.
 */
static void pieces_fill_gaps(GArray *pieces, i128 start, i128 end,
                             MemoryRegion *mr, i128 base, bool readonly)
{
    guint i = 0;
    i128 cur = start;

    while (i < pieces->len && g_array_index(pieces, Piece, i).end <= cur) {
        i++;
    }
    while (cur < end) {
        i128 gap_end = end;

        if (i < pieces->len) {
            Piece *p = &g_array_index(pieces, Piece, i);

            if (p->start <= cur) {
                cur = p->end;
                i++;
                continue;
            }
            gap_end = MIN(end, p->start);
        }
        Piece n = {
            .start = cur, .end = gap_end, .mr = mr,
            .offset = cur - base, .readonly = readonly,
        };
        g_array_insert_val(pieces, i, n);
        i++;
        cur = gap_end;
    }
}

/*
 * Render @mr placed at @base (its container's origin) clipped to
 * [clip_start, clip_end).  Subregions come first in priority order and only
 * fill what is still free; a terminal region then fills the rest of itself.
 */
static void render_region(GArray *pieces, MemoryRegion *mr, i128 base,
                          i128 clip_start, i128 clip_end, bool readonly,
                          int depth)
{
    i128 start, end;

    if (!mr->enabled) {
        return;
    }
    if (depth > RENDER_MAX_DEPTH) {
        error_report("memory: region '%s' nests too deeply (alias loop?)",
                     mr->name);
        return;
    }
    base += mr->addr;
    start = MAX(clip_start, base);
    end = MIN(clip_end, base + region_size(mr));
    if (start >= end) {
        return;
    }
    readonly |= mr->readonly;

    if (mr->alias) {
        /* The target's offset alias_offset appears at this alias's base. */
        render_region(pieces, mr->alias,
                      base - (i128)mr->alias->addr - (i128)mr->alias_offset,
                      start, end, readonly, depth + 1);
        return;
    }
    for (guint i = 0; i < mr->subregions->len; i++) {
        render_region(pieces, g_ptr_array_index(mr->subregions, i), base,
                      start, end, readonly, depth + 1);
    }
    if (region_is_terminal(mr)) {
        pieces_fill_gaps(pieces, start, end, mr, base, readonly);
    }
}

/* Merge neighbours that continue the same region (QEMU's simplify). */
static void pieces_simplify(GArray *pieces)
{
    guint out = 0;

    for (guint i = 0; i < pieces->len; i++) {
        Piece *p = &g_array_index(pieces, Piece, i);

        if (out > 0) {
            Piece *q = &g_array_index(pieces, Piece, out - 1);

            if (q->end == p->start && q->mr == p->mr &&
                q->readonly == p->readonly &&
                q->offset + (q->end - q->start) == p->offset) {
                q->end = p->end;
                continue;
            }
        }
        g_array_index(pieces, Piece, out++) = *p;
    }
    g_array_set_size(pieces, out);
}

FlatView *flatview_render(MemoryRegion *root)
{
    GArray *pieces = g_array_new(false, false, sizeof(Piece));
    FlatView *fv = g_new0(FlatView, 1);

    if (root) {
        render_region(pieces, root, 0, 0, I128_2POW64,
                      false, 0);
    }
    pieces_simplify(pieces);

    fv->ref = 1;
    fv->nr = pieces->len;
    fv->ranges = g_new0(FlatRange, MAX(fv->nr, 1));
    for (unsigned i = 0; i < fv->nr; i++) {
        Piece *p = &g_array_index(pieces, Piece, i);
        i128 size = p->end - p->start;

        fv->ranges[i] = (FlatRange) {
            .addr = (hwaddr)p->start,
            /* Only a range spanning all of 2^64 saturates. */
            .size = size >= I128_2POW64 ? UINT64_MAX : (uint64_t)size,
            .mr = p->mr,
            .offset_in_region = (hwaddr)p->offset,
            .readonly = p->readonly,
        };
    }
    g_array_free(pieces, true);
    return fv;
}

void flatview_ref(FlatView *fv)
{
    g_atomic_int_inc((gint *)&fv->ref);
}

void flatview_unref(FlatView *fv)
{
    if (fv && g_atomic_int_dec_and_test((gint *)&fv->ref)) {
        g_free(fv->ranges);
        g_free(fv);
    }
}

FlatView *address_space_get_flatview(AddressSpace *as)
{
    /* Never freed: its count starts at 1 and every user pairs ref/unref. */
    static FlatView empty_view = { .ref = 1 };
    FlatView *fv;

    g_mutex_lock(&current_map_lock);
    /* An address space not (or no longer) initialised maps nothing. */
    fv = as->current_map ? as->current_map : &empty_view;
    flatview_ref(fv);
    g_mutex_unlock(&current_map_lock);
    return fv;
}

FlatView *flatview_install(AddressSpace *as, FlatView *fv)
{
    FlatView *old;

    g_mutex_lock(&current_map_lock);
    old = as->current_map;
    as->current_map = fv;
    g_mutex_unlock(&current_map_lock);
    return old;
}

bool flatrange_contains(const FlatRange *fr, hwaddr addr)
{
    return addr >= fr->addr &&
           (fr->size == UINT64_MAX || addr - fr->addr < fr->size);
}

uint64_t flatrange_remaining(const FlatRange *fr, hwaddr addr)
{
    if (fr->size == UINT64_MAX) {
        return UINT64_MAX - (addr - fr->addr);
    }
    return fr->size - (addr - fr->addr);
}

const FlatRange *flatview_lookup(const FlatView *fv, hwaddr addr)
{
    unsigned lo = 0, hi = fv->nr;

    /* Find the last range starting at or below @addr. */
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (fv->ranges[mid].addr <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0 || !flatrange_contains(&fv->ranges[lo - 1], addr)) {
        return NULL;
    }
    return &fv->ranges[lo - 1];
}
