/*
 * `info mtree` and `info mtree -f` text, in QEMU 7.2's format: the region
 * tree of each address space followed by the regions reached only through
 * aliases, or the rendered flat views.  Owner (-o), disabled (-D) and
 * dispatch-tree (-d) variants are not modelled.
 */
#include "qemu/osdep.h"
#include "exec/memory.h"
#include "memory-internal.h"

#define MTREE_INDENT "  "
#define ADDR_FMT "%016" PRIx64

/* Last address of a region placed at @start (size UINT64_MAX is 2^64). */
static hwaddr region_end(hwaddr start, const MemoryRegion *mr)
{
    if (mr->size == 0) {
        return start;
    }
    return start + (mr->size == UINT64_MAX ? UINT64_MAX : mr->size - 1);
}

static const char *region_type(const MemoryRegion *mr)
{
    while (mr->alias) {
        mr = mr->alias;
    }
    if (mr->ram) {
        return mr->readonly ? "rom" : "ram";
    }
    return "i/o";
}

static void indent(GString *out, unsigned level)
{
    for (unsigned i = 0; i < level; i++) {
        g_string_append(out, MTREE_INDENT);
    }
}

/*
 * Subregions in display order: by address, then higher priority first;
 * otherwise in their priority order (stable insertion, as QEMU does).
 */
static GPtrArray *subregions_display_order(const MemoryRegion *mr)
{
    GPtrArray *q = g_ptr_array_new();

    for (guint i = 0; i < mr->subregions->len; i++) {
        MemoryRegion *sub = g_ptr_array_index(mr->subregions, i);
        guint pos;

        for (pos = 0; pos < q->len; pos++) {
            MemoryRegion *other = g_ptr_array_index(q, pos);

            if (sub->addr < other->addr ||
                (sub->addr == other->addr && sub->priority > other->priority)) {
                break;
            }
        }
        g_ptr_array_insert(q, pos, sub);
    }
    return q;
}

/*
 * One region and its subregions.  A disabled region's own line is left
 * out but its subregions are still listed, as in QEMU.  Alias targets are
 * queued on @aliases for the "memory-region:" sections.
 */
static void print_region(GString *out, const MemoryRegion *mr,
                         unsigned level, hwaddr base, GPtrArray *aliases)
{
    hwaddr start = base + mr->addr;
    hwaddr end = region_end(start, mr);
    GPtrArray *subs;

    if (level > 64) {
        return;                 /* an alias or container loop */
    }
    if (start < base || end < start) {
        g_string_append(out, "[DETECTED OVERFLOW!] ");
    }
    if (mr->alias) {
        if (!g_ptr_array_find(aliases, mr->alias, NULL)) {
            g_ptr_array_add(aliases, mr->alias);
        }
        if (mr->enabled) {
            indent(out, level);
            g_string_append_printf(out, ADDR_FMT "-" ADDR_FMT
                                   " (prio %d, %s): alias %s @%s "
                                   ADDR_FMT "-" ADDR_FMT "\n",
                                   start, end, mr->priority,
                                   region_type(mr), memory_region_name(mr),
                                   memory_region_name(mr->alias),
                                   mr->alias_offset,
                                   region_end(mr->alias_offset, mr));
        }
    } else if (mr->enabled) {
        indent(out, level);
        g_string_append_printf(out, ADDR_FMT "-" ADDR_FMT
                               " (prio %d, %s): %s\n",
                               start, end, mr->priority, region_type(mr),
                               memory_region_name(mr));
    }

    subs = subregions_display_order(mr);
    for (guint i = 0; i < subs->len; i++) {
        print_region(out, g_ptr_array_index(subs, i), level + 1, start,
                     aliases);
    }
    g_ptr_array_free(subs, true);
}

static gint compare_as_name(gconstpointer a, gconstpointer b)
{
    const AddressSpace *x = *(AddressSpace *const *)a;
    const AddressSpace *y = *(AddressSpace *const *)b;

    return strcmp(x->name, y->name);
}

