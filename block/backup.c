/*
 * drive-backup / blockdev-backup: a point-in-time copy of a node.  The
 * job copies what the copy map still holds a chunk per tick; a guest
 * write to a range not copied yet first copies the old data to the
 * target (copy-before-write, in the writer's request), so the target is
 * the disk as it was when the job started.  sync=none copies only
 * before writes and runs until cancelled, as QEMU's does.  sync=bitmap
 * (and incremental) copies the clusters a dirty bitmap marks; the bitmap
 * is busy meanwhile, a successor records the writes, and at the end the
 * bitmap keeps or drops what was copied as bitmap-mode says.  The copy
 * map is an anonymous, non-recording bitmap of the source, shown by
 * query-named-block-nodes as QEMU shows its block-copy bitmap.  Not
 * modelled: compress, x-perf; an error in copy-before-write is not
 * reported (QEMU fails the guest's write).
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block-int.h"
#include "block/blockjob.h"
#include "block/blockdev.h"
#include "block/dirty-bitmap.h"

#define BACKUP_CHUNK ((int64_t)(1 * MiB))
#define BACKUP_CLUSTER ((int64_t)(64 * KiB))

typedef struct BackupJob {
    BlockDriverState *source;
    BlockDriverState *target;
    MirrorSyncMode sync;
    bool zero_init;              /* a new target reads as zeroes */
    BdrvDirtyBitmap *todo;       /* not yet copied to the target */
    BdrvDirtyBitmap *sync_bitmap;   /* bitmap= (busy while the job runs) */
    BitmapSyncMode bitmap_mode;
    int64_t pos;                 /* sync=bitmap: where the copy is */
    uint8_t *buf;                /* the job's; hooks allocate their own */
} BackupJob;

/*
 * Copy [@off, @off+@n) of the source as it is now; 0 or -errno.  @job:
 * the job's own copy (its failure goes to the error policy), NULL from
 * a guest write.
 */
/*
 * Into a target that may hold data: what reads as zeroes in the source
 * is written as zeroes (a qcow2 target records zero clusters), as QEMU's
 * block-copy does; the rest is copied.
 */
static int backup_copy_zeroes(BackupJob *s, BlockJob *job, int64_t off,
                              int64_t n, uint8_t *buf)
{
    for (int64_t end = off + n; off < end;) {
        uint64_t m = 0, map;
        int st = bdrv_block_status(s->source, off, end - off, &m, &map);
        int ret;
        if (st < 0 || !m) {
            st = 0;
            m = end - off;
        }
        if (st & BDRV_BLOCK_ZERO) {
            ret = bdrv_pwrite_zeroes(s->target, off, m);
            if (ret < 0 && job) {
                job->io_failed = job->io_failed_write = true;
            }
        } else {
            ret = block_job_copy(job, s->source, s->target, off, m, buf);
        }
        if (ret < 0) {
            return ret;
        }
        off += m;
    }
    return 0;
}

static int backup_copy(BackupJob *s, BlockJob *job, int64_t off, int64_t n,
                       uint8_t *buf)
{
    if (!s->zero_init) {
        return backup_copy_zeroes(s, job, off, n, buf);
    }
    /* A new target reads as zeroes: copy only what the chain holds. */
    for (int64_t end = off + n; off < end;) {
        bool alloc = true;
        int64_t m = bdrv_layers_status(s->source, NULL, off, end - off,
                                       &alloc);
        if (m <= 0) {
            m = end - off;       /* unknown: copy the rest */
            alloc = true;
        }
        if (alloc) {
            int ret = block_job_copy(job, s->source, s->target, off, m,
                                     buf);
            if (ret < 0) {
                return ret;
            }
        }
        off += m;
    }
    return 0;
}

static void backup_before_write(void *opaque, uint64_t offset, uint64_t bytes)
{
    BackupJob *s = opaque;
    int64_t start = QEMU_ALIGN_DOWN(offset, BACKUP_CLUSTER);
    g_autofree uint8_t *buf = NULL;

    for (int64_t off = start; off < (int64_t)(offset + bytes);
         off += BACKUP_CLUSTER) {
        int64_t n = MIN(BACKUP_CLUSTER, s->todo->map.size - off);
        if (n <= 0 || !dirty_map_test_clear(&s->todo->map, off, n)) {
            continue;
        }
        if (!buf) {
            buf = g_malloc(BACKUP_CLUSTER);
        }
        /* A failed copy leaves a hole; the job reports nothing (QEMU
         * fails the write instead). */
        backup_copy(s, NULL, off, n, buf);
    }
}

