/*
 * drive-mirror / blockdev-mirror, and active block-commit (a mirror of
 * the active layer into its base): a dirty map fed by every guest write
 * to the source, copied to the target a chunk per tick; READY when the
 * map is empty, then block-job-complete copies the rest with the guest's
 * requests drained and pivots the device.  Not modelled: replaces,
 * write-blocking copy mode, unmap.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block-int.h"
#include "block/blockjob.h"
#include "block/blockdev.h"
#include "mirror.h"

#define MIRROR_CHUNK ((int64_t)(1 * MiB))

typedef struct MirrorJob {
    BlockDriverState *source;
    BlockDriverState *target;
    BlockDriverState *base;      /* active commit: the node it replaces */
    MirrorSyncMode sync;
    char *node_name;             /* drive-mirror node-name for the target */
    DirtyMap dirty;
    int64_t cursor;
    uint8_t *buf;
    BlockJob *job;
} MirrorJob;

static void mirror_before_write(void *opaque, uint64_t offset,
                                uint64_t bytes)
{
    MirrorJob *s = opaque;
    dirty_map_set(&s->dirty, offset, bytes, true);
}

static int mirror_copy(MirrorJob *s, int64_t off, int64_t n)
{
    int ret = block_job_copy(s->job, s->source, s->target, off, n, s->buf);
    if (ret < 0) {
        /* Dirty again: "ignore" and "stop" copy it again (QEMU's). */
        dirty_map_set(&s->dirty, off, n, true);
    }
    return ret;
}

static int mirror_step(BlockJob *job)
{
    MirrorJob *s = job->opaque;
    int64_t off, n;
    int ret = 0;

    if (bdrv_getlength(s->source) != bdrv_getlength(s->target)) {
        /* QEMU fails the started job, not the command, before it counts. */
        job->len = 0;
        job->error = g_strdup("Source and target image have different "
                              "sizes");
        return -EINVAL;
    }
    if (job->completing) {
        /* The last pass: nothing may write the source meanwhile. */
        bdrv_drain_backends(s->source);
        while (ret == 0 && dirty_map_take(&s->dirty, 0, MIRROR_CHUNK,
                                           &off, &n)) {
            ret = mirror_copy(s, off, n);
            job->offset += n;
        }
        job->len = job->offset;
        return ret < 0 ? ret : bdrv_flush(s->target);
    }
    bdrv_lock_backends(s->source);
    bool found = dirty_map_take(&s->dirty, s->cursor, MIRROR_CHUNK, &off,
                                 &n) ||
                 dirty_map_take(&s->dirty, 0, MIRROR_CHUNK, &off, &n);
    if (found) {
        ret = mirror_copy(s, off, n);
        s->cursor = off + n;
    }
    bdrv_unlock_backends(s->source);
    if (ret < 0) {
        return ret;
    }
    if (found) {
        job->offset += n;
        job->transferred += n;
    }
    job->len = job->offset + dirty_map_dirty_bytes(&s->dirty);
    if (!found && job->status == JOB_STATUS_RUNNING) {
        block_job_ready(job);
    }
    return JOB_STEP_MORE;
}

static bool mirror_complete(BlockJob *job, Error **errp)
{
    return true;
}

/* Active commit: the base's writable twin takes the device. */
static void mirror_pivot_commit(MirrorJob *s)
{
    bdrv_replace_with_twin(NULL, s->base, s->target, false);
    for (BlockDriverState *b = s->source; b && b != s->base; b = b->backing) {
        BlockDriverState *saved = b->backing;
        b->backing = NULL;
        blockdev_unregister_chain(b);
        b->backing = saved;
    }
    bdrv_replace_in_backends(s->source, s->target);
    bdrv_unref(s->target);       /* bdrv_replace_with_twin's reference */
}

