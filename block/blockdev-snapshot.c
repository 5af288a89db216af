/*
 * Internal snapshots of running drives: QMP blockdev-snapshot-internal-sync
 * and blockdev-snapshot-delete-internal-sync (HMP snapshot_blkdev_internal,
 * snapshot_delete_blkdev_internal) and HMP "info snapshots", with QEMU
 * 7.2's lookups, checks and messages.  kemu saves no VM state, so these
 * snapshots hold disk contents only (VM SIZE 0), as QEMU's do.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/blockdev.h"
#include "block-int.h"

/* QEMU's qmp_get_root_bs(@device): a drive, else a node, used as a root. */
static BlockDriverState *root_bs(const char *device, Error **errp)
{
    BlockDriverState *bs = blockdev_lookup_bs(device, device, errp);

    if (!bs) {
        return NULL;
    }
    if (bdrv_find_file_parent(bs)) {
        error_setg(errp, "Need a root block node");
        return NULL;
    }
    return bs;
}

bool blockdev_snapshot_internal(const char *device, const char *name,
                                Error **errp)
{
    BlockDriverState *bs = root_bs(device, errp);
    BdrvSnapshotInfo old;

    if (!bs) {
        return false;
    }
    if (bs->read_only) {
        error_setg(errp, "Device '%s' is read only", device);
        return false;
    }
    if (!bs->drv->snapshot_create) {
        error_setg(errp, "Block format '%s' used by device '%s' does not "
                   "support internal snapshots", bdrv_get_format_name(bs),
                   device);
        return false;
    }
    if (!*name) {
        error_setg(errp, "Name is empty");
        return false;
    }
    if (bdrv_snapshot_find(bs, NULL, name, &old)) {
        bdrv_snapshot_info_clear(&old);
        error_setg(errp, "Snapshot with name '%s' already exists on device "
                   "'%s'", name, device);
        return false;
    }
    bdrv_drain_backends(bs);
    return bs->drv->snapshot_create(bs, name,
                                    qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL),
                                    UINT64_MAX, errp) == 0;
}

bool blockdev_snapshot_delete_internal(const char *device, const char *id,
                                       const char *name,
                                       BdrvSnapshotInfo *deleted,
                                       Error **errp)
{
    BlockDriverState *bs = root_bs(device, errp);

    if (!bs) {
        return false;
    }
    if (!id && !name) {
        error_setg(errp, "Name or id must be provided");
        return false;
    }
    if (!bs->drv->snapshot_delete ||
        !bdrv_snapshot_find(bs, id, name, deleted)) {
        error_setg(errp, "Snapshot with id '%s' and name '%s' does not exist "
                   "on device '%s'", id ? id : "null", name ? name : "null",
                   device);
        return false;
    }
    bdrv_drain_backends(bs);
    /* The driver looks ids up before names: the id is exact. */
    if (bs->drv->snapshot_delete(bs, deleted->id_str, errp) < 0) {
        bdrv_snapshot_info_clear(deleted);
        return false;
    }
    return true;
}

typedef struct SnapshotDisk {
    const char *name;           /* the device name QEMU prints ("" if none) */
    BlockDriverState *bs;
} SnapshotDisk;

/*
 * QEMU's bdrv_all set: the writable, inserted root of every backend
 * (once), then the -blockdev nodes that nothing uses (no device, no
 * parent node).
 */
static GArray *snapshot_disks(void)
{
    GArray *disks = g_array_new(false, false, sizeof(SnapshotDisk));
    GHashTable *seen = g_hash_table_new(NULL, NULL);

    for (GList *l = blk_all(); l; l = l->next) {
        BlockDriverState *bs = blk_bs(l->data);
        if (!bs->read_only && !bdrv_find_file_parent(bs) &&
            g_hash_table_add(seen, bs)) {
            SnapshotDisk d = { blk_name(l->data), bs };
            g_array_append_val(disks, d);
        }
    }
    for (GList *l = blockdev_monitor_nodes(); l; l = l->next) {
        BlockDriverState *bs = l->data;
        if (!bs->read_only && !bs->backends && !bdrv_find_file_parent(bs) &&
            g_hash_table_add(seen, bs)) {
            SnapshotDisk d = { "", bs };
            g_array_append_val(disks, d);
        }
    }
    g_hash_table_destroy(seen);
    return disks;
}

