/*
 * Removable media and commit: eject, change (QMP blockdev-change-medium)
 * and HMP commit, which copies every cluster the top image of a drive
 * holds into its backing file (the -snapshot overlay into the real
 * image).  QEMU's messages.
 */
#include "qemu/osdep.h"
#include "block/blockdev.h"
#include "block-int.h"

static DriveInfo *find_drive(const char *device, Error **errp)
{
    DriveInfo *d = drive_get_by_id(device);
    if (!d) {
        error_setg(errp, "Device '%s' not found", device);
    }
    return d;
}

static void notify(DriveInfo *d)
{
    if (d->media_changed) {
        d->media_changed(d->media_opaque, d->blk);
    }
}

bool blockdev_eject(const char *device, bool force, Error **errp)
{
    DriveInfo *d = find_drive(device, errp);
    if (!d) {
        return false;
    }
    if (!drive_is_removable(d)) {
        error_setg(errp, "Device '%s' is not removable", device);
        return false;
    }
    if (d->blk && !bdrv_check_not_busy(blk_bs(d->blk), device, errp)) {
        return false;
    }
    if (d->blk) {
        BlockBackend *old = d->blk;
        d->blk = NULL;
        notify(d);
        blockdev_unregister_chain(blk_bs(old));
        blk_unref(old);
    }
    d->tray_open = true;
    return true;
}

bool blockdev_change_medium(const char *device, const char *filename,
                            const char *format, Error **errp)
{
    DriveInfo *d = find_drive(device, errp);
    if (!d) {
        return false;
    }
    if (!drive_is_removable(d)) {
        error_setg(errp, "Device '%s' is not removable", device);
        return false;
    }
    int flags = (d->is_cdrom ? 0 : BDRV_O_RDWR) | BDRV_O_DEVICE;
    Error *local = NULL;
    BlockDriverState *bs = bdrv_open(filename, format, NULL, flags, &local);
    if (!bs) {
        bdrv_unwrap_lock_error(&local, filename);
        error_propagate(errp, local);
        return false;
    }
    if (d->blk) {
        BlockBackend *old = d->blk;
        d->blk = NULL;
        blockdev_unregister_chain(blk_bs(old));
        blk_unref(old);
    }
    blockdev_register_chain(bs, NULL);
    d->blk = blk_new(bs, d->id);
    d->tray_open = false;
    notify(d);
    return true;
}

/* Every range the top node allocates goes down into its backing file. */
static int commit_one(DriveInfo *d, Error **errp)
{
    BlockDriverState *top = blk_bs(d->blk);
    if (!top->backing) {
        error_setg(errp, "'commit' error for '%s': Operation not supported",
                   d->id);
        return -ENOTSUP;
    }
    int ret = bdrv_commit(top, top->backing);
    if (ret < 0) {
        error_setg(errp, "'commit' error for '%s': %s", d->id, strerror(-ret));
    }
    return ret;
}

bool blockdev_commit(const char *device, Error **errp)
{
    if (!strcmp(device, "all")) {
        for (GList *l = drive_list(); l; l = l->next) {
            DriveInfo *d = l->data;
            if (d->blk && blk_bs(d->blk)->backing &&
                commit_one(d, errp) < 0) {
                return false;
            }
        }
        return true;
    }
    DriveInfo *d = drive_get_by_id(device);
    if (!d || !d->blk) {
        error_setg(errp, "Device '%s' not found", device);
        return false;
    }
    if (!bdrv_check_not_busy(blk_bs(d->blk), device, errp)) {
        return false;
    }
    return commit_one(d, errp) == 0;
}