static int mirror_commit(BlockJob *job, Error **errp)
{
    MirrorJob *s = job->opaque;

    if (job->cancelled) {
        return 0;                /* a consistent copy, the device stays */
    }
    if (s->base) {
        mirror_pivot_commit(s);
        return 0;
    }
    BlockDriverState *backing = s->sync == MIRROR_SYNC_MODE_NONE ? s->source :
                                s->sync == MIRROR_SYNC_MODE_TOP ?
                                s->source->backing : NULL;
    if (!s->target->backing && backing) {
        bdrv_ref(backing);
        s->target->backing = backing;
    }
    if (!s->target->node_name) {
        blockdev_register_node(s->target, s->node_name);
        blockdev_register_node(s->target->file, NULL);
    }
    if (s->sync != MIRROR_SYNC_MODE_NONE) {
        BlockDriverState *saved = s->source->backing;
        s->source->backing = NULL;
        blockdev_unregister_chain(s->source);
        s->source->backing = saved;
    }
    bdrv_replace_in_backends(s->source, s->target);
    return 0;
}

static void mirror_clean(BlockJob *job)
{
    MirrorJob *s = job->opaque;
    if (!s) {
        return;
    }
    bdrv_clear_before_write(s->source);
    dirty_map_destroy(&s->dirty);
    bdrv_unref(s->target);
    g_free(s->node_name);
    g_free(s->buf);
    g_free(s);
    job->opaque = NULL;
}

static const BlockJobDriver mirror_job_driver = {
    .type = JOB_TYPE_MIRROR,
    .step = mirror_step,
    .complete = mirror_complete,
    .commit = mirror_commit,
    .clean = mirror_clean,
};

static const BlockJobDriver commit_active_job_driver = {
    .type = JOB_TYPE_COMMIT,
    .step = mirror_step,
    .complete = mirror_complete,
    .commit = mirror_commit,
    .clean = mirror_clean,
};

/* Mark what the chain from @top down to @base holds. */
static int mirror_mark_allocated(MirrorJob *s, BlockDriverState *base)
{
    int64_t len = bdrv_getlength(s->source);
    for (int64_t off = 0; off < len;) {
        bool alloc;
        int64_t n = bdrv_layers_status(s->source, base, off,
                                       MIN(len - off, (int64_t)(64 * MiB)), &alloc);
        if (n <= 0) {
            return n < 0 ? n : -EIO;
        }
        if (alloc) {
            dirty_map_set(&s->dirty, off, n, true);
        }
        off += n;
    }
    return 0;
}

BlockJob *mirror_start(const MirrorStartArgs *a, Error **errp)
{
    bool commit = a->base != NULL;
    BlockJob *job = block_job_create_with(commit ? &commit_active_job_driver
                                                 : &mirror_job_driver,
                                          &a->opts, a->source, errp);
    if (!job) {
        return NULL;
    }
    MirrorJob *s = g_new0(MirrorJob, 1);
    s->source = a->source;
    s->target = a->target;
    bdrv_ref(s->target);
    s->base = a->base;
    s->sync = a->sync;
    s->node_name = g_strdup(a->node_name);
    s->buf = g_malloc(MIRROR_CHUNK);
    dirty_map_init(&s->dirty, bdrv_getlength(a->source),
                    a->granularity ? a->granularity : (int64_t)(64 * KiB));
    job->opaque = s;
    s->job = job;
    block_job_hold_node(job, a->target);
    for (BlockDriverState *b = a->source->backing; commit && b;
         b = b->backing) {
        block_job_hold_node(job, b);
        if (b == a->base) {
            break;
        }
    }
    /* Writes from now on are dirty; then what the chain already holds. */
    bdrv_set_before_write(a->source, mirror_before_write, s);
    bdrv_lock_backends(a->source);
    int ret = 0;
    if (commit) {
        ret = mirror_mark_allocated(s, a->base);
    } else if (a->sync == MIRROR_SYNC_MODE_FULL) {
        ret = mirror_mark_allocated(s, NULL);
    } else if (a->sync == MIRROR_SYNC_MODE_TOP) {
        ret = mirror_mark_allocated(s, a->source->backing);
    }
    bdrv_unlock_backends(a->source);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read the source's map");
        block_job_early_fail(job);
        return NULL;
    }
    job->len = dirty_map_dirty_bytes(&s->dirty);
    block_job_start(job);
    return job;
}

