/*
 * query-block: the drives as QEMU 7.2 reports them (BlockInfo with the
 * inserted node chain's ImageInfo).
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block/blockdev.h"
#include "qcow2.h"
#include "block-qapi.h"

static ImageInfoSpecific *qcow2_specific(BlockDriverState *bs)
{
    BDRVQcow2State *s = bs->opaque;
    ImageInfoSpecific *spec = g_new0(ImageInfoSpecific, 1);
    ImageInfoSpecificQCow2 *q = g_new0(ImageInfoSpecificQCow2, 1);
    bool v3 = s->version >= 3;
    spec->type = IMAGE_INFO_SPECIFIC_KIND_QCOW2;
    spec->data = q;
    q->compat = g_strdup(v3 ? "1.1" : "0.10");
    q->compression_type = QCOW2_COMPRESSION_TYPE_ZLIB;
    q->refcount_bits = s->refcount_bits;
    q->has_lazy_refcounts = q->has_corrupt = q->has_extended_l2 = v3;
    q->lazy_refcounts = s->compatible_features & QCOW2_COMPAT_LAZY_REFCOUNTS;
    q->corrupt = s->incompatible_features & QCOW2_INCOMPAT_CORRUPT;
    /* The stored bitmaps, as the image's directory says now. */
    Qcow2BitmapInfoList **tail = &q->bitmaps;
    for (uint32_t i = 0; i < s->nb_bitmaps; i++) {
        Qcow2BitmapInfo *b = g_new0(Qcow2BitmapInfo, 1);
        Qcow2BitmapInfoFlagsList **ft = &b->flags;
        b->name = g_strdup(s->bitmaps[i].name);
        b->granularity = 1u << s->bitmaps[i].granularity_bits;
        for (int f = 0; f < 2; f++) {
            if (s->bitmaps[i].flags & (f ? BME_FLAG_AUTO : BME_FLAG_IN_USE)) {
                *ft = g_new0(Qcow2BitmapInfoFlagsList, 1);
                (*ft)->value = f ? QCOW2_BITMAP_INFO_FLAGS_AUTO
                                 : QCOW2_BITMAP_INFO_FLAGS_IN_USE;
                ft = &(*ft)->next;
            }
        }
        *tail = g_new0(Qcow2BitmapInfoList, 1);
        (*tail)->value = b;
        tail = &(*tail)->next;
    }
    q->has_bitmaps = q->bitmaps != NULL;
    return spec;
}

/* QAPI's SnapshotInfo; takes @sn's strings. */
static SnapshotInfo *snapshot_info(BdrvSnapshotInfo *sn)
{
    SnapshotInfo *si = g_new0(SnapshotInfo, 1);
    si->id = sn->id_str;
    si->name = sn->name;
    si->vm_state_size = sn->vm_state_size;
    si->date_sec = sn->date_sec;
    si->date_nsec = sn->date_nsec;
    si->vm_clock_sec = sn->vm_clock_nsec / 1000000000;
    si->vm_clock_nsec = sn->vm_clock_nsec % 1000000000;
    si->has_icount = sn->icount != UINT64_MAX;
    si->icount = sn->icount;
    return si;
}

static ImageInfo *image_info(BlockDriverState *bs, bool flat)
{
    ImageInfo *info = g_new0(ImageInfo, 1);
    info->filename = g_strdup(bs->filename);
    info->format = g_strdup(bdrv_get_format_name(bs));
    /* QEMU counts whole sectors: a file node of 1000 bytes says 1024. */
    info->virtual_size = DIV_ROUND_UP(bdrv_getlength(bs),
                                      BDRV_SECTOR_SIZE) * BDRV_SECTOR_SIZE;
    info->actual_size = bdrv_get_allocated_file_size(bs);
    info->has_actual_size = info->actual_size >= 0;
    info->has_dirty_flag = true;
    info->dirty_flag = bs->drv->is_dirty && bs->drv->is_dirty(bs);
    if (bs->drv->cluster_size) {
        info->has_cluster_size = true;
        info->cluster_size = bs->drv->cluster_size(bs);
    }
    if (bs->backing_file[0]) {
        info->has_backing_filename = true;
        info->backing_filename = g_strdup(bs->backing_file);
        info->has_full_backing_filename = true;
        info->full_backing_filename = bs->full_backing_filename
            ? g_strdup(bs->full_backing_filename)
            : bdrv_path_combine(bs->filename, bs->backing_file);
        if (bs->backing_format[0]) {
            info->has_backing_filename_format = true;
            info->backing_filename_format = g_strdup(bs->backing_format);
        }
    }
    BdrvSnapshotInfo *sn = NULL;
    int n = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sn) : 0;
    SnapshotInfoList **tail = &info->snapshots;
    for (int i = 0; i < n; i++) {
        *tail = g_new0(SnapshotInfoList, 1);
        (*tail)->value = snapshot_info(&sn[i]);
        tail = &(*tail)->next;
    }
    info->has_snapshots = n > 0;
    g_free(sn);
    if (bs->drv == &bdrv_qcow2) {
        info->has_format_specific = true;
        info->format_specific = qcow2_specific(bs);
    }
    if (bs->backing && !flat) {
        info->has_backing_image = true;
        info->backing_image = image_info(bs->backing, false);
    }
    return info;
}

