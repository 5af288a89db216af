/*
 * Memory regions and address spaces: the region tree (containers, RAM,
 * ROM, I/O, aliases) with priorities, transactions that batch map changes,
 * and listeners told about flat-view differences after each commit.
 * Rendering lives in flatview.c, guest accesses in physmem.c.
 */
#include "qemu/osdep.h"
#include "exec/memory.h"
#include "qemu/error-report.h"
#include "memory-internal.h"

#include <sys/mman.h>

static GPtrArray *address_spaces;   /* AddressSpace *, creation order */
static unsigned transaction_depth;
static bool update_pending;

GPtrArray *memory_address_spaces(void)
{
    if (!address_spaces) {
        address_spaces = g_ptr_array_new();
    }
    return address_spaces;
}

/* ---- QOM type ---- */

static void memory_region_instance_init(Object *obj)
{
    MemoryRegion *mr = (MemoryRegion *)obj;

    mr->enabled = true;
    mr->subregions = g_ptr_array_new();
}

static void memory_region_instance_finalize(Object *obj)
{
    MemoryRegion *mr = (MemoryRegion *)obj;

    memory_region_destroy(mr);
    g_ptr_array_free(mr->subregions, true);
    mr->subregions = NULL;
    g_free(mr->name);
    mr->name = NULL;
}

static const TypeInfo memory_region_type_info = {
    .name = TYPE_MEMORY_REGION,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(MemoryRegion),
    .instance_init = memory_region_instance_init,
    .instance_finalize = memory_region_instance_finalize,
};

static void memory_region_register_types(void)
{
    type_register_static(&memory_region_type_info);
}

type_init(memory_region_register_types)

/* ---- transactions ---- */

static void address_space_update(AddressSpace *as);

void memory_region_transaction_begin(void)
{
    transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    GPtrArray *spaces = memory_address_spaces();

    if (transaction_depth == 0) {
        error_report("memory: transaction commit without begin");
        return;
    }
    if (--transaction_depth > 0 || !update_pending) {
        return;
    }
    update_pending = false;
    for (guint i = 0; i < spaces->len; i++) {
        address_space_update(g_ptr_array_index(spaces, i));
    }
}

/* Every map change goes through here: rebuilt at the outermost commit. */
static void memory_region_changed(void)
{
    memory_region_transaction_begin();
    update_pending = true;
    memory_region_transaction_commit();
}

/* ---- region creation ---- */

/* QOM path components may not contain '/', '[', ']' or '\\' (QEMU's escape). */
static char *memory_region_escape_name(const char *name)
{
    GString *s = g_string_new(NULL);

    for (const char *p = name; *p; p++) {
        if (*p == '/' || *p == '[' || *p == ']' || *p == '\\') {
            g_string_append_printf(s, "\\x%02x", (unsigned char)*p);
        } else {
            g_string_append_c(s, *p);
        }
    }
    return g_string_free(s, false);
}

static void memory_region_do_init(MemoryRegion *mr, Object *owner,
                                  const char *name, uint64_t size)
{
    object_initialize(mr, sizeof(*mr), TYPE_MEMORY_REGION);
    mr->name = g_strdup(name ? name : "anonymous");
    mr->size = size;
    mr->owner = owner;
    /*
     * As in QEMU, a region owned by a device is a child of it in the QOM
     * tree ("name[N]"); the tree then holds the only reference.
     */
    if (owner && name) {
        char *escaped = memory_region_escape_name(name);
        char *child = g_strdup_printf("%s[*]", escaped);

        if (object_property_add_child(owner, child, OBJECT(mr), NULL)) {
            object_unref(mr);
        }
        g_free(child);
        g_free(escaped);
    }
}

void memory_region_init(MemoryRegion *mr, Object *owner, const char *name,
                        uint64_t size)
{
    memory_region_do_init(mr, owner, name, size);
    mr->is_container = true;
}

void memory_region_init_io(MemoryRegion *mr, Object *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    memory_region_do_init(mr, owner, name, size);
    mr->ops = ops ? ops : &unassigned_io_ops;
    mr->opaque = opaque;
}

static size_t ram_mapping_size(uint64_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);

    return QEMU_ALIGN_UP(size, page);
}

static bool memory_region_alloc_ram(MemoryRegion *mr, Error **errp)
{
    void *p = MAP_FAILED;

    if (mr->size > 0 && mr->size < UINT64_MAX - (1u << 20)) {
        /* Anonymous mmap: page aligned, zero filled, mappable by KVM. */
        p = mmap(NULL, ram_mapping_size(mr->size), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    } else {
        errno = EINVAL;
    }
    if (p == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot set up guest memory '%s'",
                         mr->name);
        return false;
    }
    mr->ram = true;
    mr->ram_ptr = p;
    mr->owns_ram = true;
    return true;
}