static bool on_every_disk(GArray *disks, const char *name)
{
    for (guint i = 0; i < disks->len; i++) {
        BdrvSnapshotInfo sn;
        if (!bdrv_snapshot_find(g_array_index(disks, SnapshotDisk, i).bs,
                                NULL, name, &sn)) {
            return false;
        }
        bdrv_snapshot_info_clear(&sn);
    }
    return true;
}

static void dump_row(GString *out, BdrvSnapshotInfo *sn)
{
    bdrv_snapshot_dump(out, sn);
    g_string_append_c(out, '\n');
}

void blockdev_info_snapshots(GString *out)
{
    g_autoptr(GArray) disks = snapshot_disks();
    BlockDriverState *vmstate = NULL;
    g_autoptr(GPtrArray) global = g_ptr_array_new_with_free_func(g_free);
    g_autofree BdrvSnapshotInfo **lists = g_new0(BdrvSnapshotInfo *,
                                                 disks->len + 1);
    g_autofree int *counts = g_new0(int, disks->len + 1);
    bool any = false;

    for (guint i = 0; i < disks->len; i++) {
        BlockDriverState *bs = g_array_index(disks, SnapshotDisk, i).bs;
        lists[i] = NULL;
        counts[i] = bs->drv->snapshot_list ?
                    bs->drv->snapshot_list(bs, &lists[i]) : 0;
        any |= counts[i] > 0;
        if (!vmstate && bs->drv->snapshot_create) {
            vmstate = bs;
        }
    }
    if (!vmstate) {
        g_string_append(out, "no block device can store vmstate for "
                        "snapshot\n");
    } else if (!any) {
        g_string_append(out, "There is no snapshot available.\n");
    } else {
        /* The vmstate disk's snapshots that every disk has, by name. */
        guint v = 0;
        while (g_array_index(disks, SnapshotDisk, v).bs != vmstate) {
            v++;
        }
        for (int k = 0; k < counts[v]; k++) {
            if (on_every_disk(disks, lists[v][k].name)) {
                g_ptr_array_add(global, g_strdup(lists[v][k].name));
            }
        }
        g_string_append(out, "List of snapshots present on all disks:\n");
        if (global->len) {
            dump_row(out, NULL);
            for (int k = 0; k < counts[v]; k++) {
                if (g_ptr_array_find_with_equal_func(global, lists[v][k].name,
                                                     g_str_equal, NULL)) {
                    /* Ids differ between images: QEMU prints "--". */
                    BdrvSnapshotInfo sn = lists[v][k];
                    sn.id_str = (char *)"--";
                    dump_row(out, &sn);
                }
            }
        } else {
            g_string_append(out, "None\n");
        }
        for (guint i = 0; i < disks->len; i++) {
            bool header = false;
            for (int k = 0; k < counts[i]; k++) {
                if (g_ptr_array_find_with_equal_func(global, lists[i][k].name,
                                                     g_str_equal, NULL)) {
                    continue;
                }
                if (!header) {
                    g_string_append_printf(out, "\nList of partial "
                                           "(non-loadable) snapshots on "
                                           "'%s':\n", g_array_index(
                                               disks, SnapshotDisk, i).name);
                    dump_row(out, NULL);
                    header = true;
                }
                dump_row(out, &lists[i][k]);
            }
        }
    }
    for (guint i = 0; i < disks->len; i++) {
        for (int k = 0; k < counts[i]; k++) {
            bdrv_snapshot_info_clear(&lists[i][k]);
        }
        g_free(lists[i]);
    }
}

/* The "file" node under @bs (itself for a file node). */
static BlockDriverState *file_node(BlockDriverState *bs)
{
    return bs->drv == &bdrv_file ? bs : bs->file;
}

/* A new qcow2 overlay @file over @bs (mode=absolute-paths). */
static bool create_overlay(BlockDriverState *bs, const char *file,
                           Error **errp)
{
    BlockCreateOpts o = {
        .size = bdrv_getlength(bs),
        .backing_file = bs->filename,
        .backing_fmt = bdrv_get_format_name(bs),
    };

    if (!strcmp(file, bs->filename)) {
        /* QEMU's message carries its own "Error: " prefix. */
        error_setg(errp, "Error: Trying to create an image with the same "
                   "filename as the backing file");
        return false;
    }
    return bdrv_create("qcow2", file, &o, errp) == 0;
}