static int backup_step(BlockJob *job)
{
    BackupJob *s = job->opaque;
    int64_t off, n;
    int ret = 0;

    if (s->sync == MIRROR_SYNC_MODE_NONE) {
        return JOB_STEP_MORE;    /* copy-before-write only, until cancel */
    }
    bool by_bitmap = s->sync == MIRROR_SYNC_MODE_BITMAP;
    bdrv_lock_backends(s->source);
    bool found = dirty_map_take(&s->todo->map,
                                by_bitmap ? s->pos : job->offset,
                                BACKUP_CHUNK, &off, &n);
    if (found) {
        ret = backup_copy(s, job, off, n, s->buf);
        if (ret < 0) {
            /* Still to copy: "ignore" and "stop" try it again (QEMU's). */
            dirty_map_set(&s->todo->map, off, n, true);
        } else {
            job->transferred += n;
        }
    }
    bdrv_unlock_backends(s->source);
    if (ret < 0) {
        return ret;
    }
    if (!found) {
        job->offset = job->len;
        return bdrv_flush(s->target);
    }
    if (by_bitmap) {
        /* Progress counts the dirty bytes copied, as QEMU's. */
        s->pos = off + n;
        job->offset = MIN(job->len, job->offset + n);
    } else {
        job->offset = off + n;
    }
    return JOB_STEP_MORE;
}

/*
 * The bitmap at the end (QEMU's backup_cleanup_sync_bitmap): after a
 * success it keeps only what was written since the start unless
 * bitmap-mode=never; after a failure it keeps everything, except with
 * bitmap-mode=always, where it drops what was copied.
 */
static void backup_sync_bitmap_end(BackupJob *s, bool ok)
{
    BitmapSyncMode mode = s->bitmap_mode;
    if (!s->sync_bitmap) {
        return;
    }
    BdrvDirtyBitmap *bm;
    if ((ok || mode == BITMAP_SYNC_MODE_ALWAYS) &&
        mode != BITMAP_SYNC_MODE_NEVER) {
        bm = bdrv_dirty_bitmap_abdicate(s->sync_bitmap);
    } else {
        bm = bdrv_dirty_bitmap_reclaim(s->sync_bitmap);
    }
    if (!ok && mode == BITMAP_SYNC_MODE_ALWAYS) {
        dirty_map_merge(&bm->map, &s->todo->map);
    }
    s->sync_bitmap = NULL;
}

static int backup_commit(BlockJob *job, Error **errp)
{
    backup_sync_bitmap_end(job->opaque, true);
    return 0;
}

static void backup_abort(BlockJob *job)
{
    if (job->opaque) {
        backup_sync_bitmap_end(job->opaque, false);
    }
}

static void backup_clean(BlockJob *job)
{
    BackupJob *s = job->opaque;
    if (!s) {
        return;
    }
    bdrv_clear_before_write(s->source);
    bdrv_flush(s->target);
    backup_sync_bitmap_end(s, false);
    if (s->todo) {
        bdrv_release_dirty_bitmap(s->todo);
    }
    bdrv_unref(s->target);
    g_free(s->buf);
    g_free(s);
    job->opaque = NULL;
}

static const BlockJobDriver backup_job_driver = {
    .type = JOB_TYPE_BACKUP,
    .step = backup_step,
    .commit = backup_commit,
    .abort = backup_abort,
    .clean = backup_clean,
};

typedef struct BackupArgs {
    BlockJobOptions opts;
    MirrorSyncMode sync;
    BdrvDirtyBitmap *bitmap;
    BitmapSyncMode bitmap_mode;
    bool zero_init;
} BackupArgs;

/*
 * QEMU's checks of sync, bitmap and bitmap-mode, in its order; fills
 * @a's sync (incremental becomes bitmap + on-success), bitmap and mode.
 */