bool memory_region_init_ram(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp)
{
    memory_region_do_init(mr, owner, name, size);
    return memory_region_alloc_ram(mr, errp);
}

bool memory_region_init_rom(MemoryRegion *mr, Object *owner,
                            const char *name, uint64_t size, Error **errp)
{
    memory_region_do_init(mr, owner, name, size);
    mr->readonly = true;
    return memory_region_alloc_ram(mr, errp);
}

void memory_region_init_ram_ptr(MemoryRegion *mr, Object *owner,
                                const char *name, uint64_t size, void *ptr)
{
    memory_region_do_init(mr, owner, name, size);
    mr->ram = true;
    mr->ram_ptr = ptr;
}

void memory_region_init_alias(MemoryRegion *mr, Object *owner,
                              const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    memory_region_do_init(mr, owner, name, size);
    mr->alias = orig;
    mr->alias_offset = offset;
}

void memory_region_destroy(MemoryRegion *mr)
{
    memory_region_transaction_begin();
    if (mr->container) {
        memory_region_del_subregion(mr->container, mr);
    }
    /* Subregions stay initialised but are no longer mapped anywhere. */
    while (mr->subregions && mr->subregions->len) {
        memory_region_del_subregion(mr, g_ptr_array_index(mr->subregions, 0));
    }
    memory_region_transaction_commit();

    if (mr->owns_ram && mr->ram_ptr) {
        munmap(mr->ram_ptr, ram_mapping_size(mr->size));
    }
    if (mr->owns_ram || !mr->ram_ptr) {
        mr->ram = false;
    }
    mr->ram_ptr = mr->owns_ram ? NULL : mr->ram_ptr;
    mr->owns_ram = false;
    g_free(mr->dirty_bitmap);
    mr->dirty_bitmap = NULL;
}

/* ---- the tree ---- */

void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion,
                                         int priority)
{
    guint i;

    if (subregion->container) {
        error_report("memory: region '%s' is already mapped in '%s'",
                     subregion->name, subregion->container->name);
        return;
    }
    if (mr->alias) {
        error_report("memory: cannot add '%s' to alias '%s'",
                     subregion->name, mr->name);
        return;
    }
    subregion->container = mr;
    subregion->addr = offset;
    subregion->priority = priority;
    /*
     * Highest priority first; a newcomer goes before regions of equal
     * priority, so among equals the last one added wins (as in QEMU).
     */
    for (i = 0; i < mr->subregions->len; i++) {
        MemoryRegion *other = g_ptr_array_index(mr->subregions, i);

        if (priority >= other->priority) {
            break;
        }
    }
    g_ptr_array_insert(mr->subregions, i, subregion);
    memory_region_changed();
}

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion)
{
    memory_region_add_subregion_overlap(mr, offset, subregion, 0);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    if (subregion->container != mr ||
        !g_ptr_array_remove(mr->subregions, subregion)) {
        error_report("memory: region '%s' is not a subregion of '%s'",
                     subregion->name, mr->name);
        return;
    }
    subregion->container = NULL;
    memory_region_changed();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled == enabled) {
        return;
    }
    mr->enabled = enabled;
    memory_region_changed();
}

void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    if (mr->addr == addr) {
        return;
    }
    mr->addr = addr;
    memory_region_changed();
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    if (mr->alias_offset == offset) {
        return;
    }
    mr->alias_offset = offset;
    memory_region_changed();
}

void memory_region_set_readonly(MemoryRegion *mr, bool readonly)
{
    if (mr->readonly == readonly) {
        return;
    }
    mr->readonly = readonly;
    memory_region_changed();
}

uint64_t memory_region_size(MemoryRegion *mr)
{
    return mr->size;
}

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name ? mr->name : "";
}

bool memory_region_is_ram(MemoryRegion *mr)
{
    while (mr->alias) {
        mr = mr->alias;
    }
    return mr->ram;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr offset = 0;

    while (mr->alias) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    if (!mr->ram || !mr->ram_ptr) {
        return NULL;
    }
    return mr->ram_ptr + offset;
}

/* ---- address spaces and listeners ---- */

static void section_of(MemoryRegionSection *s, AddressSpace *as,
                       const FlatRange *fr)
{
    *s = (MemoryRegionSection) {
        .mr = fr->mr,
        .as = as,
        .offset_within_region = fr->offset_in_region,
        .offset_within_address_space = fr->addr,
        .size = fr->size,
        .readonly = fr->readonly,
    };
}

