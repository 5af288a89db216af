/*
 * block-stream: copy what the backing chain (down to an optional base)
 * holds into the active layer, a chunk per timer tick with the guest's
 * requests held off, then drop the streamed layers from the chain and
 * the image header.  Not modelled: bottom, filter nodes.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block-int.h"
#include "block/blockjob.h"

#define STREAM_CHUNK ((int64_t)(512 * KiB))

typedef struct StreamJob {
    BlockDriverState *top;
    BlockDriverState *base;      /* NULL: the whole chain */
    uint8_t *buf;
} StreamJob;

static int stream_step(BlockJob *job)
{
    StreamJob *s = job->opaque;
    int64_t n;
    uint64_t pnum, map;
    int ret = 0;

    if (job->offset >= job->len) {
        return JOB_STEP_DONE;
    }
    bdrv_lock_backends(s->top);
    n = MIN(STREAM_CHUNK, job->len - job->offset);
    int st = bdrv_block_status(s->top, job->offset, n, &pnum, &map);
    if (st < 0) {
        ret = st;
    } else if (st & BDRV_BLOCK_ALLOCATED) {
        n = pnum;               /* the top already holds it */
    } else {
        bool alloc;
        n = bdrv_layers_status(s->top->backing, s->base, job->offset,
                               MIN(n, (int64_t)pnum), &alloc);
        if (n <= 0) {
            ret = n < 0 ? n : -EIO;
        } else if (alloc) {
            ret = block_job_copy(job, s->top, s->top, job->offset, n,
                                 s->buf);
            job->transferred += ret == 0 ? n : 0;
            job->ignore_skip = n;   /* QEMU's stream skips it on "ignore" */
        }
    }
    bdrv_unlock_backends(s->top);
    if (ret < 0) {
        return ret;
    }
    job->offset += n;
    return JOB_STEP_MORE;
}

static int stream_commit(BlockJob *job, Error **errp)
{
    StreamJob *s = job->opaque;
    int ret;

    bdrv_drain_backends(s->top);
    ret = bdrv_flush(s->top);
    if (ret == 0) {
        ret = bdrv_set_backing_name(s->top, s->base, errp);
    }
    if (ret == 0) {
        bdrv_drop_layers(s->top, s->base);
    }
    return ret;
}

static void stream_clean(BlockJob *job)
{
    StreamJob *s = job->opaque;
    if (s) {
        g_free(s->buf);
        g_free(s);
        job->opaque = NULL;
    }
}

static const BlockJobDriver stream_job_driver = {
    .type = JOB_TYPE_STREAM,
    .step = stream_step,
    .commit = stream_commit,
    .clean = stream_clean,
};

void qmp_block_stream(bool has_job_id, const char *job_id, const char *device,
                      bool has_base, const char *base, bool has_base_node,
                      const char *base_node, bool has_backing_file,
                      const char *backing_file, bool has_bottom,
                      const char *bottom, bool has_speed, int64_t speed,
                      bool has_on_error, BlockdevOnError on_error,
                      bool has_filter_node_name, const char *filter_node_name,
                      bool has_auto_finalize, bool auto_finalize,
                      bool has_auto_dismiss, bool auto_dismiss, Error **errp)
{
    BlockDriverState *bs = blockdev_lookup_bs(device, device, errp);
    BlockDriverState *base_bs = NULL;

    if (!bs) {
        return;
    }
    if (has_base && has_base_node) {
        error_setg(errp, "'base' and 'base-node' cannot be specified at the "
                   "same time");
        return;
    }
    if (has_base) {
        base_bs = bdrv_find_backing_image(bs, base);
        if (!base_bs) {
            error_setg(errp, "Can't find '%s' in the backing chain", base);
            return;
        }
    }
    if (has_base_node) {
        base_bs = blockdev_lookup_bs(NULL, base_node, errp);
        if (!base_bs) {
            return;
        }
        BlockDriverState *b = bs->backing;
        while (b && b != base_bs) {
            b = b->backing;
        }
        if (!b) {
            error_setg(errp, "Node '%s' is not a backing image of '%s'",
                       base_node, device);
            return;
        }
    }
    if (bs->read_only) {
        error_setg(errp, "Block node is read-only");
        return;
    }
    BlockJobOptions o = block_job_options(has_job_id, job_id, has_speed,
                                          speed, has_auto_finalize,
                                          auto_finalize, has_auto_dismiss,
                                          auto_dismiss, has_on_error, on_error,
                                          has_on_error, on_error);
    BlockJob *job = block_job_create_with(&stream_job_driver, &o, bs, errp);
    if (!job) {
        return;
    }
    StreamJob *s = g_new0(StreamJob, 1);
    s->top = bs;
    s->base = base_bs;
    s->buf = g_malloc(STREAM_CHUNK);
    job->opaque = s;
    /* Nothing to stream: QEMU reports a zero-length job. */
    job->len = bs->backing != base_bs ? bdrv_getlength(bs) : 0;
    for (BlockDriverState *b = bs->backing; b && b != base_bs;
         b = b->backing) {
        block_job_hold_node(job, b);
    }
    block_job_start(job);
}
