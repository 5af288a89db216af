/*
 * Removable media and commit: the tray and medium commands (QMP
 * blockdev-open-tray, -close-tray, -remove-medium, -insert-medium) that
 * eject and change (blockdev-change-medium) are made of, DEVICE_TRAY_MOVED,
 * and HMP commit, which copies every cluster the top image of a drive
 * holds into its backing file (the -snapshot overlay into the real
 * image).  QEMU's messages.
 */
#include "qemu/osdep.h"
#include "block/blockdev.h"
#include "qemu/throttle.h"
#include "block-int.h"

static DriveInfo *find_drive(const char *device, Error **errp)
{
    DriveInfo *d = drive_get_by_id(device);
    if (!d) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  device);
    }
    return d;
}

DriveInfo *blockdev_find_drive(const char *device, const char *id,
                               Error **errp)
{
    if (!device == !id) {
        error_setg(errp, "Need exactly one of 'device' and 'id'");
        return NULL;
    }
    if (device) {
        return find_drive(device, errp);
    }
    DriveInfo *d = drive_get_by_qdev(id);
    if (!d) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND, "Device '%s' not found",
                  id);
    }
    return d;
}

/* The device sees the medium only while its tray is closed. */
static void notify(DriveInfo *d)
{
    if (d->media_changed) {
        d->media_changed(d->media_opaque, d->tray_open ? NULL : d->blk);
    }
}

/* A device with a tray (a CD-ROM); a drive without device has none. */
static bool has_tray(DriveInfo *d)
{
    return d->qdev && d->dev_removable;
}

void drive_set_tray(DriveInfo *d, bool open)
{
    if (d->tray_open == open) {
        return;
    }
    d->tray_open = open;
    notify(d);
    if (d->tray_moved) {
        d->tray_moved(d->media_opaque, open);
    }
}

/*
 * Drop the medium.  Nodes the monitor made (-blockdev, blockdev-add) keep
 * their names; the chain a drive opened goes with it.
 */
static void drop_medium(DriveInfo *d)
{
    BlockBackend *old = d->blk;
    ThrottleConfig cfg;
    const char *group;

    if (!old) {
        return;
    }
    /* QEMU's limits belong to the drive, not the medium: keep them. */
    group = blk_get_io_limits(old, &cfg);
    g_free(d->throttle);
    g_free(d->throttle_group);
    d->throttle = group ? g_memdup2(&cfg, sizeof(cfg)) : NULL;
    d->throttle_group = g_strdup(group);
    d->blk = NULL;
    notify(d);
    if (!g_list_find(blockdev_monitor_nodes(), blk_bs(old))) {
        blockdev_unregister_chain(blk_bs(old));
    }
    blk_unref(old);
}

/* A new medium in @d: its backend, with the limits the drive had. */
static void new_medium(DriveInfo *d, BlockDriverState *bs)
{
    d->blk = blk_new(bs, d->id);
    if (d->throttle) {
        blk_set_io_limits(d->blk, d->throttle, d->throttle_group, NULL);
    }
}

/* The drive of a tray command, if it is removable. */
static DriveInfo *find_removable(const char *device, const char *id,
                                 Error **errp)
{
    DriveInfo *d = blockdev_find_drive(device, id, errp);
    if (d && !drive_is_removable(d)) {
        error_setg(errp, "Device '%s' is not removable", device ? device : id);
        return NULL;
    }
    return d;
}

bool blockdev_open_tray(const char *device, const char *id, bool force,
                        Error **errp)
{
    DriveInfo *d = find_removable(device, id, errp);
    if (!d) {
        return false;
    }
    if (!has_tray(d) || d->tray_open) {
        return true;
    }
    if (d->locked) {
        /*
         * QEMU asks the guest to eject (an event it polls for) and, with
         * force, unlocks; the tray moves when the guest ejects.
         */
        if (force) {
            d->locked = false;
        }
        return true;
    }
    drive_set_tray(d, true);
    return true;
}