/* Address spaces sharing a root print as one tree under all their names. */
static void mtree_info_tree(GString *out)
{
    GPtrArray *spaces = memory_address_spaces();
    GPtrArray *aliases = g_ptr_array_new();
    GPtrArray *roots = g_ptr_array_new();

    for (guint i = 0; i < spaces->len; i++) {
        AddressSpace *as = g_ptr_array_index(spaces, i);

        if (!g_ptr_array_find(roots, as->root, NULL)) {
            g_ptr_array_add(roots, as->root);
        }
    }
    for (guint r = 0; r < roots->len; r++) {
        MemoryRegion *root = g_ptr_array_index(roots, r);
        GPtrArray *names = g_ptr_array_new();

        for (guint i = 0; i < spaces->len; i++) {
            AddressSpace *as = g_ptr_array_index(spaces, i);

            if (as->root == root) {
                g_ptr_array_add(names, as);
            }
        }
        g_ptr_array_sort(names, compare_as_name);
        for (guint i = 0; i < names->len; i++) {
            g_string_append_printf(out, "address-space: %s\n",
                                   ((AddressSpace *)
                                    g_ptr_array_index(names, i))->name);
        }
        g_ptr_array_free(names, true);
        if (root) {
            print_region(out, root, 1, 0, aliases);
        }
        g_string_append(out, "\n");
    }
    /* The queue grows while it is printed: aliases inside alias targets. */
    for (guint i = 0; i < aliases->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(aliases, i);

        g_string_append_printf(out, "memory-region: %s\n",
                               memory_region_name(mr));
        print_region(out, mr, 1, 0, aliases);
        g_string_append(out, "\n");
    }
    g_ptr_array_free(roots, true);
    g_ptr_array_free(aliases, true);
}

/*
 * The region a flat view really starts from (QEMU's flatview root): an
 * alias covering its whole target, or the only enabled child of a
 * container, is looked through; NULL when nothing is enabled.
 */
static const MemoryRegion *flatview_root(const MemoryRegion *mr)
{
    unsigned depth = 0;

    while (mr && mr->enabled && depth++ < 64) {
        if (mr->alias) {
            if (!mr->alias_offset && mr->size >= mr->alias->size) {
                mr = mr->alias;
                continue;
            }
        } else if (mr->is_container) {
            unsigned found = 0;
            const MemoryRegion *next = NULL;

            for (guint i = 0; i < mr->subregions->len; i++) {
                const MemoryRegion *child = g_ptr_array_index(mr->subregions,
                                                              i);

                if (!child->enabled) {
                    continue;
                }
                if (++found > 1) {
                    next = NULL;
                    break;
                }
                if (!child->addr && mr->size >= child->size) {
                    next = child;
                }
            }
            if (found == 0) {
                return NULL;
            }
            if (next) {
                mr = next;
                continue;
            }
        }
        return mr;
    }
    return NULL;
}

static void print_flat_ranges(GString *out, const FlatView *fv)
{
    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        hwaddr end = fr->size == UINT64_MAX ? UINT64_MAX
                                            : fr->addr + fr->size - 1;

        g_string_append_printf(out, MTREE_INDENT ADDR_FMT "-" ADDR_FMT
                               " (prio %d, %s): %s",
                               fr->addr, end, fr->mr->priority,
                               fr->readonly ? "rom" : region_type(fr->mr),
                               memory_region_name(fr->mr));
        if (fr->offset_in_region) {
            g_string_append_printf(out, " @" ADDR_FMT, fr->offset_in_region);
        }
        g_string_append(out, "\n");
    }
}

/* Address spaces with the same flat-view root share one "FlatView #n". */
static void mtree_info_flat(GString *out)
{
    GPtrArray *spaces = memory_address_spaces();
    GPtrArray *roots = g_ptr_array_new();
    GPtrArray *group = g_ptr_array_new();
    unsigned counter = 0;

    for (guint i = 0; i < spaces->len; i++) {
        AddressSpace *as = g_ptr_array_index(spaces, i);
        const MemoryRegion *root = flatview_root(as->root);
        FlatView *fv = NULL;

        if (g_ptr_array_find(roots, root, NULL)) {
            continue;
        }
        g_ptr_array_add(roots, (gpointer)root);
        g_ptr_array_set_size(group, 0);
        for (guint j = i; j < spaces->len; j++) {
            AddressSpace *other = g_ptr_array_index(spaces, j);

            if (flatview_root(other->root) == root) {
                g_ptr_array_add(group, other);
            }
        }

        g_string_append_printf(out, "FlatView #%u\n", counter++);
        for (guint j = 0; j < group->len; j++) {
            AddressSpace *other = g_ptr_array_index(group, j);

            g_string_append_printf(out, " AS \"%s\", root: %s", other->name,
                                   other->root ? memory_region_name(other->root)
                                               : "(none)");
            if (other->root && other->root->alias) {
                g_string_append_printf(out, ", alias %s",
                                       memory_region_name(other->root->alias));
            }
            g_string_append(out, "\n");
        }
        g_string_append_printf(out, " Root memory region: %s\n",
                               root ? memory_region_name(root) : "(none)");
        fv = address_space_get_flatview(as);
        if (fv->nr == 0) {
            g_string_append(out, MTREE_INDENT "No rendered FlatView\n\n");
        } else {
            print_flat_ranges(out, fv);
            g_string_append(out, "\n");
        }
        flatview_unref(fv);
    }
    g_ptr_array_free(group, true);
    g_ptr_array_free(roots, true);
}

void mtree_info(GString *out, bool flatview)
{
    if (flatview) {
        mtree_info_flat(out);
    } else {
        mtree_info_tree(out);
    }
}