static bool backup_check_sync(BlockDriverState *bs, BackupArgs *a,
                              const char *bitmap, bool has_mode,
                              BitmapSyncMode mode, Error **errp)
{
    MirrorSyncMode sync = a->sync;
    if ((sync == MIRROR_SYNC_MODE_INCREMENTAL ||
         sync == MIRROR_SYNC_MODE_BITMAP) && !bitmap) {
        error_setg(errp, "must provide a valid bitmap name for '%s' sync mode",
                   MirrorSyncMode_str(sync));
        return false;
    }
    if (sync == MIRROR_SYNC_MODE_INCREMENTAL) {
        if (has_mode && mode != BITMAP_SYNC_MODE_ON_SUCCESS) {
            error_setg(errp, "Bitmap sync mode must be '%s' when using sync "
                       "mode '%s'",
                       BitmapSyncMode_str(BITMAP_SYNC_MODE_ON_SUCCESS),
                       MirrorSyncMode_str(sync));
            return false;
        }
        has_mode = true;
        mode = BITMAP_SYNC_MODE_ON_SUCCESS;
        a->sync = sync = MIRROR_SYNC_MODE_BITMAP;
    }
    if (!bitmap) {
        if (has_mode) {
            error_setg(errp, "Cannot specify bitmap sync mode without a "
                       "bitmap");
            return false;
        }
        return true;
    }
    BdrvDirtyBitmap *bm = bdrv_find_dirty_bitmap(bs, bitmap);
    if (!bm) {
        error_setg(errp, "Bitmap '%s' could not be found", bitmap);
        return false;
    }
    if (!has_mode) {
        error_setg(errp, "Bitmap sync mode must be given when providing a "
                   "bitmap");
        return false;
    }
    if (bdrv_dirty_bitmap_check(bm, BDRV_BITMAP_ALLOW_RO, errp)) {
        return false;
    }
    if (sync == MIRROR_SYNC_MODE_NONE) {
        error_setg(errp, "sync mode '%s' does not produce meaningful bitmap"
                   " outputs", MirrorSyncMode_str(sync));
        return false;
    }
    if (mode == BITMAP_SYNC_MODE_NEVER && sync != MIRROR_SYNC_MODE_BITMAP) {
        error_setg(errp, "Bitmap sync mode '%s' has no meaningful effect"
                   " when combined with sync mode '%s'",
                   BitmapSyncMode_str(mode), MirrorSyncMode_str(sync));
        return false;
    }
    a->bitmap = bm;
    a->bitmap_mode = mode;
    return true;
}

static void backup_start(BlockDriverState *bs, BlockDriverState *target,
                         const BackupArgs *a, Error **errp)
{
    if (bdrv_getlength(bs) != bdrv_getlength(target)) {
        error_setg(errp, "Source and target image have different sizes");
        return;
    }
    /* The job writes to the bitmap at its end unless mode is never. */
    if (a->bitmap && a->bitmap_mode != BITMAP_SYNC_MODE_NEVER &&
        bdrv_dirty_bitmap_check(a->bitmap, BDRV_BITMAP_DEFAULT, errp)) {
        return;
    }
    BlockJob *job = block_job_create_with(&backup_job_driver, &a->opts, bs,
                                          errp);
    if (!job) {
        return;
    }
    BackupJob *s = g_new0(BackupJob, 1);
    s->source = bs;
    s->target = target;
    bdrv_ref(target);
    s->sync = a->sync;
    s->zero_init = a->zero_init;
    s->buf = g_malloc(BACKUP_CHUNK);
    job->len = bdrv_getlength(bs);
    job->opaque = s;
    /* The bitmap freezes; its successor records from now on. */
    if (a->bitmap && !bdrv_dirty_bitmap_create_successor(a->bitmap, errp)) {
        block_job_early_fail(job);
        return;
    }
    s->sync_bitmap = a->bitmap;
    s->bitmap_mode = a->bitmap_mode;
    s->todo = bdrv_create_dirty_bitmap(bs, BACKUP_CLUSTER, NULL,
                                       &error_abort);
    s->todo->disabled = true;
    block_job_hold_node(job, target);

    /*
     * The hook first: it copies nothing until the map is filled, under
     * the backends' locks; the point in time is when they are taken.
     */
    bdrv_set_before_write(bs, backup_before_write, s);
    bdrv_lock_backends(bs);
    if (a->sync == MIRROR_SYNC_MODE_BITMAP) {
        dirty_map_merge(&s->todo->map, &a->bitmap->map);
        job->len = dirty_map_dirty_bytes(&s->todo->map);
    }
    for (int64_t off = 0; off < job->len &&
         a->sync != MIRROR_SYNC_MODE_BITMAP;) {
        bool alloc = true;
        int64_t n = job->len - off;
        if (a->sync == MIRROR_SYNC_MODE_TOP) {
            n = bdrv_layers_status(bs, bs->backing, off, n, &alloc);
            if (n <= 0) {
                break;
            }
        }
        if (alloc) {
            dirty_map_set(&s->todo->map, off, n, true);
        }
        off += n;
    }
    bdrv_unlock_backends(bs);
    block_job_start(job);
    /* QEMU drains the node to insert its copy-before-write filter. */
    block_job_drained_pause(job);
}