static bool mirror_check_args(MirrorSyncMode sync, bool has_granularity,
                              uint32_t granularity, Error **errp)
{
    if (sync == MIRROR_SYNC_MODE_INCREMENTAL ||
        sync == MIRROR_SYNC_MODE_BITMAP) {
        error_setg(errp, "Sync mode '%s' not supported",
                   MirrorSyncMode_str(sync));
        return false;
    }
    if (has_granularity && (granularity < 512 || granularity > (uint32_t)(64 * MiB))) {
        error_setg(errp, "Invalid parameter 'granularity'");
        error_append_hint(errp, "Value must be in range [512, 64MB]\n");
        return false;
    }
    if (has_granularity && (granularity & (granularity - 1))) {
        error_setg(errp, "Granularity must be a power of 2");
        return false;
    }
    return true;
}

void qmp_drive_mirror(bool has_job_id, const char *job_id, const char *device,
                      const char *target, bool has_format, const char *format,
                      bool has_node_name, const char *node_name,
                      bool has_replaces, const char *replaces,
                      MirrorSyncMode sync, bool has_mode, NewImageMode mode,
                      bool has_speed, int64_t speed, bool has_granularity,
                      uint32_t granularity, bool has_buf_size,
                      int64_t buf_size, bool has_on_source_error,
                      BlockdevOnError on_source_error,
                      bool has_on_target_error,
                      BlockdevOnError on_target_error, bool has_unmap,
                      bool unmap, bool has_copy_mode, MirrorCopyMode copy_mode,
                      bool has_auto_finalize, bool auto_finalize,
                      bool has_auto_dismiss, bool auto_dismiss, Error **errp)
{
    BlockDriverState *bs = blockdev_lookup_bs(device, device, errp);
    if (!bs || !block_job_check_root(bs, errp) ||
        !mirror_check_args(sync, has_granularity, granularity, errp) ||
        !bdrv_check_not_busy(bs, device, errp)) {
        return;
    }
    if (has_node_name && bdrv_find_node(node_name)) {
        error_setg(errp, "Duplicate nodes with node-name='%s'", node_name);
        return;
    }
    bool existing = has_mode && mode == NEW_IMAGE_MODE_EXISTING;
    BlockDriverState *t = bdrv_job_target_new(bs, target,
                                              has_format ? format : NULL,
                                              existing, sync, errp);
    if (!t) {
        return;
    }
    MirrorStartArgs a = {
        .opts = block_job_options(has_job_id, job_id, has_speed, speed,
                                  has_auto_finalize, auto_finalize,
                                  has_auto_dismiss, auto_dismiss,
                                  has_on_source_error, on_source_error,
                                  has_on_target_error, on_target_error),
        .source = bs, .target = t, .sync = sync,
        .node_name = has_node_name ? node_name : NULL,
        .granularity = has_granularity ? granularity : 0,
    };
    mirror_start(&a, errp);
    bdrv_unref(t);
}

void qmp_blockdev_mirror(bool has_job_id, const char *job_id,
                         const char *device, const char *target,
                         bool has_replaces, const char *replaces,
                         MirrorSyncMode sync, bool has_speed, int64_t speed,
                         bool has_granularity, uint32_t granularity,
                         bool has_buf_size, int64_t buf_size,
                         bool has_on_source_error,
                         BlockdevOnError on_source_error,
                         bool has_on_target_error,
                         BlockdevOnError on_target_error,
                         bool has_filter_node_name,
                         const char *filter_node_name, bool has_copy_mode,
                         MirrorCopyMode copy_mode, bool has_auto_finalize,
                         bool auto_finalize, bool has_auto_dismiss,
                         bool auto_dismiss, Error **errp)
{
    BlockDriverState *bs = blockdev_lookup_bs(device, device, errp);
    if (!bs || !block_job_check_root(bs, errp)) {
        return;
    }
    BlockDriverState *t = blockdev_lookup_bs(target, target, errp);
    if (!t || !mirror_check_args(sync, has_granularity, granularity, errp)) {
        return;
    }
    if (t->read_only) {
        error_setg(errp, "Block node is read-only");
        return;
    }
    MirrorStartArgs a = {
        .opts = block_job_options(has_job_id, job_id, has_speed, speed,
                                  has_auto_finalize, auto_finalize,
                                  has_auto_dismiss, auto_dismiss,
                                  has_on_source_error, on_source_error,
                                  has_on_target_error, on_target_error),
        .source = bs, .target = t, .sync = sync,
        .granularity = has_granularity ? granularity : 0,
    };
    mirror_start(&a, errp);
}
