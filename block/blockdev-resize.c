/*
 * block_resize (QMP and HMP): grow or shrink a drive's image or a named
 * node while the guest runs; the devices on it learn the new size.
 * QEMU 7.2's lookups and messages, including the permission conflicts
 * its graph reports for a CD-ROM (read-only media are never resizable)
 * and for a node that a format node uses as its "file" child.
 */
#include "qemu/osdep.h"
#include "block/blockdev.h"
#include "block-int.h"

static const char *node_name_of(BlockDriverState *bs)
{
    return bs->node_name ? bs->node_name : "";
}

/* A CD-ROM drive on @bs: its device does not share "resize". */
static DriveInfo *cdrom_on(BlockDriverState *bs)
{
    for (GList *l = drive_list(); l; l = l->next) {
        DriveInfo *d = l->data;
        if (d->is_cdrom && d->blk && blk_bs(d->blk) == bs) {
            return d;
        }
    }
    return NULL;
}

/* QEMU's permission error: @user (e.g. "node 'q1'") does not share resize. */
static void resize_conflict(Error **errp, BlockDriverState *bs,
                            const char *user, const char *role)
{
    error_setg(errp, "Permission conflict on node '%s': permissions 'resize' "
               "are both required by an unnamed block device (uses node '%s' "
               "as 'root' child) and unshared by %s (uses node '%s' as '%s' "
               "child).", node_name_of(bs), node_name_of(bs), user,
               node_name_of(bs), role);
}

bool blockdev_resize(const char *device, const char *node_name,
                     int64_t size, Error **errp)
{
    BlockDriverState *bs = blockdev_lookup_bs(device, node_name, errp);
    BlockDriverState *parent;
    DriveInfo *cd;

    if (!bs || !bdrv_check_not_busy(bs, device ? device : node_name, errp)) {
        return false;
    }
    if (size < 0) {
        error_setg(errp, "Parameter 'size' expects a >0 size");
        return false;
    }
    if ((cd = cdrom_on(bs))) {
        g_autofree char *user = g_strdup_printf("block device '%s'", cd->id);
        resize_conflict(errp, bs, user, "root");
        return false;
    }
    if ((parent = bdrv_find_file_parent(bs))) {
        g_autofree char *user = g_strdup_printf("node '%s'",
                                                node_name_of(parent));
        resize_conflict(errp, bs, user, "file");
        return false;
    }
    return bdrv_resize(bs, size, errp) == 0;
}