BlockDeviceInfo *bdrv_block_device_info(DriveInfo *d, BlockDriverState *bs,
                                        bool flat)
{
    BlockDeviceInfo *info = g_new0(BlockDeviceInfo, 1);
    info->file = g_strdup(bs->filename);
    info->has_node_name = bs->node_name != NULL;
    info->node_name = g_strdup(bs->node_name);
    info->ro = bs->read_only;
    info->drv = g_strdup(bdrv_get_format_name(bs));
    if (bs->backing_file[0]) {
        info->has_backing_file = true;
        info->backing_file = g_strdup(bs->backing_file);
    }
    for (BlockDriverState *b = bs->backing; b; b = b->backing) {
        info->backing_file_depth++;
    }
    info->detect_zeroes = BLOCKDEV_DETECT_ZEROES_OPTIONS_OFF;
    info->write_threshold = __atomic_load_n(&bs->write_threshold,
                                            __ATOMIC_RELAXED);
    info->image = image_info(bs, flat);
    info->cache = g_new0(BlockdevCacheInfo, 1);
    if (d) {
        info->cache->writeback = d->writeback;
        info->cache->direct = d->direct;
        info->cache->no_flush = d->no_flush;
        bdrv_throttle_info(info, d->blk);
    } else {
        /* A node's own open flags (QEMU's bdrv_get_flags). */
        info->cache->writeback = !(bs->open_flags & BDRV_O_WRITETHROUGH);
        info->cache->direct = bs->open_flags & BDRV_O_NOCACHE;
        info->cache->no_flush = bs->open_flags & BDRV_O_NO_FLUSH;
    }
    info->dirty_bitmaps = bdrv_query_dirty_bitmaps(bs);
    info->has_dirty_bitmaps = info->dirty_bitmaps != NULL;
    return info;
}

BlockInfoList *qmp_query_block(Error **errp)
{
    BlockInfoList *head = NULL, **tail = &head;
    for (GList *l = drive_list(); l; l = l->next) {
        DriveInfo *d = l->data;
        BlockInfo *info = g_new0(BlockInfo, 1);
        info->device = g_strdup(d->id);
        info->type = g_strdup("unknown");
        info->removable = drive_is_removable(d);
        info->locked = d->locked;
        info->has_qdev = d->qdev != NULL;
        info->qdev = g_strdup(d->qdev);
        /* QEMU: a tray and an I/O status only with a device. */
        if (info->removable && d->qdev) {
            info->has_tray_open = true;
            info->tray_open = d->tray_open;
        }
        info->has_io_status = d->qdev != NULL;
        info->io_status = BLOCK_DEVICE_IO_STATUS_OK;
        if (d->blk) {
            info->has_inserted = true;
            info->inserted = bdrv_block_device_info(d, blk_bs(d->blk), false);
        }
        *tail = g_new0(BlockInfoList, 1);
        (*tail)->value = info;
        tail = &(*tail)->next;
    }
    return head;
}

void qmp_eject(bool has_device, const char *device, bool has_id,
               const char *id, bool has_force, bool force, Error **errp)
{
    if (!has_device && !has_id) {
        error_setg(errp, "Either 'device' or 'id' must be set");
        return;
    }
    blockdev_eject(has_device ? device : NULL, has_id ? id : NULL,
                   has_force && force, errp);
}

void qmp_block_resize(bool has_device, const char *device,
                      bool has_node_name, const char *node_name,
                      int64_t size, Error **errp)
{
    blockdev_resize(has_device ? device : NULL,
                    has_node_name ? node_name : NULL, size, errp);
}

void qmp_blockdev_snapshot_sync(bool has_device, const char *device,
                                bool has_node_name, const char *node_name,
                                const char *snapshot_file,
                                bool has_snapshot_node_name,
                                const char *snapshot_node_name,
                                bool has_format, const char *format,
                                bool has_mode, NewImageMode mode,
                                Error **errp)
{
    blockdev_snapshot_external(has_device ? device : NULL,
                               has_node_name ? node_name : NULL,
                               snapshot_file,
                               has_snapshot_node_name ? snapshot_node_name
                                                      : NULL,
                               has_format ? format : NULL,
                               has_mode && mode == NEW_IMAGE_MODE_EXISTING,
                               errp);
}