bool blockdev_close_tray(const char *device, const char *id, Error **errp)
{
    DriveInfo *d = find_removable(device, id, errp);
    if (!d) {
        return false;
    }
    if (has_tray(d)) {
        drive_set_tray(d, false);
    }
    return true;
}

/*
 * QEMU refuses to take away a medium a block job holds, naming the node
 * by its backend's name (the drive id) or, without one, its node name.
 */
static bool medium_not_busy(DriveInfo *d, Error **errp)
{
    return !d->blk || bdrv_check_not_busy(blk_bs(d->blk),
                                          *d->id ? d->id : NULL, errp);
}

/* Checks of remove-medium, with the name the user gave in messages. */
static bool remove_medium(DriveInfo *d, const char *name, Error **errp)
{
    if (!drive_is_removable(d)) {
        error_setg(errp, "Device '%s' is not removable", name);
        return false;
    }
    if (has_tray(d) && !d->tray_open) {
        error_setg(errp, "Tray of device '%s' is not open", name);
        return false;
    }
    if (!medium_not_busy(d, errp)) {
        return false;
    }
    drop_medium(d);
    return true;
}

bool blockdev_remove_medium(const char *id, Error **errp)
{
    DriveInfo *d = blockdev_find_drive(NULL, id, errp);
    return d && remove_medium(d, id, errp);
}

/* Checks of insert-medium; takes a reference to @bs on success. */
static bool insert_medium(DriveInfo *d, BlockDriverState *bs, Error **errp)
{
    if (!drive_is_removable(d)) {
        error_setg(errp, "Device is not removable");
        return false;
    }
    if (has_tray(d) && !d->tray_open) {
        error_setg(errp, "Tray of the device is not open");
        return false;
    }
    if (d->blk) {
        error_setg(errp, "There already is a medium in the device");
        return false;
    }
    bdrv_ref(bs);
    new_medium(d, bs);
    notify(d);
    return true;
}

bool blockdev_insert_medium(const char *id, const char *node_name,
                            Error **errp)
{
    BlockDriverState *bs = bdrv_find_node(node_name);
    if (!bs) {
        error_setg(errp, "Node '%s' not found", node_name);
        return false;
    }
    if (bs->backends || bs->job_type) {
        error_setg(errp, "Node '%s' is already in use", node_name);
        return false;
    }
    DriveInfo *d = blockdev_find_drive(NULL, id, errp);
    return d && insert_medium(d, bs, errp);
}

bool blockdev_eject(const char *device, const char *id, bool force,
                    Error **errp)
{
    const char *name = device ? device : id;
    if (!blockdev_open_tray(device, id, force, errp)) {
        return false;
    }
    DriveInfo *d = device ? drive_get_by_id(device) : drive_get_by_qdev(id);
    if (has_tray(d) && !d->tray_open) {
        error_setg(errp, "Device '%s' is locked and force was not "
                   "specified, wait for tray to open and try again", name);
        return false;
    }
    return remove_medium(d, name, errp);
}

bool blockdev_change_medium(const char *device, const char *id,
                            const char *filename, const char *format,
                            Error **errp)
{
    const char *name = device ? device : id;
    DriveInfo *d = find_removable(device, id, errp);
    if (!d) {
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
    if (!blockdev_open_tray(device, id, false, errp)) {
        bdrv_unref(bs);
        return false;
    }
    if (has_tray(d) && !d->tray_open) {
        error_setg(errp, "Device '%s' is locked and force was not "
                   "specified, wait for tray to open and try again", name);
        bdrv_unref(bs);
        return false;
    }
    if (!medium_not_busy(d, errp)) {
        bdrv_unref(bs);
        return false;
    }
    drop_medium(d);
    blockdev_register_chain(bs, NULL);
    new_medium(d, bs);
    if (has_tray(d)) {
        drive_set_tray(d, false);
    }
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