BlockDriverState *blockdev_snapshot_external_prepare(
    const char *device, const char *node_name, const char *file,
    const char *overlay_name, const char *format, bool existing,
    BlockDriverState **old, Error **errp)
{
    BlockDriverState *bs = blockdev_lookup_bs(device, node_name, errp);
    const int keep = BDRV_O_RDWR | BDRV_O_NOCACHE | BDRV_O_NO_FLUSH |
                     BDRV_O_WRITETHROUGH | BDRV_O_NO_LOCK | BDRV_O_DEVICE;
    BlockDriverState *top;
    Error *local = NULL;

    if (!bs || !bdrv_check_not_busy(bs, device ? device : node_name, errp)) {
        return NULL;
    }
    if (node_name && !overlay_name) {
        error_setg(errp, "New overlay node-name missing");
        return NULL;
    }
    if (overlay_name && blockdev_lookup_bs(overlay_name, overlay_name, NULL)) {
        error_setg(errp, "New overlay node-name already in use");
        return NULL;
    }
    /* kemu's formats: raw cannot have a backing file, qcow2 can. */
    format = format ? format : "qcow2";
    if (!strcmp(format, "raw")) {
        error_setg(errp, "Backing file not supported for file format 'raw'");
        return NULL;
    }
    if (strcmp(format, "qcow2")) {
        error_setg(errp, "Unknown file format '%s'", format);
        return NULL;
    }
    if (!existing && !create_overlay(bs, file, errp)) {
        return NULL;
    }
    top = bdrv_open(file, "qcow2", NULL,
                    (bs->open_flags & keep) | BDRV_O_NO_BACKING, &local);
    if (!top) {
        blockdev_open_error(errp, local, file);
        return NULL;
    }
    *old = bs;
    return top;
}

void blockdev_snapshot_append(BlockDriverState *bs, BlockDriverState *top,
                              const char *overlay_name, bool monitor_node)
{
    /* The old top keeps its data for the overlay and takes no writes. */
    bdrv_drain_backends(bs);
    bdrv_flush(bs);
    bdrv_ref(bs);
    top->backing = bs;
    if (!top->backing_file[0]) {
        g_strlcpy(top->backing_file, bs->filename, sizeof(top->backing_file));
        g_strlcpy(top->backing_format, bdrv_get_format_name(bs),
                  sizeof(top->backing_format));
    }
    g_free(top->full_backing_filename);
    top->full_backing_filename = g_strdup(bs->filename);
    bs->read_only = true;
    if (file_node(bs)) {
        file_node(bs)->read_only = true;
        bdrv_file_drop_write_perm(file_node(bs));
    }
    if (monitor_node) {
        /* blockdev-snapshot: the monitor keeps its own reference. */
        bdrv_replace_in_backends(bs, top);
        return;
    }
    blockdev_register_node(top, overlay_name);
    blockdev_register_node(top->file, NULL);
    if (bdrv_replace_in_backends(bs, top) > 0) {
        bdrv_unref(top);         /* the backends hold it now */
    } else {
        blockdev_add_monitor_node(top);
    }
}

bool blockdev_snapshot_external(const char *device, const char *node_name,
                                const char *file, const char *overlay_name,
                                const char *format, bool existing,
                                Error **errp)
{
    BlockDriverState *old;
    BlockDriverState *top = blockdev_snapshot_external_prepare(
        device, node_name, file, overlay_name, format, existing, &old, errp);

    if (!top) {
        return false;
    }
    blockdev_snapshot_append(old, top, overlay_name, false);
    return true;
}

BlockDriverState *blockdev_snapshot_node_prepare(const char *node,
                                                 const char *overlay,
                                                 BlockDriverState **old,
                                                 Error **errp)
{
    BlockDriverState *bs = blockdev_lookup_bs(node, node, errp);
    BlockDriverState *top;

    if (!bs) {
        return NULL;
    }
    top = blockdev_lookup_bs(overlay, overlay, errp);
    if (!top) {
        return NULL;
    }
    if (top->backends || drive_get_by_id(overlay) ||
        bdrv_find_file_parent(top)) {
        error_setg(errp, "The overlay is already in use");
        return NULL;
    }
    if (top->backing) {
        error_setg(errp, "The overlay already has a backing image");
        return NULL;
    }
    if (top->drv != &bdrv_qcow2) {
        error_setg(errp, "The overlay does not support backing images");
        return NULL;
    }
    *old = bs;
    return top;
}

bool blockdev_snapshot_node(const char *node, const char *overlay,
                            Error **errp)
{
    BlockDriverState *old;
    BlockDriverState *top = blockdev_snapshot_node_prepare(node, overlay,
                                                           &old, errp);
    if (!top) {
        return false;
    }
    blockdev_snapshot_append(old, top, NULL, true);
    return true;
}
