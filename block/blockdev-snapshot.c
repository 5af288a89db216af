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
    DriveInfo *d = drive_get_by_id(device);
    BlockDriverState *bs;

    if (d && !d->blk) {
        error_setg(errp, "Device '%s' has no medium", device);
        return NULL;
    }
    bs = d ? blk_bs(d->blk) : bdrv_find_node(device);
    if (!bs) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                   device, device);
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
    BdrvSnapshotInfo *lists[disks->len];
    int counts[disks->len];
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
