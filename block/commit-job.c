/*
 * block-commit as a job.  Intermediate (the top is not the active
 * layer): copy the layers [top, base) into the base's writable twin a
 * chunk per tick, then drop them and put the twin in the base's place.
 * Active: a mirror of the active layer into the twin (block/mirror.c).
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block-int.h"
#include "block/blockjob.h"
#include "mirror.h"
#define COMMIT_CHUNK ((int64_t)(512 * KiB))

typedef struct CommitJob {
    BlockDriverState *root;      /* the device's node: its I/O is held off */
    BlockDriverState *top;
    BlockDriverState *base;
    BlockDriverState *twin;
    uint8_t *buf;
} CommitJob;

static int commit_step(BlockJob *job)
{
    CommitJob *s = job->opaque;
    bool alloc;
    int ret = 0;

    if (job->offset >= job->len) {
        return JOB_STEP_DONE;
    }
    bdrv_lock_backends(s->root);
    int64_t n = bdrv_layers_status(s->top, s->base, job->offset,
                                   MIN(COMMIT_CHUNK, job->len - job->offset),
                                   &alloc);
    if (n <= 0) {
        ret = n < 0 ? n : -EIO;
    } else if (alloc) {
        ret = block_job_copy(job, s->top, s->twin, job->offset, n, s->buf);
        job->transferred += ret == 0 ? n : 0;
    }
    bdrv_unlock_backends(s->root);
    if (ret < 0) {
        return ret;
    }
    job->offset += n;
    return JOB_STEP_MORE;
}

static BlockDriverState *commit_overlay(CommitJob *s)
{
    BlockDriverState *b = s->root;
    while (b && b->backing != s->top) {
        b = b->backing;
    }
    return b;
}

static int commit_commit(BlockJob *job, Error **errp)
{
    CommitJob *s = job->opaque;
    BlockDriverState *overlay = commit_overlay(s);
    int ret = bdrv_flush(s->twin);

    if (ret == 0 && overlay) {
        bdrv_drain_backends(s->root);
        ret = bdrv_set_backing_name(overlay, s->base, errp);
        if (ret == 0) {
            bdrv_drop_layers(overlay, s->base);
            bdrv_replace_with_twin(overlay, s->base, s->twin, true);
            bdrv_unref(s->twin); /* the overlay holds it now */
            s->twin = NULL;
        }
    }
    return ret;
}

static void commit_clean(BlockJob *job)
{
    CommitJob *s = job->opaque;
    if (s) {
        bdrv_unref(s->twin);
        g_free(s->buf);
        g_free(s);
        job->opaque = NULL;
    }
}

static const BlockJobDriver commit_job_driver = {
    .type = JOB_TYPE_COMMIT,
    .step = commit_step,
    .commit = commit_commit,
    .clean = commit_clean,
};

static BlockDriverState *commit_find_top(BlockDriverState *bs,
                                         const char *top, Error **errp)
{
    g_autofree char *abs_top = g_canonicalize_filename(top, NULL);
    g_autofree char *abs_bs = g_canonicalize_filename(bs->filename, NULL);
    BlockDriverState *t = !strcmp(abs_top, abs_bs) ? bs
                          : bdrv_find_backing_image(bs, top);
    if (!t) {
        error_setg(errp, "Top image file %s not found", top);
    }
    return t;
}

void qmp_block_commit(bool has_job_id, const char *job_id, const char *device,
                      bool has_base_node, const char *base_node,
                      bool has_base, const char *base, bool has_top_node,
                      const char *top_node, bool has_top, const char *top,
                      bool has_backing_file, const char *backing_file,
                      bool has_speed, int64_t speed, bool has_on_error,
                      BlockdevOnError on_error, bool has_filter_node_name,
                      const char *filter_node_name, bool has_auto_finalize,
                      bool auto_finalize, bool has_auto_dismiss,
                      bool auto_dismiss, Error **errp)
{
    BlockDriverState *bs = blockdev_lookup_bs(device, device, NULL);
    BlockDriverState *top_bs = bs, *base_bs;

    if (!bs) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_FOUND,
                  "Device '%s' not found", device);
        return;
    }
    if (has_top && has_top_node) {
        error_setg(errp, "'top-node' and 'top' are mutually exclusive");
        return;
    }
    if (has_base && has_base_node) {
        error_setg(errp, "'base-node' and 'base' are mutually exclusive");
        return;
    }
    if (has_top_node) {
        top_bs = blockdev_lookup_bs(NULL, top_node, errp);
        if (!top_bs) {
            return;
        }
    } else if (has_top) {
        top_bs = commit_find_top(bs, top, errp);
        if (!top_bs) {
            return;
        }
    }
    if (has_base_node) {
        base_bs = blockdev_lookup_bs(NULL, base_node, errp);
        if (!base_bs) {
            return;
        }
    } else if (has_base) {
        base_bs = bdrv_find_backing_image(top_bs, base);
        if (!base_bs) {
            error_setg(errp, "Can't find '%s' in the backing chain", base);
            return;
        }
    } else {
        base_bs = top_bs->backing;
        while (base_bs && base_bs->backing) {
            base_bs = base_bs->backing;
        }
    }
    if (!base_bs) {
        error_setg(errp, "There is no backimg image");
        return;
    }
    if (top_bs == base_bs) {
        error_setg(errp, "cannot commit an image into itself");
        return;
    }
    BlockDriverState *twin = bdrv_open_twin(base_bs, errp);
    if (!twin) {
        return;
    }
    BlockJobOptions o = block_job_options(has_job_id, job_id, has_speed,
                                          speed, has_auto_finalize,
                                          auto_finalize, has_auto_dismiss,
                                          auto_dismiss, has_on_error, on_error,
                                          has_on_error, on_error);
    if (top_bs == bs) {
        MirrorStartArgs a = {
            .opts = o, .source = bs, .target = twin, .base = base_bs,
        };
        mirror_start(&a, errp);
        bdrv_unref(twin);
        return;
    }
    BlockJob *job = block_job_create_with(&commit_job_driver, &o, bs, errp);
    if (!job) {
        bdrv_unref(twin);
        return;
    }
    CommitJob *s = g_new0(CommitJob, 1);
    s->root = bs;
    s->top = top_bs;
    s->base = base_bs;
    s->twin = twin;
    s->buf = g_malloc(COMMIT_CHUNK);
    job->opaque = s;
    job->len = bdrv_getlength(top_bs);
    for (BlockDriverState *b = top_bs; b; b = b->backing) {
        block_job_hold_node(job, b);
        if (b == base_bs) {
            break;
        }
    }
    block_job_start(job);
}