static bool flatrange_equal(const FlatRange *a, const FlatRange *b)
{
    return a->addr == b->addr && a->size == b->size && a->mr == b->mr &&
           a->offset_in_region == b->offset_in_region &&
           a->readonly == b->readonly;
}

/*
 * Tell @l what changed between @old and @new (both sorted): ranges only in
 * @old (or changed) when !@adding, ranges only in @new when @adding.
 */
static void listener_topology_pass(MemoryListener *l, AddressSpace *as,
                                   const FlatView *old, const FlatView *new,
                                   bool adding)
{
    unsigned io = 0, in = 0;
    MemoryRegionSection s;

    while (io < old->nr || in < new->nr) {
        const FlatRange *fo = io < old->nr ? &old->ranges[io] : NULL;
        const FlatRange *fn = in < new->nr ? &new->ranges[in] : NULL;

        if (fo && (!fn || fo->addr < fn->addr ||
                   (fo->addr == fn->addr && !flatrange_equal(fo, fn)))) {
            if (!adding && l->region_del) {
                section_of(&s, as, fo);
                l->region_del(l, &s);
            }
            io++;
        } else if (fo && fn && flatrange_equal(fo, fn)) {
            io++;
            in++;
        } else {
            if (adding && l->region_add) {
                section_of(&s, as, fn);
                l->region_add(l, &s);
            }
            in++;
        }
    }
}

static void address_space_update(AddressSpace *as)
{
    FlatView *new = flatview_render(as->root);
    FlatView *old = flatview_install(as, new);
    guint i;

    for (i = 0; i < as->listeners->len; i++) {
        MemoryListener *l = g_ptr_array_index(as->listeners, i);

        if (l->begin) {
            l->begin(l);
        }
    }
    for (i = 0; i < as->listeners->len; i++) {
        listener_topology_pass(g_ptr_array_index(as->listeners, i), as,
                               old, new, false);
    }
    for (i = 0; i < as->listeners->len; i++) {
        listener_topology_pass(g_ptr_array_index(as->listeners, i), as,
                               old, new, true);
    }
    for (i = 0; i < as->listeners->len; i++) {
        MemoryListener *l = g_ptr_array_index(as->listeners, i);

        if (l->commit) {
            l->commit(l);
        }
    }
    flatview_unref(old);
}

void address_space_init(AddressSpace *as, MemoryRegion *root,
                        const char *name)
{
    as->name = g_strdup(name);
    as->root = root;
    as->listeners = g_ptr_array_new();
    as->current_map = flatview_render(root);
    g_ptr_array_add(memory_address_spaces(), as);
}

void address_space_destroy(AddressSpace *as)
{
    while (as->listeners && as->listeners->len) {
        memory_listener_unregister(g_ptr_array_index(as->listeners, 0));
    }
    g_ptr_array_remove(memory_address_spaces(), as);
    flatview_unref(flatview_install(as, NULL));
    if (as->listeners) {
        g_ptr_array_free(as->listeners, true);
    }
    as->listeners = NULL;
    g_free(as->name);
    as->name = NULL;
    as->root = NULL;
}

/* Replay the whole current view as additions (or deletions). */
static void listener_replay(MemoryListener *l, AddressSpace *as, bool adding)
{
    FlatView *fv = address_space_get_flatview(as);
    MemoryRegionSection s;

    if (l->begin) {
        l->begin(l);
    }
    for (unsigned i = 0; i < fv->nr; i++) {
        section_of(&s, as, &fv->ranges[i]);
        if (adding && l->region_add) {
            l->region_add(l, &s);
        } else if (!adding && l->region_del) {
            l->region_del(l, &s);
        }
    }
    if (l->commit) {
        l->commit(l);
    }
    flatview_unref(fv);
}

void memory_listener_register(MemoryListener *listener, AddressSpace *as)
{
    listener->as = as;
    g_ptr_array_add(as->listeners, listener);
    listener_replay(listener, as, true);
}

void address_space_notify_dma_write(AddressSpace *as, hwaddr addr,
                                    hwaddr len)
{
    for (guint i = 0; len && i < as->listeners->len; i++) {
        MemoryListener *l = g_ptr_array_index(as->listeners, i);

        if (l->dma_write) {
            l->dma_write(l, addr, len);
        }
    }
}

void memory_listener_unregister(MemoryListener *listener)
{
    AddressSpace *as = listener->as;

    if (!as || !g_ptr_array_remove(as->listeners, listener)) {
        return;
    }
    listener_replay(listener, as, false);
    listener->as = NULL;
}