void qmp_blockdev_snapshot_internal_sync(const char *device,
                                         const char *name, Error **errp)
{
    blockdev_snapshot_internal(device, name, errp);
}

SnapshotInfo *qmp_blockdev_snapshot_delete_internal_sync(
    const char *device, bool has_id, const char *id, bool has_name,
    const char *name, Error **errp)
{
    BdrvSnapshotInfo sn;

    if (!blockdev_snapshot_delete_internal(device, has_id ? id : NULL,
                                           has_name ? name : NULL, &sn,
                                           errp)) {
        return NULL;
    }
    return snapshot_info(&sn);
}

void qmp_blockdev_change_medium(bool has_device, const char *device,
                                bool has_id, const char *id,
                                const char *filename, bool has_format,
                                const char *format, bool has_read_only_mode,
                                const char *read_only_mode, Error **errp)
{
    if (!has_device && !has_id) {
        error_setg(errp, "Either 'device' or 'id' must be set");
        return;
    }
    blockdev_change_medium(has_device ? device : NULL, has_id ? id : NULL,
                           filename, has_format ? format : NULL, errp);
}

void qmp_blockdev_open_tray(bool has_device, const char *device,
                            bool has_id, const char *id, bool has_force,
                            bool force, Error **errp)
{
    blockdev_open_tray(has_device ? device : NULL, has_id ? id : NULL,
                       has_force && force, errp);
}

void qmp_blockdev_close_tray(bool has_device, const char *device,
                             bool has_id, const char *id, Error **errp)
{
    blockdev_close_tray(has_device ? device : NULL, has_id ? id : NULL,
                        errp);
}

void qmp_blockdev_remove_medium(const char *id, Error **errp)
{
    blockdev_remove_medium(id, errp);
}

void qmp_blockdev_insert_medium(const char *id, const char *node_name,
                                Error **errp)
{
    blockdev_insert_medium(id, node_name, errp);
}

static BlockDeviceStats *device_stats(const BlockAcctStats *a)
{
    BlockDeviceStats *st = g_new0(BlockDeviceStats, 1);
    if (!a) {
        return st;
    }
    st->rd_bytes = a->rd_bytes;
    st->wr_bytes = a->wr_bytes;
    st->unmap_bytes = a->unmap_bytes;
    st->rd_operations = a->rd_ops;
    st->wr_operations = a->wr_ops;
    st->flush_operations = a->flush_ops;
    st->unmap_operations = a->unmap_ops;
    st->rd_total_time_ns = a->rd_time_ns;
    st->wr_total_time_ns = a->wr_time_ns;
    st->flush_total_time_ns = a->flush_time_ns;
    st->unmap_total_time_ns = a->unmap_time_ns;
    st->wr_highest_offset = a->wr_highest_offset;
    st->failed_rd_operations = a->failed_rd;
    st->failed_wr_operations = a->failed_wr;
    st->failed_flush_operations = a->failed_flush;
    st->failed_unmap_operations = a->failed_unmap;
    st->account_invalid = st->account_failed = true;
    if (a->last_io_ns) {
        st->has_idle_time_ns = true;
        st->idle_time_ns = g_get_monotonic_time() * 1000 - a->last_io_ns;
    }
    return st;
}

BlockStatsList *qmp_query_blockstats(bool has_query_nodes, bool query_nodes,
                                     Error **errp)
{
    BlockStatsList *head = NULL, **tail = &head;
    for (GList *l = drive_list(); l; l = l->next) {
        DriveInfo *d = l->data;
        BlockStats *s = g_new0(BlockStats, 1);
        BlockAcctStats a;
        s->has_device = true;
        s->device = g_strdup(d->id);
        s->has_qdev = d->qdev != NULL;
        s->qdev = g_strdup(d->qdev);
        if (d->blk) {
            BlockDriverState *bs = blk_bs(d->blk);
            blk_get_stats(d->blk, &a);
            s->stats = device_stats(&a);
            s->has_node_name = bs->node_name != NULL;
            s->node_name = g_strdup(bs->node_name);
            BlockDriverState *file = bs->file ? bs->file : NULL;
            if (file) {
                /* Per-node counters are not kept: the file level reads 0. */
                BlockStats *p = g_new0(BlockStats, 1);
                p->stats = device_stats(NULL);
                p->has_node_name = file->node_name != NULL;
                p->node_name = g_strdup(file->node_name);
                p->has_driver_specific = true;
                p->driver_specific = g_new0(BlockStatsSpecificFile, 1);
                p->driver_specific->driver = g_strdup("file");
                s->has_parent = true;
                s->parent = p;
            }
        } else {
            s->stats = device_stats(NULL);
        }
        *tail = g_new0(BlockStatsList, 1);
        (*tail)->value = s;
        tail = &(*tail)->next;
    }
    return head;
}