void qmp_drive_backup(bool has_job_id, const char *job_id, const char *device,
                      MirrorSyncMode sync, bool has_speed, int64_t speed,
                      bool has_bitmap, const char *bitmap,
                      bool has_bitmap_mode, BitmapSyncMode bitmap_mode,
                      bool has_compress, bool compress,
                      bool has_on_source_error,
                      BlockdevOnError on_source_error,
                      bool has_on_target_error,
                      BlockdevOnError on_target_error,
                      bool has_auto_finalize, bool auto_finalize,
                      bool has_auto_dismiss, bool auto_dismiss,
                      bool has_filter_node_name, const char *filter_node_name,
                      bool has_x_perf, BackupPerf *x_perf, const char *target,
                      bool has_format, const char *format, bool has_mode,
                      NewImageMode mode, Error **errp)
{
    BlockDriverState *bs = blockdev_lookup_bs(device, device, errp);
    BackupArgs a = { .sync = sync };
    if (!bs || !block_job_check_root(bs, errp) ||
        !bdrv_check_not_busy(bs, device, errp) ||
        !backup_check_sync(bs, &a, has_bitmap ? bitmap : NULL,
                           has_bitmap_mode, bitmap_mode, errp)) {
        return;
    }
    bool existing = has_mode && mode == NEW_IMAGE_MODE_EXISTING;
    BlockDriverState *t = bdrv_job_target_new(bs, target,
                                              has_format ? format : NULL,
                                              existing, sync, errp);
    if (!t) {
        return;
    }
    a.opts = block_job_options(has_job_id, job_id, has_speed, speed,
                               has_auto_finalize, auto_finalize,
                               has_auto_dismiss, auto_dismiss,
                               has_on_source_error, on_source_error,
                               has_on_target_error, on_target_error);
    a.zero_init = !existing && sync == MIRROR_SYNC_MODE_FULL;
    backup_start(bs, t, &a, errp);
    bdrv_unref(t);
}

void qmp_blockdev_backup(bool has_job_id, const char *job_id,
                         const char *device, MirrorSyncMode sync,
                         bool has_speed, int64_t speed, bool has_bitmap,
                         const char *bitmap, bool has_bitmap_mode,
                         BitmapSyncMode bitmap_mode, bool has_compress,
                         bool compress, bool has_on_source_error,
                         BlockdevOnError on_source_error,
                         bool has_on_target_error,
                         BlockdevOnError on_target_error,
                         bool has_auto_finalize, bool auto_finalize,
                         bool has_auto_dismiss, bool auto_dismiss,
                         bool has_filter_node_name,
                         const char *filter_node_name, bool has_x_perf,
                         BackupPerf *x_perf, const char *target, Error **errp)
{
    BlockDriverState *bs = blockdev_lookup_bs(device, device, errp);
    if (!bs || !block_job_check_root(bs, errp)) {
        return;
    }
    BlockDriverState *t = blockdev_lookup_bs(target, target, errp);
    BackupArgs a = { .sync = sync };
    if (!t || !backup_check_sync(bs, &a, has_bitmap ? bitmap : NULL,
                                 has_bitmap_mode, bitmap_mode, errp)) {
        return;
    }
    a.opts = block_job_options(has_job_id, job_id, has_speed, speed,
                               has_auto_finalize, auto_finalize,
                               has_auto_dismiss, auto_dismiss,
                               has_on_source_error, on_source_error,
                               has_on_target_error, on_target_error);
    backup_start(bs, t, &a, errp);
}
