/*
 * drive-backup / blockdev-backup: a point-in-time copy of a node.  The
 * job copies what the copy map still holds a chunk per tick; a guest
 * write to a range not copied yet first copies the old data to the
 * target (copy-before-write, in the writer's request), so the target is
 * the disk as it was when the job started.  sync=none copies only
 * before writes and runs until cancelled, as QEMU's does.  Not modelled:
 * bitmaps, compress, x-perf; an error in
 * copy-before-write is not reported (QEMU fails the guest's write).
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block-int.h"
#include "block/blockjob.h"
#include "block/blockdev.h"

#define BACKUP_CHUNK ((int64_t)(1 * MiB))
#define BACKUP_CLUSTER ((int64_t)(64 * KiB))

typedef struct BackupJob {
    BlockDriverState *source;
    BlockDriverState *target;
    MirrorSyncMode sync;
    bool zero_init;              /* a new target reads as zeroes */
    DirtyMap todo;              /* not yet copied to the target */
    uint8_t *buf;                /* the job's; hooks allocate their own */
} BackupJob;

/*
 * Copy [@off, @off+@n) of the source as it is now; 0 or -errno.  @job:
 * the job's own copy (its failure goes to the error policy), NULL from
 * a guest write.
 */
static int backup_copy(BackupJob *s, BlockJob *job, int64_t off, int64_t n,
                       uint8_t *buf)
{
    bool alloc = true;
    if (s->zero_init) {
        int64_t m = bdrv_layers_status(s->source, NULL, off, n, &alloc);
        if (m < n) {
            alloc = true;        /* mixed: copy it all */
        }
    }
    if (!alloc) {
        return 0;
    }
    return block_job_copy(job, s->source, s->target, off, n, buf);
}

static void backup_before_write(void *opaque, uint64_t offset, uint64_t bytes)
{
    BackupJob *s = opaque;
    int64_t start = QEMU_ALIGN_DOWN(offset, BACKUP_CLUSTER);
    g_autofree uint8_t *buf = NULL;

    for (int64_t off = start; off < (int64_t)(offset + bytes);
         off += BACKUP_CLUSTER) {
        int64_t n = MIN(BACKUP_CLUSTER, s->todo.size - off);
        if (n <= 0 || !dirty_map_test_clear(&s->todo, off, n)) {
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
    bdrv_lock_backends(s->source);
    bool found = dirty_map_take(&s->todo, job->offset, BACKUP_CHUNK, &off,
                                 &n);
    if (found) {
        ret = backup_copy(s, job, off, n, s->buf);
        if (ret < 0) {
            /* Still to copy: "ignore" and "stop" try it again (QEMU's). */
            dirty_map_set(&s->todo, off, n, true);
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
    job->offset = off + n;
    return JOB_STEP_MORE;
}

static void backup_clean(BlockJob *job)
{
    BackupJob *s = job->opaque;
    if (!s) {
        return;
    }
    bdrv_clear_before_write(s->source);
    bdrv_flush(s->target);
    dirty_map_destroy(&s->todo);
    bdrv_unref(s->target);
    g_free(s->buf);
    g_free(s);
    job->opaque = NULL;
}

static const BlockJobDriver backup_job_driver = {
    .type = JOB_TYPE_BACKUP,
    .step = backup_step,
    .clean = backup_clean,
};

typedef struct BackupArgs {
    const char *job_id;
    MirrorSyncMode sync;
    bool has_bitmap;
    int64_t speed;
    bool auto_finalize;
    bool auto_dismiss;
    bool zero_init;
    BlockdevOnError on_source_error;
    BlockdevOnError on_target_error;
} BackupArgs;

static bool backup_check_sync(MirrorSyncMode sync, bool has_bitmap,
                              Error **errp)
{
    if ((sync == MIRROR_SYNC_MODE_INCREMENTAL ||
         sync == MIRROR_SYNC_MODE_BITMAP) && !has_bitmap) {
        error_setg(errp, "must provide a valid bitmap name for '%s' sync mode",
                   MirrorSyncMode_str(sync));
        return false;
    }
    if (has_bitmap) {
        error_setg(errp, "Bitmaps are not supported");
        return false;
    }
    return true;
}

static void backup_start(BlockDriverState *bs, BlockDriverState *target,
                         const BackupArgs *a, Error **errp)
{
    if (bdrv_getlength(bs) != bdrv_getlength(target)) {
        error_setg(errp, "Source and target image have different sizes");
        return;
    }
    BlockJob *job = block_job_create(&backup_job_driver, a->job_id, bs,
                                     a->speed, a->auto_finalize,
                                     a->auto_dismiss, errp);
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
    dirty_map_init(&s->todo, job->len, BACKUP_CLUSTER);
    job->opaque = s;
    block_job_set_on_error(job, a->on_source_error, a->on_target_error);
    block_job_hold_node(job, target);

    /*
     * The hook first: it copies nothing until the map is filled, under
     * the backends' locks; the point in time is when they are taken.
     */
    bdrv_set_before_write(bs, backup_before_write, s);
    bdrv_lock_backends(bs);
    for (int64_t off = 0; off < job->len;) {
        bool alloc = true;
        int64_t n = job->len - off;
        if (a->sync == MIRROR_SYNC_MODE_TOP) {
            n = bdrv_layers_status(bs, bs->backing, off, n, &alloc);
            if (n <= 0) {
                break;
            }
        }
        if (alloc) {
            dirty_map_set(&s->todo, off, n, true);
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
    if (!bs || !block_job_check_root(bs, errp) ||
        !bdrv_check_not_busy(bs, device, errp) ||
        !backup_check_sync(sync, has_bitmap, errp)) {
        return;
    }
    bool existing = has_mode && mode == NEW_IMAGE_MODE_EXISTING;
    BlockDriverState *t = bdrv_job_target_new(bs, target,
                                              has_format ? format : NULL,
                                              existing, sync, errp);
    if (!t) {
        return;
    }
    BackupArgs a = {
        .job_id = has_job_id ? job_id : NULL, .sync = sync,
        .speed = has_speed ? speed : 0,
        .auto_finalize = !has_auto_finalize || auto_finalize,
        .auto_dismiss = !has_auto_dismiss || auto_dismiss,
        .on_source_error = has_on_source_error ? on_source_error : BLOCKDEV_ON_ERROR_REPORT,
        .on_target_error = has_on_target_error ? on_target_error : BLOCKDEV_ON_ERROR_REPORT,
        .zero_init = !existing && sync == MIRROR_SYNC_MODE_FULL,
    };
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
    if (!t || !backup_check_sync(sync, has_bitmap, errp)) {
        return;
    }
    BackupArgs a = {
        .job_id = has_job_id ? job_id : NULL, .sync = sync,
        .speed = has_speed ? speed : 0,
        .auto_finalize = !has_auto_finalize || auto_finalize,
        .auto_dismiss = !has_auto_dismiss || auto_dismiss,
        .on_source_error = has_on_source_error ? on_source_error : BLOCKDEV_ON_ERROR_REPORT,
        .on_target_error = has_on_target_error ? on_target_error : BLOCKDEV_ON_ERROR_REPORT,
    };
    backup_start(bs, t, &a, errp);
}
